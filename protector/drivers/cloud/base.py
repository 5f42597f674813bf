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
        """Check compute, block storage and networking.

        :returns: ``[{'check', 'result', 'detail'}]``
        """

    @abc.abstractmethod
    def list_replicated_volume_types(self):
        """List the volume types whose volumes the array replicates.

        :returns: ``[{'id', 'name', 'replication_type', 'backend'}]``
        """

    @abc.abstractmethod
    def get_server_spec(self, project_id, server):
        """Capture what is needed to recreate a server elsewhere.

        ``server`` is an id or a name in ``project_id``.  Raises NotFound
        when it does not exist.

        :returns: ``{'id', 'name', 'flavor', 'image', 'availability_zone',
            'key_name', 'metadata', 'server_group', 'security_groups',
            'user_data', 'ports': [{'port_id', 'network_id',
            'mac_address', 'fixed_ips': [{'subnet_id', 'ip_address',
            'cidr'}]}], 'volumes': [{'volume_id', 'volume_type', 'size',
            'boot_index', 'device', 'bootable'}]}``
        """
