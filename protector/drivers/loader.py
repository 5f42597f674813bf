"""Load the configured cloud and storage drivers through stevedore."""

from oslo_config import cfg
from stevedore import driver as stevedore_driver
from stevedore import exception as stevedore_exc

from protector.common import exception

CONF = cfg.CONF


def _load(namespace, name, option, args):
    try:
        manager = stevedore_driver.DriverManager(
            namespace=namespace, name=name, invoke_on_load=True,
            invoke_args=args)
    except stevedore_exc.NoMatches:
        raise exception.ServiceUnavailable(
            reason="The %s driver '%s' is not installed on this site; set "
                   "[drivers] %s in protector.conf to an installed driver."
                   % (option, name, option))
    return manager.driver


def cloud_driver(site, session):
    """The cloud driver acting on ``site`` through ``session``."""
    return _load('protector.drivers.cloud', CONF.drivers.cloud, 'cloud',
                 (site, session))


def storage_driver():
    return _load('protector.drivers.storage', CONF.drivers.storage,
                 'storage', ())
