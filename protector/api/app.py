"""The WSGI application of protector-api and its middleware."""

from keystonemiddleware import auth_token
from oslo_config import cfg
from oslo_log import log as logging
from oslo_middleware import request_id
from oslo_serialization import jsonutils
import webob.dec
import webob.exc

from protector.api import body_size
from protector.api import microversion
from protector.api import router
from protector.api import url_text
from protector.api import util
from protector.common import context as protector_context
from protector.common import exception

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


def _error_class(status):
    """The typed error that stands for an HTTP status."""
    for cls in (exception.BadRequest, exception.NotAuthenticated,
                exception.Forbidden, exception.NotFound,
                exception.MethodNotAllowed, exception.NotAcceptable,
                exception.Conflict, exception.TooLarge,
                exception.BadGateway, exception.ServiceUnavailable):
        if cls.code == status:
            return cls
    return exception.BadRequest if status < 500 else \
        exception.ProtectorException


def _is_error_body(response):
    try:
        error = jsonutils.loads(response.body)['error']
        return all(key in error for key in ('code', 'title', 'error_code',
                                            'message'))
    except (ValueError, TypeError, KeyError):
        return False


def _message_of(response):
    """What a middleware said in an error of its own making."""
    try:
        body = jsonutils.loads(response.body)
    except ValueError:
        body = None
    if isinstance(body, dict):
        error = body.get('error') if isinstance(body.get('error'),
                                                dict) else body
        if isinstance(error.get('message'), str):
            return error['message']
    text = response.body.decode('utf-8', 'replace').strip()
    if text and not text.startswith('<'):
        return exception.excerpt(text.splitlines()[-1], 300)
    return 'HTTP %s.' % response.status


def _as_error(response):
    """An error answer of a middleware in protector's JSON shape."""
    cls = _error_class(response.status_int)
    error = cls(_message_of(response))
    rewritten = util.json_response(util.error_body(error),
                                   response.status_int)
    rewritten.status = response.status
    for name in ('WWW-Authenticate', 'Allow', 'Retry-After'):
        if name in response.headers:
            rewritten.headers[name] = response.headers[name]
    return rewritten


class FaultWrapper(object):
    """Every error, raised or answered by any middleware, as JSON.

    The body is ``{"error": {"code", "title", "error_code", "message"}}``
    and never shows a traceback.  This is the outermost layer but for the
    request id, so that every answer carries that id.
    """

    def __init__(self, application):
        self.application = application

    @staticmethod
    def _where(req):
        return '%s %s' % (exception.excerpt(req.method, 16),
                          exception.excerpt(req.environ.get('PATH_INFO', ''),
                                            200))

    def _unexpected(self, req):
        LOG.exception('Unexpected error in %s', self._where(req))
        return util.json_response(util.error_body(
            exception.ProtectorException(
                'An unexpected error occurred; the protector-api log '
                'has the details (request %s).'
                % req.environ.get('openstack.request_id'))), 500)

    @webob.dec.wsgify
    def __call__(self, req):
        try:
            response = req.get_response(self.application)
        except exception.ProtectorException as exc:
            if exc.code >= 500:
                LOG.error('%s failed: %s', self._where(req), exc)
            response = util.json_response(util.error_body(exc), exc.code)
            if isinstance(exc, exception.MethodNotAllowed):
                response.headers['Allow'] = exc.kwargs['allowed']
            return response
        except webob.exc.HTTPException as exc:
            return _as_error(exc)
        except Exception:
            return self._unexpected(req)
        if response.status_int >= 400 and req.method != 'HEAD' and \
                not _is_error_body(response):
            return _as_error(response)
        return response


class Microversion(object):
    """Read the requested version and echo it in every answer."""

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        version = microversion.from_headers(req.headers)
        req.environ['protector.api_version'] = version
        response = req.get_response(self.application)
        response.headers[microversion.HEADER] = '%s %s' % (
            microversion.SERVICE_TYPE, microversion.as_string(version))
        response.headers.add('Vary', microversion.HEADER)
        return response


class ContextMiddleware(object):
    """Build the request context from what the auth middleware set."""

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        if req.environ.get('HTTP_X_IDENTITY_STATUS', 'Confirmed') != \
                'Confirmed':
            raise exception.NotAuthenticated()
        req.environ['protector.context'] = \
            protector_context.RequestContext.from_environ(req.environ)
        return req.get_response(self.application)


class NoAuth(object):
    """Development only: every request is an admin of X-Project-Id."""

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        project_id = req.headers.get('X-Project-Id', 'admin')
        req.environ.update({
            'HTTP_X_IDENTITY_STATUS': 'Confirmed',
            'HTTP_X_USER_ID': req.headers.get('X-User-Id', 'admin'),
            'HTTP_X_PROJECT_ID': project_id,
            'HTTP_X_ROLES': 'admin,member,reader',
        })
        return req.get_response(self.application)


class PublicPaths(object):
    """Version discovery is answered without authentication."""

    def __init__(self, public, protected):
        self.public = public
        self.protected = protected

    def __call__(self, environ, start_response):
        if environ.get('PATH_INFO', '/') in router.PUBLIC_PATHS:
            return self.public(environ, start_response)
        return self.protected(environ, start_response)


def _auth(application):
    if CONF.auth_strategy == 'noauth':
        for line in ('*' * 70,
                     'auth_strategy = noauth: protector-api accepts EVERY '
                     'request',
                     'as an administrator, without a token. Use it only '
                     'for local',
                     'development, never on a reachable network.',
                     '*' * 70):
            LOG.warning(line)
        return NoAuth(application)
    return auth_token.AuthProtocol(application, {'oslo_config_config':
                                                 CONF})


def build(conf=CONF, auth=_auth):
    """Assemble the middleware around the router.

    ``auth`` wraps the authenticated part; tests pass their own.
    """
    routed = router.Router()
    protected = auth(ContextMiddleware(routed))
    application = PublicPaths(routed, protected)
    application = Microversion(application)
    application = body_size.BodySizeLimit(application, conf)
    application = url_text.URLText(application)
    application = FaultWrapper(application)
    application = request_id.RequestId(application)
    return application
