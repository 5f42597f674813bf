from protector.policies import base

PATH = '/v1/admin/tenant-mappings'


def _rule(name, method, path, description):
    return base.rule('protector:tenant_mappings:' + name, base.ADMIN, method,
                     path, description)


rules = [
    _rule('create', 'POST', PATH, 'Map a project to its peer project.'),
    _rule('index', 'GET', PATH, 'List tenant mappings.'),
    _rule('show', 'GET', PATH + '/{id}', 'Show a tenant mapping.'),
    _rule('delete', 'DELETE', PATH + '/{id}', 'Delete a tenant mapping.'),
]


def list_rules():
    return rules
