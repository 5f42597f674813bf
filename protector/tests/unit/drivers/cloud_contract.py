"""The contract of a cloud driver, one suite for the fake and the real one.

``CloudDriverContract`` is mixed into a ``unittest.TestCase`` by a runner
that provides the driver and the project to work in:

- ``protector/tests/unit/drivers/test_cloud_contract.py``: the fake;
- ``protector/tests/lab/test_cloud_contract.py``: a real site of the lab.

Each test creates what it needs in the project (networks, subnets, ports,
volumes, servers booted from volume, groups) under a unique name prefix and
removes all of it in its clean-ups, whether it passed or not.
"""

import base64
import uuid

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives import serialization

from protector.common import driver_errors as errors
from protector.common import exception

USER_DATA = base64.b64encode(b'#!/bin/sh\necho protector\n').decode()


def ssh_public_key():
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(serialization.Encoding.OpenSSH,
                            serialization.PublicFormat.OpenSSH).decode()


class CloudDriverContract(object):
    """Tests every runner must pass.  A runner sets or provides:

    - ``make_driver()``: the driver of the site under test;
    - ``project_id``: the project to work in; ``other_project_id``: a
      second project of the site (None skips the isolation checks);
    - ``flavor``: a flavor name; ``image``: an image id or None (then the
      boot volume is blank and marked bootable); ``volume_type``: a
      replication-enabled volume type;
    - ``wait_timeout``: seconds for servers and volumes to settle;
    - ``floating_ips_routable``: whether a port of a new subnet can get a
      floating IP of the external network (needs a router).
    """

    other_project_id = None
    image = None
    wait_timeout = 120
    floating_ips_routable = False
    cidr = '10.231.%d.0/24'

    def setUp(self):
        super().setUp()
        self.driver = self.make_driver()
        self.prefix = 'protector-contract-%s' % uuid.uuid4().hex[:8]

    # Helpers

    def raises(self, cls, func, *args, **kwargs):
        """The ``cls`` error that ``func`` raises (unittest and testtools)."""
        try:
            func(*args, **kwargs)
        except cls as exc:
            return exc
        self.fail('%s not raised by %s' % (cls.__name__, func.__name__))

    def name(self, what):
        return '%s-%s' % (self.prefix, what)

    def later(self, func, *args):
        """Clean-up that tolerates what is already gone."""
        def run():
            try:
                func(*args)
            except exception.NotFound:
                pass
        self.addCleanup(run)

    def network(self, third_octet=1):
        network = self.driver.create_network(self.project_id,
                                             self.name('net'))
        self.later(self.driver.delete_network, self.project_id,
                   network['id'])
        subnet = self.driver.create_subnet(
            self.project_id, network['id'], self.cidr % third_octet,
            name=self.name('subnet'))
        self.later(self.driver.delete_subnet, self.project_id, subnet['id'])
        return network, subnet

    def port(self, network, subnet, ip, mac=None, security_groups=None):
        port = self.driver.create_port(
            self.project_id, network['id'],
            fixed_ips=[{'subnet_id': subnet['id'], 'ip_address': ip}],
            mac_address=mac, security_groups=security_groups,
            name=self.name('port'))
        self.later(self.driver.delete_port, self.project_id, port['id'])
        return port

    def _remove_volume(self, volume_id):
        try:
            self.driver.wait_for_volume(self.project_id, volume_id,
                                        'available', self.wait_timeout)
        except errors.DriverError:
            pass
        self.driver.delete_volume(self.project_id, volume_id)
        self.driver.wait_for_volume(self.project_id, volume_id, 'DELETED',
                                    self.wait_timeout)

    def volume(self, what, size=1, volume_type=None, boot=False):
        image = self.image if boot else None
        volume = self.driver.create_volume(
            self.project_id, size, name=self.name(what),
            volume_type=volume_type or self.volume_type, image_id=image)
        self.later(self._remove_volume, volume['id'])
        volume = self.driver.wait_for_volume(
            self.project_id, volume['id'], 'available', self.wait_timeout)
        if boot and not image:
            self.driver.set_volume_bootable(self.project_id, volume['id'])
            volume = self.driver.get_volume(self.project_id, volume['id'])
        return volume

    def _remove_server(self, server_id):
        self.driver.delete_server(self.project_id, server_id)
        self.driver.wait_for_server(self.project_id, server_id, 'DELETED',
                                    self.wait_timeout)

    def boot(self, spec):
        server = self.driver.create_server(self.project_id, spec)
        self.later(self._remove_server, server['id'])
        return self.driver.wait_for_server(self.project_id, server['id'],
                                           'ACTIVE', self.wait_timeout)

    # The site

    def test_services_answer(self):
        checks = self.driver.check_services()
        self.assertEqual(['compute', 'block-storage', 'network'],
                         [c['check'] for c in checks])
        for check in checks:
            self.assertEqual('passed', check['result'], check['detail'])

    def test_replicated_volume_types(self):
        types = self.driver.list_replicated_volume_types()
        self.assertIn(self.volume_type, [t['name'] for t in types])
        for vtype in types:
            self.assertEqual({'id', 'name', 'replication_type', 'backend'},
                             set(vtype))
            self.assertIn(vtype['replication_type'], ('async', 'sync'))

    def test_flavor_and_image_lookup(self):
        flavor = self.driver.find_flavor(self.project_id, self.flavor)
        self.assertEqual(flavor, self.driver.find_flavor(self.project_id,
                                                         flavor['id']))
        self.assertEqual({'id', 'name', 'vcpus', 'ram', 'disk'}, set(flavor))
        self.assertIn(flavor['id'], [f['id'] for f in
                                     self.driver.list_flavors(
                                         self.project_id)])
        self.assertRaises(exception.NotFound, self.driver.find_flavor,
                          self.project_id, self.name('no-flavor'))
        if self.image:
            image = self.driver.find_image(self.project_id, self.image)
            self.assertEqual(self.image, image['id'])
        self.assertRaises(exception.NotFound, self.driver.find_image,
                          self.project_id, self.name('no-image'))

    # Quotas

    def assertQuotaUsage(self, usage):
        self.assertEqual({'instances', 'cores', 'ram', 'volumes',
                          'gigabytes', 'ports'}, set(usage))
        for name, entry in usage.items():
            self.assertEqual({'limit', 'in_use'}, set(entry), name)
            self.assertIsInstance(entry['limit'], int, name)
            self.assertIsInstance(entry['in_use'], int, name)
            self.assertGreaterEqual(entry['limit'], -1, name)
            self.assertGreaterEqual(entry['in_use'], 0, name)

    def test_quota_usage_of_a_project_and_of_the_service_project(self):
        self.assertQuotaUsage(self.driver.get_quota_usage(self.project_id))
        service = self.driver.service_project_id()
        self.assertIsInstance(service, str)
        self.assertNotEqual(self.project_id, service)
        self.assertEqual(service, self.make_driver().service_project_id())
        self.assertQuotaUsage(self.driver.get_quota_usage(service))

    def test_quota_usage_counts_what_the_project_creates(self):
        network, subnet = self.network(6)
        before = self.driver.get_quota_usage(self.project_id)
        self.volume('counted', size=1)
        self.port(network, subnet, (self.cidr % 6).replace('.0/24', '.60'))
        after = self.driver.get_quota_usage(self.project_id)
        for name, added in (('volumes', 1), ('gigabytes', 1), ('ports', 1),
                            ('instances', 0)):
            self.assertEqual(before[name]['in_use'] + added,
                             after[name]['in_use'], name)
            self.assertEqual(before[name]['limit'], after[name]['limit'])

    # Networking

    def test_ports_keep_their_address_and_mac(self):
        network, subnet = self.network(1)
        self.assertEqual(self.cidr % 1, subnet['cidr'])
        self.assertIn(subnet['id'], self.driver.get_network(
            self.project_id, network['id'])['subnet_ids'])
        group = self.driver.create_security_group(self.project_id,
                                                  self.name('sg'))
        self.later(self.driver.delete_security_group, self.project_id,
                   group['id'])
        ip = (self.cidr % 1).replace('.0/24', '.21')
        port = self.port(network, subnet, ip, mac='fa:16:3e:5a:00:21',
                         security_groups=[group['name']])
        self.assertEqual('fa:16:3e:5a:00:21', port['mac_address'])
        self.assertEqual([{'subnet_id': subnet['id'], 'ip_address': ip}],
                         port['fixed_ips'])
        self.assertEqual([group['id']], port['security_group_ids'])
        self.assertEqual(port, self.driver.get_port(self.project_id,
                                                    port['id']))
        self.assertIn(port['id'], [p['id'] for p in self.driver.list_ports(
            self.project_id, network_id=network['id'])])
        # The same address or MAC twice is refused, not retried.
        self.assertRaises(errors.CloudConflict, self.driver.create_port,
                          self.project_id, network['id'],
                          fixed_ips=[{'subnet_id': subnet['id'],
                                      'ip_address': ip}])
        self.assertRaises(errors.CloudConflict, self.driver.create_port,
                          self.project_id, network['id'],
                          mac_address='fa:16:3e:5a:00:21')
        self.driver.delete_port(self.project_id, port['id'])
        self.assertRaises(exception.NotFound, self.driver.get_port,
                          self.project_id, port['id'])
        self.driver.delete_port(self.project_id, port['id'])
        self.assertIn(group['id'], [g['id'] for g in
                                    self.driver.list_security_groups(
                                        self.project_id)])

    def test_what_a_recovery_plan_asks_of_networks(self):
        network = self.driver.create_network(self.project_id,
                                             self.name('mtu'), mtu=1400)
        self.later(self.driver.delete_network, self.project_id,
                   network['id'])
        self.assertEqual(1400, self.driver.get_network(
            self.project_id, network['id'])['mtu'])
        subnet = self.driver.create_subnet(
            self.project_id, network['id'], self.cidr % 6,
            dns_nameservers=['192.0.2.53', '192.0.2.54'])
        self.later(self.driver.delete_subnet, self.project_id, subnet['id'])
        self.assertEqual(['192.0.2.53', '192.0.2.54'],
                         self.driver.get_subnet(self.project_id, subnet['id'])[
                             'dns_nameservers'])
        port = self.driver.create_port(
            self.project_id, network['id'], name=self.name('router'),
            allowed_address_pairs=[{'ip_address': '0.0.0.0/0'}])
        self.later(self.driver.delete_port, self.project_id, port['id'])
        self.assertEqual([('0.0.0.0/0', port['mac_address'])],
                         [(p['ip_address'], p['mac_address'])
                          for p in self.driver.get_port(
                              self.project_id, port['id'])[
                              'allowed_address_pairs']])

    def test_floating_ips(self):
        external = self.driver.list_networks(self.project_id, external=True)
        if not external:
            self.skipTest('the site has no external network')
        ip = self.driver.create_floating_ip(self.project_id,
                                            external[0]['id'])
        self.later(self.driver.delete_floating_ip, self.project_id,
                   ip['id'])
        self.assertIn(ip['id'], [i['id'] for i in
                                 self.driver.list_floating_ips(
                                     self.project_id)])
        if self.floating_ips_routable:
            network, subnet = self.network(2)
            port = self.port(network, subnet,
                             (self.cidr % 2).replace('.0/24', '.30'))
            associated = self.driver.associate_floating_ip(
                self.project_id, ip['id'], port['id'])
            self.assertEqual(port['id'], associated['port_id'])
            self.assertEqual([ip['id']], [i['id'] for i in
                                          self.driver.list_floating_ips(
                                              self.project_id,
                                              port_id=port['id'])])
            self.assertIsNone(self.driver.disassociate_floating_ip(
                self.project_id, ip['id'])['port_id'])
        self.driver.delete_floating_ip(self.project_id, ip['id'])
        self.assertNotIn(ip['id'], [i['id'] for i in
                                    self.driver.list_floating_ips(
                                        self.project_id)])

    # Servers

    def _server_spec(self, network, subnet, port, volumes):
        key_name = self.name('key')
        self.later(self.driver.delete_key_pair, self.project_id, key_name)
        group = self.driver.create_server_group(self.project_id,
                                                self.name('group'),
                                                'affinity')
        self.later(self.driver.delete_server_group, self.project_id,
                   group['id'])
        return {
            'name': self.name('server'), 'flavor': self.flavor,
            'volumes': [{'volume_id': volumes[0]['id'], 'boot_index': 0,
                         'device': '/dev/vda'},
                        {'volume_id': volumes[1]['id'], 'boot_index': None,
                         'device': '/dev/vdb'}],
            'ports': [{'port_id': port['id']}],
            'metadata': {'tier': 'contract'}, 'user_data': USER_DATA,
            'server_group': group['id'], 'key_name': key_name,
            'key_pair': {'name': key_name, 'public_key': ssh_public_key()},
        }, group

    def test_capture_stop_start_delete_and_recreate(self):
        network, subnet = self.network(3)
        ip = (self.cidr % 3).replace('.0/24', '.40')
        port = self.port(network, subnet, ip, mac='fa:16:3e:5a:00:40')
        volumes = [self.volume('boot', boot=True), self.volume('data')]
        spec, group = self._server_spec(network, subnet, port, volumes)
        server = self.boot(spec)
        self.assertEqual('ACTIVE', server['status'])
        self.assertEqual(server['id'], self.driver.get_server(
            self.project_id, spec['name'])['id'])

        captured = self.driver.get_server_spec(self.project_id, spec['name'])
        flavor = self.driver.find_flavor(self.project_id, self.flavor)
        self.assertEqual(server['id'], captured['id'])
        self.assertEqual(spec['name'], captured['name'])
        self.assertEqual(flavor, captured['flavor'])
        self.assertIsNone(captured['image'])
        self.assertEqual({'tier': 'contract'}, captured['metadata'])
        self.assertEqual({'id': group['id'], 'name': group['name'],
                          'policy': 'affinity'}, captured['server_group'])
        self.assertEqual(USER_DATA, captured['user_data'])
        self.assertEqual(spec['key_name'], captured['key_name'])
        self.assertEqual(spec['key_pair']['public_key'].split()[:2],
                         captured['key_pair']['public_key'].split()[:2])
        self.assertTrue(captured['availability_zone'])
        self.assertEqual([{
            'port_id': port['id'], 'network_id': network['id'],
            'network_name': network['name'],
            'mac_address': 'fa:16:3e:5a:00:40',
            'fixed_ips': [{'subnet_id': subnet['id'], 'ip_address': ip,
                           'cidr': self.cidr % 3}],
            'security_group_ids': port['security_group_ids'],
            'floating_ips': []}], captured['ports'])
        self.assertEqual(
            sorted(port['security_group_ids']),
            sorted(g['id'] for g in captured['security_groups']))
        self.assertIn('default', [g['name']
                                  for g in captured['security_groups']])
        self.assertEqual([(volumes[0]['id'], 0, True, self.volume_type, 1),
                          (volumes[1]['id'], None, False, self.volume_type,
                           1)],
                         [(v['volume_id'], v['boot_index'], v['bootable'],
                           v['volume_type'], v['size'])
                          for v in captured['volumes']])
        for volume in captured['volumes']:
            self.assertTrue(volume['device'].startswith('/dev/'), volume)
        self.assertEqual(
            [server['id']], [a['server_id'] for a in
                             self.driver.list_volume_attachments(
                                 self.project_id, volumes[1]['id'])])

        self.driver.stop_server(self.project_id, server['id'])
        self.driver.wait_for_server(self.project_id, server['id'], 'SHUTOFF',
                                    self.wait_timeout)
        self.driver.stop_server(self.project_id, server['id'])
        self.driver.start_server(self.project_id, server['id'])
        self.driver.wait_for_server(self.project_id, server['id'], 'ACTIVE',
                                    self.wait_timeout)

        # Deleting the server keeps its volumes and pre-created port.
        self._remove_server(server['id'])
        for volume in volumes:
            self.driver.wait_for_volume(self.project_id, volume['id'],
                                        'available', self.wait_timeout)
        self.assertIsNone(self.driver.get_port(self.project_id,
                                               port['id'])['device_id'])

        # Recreate it from the capture, on a new port with the same
        # address and MAC, as a failover does on the other site.
        self.driver.delete_port(self.project_id, port['id'])
        again = self.port(network, subnet, ip, mac='fa:16:3e:5a:00:40')
        recreated = dict(captured, ports=[{'port_id': again['id']}])
        recreated = self.boot(recreated)
        self.assertNotEqual(server['id'], recreated['id'])
        second = self.driver.get_server_spec(self.project_id,
                                             recreated['id'])
        self.assertEqual(
            [(v['volume_id'], v['boot_index']) for v in captured['volumes']],
            [(v['volume_id'], v['boot_index']) for v in second['volumes']])
        self.assertEqual([('fa:16:3e:5a:00:40', ip)],
                         [(p['mac_address'], p['fixed_ips'][0]['ip_address'])
                          for p in second['ports']])
        self.assertEqual(captured['server_group'], second['server_group'])
        self.assertEqual(captured['metadata'], second['metadata'])

    def test_wait_names_the_server_and_its_state(self):
        network, subnet = self.network(4)
        port = self.port(network, subnet,
                         (self.cidr % 4).replace('.0/24', '.50'))
        boot = self.volume('boot', boot=True)
        server = self.boot({'name': self.name('waiting'),
                            'flavor': self.flavor,
                            'volumes': [{'volume_id': boot['id'],
                                         'boot_index': 0}],
                            'ports': [{'port_id': port['id']}]})
        error = self.raises(errors.ResourceTimeout,
                            self.driver.wait_for_server,
                            self.project_id, server['id'], 'SHUTOFF', 0)
        self.assertIn(self.name('waiting'), error.msg)
        self.assertIn(server['id'], error.msg)
        self.assertIn('ACTIVE', error.msg)
        self.assertIn('SHUTOFF', error.msg)

    def test_image_metadata_config_drive_and_hostname(self):
        network, subnet = self.network(7)
        port = self.port(network, subnet,
                         (self.cidr % 7).replace('.0/24', '.60'))
        boot = self.volume('boot', boot=True)
        self.driver.set_volume_image_metadata(
            self.project_id, boot['id'], {'hw_qemu_guest_agent': 'no'})
        self.driver.set_volume_image_metadata(
            self.project_id, boot['id'], {'os_require_quiesce': 'no'})
        metadata = self.driver.get_volume(self.project_id,
                                          boot['id'])['image_metadata']
        self.assertEqual(('no', 'no'), (metadata['hw_qemu_guest_agent'],
                                        metadata['os_require_quiesce']))
        spec = {'name': self.name('planned'), 'flavor': self.flavor,
                'volumes': [{'volume_id': boot['id'], 'boot_index': 0}],
                'ports': [{'port_id': port['id']}], 'config_drive': True}
        if self.driver.supports_hostname(self.project_id, 'planned-1'):
            spec['hostname'] = 'planned-1'
        self.assertEqual('ACTIVE', self.boot(spec)['status'])

    def test_unknown_servers(self):
        missing = str(uuid.uuid4())
        self.assertRaises(exception.NotFound, self.driver.get_server_spec,
                          self.project_id, missing)
        self.assertRaises(exception.NotFound, self.driver.get_server_spec,
                          self.project_id, self.name('nobody'))
        self.assertRaises(exception.NotFound, self.driver.wait_for_server,
                          self.project_id, missing, 'ACTIVE', 1)
        self.assertIsNone(self.driver.wait_for_server(
            self.project_id, missing, 'DELETED', 1))
        self.driver.delete_server(self.project_id, missing)

    # Projects do not see each other

    def test_other_project_sees_nothing(self):
        if not self.other_project_id:
            self.skipTest('no second project given')
        other = self.other_project_id
        network, subnet = self.network(5)
        volume = self.volume('private')
        for call, args in (
                (self.driver.get_volume, (volume['id'],)),
                (self.driver.get_network, (network['id'],)),
                (self.driver.get_subnet, (subnet['id'],)),
                (self.driver.list_volume_attachments, (volume['id'],))):
            self.assertRaises(exception.NotFound, call, other, *args)
        self.assertNotIn(volume['id'], [v['id'] for v in
                                        self.driver.list_volumes(other)])
        # Deleting or unmanaging through the wrong project changes nothing.
        self.driver.delete_volume(other, volume['id'])
        self.driver.unmanage_volume(other, volume['id'])
        self.driver.delete_network(other, network['id'])
        self.assertEqual('available', self.driver.get_volume(
            self.project_id, volume['id'])['status'])
        self.driver.get_network(self.project_id, network['id'])

    # Volume groups, manage and unmanage

    def test_volume_group_membership(self):
        group_type = self.driver.ensure_group_type()
        self.assertEqual(group_type, self.driver.ensure_group_type())
        group = self.driver.create_volume_group(
            self.project_id, self.name('cg'), [self.volume_type],
            timeout=self.wait_timeout)
        self.later(self.driver.delete_volume_group, self.project_id,
                   group['id'], self.wait_timeout)
        self.assertEqual('available', group['status'])
        self.assertEqual(group_type['id'], group['group_type'])
        volume = self.volume('member')
        after = self.driver.add_volumes_to_group(
            self.project_id, group['id'], [volume['id']], self.wait_timeout)
        self.assertEqual([volume['id']], after['volume_ids'])
        self.assertEqual(group['id'], self.driver.get_volume(
            self.project_id, volume['id'])['group_id'])
        self.driver.add_volumes_to_group(self.project_id, group['id'],
                                         [volume['id']], self.wait_timeout)
        after = self.driver.remove_volumes_from_group(
            self.project_id, group['id'], [volume['id']], self.wait_timeout)
        self.assertEqual([], after['volume_ids'])
        self.driver.add_volumes_to_group(self.project_id, group['id'],
                                         [volume['id']], self.wait_timeout)
        self.driver.delete_volume_group(self.project_id, group['id'],
                                        self.wait_timeout)
        self.assertRaises(exception.NotFound, self.driver.get_volume_group,
                          self.project_id, group['id'])
        self.assertIsNone(self.driver.get_volume(
            self.project_id, volume['id'])['group_id'])

    def test_unmanage_then_manage_by_name(self):
        volume = self.volume('adopted', size=1)
        self.driver.unmanage_volume(self.project_id, volume['id'],
                                    timeout=self.wait_timeout)
        self.assertRaises(exception.NotFound, self.driver.get_volume,
                          self.project_id, volume['id'])
        candidates = [m for m in self.driver.list_manageable_volumes(
            self.volume_type) if any(volume['id'] in str(value)
                                     for value in m['reference'].values())]
        self.assertEqual(1, len(candidates), candidates)
        self.assertEqual(1, candidates[0]['size'])
        name = list(candidates[0]['reference'].values())[0]
        managed = self.driver.manage_volume(
            self.project_id, name, self.volume_type,
            name=self.name('managed'), bootable=True,
            timeout=self.wait_timeout)
        self.later(self._remove_volume, managed['id'])
        self.assertEqual('available', managed['status'])
        self.assertEqual(1, managed['size'])
        self.assertEqual(self.volume_type, managed['volume_type'])
        self.assertTrue(managed['bootable'])
        self.assertIn(managed['id'], [v['id'] for v in
                                      self.driver.list_volumes(
                                          self.project_id)])
