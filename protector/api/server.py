"""The built-in HTTP server of the ``protector-api`` console script.

Meant for development and tests; production runs the WSGI module
``protector.wsgi.api`` under uWSGI (or mod_wsgi, gunicorn).

The standard library's server listens with an accept queue of 5 and
starts a thread per connection, so a burst of clients gets connection
resets.  This one listens with an accept queue of ``[api] backlog``
connections and serves them with a fixed pool of ``[api] workers``
threads: a burst waits in the kernel's queue, then in the pool's, and
every client gets its answer.
"""

import concurrent.futures
from wsgiref import simple_server

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

# A connection that sends nothing for this long is dropped, so that idle
# clients cannot hold every thread of the pool.
CLIENT_TIMEOUT = 60


class _RequestHandler(simple_server.WSGIRequestHandler):
    """One request per connection (HTTP/1.0), access lines at debug."""

    timeout = CLIENT_TIMEOUT

    def log_message(self, fmt, *args):
        LOG.debug('%s - %s', self.address_string(), fmt % args)


class PooledWSGIServer(simple_server.WSGIServer):
    """A WSGI server with a deep accept queue and a bounded thread pool."""

    allow_reuse_address = True

    def __init__(self, host, port, application, workers, backlog):
        # TCPServer.server_activate() passes it to listen(2); the kernel
        # caps it at net.core.somaxconn.
        self.request_queue_size = backlog
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix='protector-api')
        super().__init__((host, port), _RequestHandler)
        self.set_app(application)

    def process_request(self, request, client_address):
        self._pool.submit(self._serve, request, client_address)

    def _serve(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception as exc:
            LOG.warning('Connection from %(client)s failed: %(error)s',
                        {'client': client_address[0], 'error': exc})
        finally:
            self.shutdown_request(request)

    def server_close(self):
        super().server_close()
        self._pool.shutdown(wait=False, cancel_futures=True)
