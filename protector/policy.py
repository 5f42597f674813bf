"""oslo.policy enforcement."""

from oslo_config import cfg
from oslo_policy import policy

from protector.common import exception
from protector import policies

_ENFORCER = None


def get_enforcer():
    """The enforcer; also the entry point oslopolicy tools load."""
    global _ENFORCER
    if _ENFORCER is None:
        _ENFORCER = policy.Enforcer(cfg.CONF)
        _ENFORCER.register_defaults(policies.list_rules())
    return _ENFORCER


def authorize(context, action, target=None):
    """Raise Forbidden unless ``context`` may perform ``action``."""
    if target is None:
        target = {'project_id': context.project_id}
    try:
        get_enforcer().authorize(action, target, context,
                                 do_raise=True, exc=exception.Forbidden,
                                 action=action)
    except policy.PolicyNotRegistered:
        raise exception.Forbidden(action=action)


def check(context, action, target=None):
    if target is None:
        target = {'project_id': context.project_id}
    return get_enforcer().authorize(action, target, context)


def reset():
    global _ENFORCER
    _ENFORCER = None
