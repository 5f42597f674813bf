from oslo_config import cfg

group = cfg.OptGroup('drivers', title='Cloud and storage drivers')

opts = [
    cfg.StrOpt('cloud', default='openstack',
               help='Cloud driver (entry point in protector.drivers.cloud) '
                    'used to read and recreate servers and volumes.'),
    cfg.StrOpt('storage', default='pure',
               help='Storage driver (entry point in '
                    'protector.drivers.storage) that drives array '
                    'replication.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
