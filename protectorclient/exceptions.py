"""Errors raised by the protector client library.

An error answered by protector-api becomes an :class:`HttpError` whose
``str()`` is the server's ``error.message`` (followed by one line per entry
of ``error.problems`` that the message does not already hold, as for a
recovery plan), so the CLI prints what the server said, once.  Its
``error_code`` is the body's stable code (``peer_unreachable``,
``engine_unavailable``, ...; the API reference lists them): code that
decides what to do next branches on it, never on the message.
"""

# Answers that say "try again in a moment": nothing was changed.
TRANSIENT_CODES = ('engine_unavailable', 'service_unavailable')


class ClientException(Exception):
    """Base class of every error raised by protectorclient."""


class EndpointNotFound(ClientException):
    """The service catalog has no protector endpoint."""


class NoProjectScope(ClientException):
    """A tenant call was made without a project to put in the path."""


class HttpError(ClientException):
    """protector-api answered with an HTTP error status."""

    code = None

    def __init__(self, message, code=None, title=None, problems=None,
                 request_id=None, error_code=None):
        self.message = message
        if code is not None:
            self.code = code
        self.title = title
        self.error_code = error_code
        self.problems = list(problems or [])
        self.request_id = request_id
        super().__init__(message)

    def __str__(self):
        return '\n'.join([self.message] + [
            str(p) for p in self.problems if str(p) not in self.message])

    @property
    def transient(self):
        """Whether the same request may succeed if sent again soon."""
        return self.error_code in TRANSIENT_CODES


class BadRequest(HttpError):
    code = 400


class Unauthorized(HttpError):
    code = 401


class Forbidden(HttpError):
    code = 403


class NotFound(HttpError):
    code = 404


class NotAcceptable(HttpError):
    code = 406


class Conflict(HttpError):
    code = 409


class InternalServerError(HttpError):
    code = 500


class ServiceUnavailable(HttpError):
    code = 503


_BY_CODE = {cls.code: cls for cls in (
    BadRequest, Unauthorized, Forbidden, NotFound, NotAcceptable, Conflict,
    InternalServerError, ServiceUnavailable)}


def from_response(response):
    """Build the :class:`HttpError` that matches an error response.

    The body is expected in protector's shape ``{"error": {"code",
    "title", "error_code", "message", "problems"?}}``.  Anything else (a
    proxy's HTML page, an empty body) still gives a one-line message
    naming the status.
    """
    status = response.status_code
    request_id = response.headers.get('x-openstack-request-id')
    error = None
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get('error'), dict):
        error = body['error']
    elif isinstance(body, dict) and isinstance(body.get('message'), str):
        error = body

    error_code = None
    if error is not None and isinstance(error.get('error_code'), str):
        error_code = error['error_code']
    if error is not None and error.get('message'):
        message = str(error['message'])
        title = error.get('title')
        problems = error.get('problems')
        if not isinstance(problems, list):
            problems = []
    else:
        title = response.reason
        problems = []
        text = (response.text or '').strip()
        message = 'HTTP %s %s' % (status, response.reason or '')
        message = message.strip()
        if text and not text.startswith('<') and len(text) <= 500:
            message = '%s: %s' % (message, text)

    cls = _BY_CODE.get(status, HttpError)
    return cls(message, code=status, title=title, problems=problems,
               request_id=request_id, error_code=error_code)
