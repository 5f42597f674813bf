"""WSGI entry point for uwsgi or mod_wsgi: ``protector-api-wsgi``."""

from protector.api import app
from protector.common import service


def init_application():
    service.prepare(argv=[])
    service.log_options()
    return app.build()
