"""Options of the OpenStack cloud driver: group ``[openstack_cloud]``."""

from oslo_config import cfg

from protector.conf import retries

group = cfg.OptGroup('openstack_cloud', title='OpenStack cloud driver')

opts = [
    cfg.StrOpt('endpoint_interface', default='public',
               choices=['public', 'internal', 'admin'],
               help='Interface of the Keystone catalog endpoints the engine '
                    'uses to reach Nova, Neutron, Cinder and Glance of '
                    'every site.'),
    cfg.StrOpt('project_role', default='member',
               help='Role the service user of a site registration is given '
                    'in each tenant project it acts in. Every call on a '
                    "tenant's servers, ports and volumes uses a token "
                    'scoped to that project only.'),
    cfg.IntOpt('api_timeout', default=60, min=1,
               help='Seconds to wait for one answer of a cloud API.'),
    cfg.IntOpt('retry_attempts', default=4, min=1,
               help='Calls at most, the first included, when a cloud '
                    'answers with a transient failure (HTTP 5xx or 429, a '
                    'refused or reset connection, a 409 because the '
                    'resource is busy). Permanent failures are never '
                    'repeated.'),
    *retries.backoff_opts(),
    cfg.FloatOpt('poll_interval', default=2.0, min=0.1,
                 help='Seconds between two reads of a resource whose state '
                      'protector waits for.'),
    cfg.IntOpt('resource_timeout', default=300, min=1,
               help='Seconds to wait for a volume, a volume group or a '
                    'managed volume to become available when the caller '
                    'gives no timeout.'),
    cfg.StrOpt('group_type', default='protector-consistent-snapshots',
               help='Cinder group type of the generic volume groups of '
                    'protection groups. When no group type of this name '
                    'exists, protector creates it (public, with '
                    "consistent_group_snapshot_enabled='<is> True')."),
    cfg.StrOpt('manage_reference_key', default='source-name',
               choices=['source-name', 'name', 'source-id'],
               help='Key of the reference Cinder manage gets for a volume '
                    'found on the backend by its name: "name" for the Pure '
                    'FlashArray Cinder driver, "source-name" for LVM and '
                    'NFS (file) backends.'),
    cfg.DictOpt('site_manage_reference_keys', default={},
                help='Per-site value of manage_reference_key, as '
                     'site-name:key pairs, for example '
                     '"site-a:name,site-b:source-name".'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
