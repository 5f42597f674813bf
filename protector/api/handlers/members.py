"""/v1/{project_id}/protection-groups/{pg}/members: protected servers."""

from protector.api import endpoint
from protector.api.handlers import protection_groups as groups
from protector.api import pagination
from protector.api.schemas import members as schema
from protector.api import util
from protector.api import views
from protector.common import rpcapi
from protector.db import api as db


@endpoint.declare(status=201, body=schema.create)
def create(req):
    """Protect a server: capture it and add it to a group."""
    ctx = groups.authorize(req, 'protector:members:create')
    server = util.body(req)['member']['server']
    group = groups.get_group(req, ctx)
    member_id = rpcapi.EngineAPI().member_add(ctx, group_id=group.id,
                                              server=server)
    member = db.member_get(ctx, group.id, member_id)
    return util.json_response({'member': views.member(member)}, 201)


@endpoint.declare(query=pagination.query(
    ('rank', 'server_name', 'created_at', 'updated_at', 'id'),
    'rank, then server_name'))
def index(req):
    """List the protected servers of a group."""
    ctx = groups.authorize(req, 'protector:members:index')
    page = pagination.requested(req)
    group = groups.get_group(req, ctx)
    members = page.fetch(db.member_list, ctx, group.id)
    return util.json_response(page.body(req, 'members', [
        views.member(m) for m in members]))


def show(req):
    """Show a protected server."""
    ctx = groups.authorize(req, 'protector:members:show')
    group = groups.get_group(req, ctx)
    member = db.member_get(ctx, group.id, req.urlvars['member'])
    return util.json_response({'member': views.member(member)})


@endpoint.declare(status=204)
def delete(req):
    """Stop protecting a server."""
    ctx = groups.authorize(req, 'protector:members:delete')
    group = groups.get_group(req, ctx)
    member = db.member_get(ctx, group.id, req.urlvars['member'])
    rpcapi.EngineAPI().member_remove(ctx, group_id=group.id,
                                     member_id=member.id)
    return util.json_response(None, 204)
