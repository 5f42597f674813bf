"""Bodies of ``POST .../protection-groups/{pg}/action``: exactly one
action, each with its own options."""

from protector.api.schemas import common

_ID = common.IDENTIFIER
_MAP = {'type': 'object', 'additionalProperties': _ID,
        'propertyNames': _ID}
_MAPPINGS = {key: _MAP for key in (
    'network_mapping', 'subnet_mapping', 'flavor_mapping',
    'security_group_mapping', 'image_mapping')}
_FORCE = {'type': 'boolean'}
_POINT = dict(common.IDENTIFIER, type=['string', 'null'])
# Accepted false only: a failover always stops the servers of the source
# site before it starts them on the target, and the same server running
# on both sites at once is what a test failover (a drill) is for.
_RETAIN_PRIMARY = {
    'const': False,
    'description': "must be false: a failover stops the servers on the "
                   "source site before it starts them on the target site. "
                   "To run copies of them on the target site while the "
                   "source site's servers keep running, start a drill "
                   "with 'openstack protector protection-group "
                   "test-failover'"}


def _options(**extra):
    properties = dict(_MAPPINGS, force=_FORCE)
    properties.update(extra)
    return {'type': 'object', 'additionalProperties': False,
            'properties': properties}


_EMPTY = {'type': 'object', 'additionalProperties': False,
          'properties': {}}

ACTIONS = {
    'failover': _options(type={'enum': ['planned', 'unplanned']},
                         recovery_point=_POINT,
                         retain_primary=_RETAIN_PRIMARY),
    'failback': _options(),
    'test_failover': _options(recovery_point=_POINT,
                              isolated_network={'type': 'boolean'}),
    'test_cleanup': _EMPTY,
    'sync': _EMPTY,
}

action = {'type': 'object', 'additionalProperties': False,
          'minProperties': 1, 'maxProperties': 1,
          'properties': ACTIONS}
