"""Options of rolling upgrades: group ``[upgrade_levels]``."""

from oslo_config import cfg

group = cfg.OptGroup('upgrade_levels', title='RPC versions during upgrades')

opts = [
    cfg.StrOpt('engine', regex=r'^\d+\.\d+$',
               help='Newest version of the engine RPC API that '
                    'protector-api sends, for example "2.0". Pin it during '
                    'a rolling upgrade so that new API nodes talk to old '
                    'engines, and remove it once every protector-engine of '
                    'the site runs the new release. Unset (the default): '
                    'the newest version this release knows.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
