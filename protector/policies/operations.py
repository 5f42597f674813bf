from oslo_policy import policy

from protector.policies import base

PATH = '/v1/{project_id}/operations'


rules = [
    policy.DocumentedRuleDefault(
        name='protector:operations:index', check_str=base.ADMIN_OR_READER,
        description='List DR operations.',
        operations=[{'method': 'GET', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        name='protector:operations:show', check_str=base.ADMIN_OR_READER,
        description='Show a DR operation.',
        operations=[{'method': 'GET', 'path': PATH + '/{operation_id}'}]),
]


def list_rules():
    return rules
