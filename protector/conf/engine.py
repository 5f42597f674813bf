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
    cfg.IntOpt('call_monitor_timeout', default=6, min=2,
               help='Seconds protector-api waits for protector-engine to '
                    'take a request (and, while it works on a long one, '
                    'between two of its heartbeats) before answering 503 '
                    'engine_unavailable. rpc_timeout still bounds the '
                    'whole call.'),
    cfg.IntOpt('change_wait', default=30, min=0,
               help='Seconds a change of a protection group waits for '
                    'another change of the same group to end before it is '
                    'refused (409 change_in_progress).'),
    cfg.IntOpt('change_lease_seconds', default=600, min=30,
               help='Seconds a change holds a protection group (on this '
                    'site and on the peer) without writing. A process that '
                    'died while holding a group holds it no longer than '
                    'this.'),
    cfg.IntOpt('sync_retry_interval', default=5, min=1,
               help='Seconds between two looks for versions the peer site '
                    'has not confirmed yet; each is sent again with '
                    'exponential backoff (2 s, 4 s, ... at most 5 min).'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
