"""/v1/{project_id}/protection-groups and their sync status."""

from protector.api import endpoint
from protector.api import local_flag
from protector.api import microversion
from protector.api import pagination
from protector.api.schemas import protection_groups as schema
from protector.api import util
from protector.api import views
from protector.common import exception
from protector.common import group_states
from protector.common import rpcapi
from protector.db import api as db
from protector import policy


def authorize(req, action):
    """Authorize ``action`` on the path's project; return the context."""
    ctx = util.context(req)
    policy.authorize(ctx, action, {'project_id': req.urlvars['project_id']})
    return ctx


def get_group(req, ctx):
    return db.group_get(ctx, req.urlvars['pg'],
                        project_id=req.urlvars['project_id'])


def _view(req, group):
    return views.protection_group(group, microversion.of(req))


def _show(req, ctx, group_id, status=200):
    group = db.group_get(ctx, group_id)
    return util.json_response({'protection_group': _view(req, group)},
                              status)


@endpoint.declare(status=201, body=schema.create)
def create(req):
    """Create a protection group."""
    ctx = authorize(req, 'protector:protection_groups:create')
    values = util.body(req)['protection_group']
    primary = db.site_get(ctx, values.pop('primary_site'))
    secondary = db.site_get(ctx, values.pop('secondary_site'))
    if primary.id == secondary.id:
        raise exception.BadRequest(
            "primary_site and secondary_site are both '%s'; a protection "
            "group needs two different sites." % primary.name)
    values.setdefault('secondary_volume_type', values['volume_type'])
    values.setdefault('description', '')
    values.update({
        'project_id': req.urlvars['project_id'],
        'primary_site_id': primary.id, 'secondary_site_id': secondary.id,
        'current_primary_site_id': primary.id,
        'status': group_states.INITIAL,
        'failover_count': 0, 'metadata_version': 1,
        'consistency_groups': {}, 'mappings': {}, 'subnets': {},
    })
    group_id = rpcapi.EngineAPI().group_create(ctx, values=values)
    return _show(req, ctx, group_id, 201)


@endpoint.declare(query=pagination.query(
    ('created_at', 'updated_at', 'name', 'status', 'id'),
    'created_at, oldest first',
    all_projects={'type': 'boolean',
                  'title': 'The groups of every project (administrators).'}))
def index(req):
    """List the protection groups of a project."""
    ctx = authorize(req, 'protector:protection_groups:index')
    project_id = req.urlvars['project_id']
    if util.bool_param(req, 'all_projects'):
        policy.authorize(ctx, 'protector:protection_groups:index:'
                              'all_projects')
        project_id = None
    page = pagination.requested(req)
    groups = page.fetch(db.group_list, ctx, project_id=project_id)
    return util.json_response(page.body(req, 'protection_groups', [
        _view(req, g) for g in groups]))


def show(req):
    """Show a protection group."""
    ctx = authorize(req, 'protector:protection_groups:show')
    return util.json_response(
        {'protection_group': _view(req, get_group(req, ctx))})


@endpoint.declare(body=schema.update)
def update(req):
    """Rename a protection group or change its description."""
    ctx = authorize(req, 'protector:protection_groups:update')
    try:
        values = util.body(req)['protection_group']
    except exception.BadRequest:
        if 'replication_type' in util.loose_json(req, 'protection_group'):
            raise exception.BadRequest(
                'replication_type cannot be changed after the protection '
                'group is created; create a new group with the other type '
                'and move the servers to it.')
        raise
    group = get_group(req, ctx)
    rpcapi.EngineAPI().group_update(ctx, group_id=group.id, values=values)
    return _show(req, ctx, group.id)


@endpoint.declare(status=204)
def delete(req):
    """Delete a protection group on both sites."""
    ctx = authorize(req, 'protector:protection_groups:delete')
    group = get_group(req, ctx)
    rpcapi.EngineAPI().group_delete(ctx, group_id=group.id)
    return util.json_response(None, 204)


def sync_status(req):
    """Compare the metadata of a group on both sites."""
    ctx = authorize(req, 'protector:protection_groups:show')
    group = get_group(req, ctx)
    result = rpcapi.EngineAPI().sync_status(ctx, group_id=group.id)
    return util.json_response({'sync_status': local_flag.sync_status(
        req, result)})


@endpoint.declare(body=schema.sync_force, body_optional=True)
def sync_force(req):
    """Make both sites hold the same copy of a group."""
    ctx = authorize(req, 'protector:protection_groups:sync_force')
    body = util.body(req)
    source = body.get('sync_force', {}).get('source', 'auto')
    group = get_group(req, ctx)
    result = rpcapi.EngineAPI().sync_force(ctx, group_id=group.id,
                                           source=source)
    return util.json_response({'sync_status': local_flag.sync_status(
        req, result)})


def mappings_show(req):
    """Show the resource mappings of a group."""
    ctx = authorize(req, 'protector:protection_groups:show')
    return util.json_response({'mappings': views.mappings(
        get_group(req, ctx))})


@endpoint.declare(body=schema.mappings)
def mappings_update(req):
    """Set the resource mappings of one or both directions."""
    ctx = authorize(req, 'protector:protection_groups:update')
    body = util.body(req)
    group = get_group(req, ctx)
    stored = views.mappings(group)
    stored.update(body['mappings'])
    rpcapi.EngineAPI().mappings_set(ctx, group_id=group.id, mappings=stored,
                                    local=local_flag.requested(body))
    return util.json_response(local_flag.answer(
        req, {'mappings': views.mappings(db.group_get(ctx, group.id))},
        ctx, group.id))
