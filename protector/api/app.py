"""The WSGI application of protector-api and its middleware."""

from keystonemiddleware import auth_token
from oslo_config import cfg
from oslo_log import log as logging
from oslo_middleware import request_id
from oslo_middleware import sizelimit
import webob.dec

from protector.api import microversion
from protector.api import router
from protector.api import util
from protector.common import context as protector_context
from protector.common import exception

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


class FaultWrapper(object):
    """Turn every error into a JSON body; never show a traceback."""

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        try:
            return req.get_response(self.application)
        except exception.ProtectorException as exc:
            if exc.code >= 500:
                LOG.error('%s %s failed: %s', req.method, req.path, exc)
            return util.json_response(util.error_body(exc), exc.code)
        except Exception:
            LOG.exception('Unexpected error in %s %s', req.method, req.path)
            return util.json_response(util.error_body(
                exception.ProtectorException(
                    'An unexpected error occurred; the protector-api log '
                    'has the details (request %s).'
                    % req.environ.get('openstack.request_id'))), 500)


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


class BodySizeLimit(object):
    """oslo.middleware's body size limit, but the peer's own for its sync.

    The peer pushes a whole protection group at once, which for a group
    of a hundred servers is far larger than any tenant request.
    """

    def __init__(self, application, conf):
        self.application = application
        self.limited = sizelimit.RequestBodySizeLimiter(application, conf)
        self.conf = conf

    @webob.dec.wsgify
    def __call__(self, req):
        if not req.path_info.startswith(router.PEER_PREFIX):
            return req.get_response(self.limited)
        limit = self.conf.api.max_peer_document_size
        if req.content_length is not None and req.content_length > limit:
            error = exception.TooLarge(
                reason='The protection group document (%d bytes) is larger '
                       'than [api] max_peer_document_size (%d bytes) on '
                       'this site; raise it on both sites.'
                       % (req.content_length, limit))
            return util.json_response(util.error_body(error), error.code)
        if req.content_length is None:
            req.body_file = sizelimit.LimitingReader(req.body_file, limit)
        return req.get_response(self.application)


def build(conf=CONF, auth=_auth):
    """Assemble the middleware around the router.

    ``auth`` wraps the authenticated part; tests pass their own.
    """
    routed = router.Router()
    protected = auth(ContextMiddleware(routed))
    application = PublicPaths(routed, protected)
    application = Microversion(application)
    application = FaultWrapper(application)
    application = BodySizeLimit(application, conf)
    application = request_id.RequestId(application)
    return application
