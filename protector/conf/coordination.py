from oslo_config import cfg

group = cfg.OptGroup('coordination',
                     title='How the engines of one site share the work')

opts = [
    cfg.StrOpt('backend_url', secret=True,
               help='tooz coordination backend shared by every '
                    'protector-engine of this site, e.g. '
                    'etcd3+http://controller:2379 (etcd through its gRPC '
                    'gateway, as devstack deploys it). With a backend, any '
                    'number of engines serve the site: DR operations are '
                    'jobs on an etcd jobboard that a surviving engine '
                    'takes over, and the periodic work is spread over the '
                    'live engines. Unset: one engine per site, which runs '
                    'every operation itself and resumes them when it '
                    'starts again.'),
    cfg.IntOpt('claim_seconds', default=20, min=5,
               help='How long the claim of an engine on a running '
                    'operation lasts without being renewed (the engine '
                    'renews it every third of this). When an engine dies, '
                    'another takes its operations over after at most this '
                    'long plus poll_interval.'),
    cfg.IntOpt('poll_interval', default=3, min=1,
               help='Seconds between two looks of an engine at the '
                    'operations nobody runs.'),
    cfg.IntOpt('max_operations', default=20, min=1,
               help='Operations one engine runs at the same time; more '
                    'wait for a free engine.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
