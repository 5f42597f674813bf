"""Many clients at once against a protector-api, and what each one saw.

``run``: each client is a keystoneauth session of its own holding a real
token, as an OpenStack client or the peer site's engine would be.  All
clients start together (a barrier), then each sends its share of requests
one after the other; every answer and every exception is kept.

``connect_at_once`` and ``get``: a burst of connections that arrives
while the server accepts none (its processes paused) must wait in the
kernel's accept queue, then be answered.
"""

import collections
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


def connect_at_once(host, port, count, wait=2.0):
    """Open ``count`` connections at once, without waiting for each.

    Returns the sockets and how many of them the kernel accepted into the
    server's queue within ``wait`` seconds.  A connection beyond the
    listen backlog gets no answer to its SYN (the client would retry it
    after one second, then three...): it is not connected when ``wait``
    ends.
    """
    sockets = []
    with selectors.DefaultSelector() as selector:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            code = sock.connect_ex((host, port))
            if code not in (0, errno.EINPROGRESS):
                raise OSError(code, 'connect to %s:%d' % (host, port))
            sockets.append(sock)
            selector.register(sock, selectors.EVENT_WRITE)
        connected = 0
        deadline = time.monotonic() + wait
        while connected < count and time.monotonic() < deadline:
            for key, _events in selector.select(
                    max(0.0, deadline - time.monotonic())):
                selector.unregister(key.fileobj)
                error = key.fileobj.getsockopt(socket.SOL_SOCKET,
                                               socket.SO_ERROR)
                if error:
                    raise OSError(error, 'connect to %s:%d' % (host, port))
                connected += 1
    return sockets, connected


def get(sock, host, path, token, timeout=60):
    """One GET on a connected socket; the HTTP status of the answer."""
    sock.setblocking(True)
    sock.settimeout(timeout)
    sock.sendall(('GET %s HTTP/1.1\r\nHost: %s\r\nX-Auth-Token: %s\r\n'
                  'Connection: close\r\n\r\n'
                  % (path, host, token)).encode())
    response = http.client.HTTPResponse(sock)
    try:
        response.begin()
        response.read()
        return response.status
    finally:
        response.close()
        sock.close()
