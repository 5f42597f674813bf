from protector.api.schemas import common

create = common.wrapped(
    'protection_group',
    {'name': common.NAME,
     'description': common.DESCRIPTION,
     'replication_type': {'type': 'string', 'enum': ['async', 'sync']},
     'primary_site': common.NAME,
     'secondary_site': common.NAME,
     'volume_type': common.NAME,
     'secondary_volume_type': common.NAME},
    required=('name', 'replication_type', 'primary_site', 'secondary_site',
              'volume_type'))

update = common.wrapped(
    'protection_group',
    {'name': common.NAME, 'description': common.DESCRIPTION},
    min_properties=1)

sync_force = {
    'type': 'object', 'additionalProperties': False,
    'properties': {'sync_force': {
        'type': 'object', 'additionalProperties': False,
        'properties': {'source': {'enum': ['auto', 'local', 'peer']}}}},
}

_MAP = {'type': 'object', 'additionalProperties': common.IDENTIFIER,
        'propertyNames': common.IDENTIFIER}
_DIRECTION = {'type': 'object', 'additionalProperties': False,
              'properties': {kind: _MAP for kind in (
                  'network', 'subnet', 'flavor', 'security_group',
                  'image')}}

# Per direction, per kind: source resource -> target resource.
MAPPINGS = {'type': 'object', 'additionalProperties': False,
            'properties': {'failover': _DIRECTION, 'failback': _DIRECTION}}

mappings = common.taking_local(
    common.wrapped('mappings', MAPPINGS['properties']))

plan = common.taking_local({
    'type': 'object', 'additionalProperties': False, 'required': ['plan'],
    'properties': {'plan': {'type': 'object'}}})
