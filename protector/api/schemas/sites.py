from protector.api.schemas import common

_FIELDS = {
    'name': common.NAME,
    'description': common.DESCRIPTION,
    'auth_url': common.URL,
    'username': common.NAME,
    'password': common.SECRET,
    'project_name': common.NAME,
    'user_domain_name': common.NAME,
    'project_domain_name': common.NAME,
    'region_name': common.NAME,
}

create = common.wrapped(
    'site', _FIELDS,
    required=('name', 'auth_url', 'username', 'password', 'project_name'))

update = common.wrapped(
    'site', {key: value for key, value in _FIELDS.items() if key != 'name'},
    min_properties=1)
