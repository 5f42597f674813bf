"""protector-api: serve the REST API (default port 8788).

The built-in server, for development; production runs the WSGI module
``protector.wsgi.api`` under uWSGI (see the installation guide).
"""

import sys

from oslo_log import log as logging

from protector.api import app
from protector.api import server
from protector.common import service

CONF = service.CONF
LOG = logging.getLogger(__name__)


def main():
    service.prepare()
    service.log_options()
    httpd = server.PooledWSGIServer(
        CONF.api.bind_host, CONF.api.bind_port, app.build(),
        workers=CONF.api.workers, backlog=CONF.api.backlog)
    LOG.info('protector-api of site %(site)s listening on %(host)s:%(port)d '
             '(%(workers)d threads, backlog %(backlog)d)',
             {'site': CONF.site_name, 'host': CONF.api.bind_host,
              'port': CONF.api.bind_port, 'workers': CONF.api.workers,
              'backlog': CONF.api.backlog})
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
