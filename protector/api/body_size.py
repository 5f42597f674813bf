"""How large a request body may be, and chunked bodies read whole.

Every request body is at most ``[oslo_middleware] max_request_body_size``
bytes, except what the peer site pushes to ``/v1/admin/sync/``: a whole
protection group at once, for a group of a hundred servers far larger
than any tenant request, limited by ``[api] max_peer_document_size``.

A body sent chunked (no Content-Length) is read here, up to the limit, so
that the handlers see it like any other; a larger one is refused with
413 before it is read further.
"""

from oslo_middleware import opts as middleware_opts
import webob

from protector.api import router
from protector.common import exception

# A chunk-size line or a trailer line longer than this is not HTTP.
_LINE = 1024
_TRAILERS = 64


def _limit(conf, path):
    if path.startswith(router.PEER_PREFIX):
        return (conf.api.max_peer_document_size,
                '[api] max_peer_document_size', 'protection group document',
                '; raise it on both sites')
    return (conf.oslo_middleware.max_request_body_size,
            '[oslo_middleware] max_request_body_size', 'request body', '')


def _too_large(limit, option, what, hint, length=None):
    size = ' (%d bytes)' % length if length is not None else ''
    return exception.TooLarge(
        reason='The %s%s is larger than %s (%d bytes) on this site%s.'
               % (what, size, option, limit, hint))


def _malformed(detail):
    return exception.BadRequest(
        'The chunked request body is malformed (%s); send it with a '
        'Content-Length instead.' % detail)


def _chunk_size(stream):
    line = stream.readline(_LINE)
    if not line.endswith(b'\n'):
        raise _malformed('a chunk size line is missing or too long')
    try:
        size = int(line.split(b';', 1)[0].strip(), 16)
    except ValueError:
        raise _malformed('a chunk size is not a hexadecimal number')
    if size < 0:
        raise _malformed('a chunk size is negative')
    return size


def _dechunk(stream, too_large, limit):
    """The body of a chunked request whose framing the server left in."""
    body = bytearray()
    while True:
        size = _chunk_size(stream)
        if size == 0:
            for _ in range(_TRAILERS):
                if stream.readline(_LINE) in (b'\r\n', b'\n', b''):
                    return bytes(body)
            raise _malformed('too many trailer lines')
        if len(body) + size > limit:
            raise too_large
        chunk = stream.read(size)
        if len(chunk) != size:
            raise _malformed('a chunk is shorter than its size')
        body += chunk
        if stream.readline(_LINE) not in (b'\r\n', b'\n'):
            raise _malformed('a chunk does not end with CRLF')


def _read_to_end(stream, too_large, limit):
    """The body of a chunked request the server decoded already."""
    body = bytearray()
    while True:
        data = stream.read(min(65536, limit + 1 - len(body)))
        if not data:
            return bytes(body)
        body += data
        if len(body) > limit:
            raise too_large


def _chunked(environ):
    return 'chunked' in environ.get('HTTP_TRANSFER_ENCODING', '').lower()


class BodySizeLimit(object):
    """413 for a body over its limit; a chunked body read in full."""

    def __init__(self, application, conf):
        self.application = application
        self.conf = conf
        for group, opts in middleware_opts.list_opts_sizelimit():
            conf.register_opts(opts, group=group)

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        limit, option, what, hint = _limit(self.conf,
                                           environ.get('PATH_INFO', ''))
        length = req.content_length
        if length is not None and length > limit:
            raise _too_large(limit, option, what, hint, length)
        if length is None and _chunked(environ):
            too_large = _too_large(limit, option, what, hint)
            read = (_read_to_end if environ.get('wsgi.input_terminated')
                    else _dechunk)
            req.body = read(environ['wsgi.input'], too_large, limit)
            # The body now has a Content-Length and no framing.
            del environ['HTTP_TRANSFER_ENCODING']
        return self.application(environ, start_response)
