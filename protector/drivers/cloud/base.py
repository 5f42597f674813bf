"""What the engine needs from a cloud (one site).

Every tenant call takes the ``project_id`` of the protection group on this
site and acts in that project only: a resource of another project is
reported as not found, never read or changed.  Resources are plain dicts
(JSON-ready) of the shapes below; ids are the cloud's own.

Shapes:

- server: ``{'id', 'name', 'status', 'task_state', 'fault',
  'availability_zone'}``; ``status`` is one of ``BUILD``, ``ACTIVE``,
  ``SHUTOFF``, ``ERROR``, ... ; ``fault`` is ``{'message', 'code'}`` or
  None.
- flavor: ``{'id', 'name', 'vcpus', 'ram', 'disk'}``;
  image: ``{'id', 'name', 'status', 'min_disk', 'size'}``;
  server group: ``{'id', 'name', 'policy'}``.
- network: ``{'id', 'name', 'external', 'shared', 'subnet_ids', 'mtu'}``;
  subnet: ``{'id', 'name', 'network_id', 'cidr', 'ip_version',
  'gateway_ip', 'enable_dhcp', 'dns_nameservers'}``; port: ``{'id',
  'name', 'network_id', 'mac_address', 'fixed_ips': [{'subnet_id',
  'ip_address'}], 'security_group_ids', 'allowed_address_pairs':
  [{'ip_address', 'mac_address'}], 'device_id', 'status'}``; security
  group:
  ``{'id', 'name', 'description'}``; floating IP: ``{'id',
  'floating_ip_address', 'floating_network_id', 'port_id',
  'fixed_ip_address', 'status'}``.
- volume: ``{'id', 'name', 'status', 'size', 'volume_type', 'bootable',
  'availability_zone', 'group_id', 'attachments': [{'server_id', 'device',
  'attachment_id'}], 'image_metadata'}`` (``volume_type`` is the type's
  name; ``image_metadata`` the image properties of the volume, which
  Nova reads for a server booted from it).
- volume group: ``{'id', 'name', 'status', 'group_type', 'volume_types',
  'volume_ids'}``.
- quota usage: ``{<resource>: {'limit', 'in_use'}}`` for the resources a
  failover creates: ``instances``, ``cores``, ``ram`` (MiB), ``volumes``,
  ``gigabytes`` and ``ports``; ``limit`` -1 is unlimited.

Errors are those of ``protector.common.driver_errors``: ``CloudNotFound`` (a
``NotFound``) for a missing resource, ``ResourceStateError`` and
``ResourceTimeout`` from the waits, and so on.  ``delete_*`` calls succeed
when the resource is already gone, so that an interrupted operation can
run them again.
"""

import abc


class CloudDriver(object, metaclass=abc.ABCMeta):
    """Reads and recreates servers, networks and volumes on one site.

    ``site`` is the site registration; ``session`` a keystoneauth session
    holding its service credentials.
    """

    def __init__(self, site, session):
        self.site = site
        self.session = session

    # The site

    @abc.abstractmethod
    def check_services(self):
        """Check compute, block storage and networking.

        :returns: ``[{'check', 'result', 'detail'}]`` with checks
            ``compute``, ``block-storage`` and ``network``.
        """

    @abc.abstractmethod
    def service_project_id(self):
        """The id of the project the site's service credentials are in.

        ``manage_volume`` adopts backend volumes into that project before
        it moves them into the tenant's, so during a failover every
        adopted volume counts against its quota for a moment.
        """

    @abc.abstractmethod
    def get_quota_usage(self, project_id):
        """Limits and use of what a failover creates in ``project_id``.

        ``project_id`` is any project of the site (a tenant's or the
        service project); reading it needs no role in it.  Reserved
        amounts (resources being created) count as in use.

        :returns: ``{'instances', 'cores', 'ram' (MiB), 'volumes',
            'gigabytes', 'ports'}``, each ``{'limit': int, 'in_use':
            int}``; ``limit`` -1 is unlimited.
        """

    @abc.abstractmethod
    def list_replicated_volume_types(self):
        """List the volume types whose volumes the array replicates.

        :returns: ``[{'id', 'name', 'replication_type', 'backend'}]``;
            ``replication_type`` is ``async`` or ``sync``.
        """

    # Servers

    @abc.abstractmethod
    def get_server_spec(self, project_id, server):
        """Capture what is needed to recreate a server elsewhere.

        ``server`` is an id or a name in ``project_id``.  Raises NotFound
        when it does not exist.

        :returns: ``{'id', 'name', 'flavor': {'id', 'name', 'vcpus', 'ram',
            'disk'}, 'image': {'id', 'name'} or None (booted from a
            volume), 'availability_zone', 'key_name', 'key_pair': {'name',
            'public_key', 'type'} or None, 'metadata', 'server_group':
            {'id', 'name', 'policy'} or None, 'security_groups': [{'id',
            'name'}], 'user_data' (base64, as Nova holds it, or None when
            not readable), 'ports': [{'port_id', 'network_id',
            'mac_address', 'fixed_ips': [{'subnet_id', 'ip_address',
            'cidr'}], 'security_group_ids', 'floating_ips'}], 'volumes':
            [{'volume_id', 'name', 'volume_type', 'size', 'boot_index',
            'device', 'bootable'}]}``; ports in the server's NIC order,
            the boot volume has ``boot_index`` 0, others None.
        """

    @abc.abstractmethod
    def get_server(self, project_id, server):
        """A server by id or name; raises NotFound."""

    @abc.abstractmethod
    def list_servers(self, project_id, name=None):
        """Servers of the project, those named exactly ``name`` if given."""

    @abc.abstractmethod
    def create_server(self, project_id, spec):
        """Create a server from existing volumes and ports; return it.

        ``spec``: ``{'name', 'flavor' (id, name or {'id'|'name'}),
        'volumes': [{'volume_id', 'boot_index', 'device'}], 'ports':
        [{'port_id'} or {'network_id', 'fixed_ips': [{'ip_address'}]}],
        and optionally 'image' (id or {'id'}; only without a boot volume),
        'security_groups' (names, ids or dicts; applied to the ports the
        cloud creates itself, pre-created ports keep their own),
        'availability_zone', 'key_name', 'key_pair' ({'name',
        'public_key'}: made available to the creating user when missing),
        'server_group' (id or {'id'}), 'scheduler_hints', 'metadata',
        'user_data' (base64), 'config_drive' (bool), 'hostname' (only one
        ``supports_hostname`` accepts)}``.  Volumes are never deleted
        with the server.  Returns at once (status ``BUILD``); see
        wait_for_server.
        """

    @abc.abstractmethod
    def supports_hostname(self, project_id, hostname):
        """Whether ``create_server`` can give a server this hostname.

        The guest's hostname otherwise comes from the server's name.
        """

    @abc.abstractmethod
    def stop_server(self, project_id, server_id):
        """Ask the server to stop (nothing when it is SHUTOFF already)."""

    @abc.abstractmethod
    def start_server(self, project_id, server_id):
        """Ask the server to start (nothing when it is ACTIVE already)."""

    @abc.abstractmethod
    def delete_server(self, project_id, server_id):
        """Ask for the server's deletion; its volumes stay."""

    @abc.abstractmethod
    def wait_for_server(self, project_id, server_id, status, timeout):
        """Wait until the server has ``status`` (``DELETED``: is gone).

        Raises ``ResourceStateError`` when it goes to ERROR instead and
        ``ResourceTimeout`` after ``timeout`` seconds; both name the
        server, the state it reached and its fault.
        """

    @abc.abstractmethod
    def delete_key_pair(self, project_id, name):
        """Delete a key pair create_server imported (no error if absent)."""

    @abc.abstractmethod
    def find_flavor(self, project_id, flavor):
        """A flavor usable in the project, by id or name."""

    @abc.abstractmethod
    def list_flavors(self, project_id):
        """Flavors usable in the project."""

    @abc.abstractmethod
    def find_image(self, project_id, image):
        """An image visible to the project, by id or name."""

    @abc.abstractmethod
    def list_images(self, project_id):
        """Images visible to the project."""

    @abc.abstractmethod
    def list_server_groups(self, project_id, name=None):
        """Server groups of the project."""

    @abc.abstractmethod
    def create_server_group(self, project_id, name, policy):
        """Create a server group (``affinity``, ``anti-affinity``, ...)."""

    @abc.abstractmethod
    def delete_server_group(self, project_id, group_id):
        """Delete a server group."""

    # Networking

    @abc.abstractmethod
    def list_networks(self, project_id, name=None, external=None):
        """Networks the project sees (its own, shared and external)."""

    @abc.abstractmethod
    def get_network(self, project_id, network_id):
        """A network by id."""

    @abc.abstractmethod
    def create_network(self, project_id, name, mtu=None):
        """Create a network in the project (``mtu`` None: the cloud's)."""

    @abc.abstractmethod
    def delete_network(self, project_id, network_id):
        """Delete a network of the project."""

    @abc.abstractmethod
    def list_subnets(self, project_id, network_id=None):
        """Subnets the project sees."""

    @abc.abstractmethod
    def get_subnet(self, project_id, subnet_id):
        """A subnet by id."""

    @abc.abstractmethod
    def create_subnet(self, project_id, network_id, cidr, name=None,
                      gateway_ip=None, enable_dhcp=True,
                      dns_nameservers=None):
        """Create a subnet (``gateway_ip`` None: the cloud's default)."""

    @abc.abstractmethod
    def delete_subnet(self, project_id, subnet_id):
        """Delete a subnet."""

    @abc.abstractmethod
    def list_ports(self, project_id, network_id=None, device_id=None):
        """Ports of the project."""

    @abc.abstractmethod
    def get_port(self, project_id, port_id):
        """A port by id."""

    @abc.abstractmethod
    def create_port(self, project_id, network_id, fixed_ips=None,
                    mac_address=None, security_groups=None, name=None,
                    allowed_address_pairs=None):
        """Create a port; ``fixed_ips``: ``[{'subnet_id', 'ip_address'}]``.

        ``security_groups`` are ids or names; None leaves the cloud's
        default group.  An address held by another port is a Conflict.
        ``allowed_address_pairs`` (``[{'ip_address'}]``, an address or a
        CIDR each) are the other source addresses the port may send
        from: a router's port has ``0.0.0.0/0``.
        """

    @abc.abstractmethod
    def delete_port(self, project_id, port_id):
        """Delete a port."""

    @abc.abstractmethod
    def list_security_groups(self, project_id, name=None):
        """Security groups of the project."""

    @abc.abstractmethod
    def create_security_group(self, project_id, name, description=''):
        """Create a security group (with the cloud's default rules)."""

    @abc.abstractmethod
    def delete_security_group(self, project_id, group_id):
        """Delete a security group."""

    @abc.abstractmethod
    def list_floating_ips(self, project_id, port_id=None):
        """Floating IPs of the project."""

    @abc.abstractmethod
    def create_floating_ip(self, project_id, network_id, port_id=None,
                           fixed_ip_address=None, floating_ip_address=None):
        """Allocate a floating IP from external network ``network_id``."""

    @abc.abstractmethod
    def associate_floating_ip(self, project_id, floating_ip_id, port_id,
                              fixed_ip_address=None):
        """Point a floating IP at a port."""

    @abc.abstractmethod
    def disassociate_floating_ip(self, project_id, floating_ip_id):
        """Detach a floating IP from its port."""

    @abc.abstractmethod
    def delete_floating_ip(self, project_id, floating_ip_id):
        """Release a floating IP."""

    # Block storage

    @abc.abstractmethod
    def get_volume(self, project_id, volume_id):
        """A volume by id."""

    @abc.abstractmethod
    def list_volumes(self, project_id, name=None):
        """Volumes of the project."""

    @abc.abstractmethod
    def create_volume(self, project_id, size, name=None, volume_type=None,
                      image_id=None, availability_zone=None):
        """Create a volume (blank, or from an image); returns at once."""

    @abc.abstractmethod
    def set_volume_bootable(self, project_id, volume_id, bootable=True):
        """Mark a volume (un)bootable; Nova boots only from bootable ones."""

    @abc.abstractmethod
    def set_volume_image_metadata(self, project_id, volume_id, metadata):
        """Set image properties of a volume (others it has stay)."""

    @abc.abstractmethod
    def delete_volume(self, project_id, volume_id):
        """Delete a volume and its data."""

    @abc.abstractmethod
    def wait_for_volume(self, project_id, volume_id, status, timeout=None):
        """Wait until the volume has ``status`` (``DELETED``: is gone)."""

    @abc.abstractmethod
    def list_volume_attachments(self, project_id, volume_id):
        """``[{'server_id', 'device', 'attachment_id'}]`` of a volume."""

    @abc.abstractmethod
    def attach_volume(self, project_id, server_id, volume_id, device=None):
        """Attach a volume to a server (returns at once)."""

    @abc.abstractmethod
    def detach_volume(self, project_id, server_id, volume_id):
        """Detach a volume from a server (returns at once)."""

    @abc.abstractmethod
    def ensure_group_type(self):
        """The group type for consistent group snapshots: ``{'id', 'name'}``.

        Created when missing.
        """

    @abc.abstractmethod
    def create_volume_group(self, project_id, name, volume_types,
                            group_type=None, timeout=None):
        """Create a generic volume group and wait until it is available.

        ``volume_types``: names or ids; ``group_type`` None: the one of
        ``ensure_group_type``.
        """

    @abc.abstractmethod
    def get_volume_group(self, project_id, group_id):
        """A volume group with the ids of its volumes."""

    @abc.abstractmethod
    def add_volumes_to_group(self, project_id, group_id, volume_ids,
                             timeout=None):
        """Add volumes (already members: nothing) and wait."""

    @abc.abstractmethod
    def remove_volumes_from_group(self, project_id, group_id, volume_ids,
                                  timeout=None):
        """Remove volumes (not members: nothing) and wait."""

    @abc.abstractmethod
    def delete_volume_group(self, project_id, group_id, timeout=None):
        """Delete a volume group; its volumes stay (they are removed)."""

    @abc.abstractmethod
    def list_manageable_volumes(self, volume_type):
        """Backend objects that Cinder could manage, on the backend of type.

        :returns: ``[{'reference', 'size', 'safe_to_manage',
            'reason_not_safe', 'cinder_id'}]``; ``reference`` is what
            ``manage_volume`` takes.
        """

    @abc.abstractmethod
    def manage_volume(self, project_id, reference, volume_type, name=None,
                      bootable=False, timeout=None):
        """Bring a backend object under Cinder, into ``project_id``.

        ``reference`` is a dict as the backend wants it, or a name, which
        becomes ``{<the site's reference key>: name}``.  Waits until the
        volume is available in the project and returns it.  With ``name``,
        an adoption an earlier call began and did not finish (its process
        died) is finished instead of begun again.
        """

    @abc.abstractmethod
    def discard_adoption(self, name, timeout=None):
        """Delete what unfinished adoptions of a volume ``name`` left.

        ``manage_volume`` with that name, interrupted (its process died)
        or failed, may leave the volume where the adoption passes through
        (the service project); an operation that undoes itself removes
        it with this.
        """

    @abc.abstractmethod
    def unmanage_volume(self, project_id, volume_id, timeout=None):
        """Take a volume of the project out of Cinder; its data stays."""
