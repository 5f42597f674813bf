"""/v1/{project_id}/protection-groups/{pg}/policy: replication policy."""

from protector.api import endpoint
from protector.api.handlers import protection_groups as groups
from protector.api import local_flag
from protector.api.schemas import policies as schema
from protector.api import util
from protector.api import views
from protector.common import crypto
from protector.common import rpcapi
from protector.db import api as db

_DEFAULTS = {'replication_interval': 300, 'snapshot_retention': 24}


def _encrypt_tokens(values):
    for side in ('primary', 'secondary'):
        token = values.pop('%s_fa_token' % side, None)
        if token is not None:
            values['%s_fa_token_encrypted' % side] = crypto.encrypt(token)
    return values


def show(req):
    """Show the replication policy of a group."""
    ctx = groups.authorize(req, 'protector:protection_groups:show')
    group = groups.get_group(req, ctx)
    return util.json_response({'policy': views.policy(
        db.policy_get(ctx, group.id))})


def _set(req, create):
    ctx = groups.authorize(req, 'protector:protection_groups:update')
    values = dict(_DEFAULTS) if create else {}
    body = util.body(req)
    values.update(body['policy'])
    group = groups.get_group(req, ctx)
    rpcapi.EngineAPI().policy_set(ctx, group_id=group.id,
                                  values=_encrypt_tokens(values),
                                  create=create,
                                  local=local_flag.requested(body))
    return util.json_response(local_flag.answer(
        req, {'policy': views.policy(db.policy_get(ctx, group.id))},
        ctx, group.id), 201 if create else 200)


@endpoint.declare(status=201, body=schema.create)
def create(req):
    """Create the replication policy of a group."""
    return _set(req, create=True)


@endpoint.declare(body=schema.update)
def update(req):
    """Change the replication policy of a group."""
    return _set(req, create=False)
