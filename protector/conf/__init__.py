from oslo_config import cfg

from protector.conf import api
from protector.conf import coordination
from protector.conf import crypto
from protector.conf import default
from protector.conf import drivers
from protector.conf import engine
from protector.conf import health
from protector.conf import operations
from protector.conf import upgrade_levels

CONF = cfg.CONF

for _module in (default, api, engine, health, operations, crypto,
                drivers, coordination, upgrade_levels):
    _module.register_opts(CONF)
