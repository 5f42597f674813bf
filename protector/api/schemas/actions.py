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


def _options(**extra):
    properties = dict(_MAPPINGS, force=_FORCE)
    properties.update(extra)
    return {'type': 'object', 'additionalProperties': False,
            'properties': properties}


_EMPTY = {'type': 'object', 'additionalProperties': False,
          'properties': {}}

ACTIONS = {
    'failover': _options(type={'enum': ['planned', 'unplanned']},
                         recovery_point=_POINT),
    'failback': _options(),
    'test_failover': _options(recovery_point=_POINT,
                              isolated_network={'type': 'boolean'}),
    'test_cleanup': _EMPTY,
    'sync': _EMPTY,
}

action = {'type': 'object', 'additionalProperties': False,
          'minProperties': 1, 'maxProperties': 1,
          'properties': ACTIONS}
