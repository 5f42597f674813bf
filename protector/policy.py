"""oslo.policy enforcement."""

import threading

from oslo_config import cfg
from oslo_policy import policy

from protector.common import exception
from protector import policies

_ENFORCER = None
_LOCK = threading.Lock()


def get_enforcer():
    """The enforcer; also the entry point oslopolicy tools load.

    Made whole before other threads see it: the first requests of a
    process arrive together, and one that found an enforcer without its
    rules yet would be refused.
    """
    global _ENFORCER
    with _LOCK:
        if _ENFORCER is None:
            enforcer = policy.Enforcer(cfg.CONF)
            enforcer.register_defaults(policies.list_rules())
            enforcer.load_rules()
            _ENFORCER = enforcer
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
