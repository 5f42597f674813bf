"""The option list the oslo-config-generator reads."""

from oslo_db import options as db_options

from protector.conf import api
from protector.conf import coordination
from protector.conf import crypto
from protector.conf import default
from protector.conf import drivers
from protector.conf import engine
from protector.conf import health
from protector.conf import openstack_cloud
from protector.conf import operations
from protector.conf import pure
from protector.conf import upgrade_levels

_MODULES = (default, api, engine, health, operations, crypto, drivers,
            coordination, openstack_cloud, pure, upgrade_levels)


def list_opts():
    merged = {}
    for module in _MODULES:
        for group, opts in module.list_opts().items():
            merged.setdefault(group, []).extend(opts)
    return [(group, opts) for group, opts in merged.items()]


def set_defaults(conf=None):
    from oslo_config import cfg
    db_options.set_defaults(conf or cfg.CONF,
                            connection='sqlite:///$state_path/protector.db')
