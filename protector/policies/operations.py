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
    base.rule('protector:operations:cancel', base.ADMIN_OR_MEMBER, 'POST',
              PATH + '/{operation_id}/cancel',
              'Cancel a running test failover (what it made is removed).'),
    base.rule('protector:operations:cleanup', base.ADMIN_OR_MEMBER, 'POST',
              PATH + '/{operation_id}/cleanup',
              'Run again the cleanup a DR operation could not finish.'),
]


def list_rules():
    return rules
