from oslo_policy import policy

from protector.policies import base

PATH = '/v1/admin/sync/protection-groups/{pg_id}'

rules = [
    policy.DocumentedRuleDefault(
        name='protector:sync:push', check_str=base.ADMIN,
        description='Receive a protection group metadata document from the '
                    'peer site (the peer engine uses its service user).',
        operations=[{'method': 'GET',
                     'path': '/v1/admin/sync/protection-groups'},
                    {'method': 'GET', 'path': PATH},
                    {'method': 'PUT', 'path': PATH},
                    {'method': 'DELETE', 'path': PATH},
                    {'method': 'POST', 'path': PATH + '/push-back'}]),
]


def list_rules():
    return rules
