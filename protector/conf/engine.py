from oslo_config import cfg

group = cfg.OptGroup('engine', title='protector-engine options')

opts = [
    cfg.StrOpt('topic', default='protector-engine',
               help='RPC topic the engine listens on.'),
    cfg.IntOpt('rpc_timeout', default=120, min=1,
               help='Seconds protector-api waits for the engine to answer.'),
    cfg.IntOpt('peer_timeout', default=10, min=1,
               help='Seconds to wait for the peer site (Keystone and '
                    'protector-api) before declaring it unreachable.'),
    cfg.IntOpt('workers', default=16, min=1,
               help='Requests the engine handles at the same time.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
