"""Paths and query strings must be UTF-8 text without control characters.

The server hands the path over percent-decoded, as bytes in a latin-1
string (PEP 3333), and the query string as it came.  Anything that reads
them as text (webob, the router, a log line) would fail on bytes that are
not UTF-8, so they are checked once, first, and refused with a 400 that
names the parameter.  A control character (NUL, a newline) is no part of
any name or id either, and must reach neither the database nor a log.
"""

import unicodedata
import urllib.parse

from protector.api import router
from protector.common import exception


def _problem(raw):
    """What is wrong with one percent-decoded parameter, or None."""
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError:
        return ('it is not UTF-8 text (%s); send names and ids as '
                'percent-encoded UTF-8'
                % exception.excerpt(raw.decode('latin-1')))
    if any(unicodedata.category(char) == 'Cc' for char in text):
        return ('it holds a control character (%s), which no name or id '
                'may hold' % exception.excerpt(text))
    return None


def _latin1(text):
    try:
        return text.encode('latin-1')
    except UnicodeEncodeError:
        # Not from a server: a test or a middleware gave text already.
        return text.encode('utf-8', 'surrogatepass')


def check_path(path):
    segments = _latin1(path).split(b'/')
    for index, segment in enumerate(segments):
        problem = _problem(segment)
        if problem:
            name = router.parameter_at(
                [s.decode('latin-1') for s in segments], index)
            raise exception.BadRequest(
                "Invalid path parameter '%s': %s." % (
                    name or 'segment %d' % index, problem))


def check_query(query):
    for pair in _latin1(query).split(b'&'):
        name, _, value = pair.partition(b'=')
        name = urllib.parse.unquote_to_bytes(name.replace(b'+', b' '))
        value = urllib.parse.unquote_to_bytes(value.replace(b'+', b' '))
        problem = _problem(name)
        if problem:
            raise exception.BadRequest(
                'Invalid query parameter name: %s.' % problem)
        problem = _problem(value)
        if problem:
            raise exception.BadRequest(
                "Invalid query parameter '%s': %s." % (
                    exception.excerpt(name.decode('utf-8')), problem))


class URLText(object):
    """Refuse a path or query that is not UTF-8 text, naming the part."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        check_path(environ.get('PATH_INFO', ''))
        check_query(environ.get('QUERY_STRING', ''))
        return self.application(environ, start_response)
