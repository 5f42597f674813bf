"""A fake cloud for tests, held to the same contract as the real one.

Each site name has one ``FakeCloud`` in the fake world
(:mod:`protector.tests.fake_drivers.world`), shared by every driver
instance the engine creates, like a real cloud, and by every process when
the world is in a state file; ``reset()`` empties them.  Every driver call
is one transaction on the world.  Servers, volumes and groups move
through their transitional states one read at a time (``BUILD`` then
``ACTIVE``, ``creating`` then ``available``), so that waits are
exercised.  ``FakeCloud.fail(method, error)`` makes the next call of a
driver method raise ``error``.  Its Nova speaks microversions up to
``FakeCloud.compute_version`` (2.96 unless a test lowers it).

The optional ``[fake_cloud] inventory_file`` maps a site name to
``{"services": {"compute": true, ...}, "volume_types": [...], "servers":
[{..., "project_id": ...}]}``: services and volume types then come from the
file (read at each driver creation, so a test can change it), and its
servers are captured as written there, a flavor, image or security group
given by name becoming the object the real driver captures.

Quotas are unlimited (-1) until a test sets a limit with ``set_quota()``;
what is in use is counted from the project's servers (their flavors),
volumes and ports.  The fake does not refuse what goes over a limit.

``[fake_cloud] backend_arrays`` maps a site name to the URL of the fake
array behind its Cinder, as on a real site: managing a backend object
adopts the array volume (renamed to the Cinder name, as the Pure backend
does), and deleting a volume deletes its array volume.
"""

import copy
import functools
import hashlib
import ipaddress
import json
import uuid

from oslo_config import cfg

from protector.common import driver_errors as errors
from protector.common import exception
from protector.conf import openstack_cloud
from protector.drivers.cloud import base
from protector.tests.fake_drivers import storage as fake_storage
from protector.tests.fake_drivers import world as fake_world

CONF = cfg.CONF
openstack_cloud.register_opts(CONF)
group = cfg.OptGroup('fake_cloud', title='Fake cloud driver (tests only)')
opts = [
    cfg.StrOpt('inventory_file',
               help='JSON file describing the servers, volumes and volume '
                    'types the fake cloud driver pretends exist.'),
    cfg.DictOpt('backend_arrays', default={},
                help='Site name: URL of the fake array that backs the '
                     'Cinder of that site.'),
]
CONF.register_group(group)
CONF.register_opts(opts, group=group)
SERVICES = ('compute', 'block-storage', 'network')
# The project of every site's service user (it owns the public network).
ADMIN_PROJECT = 'fake-admin-project'
QUOTAS = ('instances', 'cores', 'ram', 'volumes', 'gigabytes', 'ports')


def reset():
    """Forget every fake cloud."""
    with fake_world.transaction() as world:
        world.clouds.clear()


def cloud(site_name):
    """The ``FakeCloud`` of a site (created on first use).

    In a world kept in a state file, read and change it inside a
    ``fake_world.transaction()``: outside one it is a copy.
    """
    with fake_world.transaction() as world:
        if site_name not in world.clouds:
            world.clouds[site_name] = FakeCloud(site_name)
        return world.clouds[site_name]


def set_quota(site_name, project_id, **limits):
    """Set quota limits of a project on a site (-1: unlimited).

    ``limits`` are named as in ``get_quota_usage``: ``instances``,
    ``cores``, ``ram`` (MiB), ``volumes``, ``gigabytes`` and ``ports``.
    """
    unknown = set(limits) - set(QUOTAS)
    if unknown:
        raise ValueError('no such quota: %s' % ', '.join(sorted(unknown)))
    with fake_world.transaction():
        cloud(site_name).quotas.setdefault(project_id, {}).update(
            {name: int(limit) for name, limit in limits.items()})


def _id():
    return str(uuid.uuid4())


class FakeCloud(object):
    """The state of one site: what Nova, Neutron, Glance and Cinder hold."""

    def __init__(self, name):
        self.name = name
        self.services = {service: True for service in SERVICES}
        self.reference_key = 'source-name'
        self.failures = {}
        self.compute_version = (2, 96)
        self.macs = 0
        self.volume_types = {}
        for name_, specs in (
                ('replicated', {'replication_enabled': '<is> True',
                                'replication_type': '<in> async',
                                'volume_backend_name': 'fake-array'}),
                ('replicated-sync', {'replication_enabled': '<is> True',
                                     'replication_type': '<in> sync',
                                     'volume_backend_name': 'fake-array'}),
                ('standard', {'volume_backend_name': 'fake-plain'})):
            type_id = _id()
            self.volume_types[type_id] = {'id': type_id, 'name': name_,
                                          'extra_specs': specs}
        self.flavors = {}
        for name_, vcpus, ram, disk in (('m1.tiny', 1, 512, 1),
                                        ('m1.small', 1, 2048, 20)):
            flavor_id = _id()
            self.flavors[flavor_id] = {'id': flavor_id, 'name': name_,
                                       'vcpus': vcpus, 'ram': ram,
                                       'disk': disk}
        image_id = _id()
        self.images = {image_id: {'id': image_id, 'name': 'cirros',
                                  'status': 'active', 'min_disk': 0,
                                  'size': 21430272}}
        self.servers = {}
        self.server_groups = {}
        self.key_pairs = {}
        self.networks = {}
        self.subnets = {}
        self.ports = {}
        self.security_groups = {}
        self.floating_ips = {}
        self.volumes = {}
        self.groups = {}
        self.group_types = {}
        # Backend objects no Cinder volume stands for: name -> (type, size).
        self.unmanaged = {}
        # project id -> {resource: limit}; absent: unlimited.
        self.quotas = {}
        public = self.add_network(ADMIN_PROJECT, 'public', external=True)
        self.add_subnet(ADMIN_PROJECT, public['id'], '203.0.113.0/24',
                        'public-subnet')

    def fail(self, method, error):
        """The next call of driver method ``method`` raises ``error``."""
        self.failures.setdefault(method, []).append(error)

    # Helpers shared with the driver

    def add_network(self, project_id, name, external=False, shared=False,
                    mtu=None):
        network = {'id': _id(), 'name': name, 'external': external,
                   'shared': shared, 'subnet_ids': [], 'mtu': mtu or 1500,
                   'project_id': project_id}
        self.networks[network['id']] = network
        return network

    def add_subnet(self, project_id, network_id, cidr, name=None,
                   gateway_ip=None, enable_dhcp=True, dns_nameservers=None):
        net = ipaddress.ip_network(cidr, strict=False)
        subnet = {'id': _id(), 'name': name or '', 'network_id': network_id,
                  'cidr': str(net), 'ip_version': net.version,
                  'gateway_ip': gateway_ip or str(next(net.hosts())),
                  'enable_dhcp': enable_dhcp,
                  'dns_nameservers': list(dns_nameservers or []),
                  'project_id': project_id}
        self.subnets[subnet['id']] = subnet
        self.networks[network_id]['subnet_ids'].append(subnet['id'])
        return subnet

    def backend_name(self, volume_id):
        """What the backend calls the object of a Cinder volume."""
        return 'volume-%s' % volume_id

    def new_mac(self):
        self.macs += 1
        number = self.macs
        return 'fa:16:3e:%02x:%02x:%02x' % (
            (number >> 16) & 0xff, (number >> 8) & 0xff, number & 0xff)


def _public(resource):
    """A copy without the bookkeeping fields."""
    return {k: copy.deepcopy(v) for k, v in resource.items()
            if k not in ('project_id', 'hidden')}


def _as_captured(spec, cloud):
    """An inventory server in the shape ``get_server_spec`` promises.

    An inventory may name the flavor, the image and the security groups;
    the real driver captures them as objects.
    """
    flavor = spec.get('flavor')
    if isinstance(flavor, str):
        known = next((f for f in cloud.flavors.values()
                      if flavor in (f['id'], f['name'])),
                     {'id': None, 'name': flavor, 'vcpus': None,
                      'ram': None, 'disk': None})
        spec['flavor'] = _public(known)
    if isinstance(spec.get('image'), str):
        spec['image'] = {'id': None, 'name': spec['image']}
    spec['security_groups'] = [
        {'id': None, 'name': group} if isinstance(group, str) else group
        for group in spec.get('security_groups') or []]
    spec.setdefault('key_pair', None)
    return spec


def _entry(method):
    """Raise an injected failure; the call is one transaction.

    It is counted too (``fake_world.call_counts``).
    """
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with fake_world.transaction(method.__name__):
            pending = self.cloud.failures.get(method.__name__)
            if pending:
                raise pending.pop(0)
            return method(self, *args, **kwargs)
    return fake_world.counted(wrapper)


class FakeCloudDriver(base.CloudDriver):

    def __init__(self, site, session):
        super().__init__(site, session)
        path = CONF.fake_cloud.inventory_file
        inventory = {}
        if path:
            with open(path) as inventory_file:
                inventory = json.load(inventory_file)
        self.inventory = inventory.get(site.name, {})
        with fake_world.transaction():
            for vtype in self.inventory.get('volume_types', []):
                if not any(t['name'] == vtype['name']
                           for t in self.cloud.volume_types.values()):
                    self.cloud.volume_types[vtype['id']] = {
                        'id': vtype['id'], 'name': vtype['name'],
                        'extra_specs': {
                            'replication_enabled': '<is> True',
                            'replication_type': '<in> %s'
                            % vtype['replication_type'],
                            'volume_backend_name': vtype.get('backend')}}

    @property
    def cloud(self):
        """The site's FakeCloud, in the transaction under way."""
        world = fake_world.current()
        if self.site.name not in world.clouds:
            world.clouds[self.site.name] = FakeCloud(self.site.name)
        return world.clouds[self.site.name]

    # Errors as the real driver raises them

    def _error(self, cls, action, resource, detail, **kwargs):
        return cls(site=self.site.name, resource=resource, action=action,
                   detail=detail, **kwargs)

    def _get(self, table, kind, ident, project_id, action, visible=None):
        resource = getattr(self.cloud, table).get(ident)
        if resource is not None and visible is None:
            visible = resource.get('project_id') == project_id
        if resource is None or not visible:
            raise self._error(errors.CloudNotFound, action, '%s %s in '
                              'project %s' % (kind, ident, project_id),
                              'No %s found for %s' % (kind, ident))
        return resource

    def _mine(self, table, project_id):
        return [r for r in getattr(self.cloud, table).values()
                if r.get('project_id') == project_id]

    # The site

    @_entry
    def check_services(self):
        services = self.inventory.get('services', self.cloud.services)
        checks = []
        for service in SERVICES:
            if services.get(service, False):
                checks.append({'check': service, 'result': 'passed',
                               'detail': 'fake %s answers' % service})
            else:
                checks.append({'check': service, 'result': 'failed',
                               'detail': 'no %s endpoint in the fake '
                                         'inventory of %s'
                                         % (service, self.site.name)})
        return checks

    @_entry
    def service_project_id(self):
        return ADMIN_PROJECT

    @_entry
    def get_quota_usage(self, project_id):
        cloud = self.cloud
        servers = self._mine('servers', project_id)
        flavors = [cloud.flavors[s['flavor_id']] for s in servers]
        volumes = self._mine('volumes', project_id)
        in_use = {'instances': len(servers),
                  'cores': sum(f['vcpus'] for f in flavors),
                  'ram': sum(f['ram'] for f in flavors),
                  'volumes': len(volumes),
                  'gigabytes': sum(v['size'] for v in volumes),
                  'ports': len(self._mine('ports', project_id))}
        limits = cloud.quotas.get(project_id, {})
        return {name: {'limit': limits.get(name, -1),
                       'in_use': in_use[name]} for name in QUOTAS}

    @_entry
    def list_replicated_volume_types(self):
        if 'volume_types' in self.inventory:
            return copy.deepcopy(self.inventory['volume_types'])
        found = []
        for vtype in self.cloud.volume_types.values():
            specs = vtype['extra_specs']
            if specs.get('replication_enabled') == '<is> True':
                found.append({
                    'id': vtype['id'], 'name': vtype['name'],
                    'replication_type': specs.get(
                        'replication_type', 'async').split()[-1],
                    'backend': specs.get('volume_backend_name')})
        return found

    # Servers

    def _server(self, project_id, server, action):
        servers = self.cloud.servers
        if server in servers and servers[server]['project_id'] == project_id:
            return servers[server]
        named = [s for s in servers.values()
                 if s['name'] == server and s['project_id'] == project_id]
        if len(named) > 1:
            raise self._error(errors.CloudConflict, action, 'server %s in '
                              'project %s' % (server, project_id),
                              'more than one server has this name; use '
                              'its id')
        if not named:
            raise self._error(errors.CloudNotFound, action, 'server %s in '
                              'project %s' % (server, project_id),
                              'No Server found for %s' % server)
        return named[0]

    @staticmethod
    def _server_view(server):
        return {k: copy.deepcopy(server[k]) for k in (
            'id', 'name', 'status', 'task_state', 'fault',
            'availability_zone')}

    def _advance(self, server):
        if server['status'] == 'BUILD':
            server['status'] = server.pop('next_status', 'ACTIVE')
            server['task_state'] = None

    @_entry
    def get_server_spec(self, project_id, server):
        try:
            found = self._server(project_id, server, 'capture server')
        except errors.CloudNotFound:
            if 'servers' not in self.inventory:
                raise
            for spec in self.inventory['servers']:
                if (spec.get('project_id') == project_id
                        and server in (spec['id'], spec['name'])):
                    spec = copy.deepcopy(spec)
                    spec.pop('project_id', None)
                    self._adopt_inventory_volumes(project_id, spec)
                    return _as_captured(spec, self.cloud)
            # The inventory's own error, as engine and API tests expect.
            raise exception.NotFound(
                kind='Server', ident='%s in project %s on site %s'
                % (server, project_id, self.site.name))
        return self._capture(found)

    def _adopt_inventory_volumes(self, project_id, spec):
        """Give an inventory server's volumes a life in the fake Cinder."""
        for volume in spec.get('volumes', []):
            self.cloud.volumes.setdefault(volume['volume_id'], {
                'id': volume['volume_id'], 'name': volume.get('name'),
                'status': 'in-use', 'size': volume.get('size', 1),
                'volume_type': volume.get('volume_type'),
                'bootable': volume.get('bootable', False),
                'availability_zone': 'nova', 'group_id': None,
                'image_metadata': {},
                'attachments': [{'server_id': spec['id']}],
                'project_id': project_id})

    def _capture(self, server):
        cloud = self.cloud
        ports = []
        group_ids = []
        for port_id in server['port_ids']:
            port = cloud.ports[port_id]
            fixed_ips = [dict(f, cidr=cloud.subnets[f['subnet_id']]['cidr'])
                         for f in port['fixed_ips']]
            group_ids.extend(g for g in port['security_group_ids']
                             if g not in group_ids)
            ports.append({
                'port_id': port['id'], 'network_id': port['network_id'],
                'network_name': cloud.networks[port['network_id']]['name'],
                'mac_address': port['mac_address'], 'fixed_ips': fixed_ips,
                'security_group_ids': list(port['security_group_ids']),
                'floating_ips': sorted(
                    ip['floating_ip_address']
                    for ip in cloud.floating_ips.values()
                    if ip['port_id'] == port['id'])})
        volumes = []
        for mapping in server['volumes']:
            volume = cloud.volumes[mapping['volume_id']]
            volumes.append({
                'volume_id': volume['id'], 'name': volume['name'],
                'volume_type': volume['volume_type'], 'size': volume['size'],
                'boot_index': 0 if mapping['boot_index'] == 0 else None,
                'device': mapping['device'], 'bootable': volume['bootable']})
        volumes.sort(key=lambda v: (v['boot_index'] is None, v['device']))
        flavor = cloud.flavors[server['flavor_id']]
        image = cloud.images.get(server['image_id'])
        group = cloud.server_groups.get(server['server_group_id'])
        key_pair = cloud.key_pairs.get(server['key_name'])
        return {
            'id': server['id'], 'name': server['name'],
            'flavor': _public(flavor),
            'image': image and {'id': image['id'], 'name': image['name']},
            'availability_zone': server['availability_zone'],
            'key_name': server['key_name'],
            'key_pair': key_pair and dict(key_pair),
            'metadata': dict(server['metadata']),
            'server_group': group and _public(group),
            'security_groups': [
                {'id': g, 'name': cloud.security_groups[g]['name']}
                for g in group_ids],
            'user_data': server['user_data'],
            'ports': ports, 'volumes': volumes}

    @_entry
    def get_server(self, project_id, server):
        found = self._server(project_id, server, 'read server')
        self._advance(found)
        return self._server_view(found)

    @_entry
    def list_servers(self, project_id, name=None):
        return [self._server_view(s) for s in self._mine('servers',
                                                         project_id)
                if name is None or s['name'] == name]

    @_entry
    def create_server(self, project_id, spec):
        cloud = self.cloud
        action = 'create server'
        resource = 'server %s in project %s' % (spec['name'], project_id)
        flavor = spec['flavor']
        if isinstance(flavor, dict):
            flavor = flavor.get('id') or flavor.get('name')
        flavor = self.find_flavor(project_id, flavor)
        mappings = []
        devices = iter('/dev/vd%s' % c for c in 'abcdefghijklmnop')
        for volume in sorted(spec.get('volumes') or [], key=lambda v: (
                v.get('boot_index') is None, v.get('boot_index') or 0)):
            found = self._get('volumes', 'volume', volume['volume_id'],
                              project_id, action)
            if found['status'] != 'available':
                raise self._error(errors.CloudBadRequest, action, resource,
                                  'Volume %s status must be available, but '
                                  'current status is: %s'
                                  % (found['id'], found['status']))
            mappings.append({'volume_id': found['id'],
                             'boot_index': volume.get('boot_index'),
                             'device': volume.get('device') or next(devices)})
        image = spec.get('image')
        image_id = None
        if image and not any(m['boot_index'] == 0 for m in mappings):
            image_id = self.find_image(project_id, image.get('id') if
                                       isinstance(image, dict) else
                                       image)['id']
        if image_id is None and not any(m['boot_index'] == 0
                                        for m in mappings):
            raise self._error(errors.CloudBadRequest, action, resource,
                              'Block Device Mapping is Invalid: no boot '
                              'volume and no image')
        server_id = _id()
        port_ids = []
        for entry in spec.get('ports') or []:
            if entry.get('port_id'):
                port = self._get('ports', 'port', entry['port_id'],
                                 project_id, action)
                if port['device_id']:
                    raise self._error(errors.CloudConflict, action,
                                      resource, 'Port %s is still in use.'
                                      % port['id'])
            else:
                port = self.create_port(
                    project_id, entry['network_id'],
                    fixed_ips=entry.get('fixed_ips'),
                    security_groups=spec.get('security_groups'))
                port = cloud.ports[port['id']]
                port['owned_by_server'] = True
            port_ids.append(port['id'])
        group_id = spec.get('server_group')
        if isinstance(group_id, dict):
            group_id = group_id.get('id')
        if group_id:
            self._get('server_groups', 'server group', group_id,
                      project_id, action)
        key_name = spec.get('key_name')
        if key_name:
            key_name = self._usable_key_name(key_name, spec.get('key_pair'),
                                             resource)
        for port_id in port_ids:
            cloud.ports[port_id]['device_id'] = server_id
        for mapping in mappings:
            volume = cloud.volumes[mapping['volume_id']]
            volume['status'] = 'in-use'
            volume['attachments'].append({
                'server_id': server_id, 'device': mapping['device'],
                'attachment_id': _id()})
        server = {
            'id': server_id, 'name': spec['name'], 'status': 'BUILD',
            'task_state': 'spawning', 'fault': None,
            'availability_zone': spec.get('availability_zone') or 'nova',
            'project_id': project_id, 'flavor_id': flavor['id'],
            'image_id': image_id, 'key_name': key_name,
            'metadata': dict(spec.get('metadata') or {}),
            'user_data': spec.get('user_data'), 'port_ids': port_ids,
            'volumes': mappings, 'server_group_id': group_id,
            'config_drive': bool(spec.get('config_drive')),
            'hostname': spec.get('hostname')}
        fault = cloud.failures.get('boot:%s' % spec['name'])
        if fault:
            server['next_status'] = 'ERROR'
            server['fault'] = {'message': fault.pop(0), 'code': 500}
        cloud.servers[server_id] = server
        return self._server_view(server)

    def _usable_key_name(self, key_name, key_pair, resource):
        keys = self.cloud.key_pairs
        public_key = (key_pair or {}).get('public_key')
        if not public_key:
            if key_name not in keys:
                raise self._error(errors.CloudBadRequest, 'create server',
                                  resource, 'Invalid key_name provided.')
            return key_name
        name = key_name
        if name in keys and keys[name]['public_key'] != public_key:
            name = '%s-%s' % (key_name, hashlib.sha256(
                public_key.encode()).hexdigest()[:8])
        keys.setdefault(name, {'name': name, 'public_key': public_key,
                               'type': key_pair.get('type') or 'ssh'})
        return name

    @_entry
    def supports_hostname(self, project_id, hostname):
        return self.cloud.compute_version >= ((2, 94) if '.' in hostname
                                              else (2, 90))

    @_entry
    def delete_key_pair(self, project_id, name):
        self.cloud.key_pairs.pop(name, None)

    @_entry
    def stop_server(self, project_id, server_id):
        server = self._server(project_id, server_id, 'stop server')
        self._advance(server)
        if server['status'] == 'ACTIVE':
            server['status'] = 'SHUTOFF'
        elif server['status'] != 'SHUTOFF':
            raise self._error(errors.CloudConflict, 'stop server', server_id,
                              "Cannot 'stop' instance while it is in "
                              "vm_state %s" % server['status'].lower())

    @_entry
    def start_server(self, project_id, server_id):
        server = self._server(project_id, server_id, 'start server')
        self._advance(server)
        if server['status'] == 'SHUTOFF':
            server['status'] = 'ACTIVE'
        elif server['status'] != 'ACTIVE':
            raise self._error(errors.CloudConflict, 'start server',
                              server_id, "Cannot 'start' instance while it "
                              "is in vm_state %s" % server['status'].lower())

    @_entry
    def delete_server(self, project_id, server_id):
        cloud = self.cloud
        server = cloud.servers.get(server_id)
        if server is None or server['project_id'] != project_id:
            return
        del cloud.servers[server_id]
        for port_id in server['port_ids']:
            port = cloud.ports[port_id]
            if port.get('owned_by_server'):
                self.delete_port(project_id, port_id)
            else:
                port['device_id'] = None
        for mapping in server['volumes']:
            volume = cloud.volumes.get(mapping['volume_id'])
            if volume is not None:
                volume['attachments'] = [a for a in volume['attachments']
                                         if a['server_id'] != server_id]
                if not volume['attachments']:
                    volume['status'] = 'available'

    @_entry
    def wait_for_server(self, project_id, server_id, status, timeout):
        wanted = status.upper()
        server = self.cloud.servers.get(server_id)
        if server is None or server['project_id'] != project_id:
            if wanted == 'DELETED':
                return None
            raise self._error(errors.CloudNotFound, 'wait for %s' % wanted,
                              'server %s in project %s'
                              % (server_id, project_id), 'no such server')
        self._advance(server)
        resource = 'server %s (%s) in project %s' % (
            server['name'], server_id, project_id)
        fault = errors.fault_suffix(server['fault'])
        if server['status'] == wanted:
            return self._server_view(server)
        if server['status'] == 'ERROR':
            raise errors.ResourceStateError(
                site=self.site.name, resource=resource,
                action='wait for %s' % wanted, wanted=wanted,
                reached='ERROR', fault=fault)
        raise errors.ResourceTimeout(
            site=self.site.name, resource=resource,
            action='wait for %s' % wanted, wanted=wanted,
            reached=server['status'], fault=fault, timeout=timeout)

    @_entry
    def find_flavor(self, project_id, flavor):
        for found in self.cloud.flavors.values():
            if flavor in (found['id'], found['name']):
                return dict(found)
        raise self._error(errors.CloudNotFound, 'find flavor',
                          'flavor %s' % flavor,
                          'No Flavor found for %s' % flavor)

    @_entry
    def list_flavors(self, project_id):
        return [dict(f) for f in self.cloud.flavors.values()]

    @_entry
    def find_image(self, project_id, image):
        for found in self.cloud.images.values():
            if image in (found['id'], found['name']):
                return dict(found)
        raise self._error(errors.CloudNotFound, 'find image',
                          'image %s' % image, 'No Image found for %s' % image)

    @_entry
    def list_images(self, project_id):
        return [dict(i) for i in self.cloud.images.values()]

    @_entry
    def list_server_groups(self, project_id, name=None):
        return [_public(g) for g in self._mine('server_groups', project_id)
                if name is None or g['name'] == name]

    @_entry
    def create_server_group(self, project_id, name, policy):
        group = {'id': _id(), 'name': name, 'policy': policy,
                 'project_id': project_id}
        self.cloud.server_groups[group['id']] = group
        return _public(group)

    @_entry
    def delete_server_group(self, project_id, group_id):
        group = self.cloud.server_groups.get(group_id)
        if group is not None and group['project_id'] == project_id:
            del self.cloud.server_groups[group_id]

    # Networking

    def _visible_network(self, network, project_id):
        return (network['project_id'] == project_id or network['shared']
                or network['external'])

    @_entry
    def list_networks(self, project_id, name=None, external=None):
        return [_public(n) for n in self.cloud.networks.values()
                if self._visible_network(n, project_id)
                and (name is None or n['name'] == name)
                and (external is None or n['external'] == external)]

    @_entry
    def get_network(self, project_id, network_id):
        network = self.cloud.networks.get(network_id)
        return _public(self._get(
            'networks', 'network', network_id, project_id, 'read network',
            visible=network is not None and self._visible_network(
                network, project_id)))

    @_entry
    def create_network(self, project_id, name, mtu=None):
        return _public(self.cloud.add_network(project_id, name, mtu=mtu))

    def _delete(self, table, ident, project_id):
        resource = getattr(self.cloud, table).get(ident)
        if resource is not None and resource['project_id'] == project_id:
            del getattr(self.cloud, table)[ident]
            return resource
        return None

    @_entry
    def delete_network(self, project_id, network_id):
        network = self.cloud.networks.get(network_id)
        if network is None or network['project_id'] != project_id:
            return
        if any(p['network_id'] == network_id
               for p in self.cloud.ports.values()):
            raise self._error(errors.CloudConflict, 'delete network',
                              'network %s' % network_id, 'Unable to complete '
                              'operation on network %s. There are one or '
                              'more ports still in use on the network.'
                              % network_id)
        for subnet_id in network['subnet_ids']:
            self.cloud.subnets.pop(subnet_id, None)
        del self.cloud.networks[network_id]

    @_entry
    def list_subnets(self, project_id, network_id=None):
        return [_public(s) for s in self.cloud.subnets.values()
                if self._visible_network(
                    self.cloud.networks[s['network_id']], project_id)
                and network_id in (None, s['network_id'])]

    @_entry
    def get_subnet(self, project_id, subnet_id):
        subnet = self.cloud.subnets.get(subnet_id)
        return _public(self._get(
            'subnets', 'subnet', subnet_id, project_id, 'read subnet',
            visible=subnet is not None and self._visible_network(
                self.cloud.networks[subnet['network_id']], project_id)))

    @_entry
    def create_subnet(self, project_id, network_id, cidr, name=None,
                      gateway_ip=None, enable_dhcp=True,
                      dns_nameservers=None):
        self._get('networks', 'network', network_id, project_id,
                  'create subnet')
        return _public(self.cloud.add_subnet(
            project_id, network_id, cidr, name, gateway_ip, enable_dhcp,
            dns_nameservers))

    @_entry
    def delete_subnet(self, project_id, subnet_id):
        subnet = self.cloud.subnets.get(subnet_id)
        if subnet is None or subnet['project_id'] != project_id:
            return
        self.cloud.networks[subnet['network_id']]['subnet_ids'].remove(
            subnet_id)
        del self.cloud.subnets[subnet_id]

    @_entry
    def list_ports(self, project_id, network_id=None, device_id=None):
        return [_public(p) for p in self._mine('ports', project_id)
                if network_id in (None, p['network_id'])
                and device_id in (None, p['device_id'])]

    @_entry
    def get_port(self, project_id, port_id):
        return _public(self._get('ports', 'port', port_id, project_id,
                                 'read port'))

    def _address(self, subnet, wanted, resource):
        used = {f['ip_address'] for p in self.cloud.ports.values()
                for f in p['fixed_ips'] if f['subnet_id'] == subnet['id']}
        used.update(ip['floating_ip_address']
                    for ip in self.cloud.floating_ips.values())
        used.add(subnet['gateway_ip'])
        net = ipaddress.ip_network(subnet['cidr'])
        if wanted:
            if ipaddress.ip_address(wanted) not in net:
                raise self._error(errors.CloudBadRequest, 'create port',
                                  resource, 'IP address %s is not a valid '
                                  'IP for the specified subnet.' % wanted)
            if wanted in used:
                raise self._error(errors.CloudConflict, 'create port',
                                  resource, 'IP address %s already '
                                  'allocated in subnet %s'
                                  % (wanted, subnet['id']))
            return wanted
        for host in net.hosts():
            if str(host) not in used:
                return str(host)
        raise self._error(errors.CloudConflict, 'create port', resource,
                          'No more IP addresses available on network.')

    @_entry
    def create_port(self, project_id, network_id, fixed_ips=None,
                    mac_address=None, security_groups=None, name=None,
                    allowed_address_pairs=None):
        resource = 'port %s in project %s' % (name or mac_address or '',
                                              project_id)
        network = self.get_network(project_id, network_id)
        if mac_address and any(p['mac_address'] == mac_address
                               and p['network_id'] == network_id
                               for p in self.cloud.ports.values()):
            raise self._error(errors.CloudConflict, 'create port', resource,
                              'The mac address %s is in use.' % mac_address)
        if not fixed_ips:
            fixed_ips = [{'subnet_id': s} for s in network['subnet_ids'][:1]]
        addresses = []
        for fixed in fixed_ips:
            subnet_id = fixed.get('subnet_id')
            if subnet_id is None:
                subnet_id = next(
                    (s for s in network['subnet_ids'] if ipaddress.ip_address(
                        fixed['ip_address']) in ipaddress.ip_network(
                        self.cloud.subnets[s]['cidr'])), None)
            subnet = self.get_subnet(project_id, subnet_id)
            addresses.append({'subnet_id': subnet_id,
                              'ip_address': self._address(
                                  subnet, fixed.get('ip_address'),
                                  resource)})
        if security_groups is None:
            group_ids = [self._default_security_group(project_id)['id']]
        else:
            group_ids = [self._security_group(project_id, g)['id']
                         for g in security_groups]
        mac_address = mac_address or self.cloud.new_mac()
        port = {'id': _id(), 'name': name or '', 'network_id': network_id,
                'mac_address': mac_address,
                'fixed_ips': addresses, 'security_group_ids': group_ids,
                'allowed_address_pairs': [
                    {'ip_address': p['ip_address'],
                     'mac_address': mac_address}
                    for p in allowed_address_pairs or []],
                'device_id': None, 'status': 'DOWN',
                'project_id': project_id}
        self.cloud.ports[port['id']] = port
        return _public(port)

    @_entry
    def delete_port(self, project_id, port_id):
        port = self._delete('ports', port_id, project_id)
        if port is not None:
            for ip in self.cloud.floating_ips.values():
                if ip['port_id'] == port_id:
                    ip.update(port_id=None, fixed_ip_address=None,
                              status='DOWN')

    def _default_security_group(self, project_id):
        for group in self._mine('security_groups', project_id):
            if group['name'] == 'default':
                return group
        group = {'id': _id(), 'name': 'default',
                 'description': 'Default security group',
                 'project_id': project_id}
        self.cloud.security_groups[group['id']] = group
        return group

    def _security_group(self, project_id, ident):
        if isinstance(ident, dict):
            ident = ident.get('id') or ident.get('name')
        self._default_security_group(project_id)
        mine = self._mine('security_groups', project_id)
        match = [g for g in mine if g['id'] == ident] or \
            [g for g in mine if g['name'] == ident]
        if len(match) != 1:
            raise self._error(errors.CloudNotFound, 'choose security groups',
                              'security group %s in project %s'
                              % (ident, project_id),
                              '%d security groups have this name or id'
                              % len(match))
        return match[0]

    @_entry
    def list_security_groups(self, project_id, name=None):
        self._default_security_group(project_id)
        return [_public(g) for g in self._mine('security_groups', project_id)
                if name is None or g['name'] == name]

    @_entry
    def create_security_group(self, project_id, name, description=''):
        group = {'id': _id(), 'name': name, 'description': description,
                 'project_id': project_id}
        self.cloud.security_groups[group['id']] = group
        return _public(group)

    @_entry
    def delete_security_group(self, project_id, group_id):
        if any(group_id in p['security_group_ids']
               for p in self.cloud.ports.values()):
            raise self._error(errors.CloudConflict, 'delete security group',
                              'security group %s' % group_id,
                              'Security Group %s in use.' % group_id)
        self._delete('security_groups', group_id, project_id)

    @_entry
    def list_floating_ips(self, project_id, port_id=None):
        return [_public(i) for i in self._mine('floating_ips', project_id)
                if port_id in (None, i['port_id'])]

    def _fixed_address(self, project_id, port_id, fixed_ip_address, action):
        port = self._get('ports', 'port', port_id, project_id, action)
        return fixed_ip_address or port['fixed_ips'][0]['ip_address']

    @_entry
    def create_floating_ip(self, project_id, network_id, port_id=None,
                           fixed_ip_address=None, floating_ip_address=None):
        action = 'create floating IP'
        network = self.get_network(project_id, network_id)
        if not network['external']:
            raise self._error(errors.CloudBadRequest, action,
                              'network %s' % network_id, 'Network %s is not '
                              'a valid external network' % network_id)
        subnet = self.cloud.subnets[network['subnet_ids'][0]]
        address = self._address(subnet, floating_ip_address,
                                'floating IP in project %s' % project_id)
        ip = {'id': _id(), 'floating_ip_address': address,
              'floating_network_id': network_id, 'port_id': None,
              'fixed_ip_address': None, 'status': 'DOWN',
              'project_id': project_id}
        if port_id:
            ip.update(port_id=port_id, status='ACTIVE',
                      fixed_ip_address=self._fixed_address(
                          project_id, port_id, fixed_ip_address, action))
        self.cloud.floating_ips[ip['id']] = ip
        return _public(ip)

    @_entry
    def associate_floating_ip(self, project_id, floating_ip_id, port_id,
                              fixed_ip_address=None):
        action = 'associate floating IP'
        ip = self._get('floating_ips', 'floating IP', floating_ip_id,
                       project_id, action)
        ip.update(port_id=port_id, status='ACTIVE',
                  fixed_ip_address=self._fixed_address(
                      project_id, port_id, fixed_ip_address, action))
        return _public(ip)

    @_entry
    def disassociate_floating_ip(self, project_id, floating_ip_id):
        ip = self._get('floating_ips', 'floating IP', floating_ip_id,
                       project_id, 'disassociate floating IP')
        ip.update(port_id=None, fixed_ip_address=None, status='DOWN')
        return _public(ip)

    @_entry
    def delete_floating_ip(self, project_id, floating_ip_id):
        self._delete('floating_ips', floating_ip_id, project_id)

    # Block storage

    def _volume(self, project_id, volume_id, action):
        volume = self._get('volumes', 'volume', volume_id, project_id,
                           action)
        if volume['status'] in ('creating', 'managing'):
            volume['status'] = 'available'
        return volume

    def _volume_type(self, ident, action):
        for vtype in self.cloud.volume_types.values():
            if ident in (vtype['id'], vtype['name']):
                return vtype
        raise self._error(errors.CloudNotFound, action,
                          'volume type %s' % ident,
                          'Volume type %s could not be found.' % ident)

    def _new_volume(self, project_id, size, name, volume_type, bootable,
                    status):
        volume = {'id': _id(), 'name': name, 'status': status, 'size': size,
                  'volume_type': volume_type, 'bootable': bootable,
                  'availability_zone': 'nova', 'group_id': None,
                  'attachments': [], 'image_metadata': {},
                  'project_id': project_id}
        self.cloud.volumes[volume['id']] = volume
        return volume

    @_entry
    def get_volume(self, project_id, volume_id):
        return _public(self._volume(project_id, volume_id, 'read volume'))

    @_entry
    def list_volumes(self, project_id, name=None):
        return [_public(v) for v in self._mine('volumes', project_id)
                if name is None or v['name'] == name]

    @_entry
    def create_volume(self, project_id, size, name=None, volume_type=None,
                      image_id=None, availability_zone=None):
        vtype = self._volume_type(volume_type or 'standard', 'create volume')
        if image_id:
            self.find_image(project_id, image_id)
        return _public(self._new_volume(project_id, size, name,
                                        vtype['name'], bool(image_id),
                                        'creating'))

    @_entry
    def set_volume_bootable(self, project_id, volume_id, bootable=True):
        volume = self._volume(project_id, volume_id, 'set bootable')
        volume['bootable'] = bool(bootable)

    @_entry
    def set_volume_image_metadata(self, project_id, volume_id, metadata):
        volume = self._volume(project_id, volume_id, 'set image metadata')
        volume['image_metadata'] = dict(volume['image_metadata'],
                                        **metadata)

    @_entry
    def delete_volume(self, project_id, volume_id):
        volume = self.cloud.volumes.get(volume_id)
        if volume is None or volume['project_id'] != project_id:
            return
        if volume['attachments'] or volume['group_id']:
            raise self._error(errors.CloudBadRequest, 'delete volume',
                              'volume %s' % volume_id, 'Invalid volume: '
                              'Volume status must be available or error or '
                              'error_restoring or error_extending or '
                              'error_managing and must not be migrating, '
                              'attached, belong to a group, have snapshots '
                              'or be disassociated from snapshots after '
                              'volume transfer.')
        del self.cloud.volumes[volume_id]
        array = self._backend_array()
        if array is not None:
            array.volumes.pop(self.cloud.backend_name(volume_id), None)

    @_entry
    def wait_for_volume(self, project_id, volume_id, status, timeout=None):
        wanted = status.upper()
        volume = self.cloud.volumes.get(volume_id)
        if volume is None or volume['project_id'] != project_id:
            if wanted == 'DELETED':
                return None
            raise self._error(errors.CloudNotFound, 'wait for volume',
                              'volume %s in project %s'
                              % (volume_id, project_id), 'no such volume')
        volume = self._volume(project_id, volume_id, 'read volume')
        if volume['status'].upper() == wanted:
            return _public(volume)
        raise errors.ResourceTimeout(
            site=self.site.name, action='wait for volume %s' % wanted,
            resource='volume %s in project %s' % (volume_id, project_id),
            wanted=wanted, reached=volume['status'], fault='',
            timeout=timeout)

    @_entry
    def list_volume_attachments(self, project_id, volume_id):
        return self.get_volume(project_id, volume_id)['attachments']

    @_entry
    def attach_volume(self, project_id, server_id, volume_id, device=None):
        server = self._server(project_id, server_id, 'attach volume')
        volume = self._volume(project_id, volume_id, 'attach volume')
        if volume['status'] != 'available':
            raise self._error(errors.CloudBadRequest, 'attach volume',
                              'volume %s' % volume_id, 'Invalid volume: '
                              'volume %s status must be available'
                              % volume_id)
        used = {m['device'] for m in server['volumes']}
        device = device or next('/dev/vd%s' % c for c in 'bcdefghijklmnop'
                                if '/dev/vd%s' % c not in used)
        server['volumes'].append({'volume_id': volume_id,
                                  'boot_index': None, 'device': device})
        volume['status'] = 'in-use'
        volume['attachments'].append({'server_id': server_id,
                                      'device': device,
                                      'attachment_id': _id()})

    @_entry
    def detach_volume(self, project_id, server_id, volume_id):
        server = self._server(project_id, server_id, 'detach volume')
        volume = self._volume(project_id, volume_id, 'detach volume')
        server['volumes'] = [m for m in server['volumes']
                             if m['volume_id'] != volume_id]
        volume['attachments'] = [a for a in volume['attachments']
                                 if a['server_id'] != server_id]
        if not volume['attachments']:
            volume['status'] = 'available'

    @_entry
    def ensure_group_type(self):
        name = CONF.openstack_cloud.group_type
        for group_type in self.cloud.group_types.values():
            if group_type['name'] == name:
                return dict(group_type)
        group_type = {'id': _id(), 'name': name}
        self.cloud.group_types[group_type['id']] = group_type
        return dict(group_type)

    def _group(self, project_id, group_id, action):
        group = self._get('groups', 'volume group', group_id, project_id,
                          action)
        if group['status'] in ('creating', 'updating'):
            group['status'] = 'available'
        return group

    @_entry
    def create_volume_group(self, project_id, name, volume_types,
                            group_type=None, timeout=None):
        action = 'create volume group'
        group_type = group_type or self.ensure_group_type()['id']
        if group_type not in self.cloud.group_types:
            raise self._error(errors.CloudNotFound, action,
                              'group type %s' % group_type,
                              'Group type %s could not be found.'
                              % group_type)
        type_ids = [self._volume_type(t, action)['id'] for t in volume_types]
        group = {'id': _id(), 'name': name, 'status': 'available',
                 'group_type': group_type, 'volume_types': type_ids,
                 'volume_ids': [], 'project_id': project_id}
        self.cloud.groups[group['id']] = group
        return _public(group)

    @_entry
    def get_volume_group(self, project_id, group_id):
        return _public(self._group(project_id, group_id,
                                   'read volume group'))

    @_entry
    def add_volumes_to_group(self, project_id, group_id, volume_ids,
                             timeout=None):
        action = 'add volumes to group'
        group = self._group(project_id, group_id, action)
        for volume_id in volume_ids:
            volume = self._volume(project_id, volume_id, action)
            vtype = self._volume_type(volume['volume_type'], action)
            if vtype['id'] not in group['volume_types']:
                raise self._error(errors.CloudBadRequest, action,
                                  'volume %s' % volume_id, 'Invalid volume: '
                                  'Volume type %s is not supported by the '
                                  'group %s' % (vtype['name'], group_id))
            if volume['group_id'] not in (None, group_id):
                raise self._error(errors.CloudBadRequest, action,
                                  'volume %s' % volume_id, 'Invalid volume: '
                                  'Volume %s is already in group %s'
                                  % (volume_id, volume['group_id']))
        for volume_id in volume_ids:
            if volume_id not in group['volume_ids']:
                group['volume_ids'].append(volume_id)
                self.cloud.volumes[volume_id]['group_id'] = group_id
        return _public(group)

    @_entry
    def remove_volumes_from_group(self, project_id, group_id, volume_ids,
                                  timeout=None):
        group = self._group(project_id, group_id, 'remove volumes from group')
        for volume_id in volume_ids:
            if volume_id in group['volume_ids']:
                group['volume_ids'].remove(volume_id)
                self.cloud.volumes[volume_id]['group_id'] = None
        return _public(group)

    @_entry
    def delete_volume_group(self, project_id, group_id, timeout=None):
        group = self.cloud.groups.get(group_id)
        if group is None or group['project_id'] != project_id:
            return
        self.remove_volumes_from_group(project_id, group_id,
                                       list(group['volume_ids']))
        del self.cloud.groups[group_id]

    def _reference_key(self):
        opts = CONF.openstack_cloud
        return opts.site_manage_reference_keys.get(
            self.site.name, opts.manage_reference_key)

    @_entry
    def list_manageable_volumes(self, volume_type):
        backend = self._volume_type(volume_type, 'list manageable volumes')[
            'extra_specs'].get('volume_backend_name')
        found = []
        for name, (vtype_id, size) in sorted(self.cloud.unmanaged.items()):
            vtype = self.cloud.volume_types[vtype_id]
            if vtype['extra_specs'].get('volume_backend_name') == backend:
                found.append({'reference': {self.cloud.reference_key: name},
                              'size': size, 'safe_to_manage': True,
                              'reason_not_safe': None, 'cinder_id': None})
        return found

    @_entry
    def manage_volume(self, project_id, reference, volume_type, name=None,
                      bootable=False, timeout=None):
        if not isinstance(reference, dict):
            reference = {self._reference_key(): reference}
        action = 'manage'
        resource = 'backend volume %s in project %s' % (reference,
                                                        project_id)
        vtype = self._volume_type(volume_type, action)
        key = self.cloud.reference_key
        if key not in reference:
            raise self._error(errors.CloudBadRequest, action, resource,
                              'Manage existing volume failed due to '
                              'invalid backend reference %s: the backend '
                              'wants %r' % (reference, key))
        backend_name = reference[key]
        array = self._backend_array()
        if array is not None and backend_name in array.volumes:
            self.cloud.unmanaged[backend_name] = (vtype['id'], 1)
        entry = self.cloud.unmanaged.get(backend_name)
        if entry is None:
            raise self._error(errors.CloudBadRequest, action, resource,
                              'Manage existing volume failed due to '
                              'invalid backend reference %s: no such '
                              'object' % (reference,))
        del self.cloud.unmanaged[backend_name]
        volume = self._new_volume(project_id, entry[1], name, vtype['name'],
                                  bool(bootable), 'available')
        if array is not None and backend_name in array.volumes:
            # Like Pure: the array volume takes the Cinder name, in its
            # pod if it is in one.
            pod = backend_name.split('::')[0] + '::' \
                if '::' in backend_name else ''
            array.volumes[pod + self.cloud.backend_name(volume['id'])] = \
                array.volumes.pop(backend_name)
        return _public(volume)

    def _backend_array(self):
        """The fake array behind this site's Cinder, if there is one."""
        url = CONF.fake_cloud.backend_arrays.get(self.site.name)
        return fake_storage.array(url) if url else None

    @_entry
    def discard_adoption(self, name, timeout=None):
        """Nothing to do: an adoption here is one step, done or not."""

    @_entry
    def unmanage_volume(self, project_id, volume_id, timeout=None):
        volume = self.cloud.volumes.get(volume_id)
        if volume is None or volume['project_id'] != project_id:
            return
        if volume['attachments'] or volume['group_id']:
            raise self._error(errors.CloudBadRequest, 'unmanage',
                              'volume %s' % volume_id, 'Invalid volume: '
                              'Volume status must be available or error')
        vtype = self._volume_type(volume['volume_type'], 'unmanage')
        del self.cloud.volumes[volume_id]
        self.cloud.unmanaged[self.cloud.backend_name(volume_id)] = (
            vtype['id'], volume['size'])
