"""Bodies of the peer site's calls (/v1/admin/sync/...): above all a
versioned metadata document (``protector.common.metadata_document``) in
its envelope.

The document is checked whole before anything of it is stored, so that a
malformed one is a 400 naming the field, never a half-stored group.
"""

from protector.api.schemas import common
from protector.api.schemas import policies
from protector.api.schemas import protection_groups
from protector.common import member_schema
from protector.common import plan_format

# Names one change of a group: '<site>:<random id>'.
HOLDER = dict(common.IDENTIFIER, maxLength=255)
_DIGEST = {'type': ['string', 'null'], 'pattern': '^[0-9a-f]{64}$'}
# Integer columns are 32 bits on PostgreSQL and MariaDB.
_COUNT = {'type': 'integer', 'minimum': 0, 'maximum': 2 ** 31 - 1}
_VERSION = {'type': 'integer', 'minimum': 1, 'maximum': 2 ** 31 - 1}
_UUID = dict(common.IDENTIFIER, maxLength=36)
_STATUS = dict(common.IDENTIFIER, maxLength=32)
_TIME = {'type': ['string', 'null'],
         'pattern': r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?'
                    r'(Z|[+-]\d\d:?\d\d)?$',
         'description': 'must be an ISO 8601 time such as '
                        '2026-11-01T10:00:00'}

_GROUP = {
    'type': 'object', 'additionalProperties': False,
    'required': ['name', 'description', 'replication_type', 'volume_type',
                 'secondary_volume_type', 'status', 'failover_count',
                 'consistency_groups', 'mappings', 'subnets',
                 'last_failover_at', 'last_replication_at', 'project_id',
                 'primary_site', 'secondary_site', 'current_primary_site'],
    'properties': {
        'name': common.NAME,
        'description': common.DESCRIPTION,
        'replication_type': {'enum': ['async', 'sync']},
        'volume_type': common.NAME,
        'secondary_volume_type': common.NAME,
        'status': _STATUS,
        'failover_count': _COUNT,
        # Site name -> the Cinder group of the members' volumes there.
        'consistency_groups': {'type': 'object',
                               'additionalProperties': common.IDENTIFIER},
        'mappings': protection_groups.MAPPINGS,
        'subnets': plan_format.PLAN['properties']['subnets'],
        'last_failover_at': _TIME,
        'last_replication_at': _TIME,
        'project_id': common.PROJECT_ID,
        'primary_site': common.NAME,
        'secondary_site': common.NAME,
        'current_primary_site': common.NAME,
    },
}

_MEMBER = {
    'type': 'object', 'additionalProperties': False,
    'required': ['id', 'server_id', 'server_name', 'status', 'spec', 'rank',
                 'boot_condition', 'overrides'],
    'properties': {
        'id': _UUID,
        'server_id': _UUID,
        'server_name': dict(common.IDENTIFIER),
        'status': _STATUS,
        'spec': member_schema.SPEC,
        'rank': member_schema.RANK,
        'boot_condition': member_schema.BOOT_CONDITION,
        'overrides': member_schema.OVERRIDES,
    },
}

_POLICY = {
    'type': 'object', 'additionalProperties': False,
    'required': sorted(policies.FIELDS),
    'properties': policies.FIELDS,
}

document = {
    'type': 'object', 'additionalProperties': False,
    'required': ['format', 'id', 'version', 'group', 'members'],
    'properties': {
        'format': {'const': 1,
                   'description': 'must be 1, the format of this release; '
                                  'upgrade protector on both sites to the '
                                  'same release'},
        'id': _UUID,
        'version': _VERSION,
        'group': _GROUP,
        'members': {'type': 'array', 'items': _MEMBER},
        'policy': {'oneOf': [_POLICY, {'type': 'null'}]},
    },
}

push = {
    'type': 'object', 'additionalProperties': False, 'required': ['metadata'],
    'properties': {'metadata': {
        'type': 'object', 'additionalProperties': False,
        'required': ['version', 'digest', 'document'],
        'properties': {
            'version': _VERSION,
            'digest': _DIGEST,
            # The version the sender built on; null: new to this site.
            'base': {
                'type': ['object', 'null'], 'additionalProperties': False,
                'required': ['version', 'digest'],
                'properties': {'version': _VERSION, 'digest': _DIGEST}},
            # The sender's change this site's copy is reserved for.
            'holder': {'anyOf': [HOLDER, {'type': 'null'}]},
            'force': {'type': 'boolean'},
            'document': document,
        }}},
}

reserve = {
    'type': 'object', 'additionalProperties': False,
    'required': ['reservation'],
    'properties': {'reservation': {
        'type': 'object', 'additionalProperties': False,
        'required': ['holder', 'version', 'digest', 'seconds'],
        'properties': {
            'holder': HOLDER, 'version': _VERSION, 'digest': _DIGEST,
            'seconds': {'type': 'integer', 'minimum': 1, 'maximum': 86400},
        }}},
}

release = {
    'type': 'object', 'additionalProperties': False,
    'required': ['reservation'],
    'properties': {'reservation': {
        'type': 'object', 'additionalProperties': False,
        'required': ['holder'], 'properties': {'holder': HOLDER}}},
}
