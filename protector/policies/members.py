from protector.policies import base

PATH = '/v1/{project_id}/protection-groups/{pg}/members'


def _rule(name, check_str, method, path, description):
    return base.rule('protector:members:' + name, check_str, method, path,
                     description)


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
