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

fake_cloud_group = cfg.OptGroup(
    'fake_cloud', title='Fake cloud driver (tests only)')

fake_cloud_opts = [
    cfg.StrOpt('inventory_file',
               help='JSON file describing the servers, volumes and volume '
                    'types the fake cloud driver pretends exist.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)
    conf.register_group(fake_cloud_group)
    conf.register_opts(fake_cloud_opts, group=fake_cloud_group)


def list_opts():
    return {group: opts, fake_cloud_group: fake_cloud_opts}
