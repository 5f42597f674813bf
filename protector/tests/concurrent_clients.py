"""Many clients at once against a protector-api, and what each one saw.

``run``: each client is a keystoneauth session of its own holding a real
token, as an OpenStack client or the peer site's engine would be.  All
clients start together (a barrier), then each sends its share of requests
one after the other; every answer and every exception is kept.

``Burst`` and ``wait_for_queue``: a burst of clients that arrives while
the server accepts none (its processes paused) must wait in the kernel's
accept queue, then be answered.
"""

import collections
import concurrent.futures
import errno
import http.client
import selectors
import socket
import statistics
import threading
import time

from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint


class Figures(object):
    """What a run of concurrent clients measured."""

    def __init__(self, clients):
        self.clients = clients
        self.statuses = collections.Counter()
        self.errors = collections.Counter()
        self.seconds = []
        self.not_2xx = []
        self._lock = threading.Lock()

    def record(self, seconds, status=None, url=None, error=None):
        with self._lock:
            self.seconds.append(seconds)
            if error is not None:
                self.errors['%s: %s' % (type(error).__name__,
                                        str(error)[:200])] += 1
                return
            self.statuses[status] += 1
            if not 200 <= status < 300:
                self.not_2xx.append('%d %s' % (status, url))

    @property
    def requests(self):
        return len(self.seconds)

    def percentile(self, share):
        if len(self.seconds) < 2:
            return self.seconds[0] if self.seconds else 0.0
        return statistics.quantiles(self.seconds, n=100,
                                    method='inclusive')[share - 1]

    def __str__(self):
        return ('%d clients, %d requests, %d connection errors, %d not 2xx, '
                'p50 %.0f ms, p99 %.0f ms, max %.0f ms' % (
                    self.clients, self.requests, sum(self.errors.values()),
                    len(self.not_2xx), self.percentile(50) * 1000,
                    self.percentile(99) * 1000, max(self.seconds) * 1000))


def run(endpoint, clients, requests_per_client=20):
    """Every client GETs its paths in turn, all clients at once.

    ``clients`` is a list of ``(token, paths)``, one per client.  Returns
    the Figures.
    """
    figures = Figures(len(clients))
    start = threading.Barrier(len(clients))

    def client(index, token, paths):
        session = ks_session.Session(
            auth=token_endpoint.Token(endpoint, token), timeout=60)
        start.wait()
        for number in range(requests_per_client):
            path = paths[(index + number) % len(paths)]
            began = time.monotonic()
            try:
                response = session.get(endpoint.rstrip('/') + path,
                                       raise_exc=False)
            except Exception as exc:
                figures.record(time.monotonic() - began, error=exc)
            else:
                figures.record(time.monotonic() - began,
                               status=response.status_code, url=path)

    threads = [threading.Thread(target=client, args=(index, token, paths),
                                daemon=True)
               for index, (token, paths) in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return figures


class Burst(object):
    """``count`` clients connecting at once, each sending one GET.

    Each connection sends its request as soon as it is established (a
    server may accept a connection only once data arrives: uWSGI sets
    TCP_DEFER_ACCEPT).  ``statuses()`` reads every answer.
    """

    def __init__(self, host, port, path, token, count):
        self.host = host
        self.request = ('GET %s HTTP/1.1\r\nHost: %s\r\nX-Auth-Token: %s\r\n'
                        'Connection: close\r\n\r\n'
                        % (path, host, token)).encode()
        self.unsent = []
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            code = sock.connect_ex((host, port))
            if code not in (0, errno.EINPROGRESS):
                raise OSError(code, 'connect to %s:%d' % (host, port))
            self.unsent.append(sock)
        self.sent = []

    def send(self, wait):
        """Send the requests of the connections established within wait."""
        deadline = time.monotonic() + wait
        with selectors.DefaultSelector() as selector:
            for sock in self.unsent:
                selector.register(sock, selectors.EVENT_WRITE)
            while self.unsent and time.monotonic() < deadline:
                for key, _events in selector.select(
                        max(0.0, deadline - time.monotonic())):
                    sock = key.fileobj
                    selector.unregister(sock)
                    error = sock.getsockopt(socket.SOL_SOCKET,
                                            socket.SO_ERROR)
                    if error:
                        raise OSError(error, 'connect to %s' % self.host)
                    sock.send(self.request)
                    self.unsent.remove(sock)
                    self.sent.append(sock)

    def statuses(self, timeout=60):
        """The HTTP status of every answer (after sending what is left)."""
        self.send(timeout)
        if self.unsent:
            raise TimeoutError('%d connections to %s not established'
                               % (len(self.unsent), self.host))
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            return list(pool.map(lambda sock: _status(sock, timeout),
                                 self.sent))


def _status(sock, timeout):
    sock.setblocking(True)
    sock.settimeout(timeout)
    response = http.client.HTTPResponse(sock)
    try:
        response.begin()
        response.read()
        return response.status
    finally:
        response.close()
        sock.close()


def accept_queue(port):
    """Connections waiting in the accept queue of the server on ``port``.

    The kernel shows it as the receive queue of the listening socket.
    """
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                local_port = int(fields[1].rsplit(':', 1)[1], 16)
                if local_port == port and fields[3] == '0A':  # LISTEN
                    return int(fields[4].split(':')[1], 16)
    raise LookupError('nothing listens on port %d' % port)


def wait_for_queue(port, count, wait=2.0):
    """The accept queue of ``port``, once it holds ``count`` connections.

    Or after ``wait`` seconds: beyond the listen backlog the kernel drops
    connections (the client retries after one second, then three...).
    """
    deadline = time.monotonic() + wait
    while True:
        queued = accept_queue(port)
        if queued >= count or time.monotonic() > deadline:
            return queued
        time.sleep(0.05)
