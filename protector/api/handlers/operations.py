"""/v1/{project_id}/operations: DR operation records; cancel and cleanup
(microversion 1.1)."""

from protector.api import endpoint
from protector.api import microversion
from protector.api.handlers import protection_groups as groups
from protector.api import pagination
from protector.api.schemas import common
from protector.api import util
from protector.api import views
from protector.common import rpcapi
from protector.common import steps
from protector.db import api as db


@endpoint.declare(query=pagination.query(
    ('created_at', 'updated_at', 'status', 'operation_type', 'id'),
    'created_at, newest first',
    protection_group=dict(common.IDENTIFIER, title=(
        'Only the operations of this protection group (name or id).')),
    status={'type': 'string', 'enum': list(steps.STATUSES),
            'title': 'Only the operations in this status.'}))
def index(req):
    """List the DR operations of a project."""
    ctx = groups.authorize(req, 'protector:operations:index')
    project_id = req.urlvars['project_id']
    page = pagination.requested(req)
    group_id = req.GET.get('protection_group')
    if group_id:
        group_id = db.group_get(ctx, group_id, project_id=project_id).id
    operations = page.fetch(db.operation_list, ctx, project_id=project_id,
                            group_id=group_id,
                            status=req.GET.get('status'))
    return util.json_response(page.body(req, 'operations', [
        _view(req, o) for o in operations]))


def _view(req, operation):
    return views.operation(operation, microversion.of(req))


def show(req):
    """Show a DR operation with its steps and members."""
    ctx = groups.authorize(req, 'protector:operations:show')
    operation = db.operation_get(ctx, req.urlvars['operation_id'],
                                 project_id=req.urlvars['project_id'])
    return util.json_response({'operation': _view(req, operation)})


def _act(req, action, method):
    ctx = groups.authorize(req, action)
    operation = db.operation_get(ctx, req.urlvars['operation_id'],
                                 project_id=req.urlvars['project_id'])
    getattr(rpcapi.EngineAPI(), method)(ctx, operation_id=operation.id)
    return util.json_response({'operation': _view(
        req, db.operation_get(ctx, operation.id))}, 202)


@endpoint.declare(status=202, version=(1, 1))
def cancel(req):
    """Cancel a running test failover; what it made is removed."""
    return _act(req, 'protector:operations:cancel', 'cancel_operation')


@endpoint.declare(status=202, version=(1, 1))
def cleanup(req):
    """Run again the cleanup an operation could not finish."""
    return _act(req, 'protector:operations:cleanup', 'cleanup_operation')
