"""DR operations on a protection group (microversion 1.1).

``POST .../protection-groups/{pg}/action`` starts one of failover,
failback, test_failover, test_cleanup or sync and answers 202 with the
operation; the engine checks it first (state gates, pre-flight) and
refuses with 409 or 400 before anything changes.
"""

from protector.api import endpoint
from protector.api import microversion
from protector.api.handlers import protection_groups as groups
from protector.api import pagination
from protector.api.schemas import actions as schema
from protector.api import util
from protector.api import views
from protector.common import exception
from protector.common import rpcapi
from protector.db import api as db

VERSION = (1, 1)


@endpoint.declare(status=202, body=schema.action, version=VERSION)
def action(req):
    """Start a DR operation on a protection group."""
    ctx = groups.authorize(req, 'protector:protection_groups:action')
    body = util.body(req)
    if len(body) != 1:
        raise exception.BadRequest(
            'The body must hold exactly one of %s.'
            % ', '.join(sorted(schema.ACTIONS)))
    (name, options), = body.items()
    group = groups.get_group(req, ctx)
    operation_id = rpcapi.EngineAPI().start_operation(
        ctx, group_id=group.id, action=name, options=options)
    operation = db.operation_get(ctx, operation_id)
    return util.json_response(
        {'operation': views.operation(operation, microversion.of(req))},
        202)


@endpoint.declare(version=VERSION, query=pagination.query(
    ('created_at', 'id'), 'created_at, newest first'))
def recovery_points(req):
    """List the replicated snapshots of a group."""
    ctx = groups.authorize(req, 'protector:protection_groups:show')
    page = pagination.requested(req)
    group = groups.get_group(req, ctx)
    points = rpcapi.EngineAPI().list_recovery_points(
        ctx, group_id=group.id)
    return util.json_response(page.body(req, 'recovery_points', page.cut(
        points, 'recovery point', 'created_at', 'desc')))


@endpoint.declare(version=VERSION)
def consistency_group(req):
    """Show the volume groups of a group on both sites."""
    ctx = groups.authorize(req, 'protector:protection_groups:show')
    group = groups.get_group(req, ctx)
    result = rpcapi.EngineAPI().consistency_group(ctx, group_id=group.id)
    return util.json_response({'consistency_group': result})
