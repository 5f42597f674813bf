from oslo_policy import policy

from protector.policies import base

PATH = '/v1/{project_id}/protection-groups'


def _rule(name, check_str, method, path, description):
    return base.rule('protector:protection_groups:' + name, check_str, method,
                     path, description)


rules = [
    _rule('create', base.ADMIN_OR_MEMBER, 'POST', PATH,
          'Create a protection group.'),
    _rule('index', base.ADMIN_OR_READER, 'GET', PATH,
          'List protection groups.'),
    policy.DocumentedRuleDefault(
        name='protector:protection_groups:index:all_projects',
        check_str=base.ADMIN,
        description='List the protection groups of every project.',
        operations=[{'method': 'GET', 'path': PATH + '?all_projects=true'}]),
    _rule('show', base.ADMIN_OR_READER, 'GET', PATH + '/{pg}',
          'Show a protection group, its sync status, policy, mappings and '
          'recovery plan.'),
    _rule('update', base.ADMIN_OR_MEMBER, 'PUT', PATH + '/{pg}',
          'Change a protection group, its policy, mappings or recovery '
          'plan.'),
    _rule('delete', base.ADMIN_OR_MEMBER, 'DELETE', PATH + '/{pg}',
          'Delete a protection group.'),
    _rule('sync_force', base.ADMIN_OR_MEMBER, 'POST',
          PATH + '/{pg}/sync-force',
          'Overwrite the peer site copy of a protection group.'),
    _rule('action', base.ADMIN_OR_MEMBER, 'POST', PATH + '/{pg}/action',
          'Start a DR operation on a protection group: failover, failback, '
          'test failover, test cleanup or replication sync.'),
]


def list_rules():
    return rules
