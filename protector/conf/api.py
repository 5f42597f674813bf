from oslo_config import cfg

group = cfg.OptGroup('api', title='protector-api options')

opts = [
    cfg.HostAddressOpt('bind_host', default='0.0.0.0',
                       help='Address protector-api listens on.'),
    cfg.PortOpt('bind_port', default=8788,
                help='Port protector-api listens on.'),
    cfg.IntOpt('workers', default=8, min=1,
               help='Threads serving requests in the built-in server.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
