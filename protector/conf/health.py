from oslo_config import cfg

group = cfg.OptGroup('health', title='The watch of protection health')

opts = [
    cfg.IntOpt('interval', default=60, min=1,
               help='Seconds between two looks at every protection group '
                    'whose workload runs on this site (achieved RPO, '
                    'failover readiness) and at the peer site.'),
    cfg.IntOpt('history_days', default=14, min=1,
               help='Days of health samples kept for plots. Samples older '
                    'than a day are thinned to one per 10 minutes, older '
                    'than a week to one per hour; grade changes are always '
                    'kept.'),
    cfg.IntOpt('workers', default=8, min=1,
               help='Arrays and clouds the watch asks at the same time.'),
    cfg.BoolOpt('metrics_enabled', default=False,
                help='Serve Prometheus metrics (text exposition format) '
                     'from protector-engine.'),
    cfg.HostAddressOpt('metrics_bind_host', default='0.0.0.0',
                       help='Address the metrics endpoint listens on.'),
    cfg.PortOpt('metrics_port', default=9788,
                help='Port the metrics endpoint listens on.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
