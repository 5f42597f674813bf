from protector.api.schemas import common

create = common.wrapped(
    'tenant_mapping',
    {'local_project_id': common.PROJECT_ID,
     'remote_site': common.NAME,
     'remote_project_id': common.PROJECT_ID,
     'description': common.DESCRIPTION},
    required=('local_project_id', 'remote_site', 'remote_project_id'))
