from oslo_policy import policy

ADMIN = 'rule:admin'
PROJECT_MEMBER = 'rule:project_member'
PROJECT_READER = 'rule:project_reader'
ADMIN_OR_MEMBER = 'rule:admin or rule:project_member'
ADMIN_OR_READER = 'rule:admin or rule:project_reader'

rules = [
    policy.RuleDefault('admin', 'role:admin',
                       description='Cloud administrator.'),
    policy.RuleDefault('project_member',
                       'role:member and project_id:%(project_id)s',
                       description='Member of the project that owns the '
                                   'resource.'),
    policy.RuleDefault('project_reader',
                       'role:reader and project_id:%(project_id)s',
                       description='Reader of the project that owns the '
                                   'resource.'),
]


def rule(name, check_str, method, path, description):
    """A documented rule for one API operation."""
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=[{'method': method, 'path': path}])


def list_rules():
    return rules
