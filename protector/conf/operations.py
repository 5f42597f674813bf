"""Options of the DR operations (failover, failback, tests, sync).

They live in ``[engine]`` with the other engine options.
"""

from oslo_config import cfg

from protector.conf import engine

# The [engine] group itself, so that the generated sample has one section.
group = engine.group

opts = [
    cfg.IntOpt('operation_concurrency', default=64, min=1,
               help='Servers of one recovery-plan rank that an operation '
                    'recreates at the same time, and volumes it manages at '
                    'the same time. The clouds are the limit: raise it for '
                    'large groups when Nova and Cinder keep up.'),
    cfg.IntOpt('server_active_timeout', default=900, min=1,
               help='Seconds a recreated server may take to become ACTIVE '
                    'before it is reported as failed.'),
    cfg.IntOpt('server_stop_timeout', default=300, min=1,
               help='Seconds a source server may take to stop (SHUTOFF) '
                    'during a planned failover or failback.'),
    cfg.IntOpt('server_delete_timeout', default=300, min=1,
               help='Seconds a server may take to disappear when an '
                    'operation deletes it.'),
    cfg.IntOpt('replication_timeout', default=3600, min=1,
               help='Seconds to wait for a replicated snapshot to be '
                    'complete on the target array.'),
    cfg.IntOpt('volume_timeout', default=600, min=1,
               help='Seconds Cinder may take to manage a volume.'),
    cfg.IntOpt('boot_condition_timeout', default=300, min=1,
               help='Default seconds to wait for a boot condition '
                    '("active" or "tcp") when the plan gives no '
                    'timeout_seconds.'),
    cfg.StrOpt('source_volume_release', default='delete',
               choices=[('delete', 'Delete the old source volumes '
                                   'through Cinder (which frees them on '
                                   'the array).'),
                        ('unmanage', 'Take them out of Cinder only; the '
                                     'array keeps the data until an '
                                     'administrator destroys it.')],
               help='What cleanup does with the volumes of the site a '
                    'planned failover or failback left, once the servers '
                    'run on the other site.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
