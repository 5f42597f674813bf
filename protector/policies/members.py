from oslo_policy import policy

from protector.policies import base

PATH = '/v1/{project_id}/protection-groups/{pg}/members'


def _rule(name, check_str, method, path, description):
    return policy.DocumentedRuleDefault(
        name='protector:members:%s' % name, check_str=check_str,
        description=description,
        operations=[{'method': method, 'path': path}])


rules = [
    _rule('create', base.ADMIN_OR_MEMBER, 'POST', PATH,
          'Protect a server.'),
    _rule('index', base.ADMIN_OR_READER, 'GET', PATH,
          'List protected servers.'),
    _rule('show', base.ADMIN_OR_READER, 'GET', PATH + '/{member}',
          'Show a protected server.'),
    _rule('delete', base.ADMIN_OR_MEMBER, 'DELETE', PATH + '/{member}',
          'Stop protecting a server.'),
]


def list_rules():
    return rules
