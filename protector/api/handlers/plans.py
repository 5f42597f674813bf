"""/v1/{project_id}/protection-groups/{pg}/plan: the recovery plan."""

from protector.api import endpoint
from protector.api.handlers import protection_groups as groups
from protector.api import local_flag
from protector.api.schemas import protection_groups as schema
from protector.api import util
from protector.common import recovery_plan
from protector.common import rpcapi
from protector.db import api as db


def _plan(ctx, group_id):
    group = db.group_get(ctx, group_id)
    return recovery_plan.export(group, db.member_list(ctx, group_id))


def show(req):
    """Export the recovery plan of a group."""
    ctx = groups.authorize(req, 'protector:protection_groups:show')
    group = groups.get_group(req, ctx)
    return util.json_response({'plan': _plan(ctx, group.id)})


@endpoint.declare(body=schema.plan)
def update(req):
    """Import the recovery plan of a group."""
    ctx = groups.authorize(req, 'protector:protection_groups:update')
    body = util.body(req)
    group = groups.get_group(req, ctx)
    rpcapi.EngineAPI().plan_import(ctx, group_id=group.id,
                                   plan=body['plan'],
                                   local=local_flag.requested(body))
    return util.json_response(local_flag.answer(
        req, {'plan': _plan(ctx, group.id)}, ctx, group.id))
