from protector.policies import base

PATH = '/v1/admin/sites'


def _rule(name, method, path, description):
    return base.rule('protector:sites:' + name, base.ADMIN, method, path,
                     description)


rules = [
    _rule('create', 'POST', PATH, 'Register a site.'),
    _rule('index', 'GET', PATH, 'List registered sites.'),
    _rule('show', 'GET', PATH + '/{site}', 'Show a site.'),
    _rule('update', 'PUT', PATH + '/{site}', 'Change a site.'),
    _rule('delete', 'DELETE', PATH + '/{site}', 'Unregister a site.'),
    _rule('validate', 'POST', PATH + '/{site}/validate',
          'Check that protector can use a site.'),
    _rule('volume_types', 'GET', PATH + '/{site}/volume-types',
          'List the replication-enabled volume types of a site.'),
]


def list_rules():
    return rules
