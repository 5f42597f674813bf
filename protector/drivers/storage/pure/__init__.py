"""Storage driver ``pure``: Pure Storage FlashArrays through the
``purestorage`` client (REST 1.x).

``async`` groups are FlashArray protection groups replicated to the other
site's array; ``sync`` groups are ActiveCluster pods stretched across both
arrays.  What it needs from each array:

- an API token of a user with the ``storage_admin`` role (or higher), one
  per array, in the group's replication policy;
- the two arrays connected for replication (``purearray connect``, type
  ``replication``; ``sync-replication`` for pods), which protector checks
  but never does itself;
- REST 1.3 or newer for protection groups, 1.19 for pods (promotion).

Options are in ``[pure]`` (:mod:`protector.conf.pure`),
among them the name of the array volume behind a Cinder volume.
"""

from oslo_config import cfg

from protector.conf import pure as pure_options
from protector.drivers.storage import base
from protector.drivers.storage.pure import checks
from protector.drivers.storage.pure import client
from protector.drivers.storage.pure import overview
from protector.drivers.storage.pure import pods
from protector.drivers.storage.pure import recovery
from protector.drivers.storage.pure import replication

CONF = cfg.CONF
pure_options.register_opts(CONF)


class PureStorageDriver(checks.CheckMixin,
                        replication.AsyncReplicationMixin,
                        recovery.RecoveryPointMixin,
                        pods.PodMixin,
                        overview.OverviewMixin,
                        base.StorageDriver):
    """FlashArray replication for protector (see the module's doc)."""

    def __init__(self, conf=None):
        self.conf = (conf or CONF).pure
        self.volume_name_template = self.conf.volume_name_template
        self._conn = client.Connector(self.conf)
