"""The route table: every URL protector-api serves, and its handler."""

import routes
import webob.dec

from protector.api import endpoint
from protector.api.handlers import actions
from protector.api.handlers import health
from protector.api.handlers import members
from protector.api.handlers import operations
from protector.api.handlers import plans
from protector.api.handlers import policies
from protector.api.handlers import protection_groups as groups
from protector.api.handlers import root
from protector.api.handlers import sites
from protector.api.handlers import sync
from protector.api.handlers import tenant_mappings
from protector.api import microversion
from protector.api import validation
from protector.common import exception

_PG = '/v1/{project_id}/protection-groups/{pg}'
# The peer site's metadata sync (admin only); see app.BodySizeLimit.
PEER_PREFIX = '/v1/admin/sync/'

ROUTES = {
    '/': {'GET': root.versions},
    '/v1': {'GET': root.v1},
    '/v1/': {'GET': root.v1},
    '/openapi.json': {'GET': root.openapi_description},
    '/v1/admin/sites': {'GET': sites.index, 'POST': sites.create},
    '/v1/admin/sites/{site}': {'GET': sites.show, 'PUT': sites.update,
                               'DELETE': sites.delete},
    '/v1/admin/sites/{site}/validate': {'POST': sites.validate},
    '/v1/admin/sites/{site}/volume-types': {'GET': sites.volume_types},
    '/v1/admin/tenant-mappings': {'GET': tenant_mappings.index,
                                  'POST': tenant_mappings.create},
    '/v1/admin/tenant-mappings/{mapping_id}': {
        'GET': tenant_mappings.show, 'DELETE': tenant_mappings.delete},
    PEER_PREFIX + 'protection-groups': {'GET': sync.index},
    PEER_PREFIX + 'protection-groups/{pg_id}': {
        'GET': sync.show, 'PUT': sync.update, 'DELETE': sync.delete},
    PEER_PREFIX + 'protection-groups/{pg_id}/reserve': {
        'POST': sync.reserve},
    PEER_PREFIX + 'protection-groups/{pg_id}/release': {
        'POST': sync.release},
    PEER_PREFIX + 'protection-groups/{pg_id}/push-back': {
        'POST': sync.push_back},
    '/v1/{project_id}/protection-groups': {'GET': groups.index,
                                           'POST': groups.create},
    _PG: {'GET': groups.show, 'PUT': groups.update, 'DELETE': groups.delete},
    _PG + '/sync-status': {'GET': groups.sync_status},
    _PG + '/sync-force': {'POST': groups.sync_force},
    _PG + '/members': {'GET': members.index, 'POST': members.create},
    _PG + '/members/{member}': {'GET': members.show,
                                'DELETE': members.delete},
    _PG + '/policy': {'GET': policies.show, 'POST': policies.create,
                      'PUT': policies.update},
    _PG + '/mappings': {'GET': groups.mappings_show,
                        'PUT': groups.mappings_update},
    _PG + '/plan': {'GET': plans.show, 'PUT': plans.update},
    '/v1/{project_id}/operations': {'GET': operations.index},
    '/v1/{project_id}/operations/{operation_id}': {'GET': operations.show},
    # Microversion 1.1: DR operations.
    _PG + '/action': {'POST': actions.action},
    _PG + '/recovery-points': {'GET': actions.recovery_points},
    _PG + '/consistency-group': {'GET': actions.consistency_group},
    '/v1/{project_id}/operations/{operation_id}/cancel': {
        'POST': operations.cancel},
    '/v1/{project_id}/operations/{operation_id}/cleanup': {
        'POST': operations.cleanup},
    # Microversion 1.2: protection health.
    _PG + '/health': {'GET': health.show},
    _PG + '/health/history': {'GET': health.history},
    '/v1/admin/health': {'GET': health.summary},
}

# Paths answered without a token.
PUBLIC_PATHS = ('/', '/v1', '/v1/', '/openapi.json')


def parameter_at(segments, index):
    """The name of the parameter at ``segments[index]`` of a path.

    ``segments`` is the path split at '/'; None when no route has a
    parameter there.
    """
    for template in ROUTES:
        parts = template.split('/')
        if len(parts) != len(segments) or not parts[index].startswith('{'):
            continue
        pairs = enumerate(zip(parts, segments))
        if all(part.startswith('{') or part == segment
               for position, (part, segment) in pairs if position != index):
            return parts[index][1:-1]
    return None


def _text(value):
    """A path parameter as text.

    The server gives its UTF-8 bytes as latin-1; url_text checked them.
    """
    try:
        return value.encode('latin-1').decode('utf-8')
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _mapper():
    mapper = routes.Mapper()
    for path in ROUTES:
        mapper.connect(path, route=path)
    return mapper


class Router(object):
    """Dispatch a request to the handler of its path and method."""

    def __init__(self):
        self.mapper = _mapper()

    @webob.dec.wsgify
    def __call__(self, req):
        match = self.mapper.match(environ=req.environ)
        if match is None:
            raise exception.NotFound(kind='Resource',
                                     ident=exception.excerpt(req.path, 200))
        methods = ROUTES[match.pop('route')]
        handler = methods.get(req.method)
        if handler is None:
            raise exception.MethodNotAllowed(
                method=exception.excerpt(req.method, 16),
                path=exception.excerpt(req.path, 200),
                allowed=', '.join(sorted(methods)))
        declared = endpoint.of(handler)
        microversion.require(req, declared.version)
        validation.check_query(declared.query, req.GET)
        req.environ['protector.endpoint'] = declared
        req.urlvars = {name: _text(value) for name, value in match.items()}
        return handler(req)
