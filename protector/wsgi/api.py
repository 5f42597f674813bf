"""WSGI module for uwsgi, gunicorn or mod_wsgi.

    uwsgi --http-socket :8788 --module protector.wsgi.api:application

The configuration is read from the usual places (/etc/protector/
protector.conf), or from the files named in $PROTECTOR_CONFIG_FILES,
separated by commas.
"""

import os

from protector.api import app
from protector.common import service


def init_application():
    files = os.environ.get('PROTECTOR_CONFIG_FILES')
    service.prepare(argv=[], default_config_files=(
        files.split(',') if files else None))
    service.log_options()
    return app.build()


application = init_application()
