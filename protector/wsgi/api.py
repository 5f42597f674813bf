"""WSGI module for uwsgi, gunicorn or mod_wsgi.

    uwsgi --ini /etc/protector/protector-api-uwsgi.ini

The configuration is read from the usual places (/etc/protector/
protector.conf), or from the files named in $PROTECTOR_CONFIG_FILES,
separated by commas.  With ``log_dir`` and no ``log_file``, the log is
``<log_dir>/protector-api.log``, as with the console script.
"""

import os

from protector.api import app
from protector.common import service


def init_application():
    files = os.environ.get('PROTECTOR_CONFIG_FILES')
    service.prepare(argv=[], default_config_files=(
        files.split(',') if files else None), program='protector-api')
    service.log_options()
    return app.build()


application = init_application()
