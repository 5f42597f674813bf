"""Nova and Glance: servers, flavors, images, server groups, key pairs."""

import hashlib
import re

from openstack import exceptions as sdk_exc
from openstack import utils as sdk_utils
from oslo_log import log as logging

from protector.common import coordination
from protector.common import driver_errors as errors
from protector.drivers.cloud.openstack import common

LOG = logging.getLogger(__name__)

DELETED = 'DELETED'


def server_dict(server):
    fault = server.fault or None
    if fault:
        fault = {'message': fault.get('message'), 'code': fault.get('code')}
    return {'id': server.id, 'name': server.name, 'status': server.status,
            'task_state': server.task_state, 'fault': fault,
            'availability_zone': server.availability_zone}


def flavor_dict(flavor):
    return {'id': flavor.id, 'name': flavor.name, 'vcpus': flavor.vcpus,
            'ram': flavor.ram, 'disk': flavor.disk}


def image_dict(image):
    return {'id': image.id, 'name': image.name, 'status': image.status,
            'min_disk': image.min_disk, 'size': image.size}


def server_group_dict(group):
    policy = group.policy or (group.policies or [None])[0]
    return {'id': group.id, 'name': group.name, 'policy': policy}


def ref_id(value):
    """The id in ``'id'``, ``{'id': ...}``; None for None."""
    if isinstance(value, dict):
        return value.get('id') or value.get('name')
    return value


class ComputeMixin(object):

    # Servers

    def _find_server(self, conn, server, project_id):
        found = conn.compute.find_server(server, ignore_missing=False)
        if found.project_id and found.project_id != project_id:
            raise errors.CloudNotFound(
                site=self.site.name, resource=server, action='find server',
                detail='not a server of this project')
        return found

    def get_server(self, project_id, server):
        return self.pcall(
            project_id, 'read server', common.describe(
                'server', server, project_id),
            lambda c: server_dict(self._find_server(c, server, project_id)))

    def list_servers(self, project_id, name=None):
        def run(conn):
            query = {'name': '^%s$' % re.escape(name)} if name else {}
            return [server_dict(s) for s in conn.compute.servers(**query)
                    if name is None or s.name == name]
        return self.pcall(project_id, 'list servers', common.describe(
            'servers', None, project_id), run)

    def stop_server(self, project_id, server_id):
        self._power(project_id, server_id, 'stop', 'SHUTOFF')

    def start_server(self, project_id, server_id):
        self._power(project_id, server_id, 'start', 'ACTIVE')

    def _power(self, project_id, server_id, verb, target):
        def run(conn):
            server = conn.compute.get_server(server_id)
            if server.status == target:
                return
            getattr(conn.compute, '%s_server' % verb)(server)
            LOG.info('Site %(site)s: %(verb)s server %(server)s',
                     {'site': self.site.name, 'verb': verb,
                      'server': server_id})
        self.pcall(project_id, '%s server' % verb, common.describe(
            'server', server_id, project_id), run)

    def delete_server(self, project_id, server_id):
        self.pcall(project_id, 'delete server', common.describe(
            'server', server_id, project_id),
            lambda c: c.compute.delete_server(server_id, ignore_missing=True))
        LOG.info('Site %(site)s: deleting server %(server)s',
                 {'site': self.site.name, 'server': server_id})

    def wait_for_server(self, project_id, server_id, status, timeout):
        resource = common.describe('server', server_id, project_id)

        def fetch():
            return common.absent(lambda: self.pcall(
                project_id, 'read server', resource,
                lambda c: server_dict(c.compute.get_server(server_id))))

        first = fetch()
        if first is not None:
            resource = common.describe('server', server_id, project_id,
                                       name=first['name'])
        elif status.upper() != DELETED:
            raise errors.CloudNotFound(
                site=self.site.name, resource=resource,
                action='wait for server %s' % status.upper(),
                detail='no such server')
        return self.wait('wait for %s' % status.upper(), resource, fetch,
                         status, timeout, fault=lambda s: s.get('fault'))

    def create_server(self, project_id, spec):
        resource = common.describe('server', spec['name'], project_id)
        attrs = self._server_attrs(project_id, spec)
        server = self.pcall(project_id, 'create server', resource,
                            lambda c: c.compute.create_server(**attrs),
                            idempotent=False)
        LOG.info('Site %(site)s: creating server %(name)s (%(id)s) in '
                 'project %(project)s', {'site': self.site.name,
                                         'name': spec['name'],
                                         'id': server.id,
                                         'project': project_id})
        result = server_dict(server)
        result['status'] = server.status or 'BUILD'
        result['name'] = server.name or spec['name']
        return result

    def _server_attrs(self, project_id, spec):
        flavor = spec['flavor']
        if isinstance(flavor, dict) and not flavor.get('id'):
            flavor = flavor.get('name')
        attrs = {'name': spec['name'],
                 'flavor_id': self.find_flavor(project_id,
                                               ref_id(flavor))['id'],
                 'metadata': dict(spec.get('metadata') or {})}
        bdm = []
        for volume in spec.get('volumes') or []:
            entry = {'uuid': volume['volume_id'], 'source_type': 'volume',
                     'destination_type': 'volume',
                     'delete_on_termination': False}
            if volume.get('boot_index') is not None:
                entry['boot_index'] = volume['boot_index']
            if volume.get('device'):
                entry['device_name'] = volume['device']
            bdm.append(entry)
        bdm.sort(key=lambda e: (e.get('boot_index') is None,
                                e.get('boot_index') or 0))
        if bdm:
            attrs['block_device_mapping'] = bdm
        if spec.get('image') and not any(
                e.get('boot_index') == 0 for e in bdm):
            attrs['image_id'] = ref_id(spec['image'])
        networks = []
        for port in spec.get('ports') or []:
            if port.get('port_id'):
                networks.append({'port': port['port_id']})
            else:
                entry = {'uuid': port['network_id']}
                fixed = [f['ip_address'] for f in port.get('fixed_ips') or []
                         if f.get('ip_address')]
                if fixed:
                    entry['fixed_ip'] = fixed[0]
                networks.append(entry)
        attrs['networks'] = networks or 'none'
        groups = spec.get('security_groups') or []
        if groups and any('port' not in n for n in networks):
            attrs['security_groups'] = [{'name': ref_id(g)} for g in groups]
        if spec.get('availability_zone'):
            attrs['availability_zone'] = spec['availability_zone']
        if spec.get('key_name'):
            attrs['key_name'] = self._usable_key_name(
                project_id, spec['key_name'], spec.get('key_pair'))
        if spec.get('user_data'):
            attrs['user_data'] = spec['user_data']
        if spec.get('config_drive'):
            attrs['config_drive'] = True
        if spec.get('hostname'):
            attrs['hostname'] = spec['hostname']
        hints = dict(spec.get('scheduler_hints') or {})
        if spec.get('server_group'):
            hints['group'] = ref_id(spec['server_group'])
        if hints:
            attrs['scheduler_hints'] = hints
        return attrs

    def supports_hostname(self, project_id, hostname):
        # Nova takes a hostname from 2.90, one with dots (an FQDN) from
        # 2.94; the sdk asks for the newest version both know.
        version = '2.94' if '.' in hostname else '2.90'
        return self.pcall(
            project_id, 'read the versions of', 'the compute API',
            lambda c: sdk_utils.supports_microversion(c.compute, version))

    # Key pairs belong to a user, not to a project: the creating user is
    # the service user, so the tenant's public key is imported for it.

    def _usable_key_name(self, project_id, key_name, key_pair):
        resource = common.describe('key pair', key_name, project_id)

        def run(conn):
            # The servers of a rank boot in parallel and often share a
            # key pair: one import at a time.
            with coordination.get().lock('key pair', self.site.name, key_name):
                try:
                    return usable(conn)
                except sdk_exc.ConflictException:
                    # Imported meanwhile by another engine: look again.
                    return usable(conn)

        def usable(conn):
            mine = conn.compute.find_keypair(key_name, ignore_missing=True)
            public_key = (key_pair or {}).get('public_key')
            if not public_key:
                return key_name
            if mine is not None and _same_key(mine.public_key, public_key):
                return key_name
            name = key_name
            if mine is not None:
                digest = hashlib.sha256(public_key.encode()).hexdigest()
                name = '%s-%s' % (key_name, digest[:8])
                other = conn.compute.find_keypair(name, ignore_missing=True)
                if other is not None:
                    return name
            conn.compute.create_keypair(
                name=name, public_key=public_key,
                type=(key_pair or {}).get('type') or 'ssh')
            LOG.info('Site %(site)s: imported key pair %(name)s for the '
                     'service user', {'site': self.site.name, 'name': name})
            return name
        return self.pcall(project_id, 'import', resource, run)

    def delete_key_pair(self, project_id, name):
        self.pcall(project_id, 'delete key pair', common.describe(
            'key pair', name), lambda c: c.compute.delete_keypair(
                name, ignore_missing=True))

    def _read_key_pair(self, key_name, user_id):
        """The tenant user's key pair (needs the service user's admin)."""
        if not key_name or not user_id:
            return None
        try:
            keypair = self.acall(
                'read key pair', common.describe('key pair', key_name),
                lambda c: c.compute.get_keypair(key_name, user_id=user_id))
        except (errors.CloudNotFound, errors.CloudForbidden):
            return None
        return {'name': keypair.name, 'public_key': keypair.public_key,
                'type': keypair.type}

    # Flavors and images

    def find_flavor(self, project_id, flavor):
        return self.pcall(
            project_id, 'find flavor', common.describe('flavor', flavor),
            lambda c: flavor_dict(c.compute.find_flavor(
                flavor, ignore_missing=False)))

    def list_flavors(self, project_id):
        return self.pcall(
            project_id, 'list flavors', 'flavors',
            lambda c: [flavor_dict(f) for f in c.compute.flavors()])

    def find_image(self, project_id, image):
        return self.pcall(
            project_id, 'find image', common.describe('image', image),
            lambda c: image_dict(c.image.find_image(image,
                                                    ignore_missing=False)))

    def list_images(self, project_id):
        return self.pcall(
            project_id, 'list images', 'images',
            lambda c: [image_dict(i) for i in c.image.images()])

    # Server groups

    def list_server_groups(self, project_id, name=None):
        return self.pcall(
            project_id, 'list server groups', common.describe(
                'server groups', None, project_id),
            lambda c: [server_group_dict(g) for g in c.compute.server_groups()
                       if name is None or g.name == name])

    def create_server_group(self, project_id, name, policy):
        return self.pcall(
            project_id, 'create server group', common.describe(
                'server group', name, project_id),
            lambda c: server_group_dict(c.compute.create_server_group(
                name=name, policy=policy)), idempotent=False)

    def delete_server_group(self, project_id, group_id):
        self.pcall(project_id, 'delete server group', common.describe(
            'server group', group_id, project_id),
            lambda c: c.compute.delete_server_group(group_id,
                                                    ignore_missing=True))

    # Attachments, from Nova's side (Nova keeps its block device mappings
    # in step with Cinder this way).

    def attach_volume(self, project_id, server_id, volume_id, device=None):
        attrs = {'device': device} if device else {}
        self.pcall(project_id, 'attach volume', common.describe(
            'volume', volume_id, project_id),
            lambda c: c.compute.create_volume_attachment(
                server_id, volume_id, **attrs), idempotent=False)

    def detach_volume(self, project_id, server_id, volume_id):
        self.pcall(project_id, 'detach volume', common.describe(
            'volume', volume_id, project_id),
            lambda c: c.compute.delete_volume_attachment(
                server_id, volume_id, ignore_missing=True))


def _same_key(one, other):
    """Same public key, comment aside."""
    return (one or '').split()[:2] == (other or '').split()[:2]
