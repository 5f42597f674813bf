"""The recreate spec of a server: everything another site needs."""

from protector.common import driver_errors as errors
from protector.drivers.cloud.openstack import common
from protector.drivers.cloud.openstack import compute


def _nic_order(server):
    """MAC addresses in the order of the server's NICs (Nova's cache)."""
    order = []
    for addresses in (server.addresses or {}).values():
        for address in addresses or []:
            mac = address.get('OS-EXT-IPS-MAC:mac_addr')
            if mac and mac not in order:
                order.append(mac)
    return order


def _quiet(func, default=None):
    """``func()``, or ``default`` when the cloud says not found/forbidden."""
    try:
        return func()
    except Exception as exc:
        if getattr(exc, 'status_code', None) in (403, 404):
            return default
        raise


class CaptureMixin(object):

    def get_server_spec(self, project_id, server):
        resource = common.describe('server', server, project_id)
        found = self.pcall(project_id, 'capture server', resource,
                           lambda c: self._find_server(c, server,
                                                       project_id))
        resource = common.describe('server', found.id, project_id,
                                   name=found.name)
        hidden = self._admin_server_attributes(found.id, project_id)
        spec = self.pcall(project_id, 'capture server', resource,
                          self._capture, found, hidden.get('root'))
        spec['user_data'] = hidden.get('user_data')
        spec['key_pair'] = self._read_key_pair(found.key_name,
                                               found.user_id)
        return spec

    def _admin_server_attributes(self, server_id, project_id):
        """user_data and the root device: readable by an admin only."""
        try:
            server = self.acall(
                'read server attributes', common.describe(
                    'server', server_id, project_id),
                lambda c: c.compute.get_server(server_id))
        except (errors.CloudForbidden, errors.CloudNotFound):
            return {}
        if server.project_id != project_id:
            return {}
        return {'user_data': server.user_data or None,
                'root': server.root_device_name}

    def _capture(self, conn, server, root_device):
        image = server.image
        image_id = getattr(image, 'id', None) or None
        ports, security_groups = self._capture_ports(conn, server)
        return {
            'id': server.id, 'name': server.name,
            'flavor': self._capture_flavor(conn, server.flavor),
            'image': image_id and {
                'id': image_id,
                'name': getattr(_quiet(lambda: conn.image.get_image(
                    image_id)), 'name', None)},
            'availability_zone': server.availability_zone,
            'key_name': server.key_name,
            'metadata': dict(server.metadata or {}),
            'server_group': self._capture_server_group(conn, server),
            'security_groups': security_groups or [
                {'id': None, 'name': g.get('name')}
                for g in server.security_groups or []],
            'ports': ports,
            'volumes': self._capture_volumes(conn, server, root_device,
                                             booted_from_image=image_id),
        }

    @staticmethod
    def _capture_flavor(conn, flavor):
        if flavor.original_name:
            # Nova 2.47+ embeds the flavor without its id (the sdk then
            # calls the name "id"): find the id by name, if still there.
            known = _quiet(lambda: conn.compute.find_flavor(
                flavor.original_name, ignore_missing=True))
            return {'id': known.id if known is not None else None,
                    'name': flavor.original_name, 'vcpus': flavor.vcpus,
                    'ram': flavor.ram, 'disk': flavor.disk}
        # Older Nova: only the id and links.
        known = _quiet(lambda: conn.compute.get_flavor(flavor.id))
        return {'id': flavor.id, 'name': getattr(known, 'name', None),
                'vcpus': getattr(known, 'vcpus', None),
                'ram': getattr(known, 'ram', None),
                'disk': getattr(known, 'disk', None)}

    @staticmethod
    def _capture_server_group(conn, server):
        group_ids = server.server_groups
        if group_ids is None:
            # Before Nova 2.71: look for the server among the members.
            group_ids = [g.id for g in conn.compute.server_groups()
                         if server.id in (g.member_ids or [])]
        for group_id in group_ids or []:
            group = _quiet(lambda: conn.compute.get_server_group(group_id))
            if group is not None:
                return compute.server_group_dict(group)
        return None

    @staticmethod
    def _capture_ports(conn, server):
        order = _nic_order(server)
        ports = list(conn.network.ports(device_id=server.id))
        ports.sort(key=lambda p: (
            order.index(p.mac_address) if p.mac_address in order
            else len(order), p.created_at or '', p.id))
        floating = {}
        if ports:
            for ip in conn.network.ips(project_id=server.project_id):
                if ip.port_id:
                    floating.setdefault(ip.port_id, []).append(
                        ip.floating_ip_address)
        cidrs = {}
        network_names = {}
        group_ids = []
        captured = []
        for port in ports:
            fixed_ips = []
            for fixed in port.fixed_ips or []:
                subnet_id = fixed.get('subnet_id')
                if subnet_id not in cidrs:
                    subnet = _quiet(lambda: conn.network.get_subnet(
                        subnet_id))
                    cidrs[subnet_id] = getattr(subnet, 'cidr', None)
                fixed_ips.append({'subnet_id': subnet_id,
                                  'ip_address': fixed.get('ip_address'),
                                  'cidr': cidrs[subnet_id]})
            if port.network_id not in network_names:
                # Operators map networks by name as often as by id.
                network = _quiet(lambda: conn.network.get_network(
                    port.network_id))
                network_names[port.network_id] = getattr(network, 'name',
                                                         None)
            port_groups = list(port.security_group_ids or [])
            group_ids.extend(g for g in port_groups if g not in group_ids)
            captured.append({
                'port_id': port.id, 'network_id': port.network_id,
                'network_name': network_names[port.network_id],
                'mac_address': port.mac_address, 'fixed_ips': fixed_ips,
                'security_group_ids': port_groups,
                'floating_ips': sorted(floating.get(port.id, []))})
        security_groups = []
        for group_id in group_ids:
            group = _quiet(lambda: conn.network.get_security_group(group_id))
            security_groups.append({'id': group_id,
                                    'name': getattr(group, 'name', None)})
        return captured, security_groups

    @staticmethod
    def _capture_volumes(conn, server, root_device, booted_from_image):
        volumes = []
        for attachment in conn.compute.volume_attachments(server.id):
            volume = conn.block_storage.get_volume(attachment.volume_id)
            volumes.append({
                'volume_id': volume.id, 'name': volume.name,
                'volume_type': volume.volume_type, 'size': volume.size,
                'boot_index': None, 'device': attachment.device,
                'bootable': bool(volume.is_bootable)})
        boot = None
        if root_device:
            boot = next((v for v in volumes
                         if v['device'] == root_device), None)
        if boot is None and not booted_from_image:
            # Without the (admin-only) root device name: the first
            # bootable volume in device order is the one Nova boots.
            bootable = sorted((v for v in volumes if v['bootable']),
                              key=lambda v: v['device'] or '')
            boot = bootable[0] if bootable else None
        if boot is not None:
            boot['boot_index'] = 0
        volumes.sort(key=lambda v: (v['boot_index'] is None,
                                    v['device'] or '', v['volume_id']))
        return volumes
