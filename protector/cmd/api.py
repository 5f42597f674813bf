"""protector-api: serve the REST API (default port 8788)."""

import socketserver
import sys
from wsgiref import simple_server

from oslo_log import log as logging

from protector.api import app
from protector.common import service

CONF = service.CONF
LOG = logging.getLogger(__name__)


class _ThreadingServer(socketserver.ThreadingMixIn,
                       simple_server.WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, fmt, *args):
        LOG.debug('%s - %s', self.address_string(), fmt % args)


def main():
    service.prepare()
    service.log_options()
    application = app.build()
    server = simple_server.make_server(
        CONF.api.bind_host, CONF.api.bind_port, application,
        server_class=_ThreadingServer, handler_class=_QuietHandler)
    LOG.info('protector-api of site %(site)s listening on %(host)s:%(port)d',
             {'site': CONF.site_name, 'host': CONF.api.bind_host,
              'port': CONF.api.bind_port})
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
