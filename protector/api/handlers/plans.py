"""/v1/{project_id}/protection-groups/{pg}/plan: the recovery plan."""

from protector.api import endpoint
from protector.api.handlers import protection_groups as groups
from protector.api import local_flag
from protector.api import microversion
from protector.api.schemas import protection_groups as schema
from protector.api import util
from protector.common import exception
from protector.common import plan_keys
from protector.common import recovery_plan
from protector.common import rpcapi
from protector.db import api as db

# The whole Acura plan format, and the warnings of an import.
ACURA_FORMAT = (1, 4)
# What a plan could hold below ACURA_FORMAT.
_EARLIER_DEVICE_KEYS = {'id', 'rank', 'boot_condition', 'ports', 'flavor',
                        'security_groups', 'availability_zone', 'key_name',
                        'user_data', 'meta', 'scheduler_hints'}
_EARLIER_PORT_KEYS = {'name', 'subnet', 'ip', 'mac', 'floating_ip'}
_EARLIER_SUBNET_KEYS = {'cidr', 'subnet_id', 'name'}


def _objects(value):
    return [(k, v) for k, v in value.items() if isinstance(v, dict)] \
        if isinstance(value, dict) else []


def _later_features(plan):
    """Paths of what a plan holds that came with ACURA_FORMAT."""
    found = []
    for name, device in _objects(plan.get('devices')):
        where = 'devices.%s' % name
        found.extend('%s.%s' % (where, key) for key in device
                     if key not in _EARLIER_DEVICE_KEYS)
        if isinstance(device.get('ports'), dict):
            found.append(where + '.ports')
        for index, port in plan_keys.port_items(device.get('ports')):
            if isinstance(port, dict):
                found.extend('%s.ports.%s.%s' % (where, index, key)
                             for key, value in port.items()
                             if key not in _EARLIER_PORT_KEYS or
                             (key == 'floating_ip' and
                              isinstance(value, str)))
    for key, subnet in _objects(plan.get('subnets')):
        found.extend('subnets.%s.%s' % (key, field) for field in subnet
                     if field not in _EARLIER_SUBNET_KEYS)
    return found


def _plan(ctx, group_id):
    group = db.group_get(ctx, group_id)
    return recovery_plan.export(group, db.member_list(ctx, group_id))


def show(req):
    """Export the recovery plan of a group."""
    ctx = groups.authorize(req, 'protector:protection_groups:show')
    group = groups.get_group(req, ctx)
    return util.json_response({'plan': _plan(ctx, group.id)})


def _refuse_later_features(plan, members):
    """Below ACURA_FORMAT, a plan is what it could be then."""
    needs = "needs API microversion %s (send 'OpenStack-API-Version: " \
            "protector %s')" % ((microversion.as_string(ACURA_FORMAT),) * 2)
    problems = ['%s: %s' % (path, needs) for path in _later_features(plan)]
    problems.extend(
        '%s: %r is neither a key of "subnets" nor a subnet the server uses; '
        'a subnet of the recovery site %s' % (path, subnet, needs)
        for path, subnet in recovery_plan.foreign_subnets(plan, members))
    if problems:
        raise exception.PlanInvalid(count=len(problems), problems=problems)


@endpoint.declare(body=schema.plan)
def update(req):
    """Import the recovery plan of a group."""
    ctx = groups.authorize(req, 'protector:protection_groups:update')
    body = util.body(req)
    group = groups.get_group(req, ctx)
    plan = body['plan']
    acura = microversion.of(req) >= ACURA_FORMAT
    if not acura:
        _refuse_later_features(plan, db.member_list(ctx, group.id))
    rpcapi.EngineAPI().plan_import(ctx, group_id=group.id, plan=plan,
                                   local=local_flag.requested(body))
    answer = {'plan': _plan(ctx, group.id)}
    if acura:
        answer['warnings'] = recovery_plan.warnings(
            plan, db.member_list(ctx, group.id))
    return util.json_response(local_flag.answer(req, answer, ctx, group.id))
