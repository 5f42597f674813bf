from oslo_policy import policy

from protector.policies import base

PATH = '/v1/{project_id}/protection-groups/{pg}/health'

rules = [
    policy.DocumentedRuleDefault(
        name='protector:health:show', check_str=base.ADMIN_OR_READER,
        description="Show what the health watch saw of a protection group: "
                    "its achieved RPO, failover readiness and their "
                    "history.",
        operations=[{'method': 'GET', 'path': PATH},
                    {'method': 'GET', 'path': PATH + '/history'}]),
    base.rule('protector:health:summary', base.ADMIN, 'GET',
              '/v1/admin/health',
              'Summarize the health of every project: groups per RPO '
              'grade, groups not ready to fail over, peer site reachable.'),
]


def list_rules():
    return rules
