"""What the engine needs from a cloud (one site)."""

import abc


class CloudDriver(object, metaclass=abc.ABCMeta):
    """Reads and recreates servers and volumes on one site.

    ``site`` is the site registration; ``session`` a keystoneauth session
    holding its service credentials.
    """

    def __init__(self, site, session):
        self.site = site
        self.session = session

    @abc.abstractmethod
    def check_services(self):
        """Return checks ``{'check', 'result', 'detail'}`` for compute,
        block storage and networking."""

    @abc.abstractmethod
    def list_replicated_volume_types(self):
        """Return the volume types whose volumes the array replicates:
        ``[{'id', 'name', 'replication_type', 'backend'}]``."""

    @abc.abstractmethod
    def get_server_spec(self, project_id, server):
        """Return everything needed to recreate ``server`` (id or name) of
        ``project_id`` elsewhere: ``{'id', 'name', 'flavor', 'image',
        'availability_zone', 'key_name', 'metadata', 'server_group',
        'security_groups', 'user_data', 'ports': [...], 'volumes':
        [{'volume_id', 'volume_type', 'size', 'boot_index', 'device',
        'bootable'}]}``.  Raise NotFound when it does not exist."""
