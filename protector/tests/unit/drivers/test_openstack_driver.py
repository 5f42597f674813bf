"""The OpenStack cloud driver against its clouds' HTTP APIs (mocked)."""

import base64
import re

import fixtures
import testtools

from protector.common import driver_errors as errors
from protector.common import exception
from protector.common import keystone
from protector.tests.unit.drivers import http_cloud as hc

PROJECT = 'tenant-project'
SERVER = '6c1f3c56-1111-4b6e-9d3a-0a8b2c4d6e8f'
BOOT = 'a1a1a1a1-0000-4000-8000-000000000001'
DATA = 'a1a1a1a1-0000-4000-8000-000000000002'
USER_DATA = base64.b64encode(b'#cloud-config\n').decode()
PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOfakekeyfakekeyfakekey x@y'


def server_body(**changes):
    body = {
        'id': SERVER, 'name': 'web-1', 'status': 'ACTIVE',
        'tenant_id': PROJECT, 'user_id': 'tenant-user',
        'OS-EXT-AZ:availability_zone': 'az-1', 'OS-EXT-STS:task_state': None,
        'key_name': 'ops', 'metadata': {'tier': 'web'}, 'image': '',
        'flavor': {'original_name': 'm1.small', 'vcpus': 1, 'ram': 2048,
                   'disk': 20, 'ephemeral': 0, 'swap': 0,
                   'extra_specs': {}},
        'server_groups': ['sg-1'],
        'security_groups': [{'name': 'default'}, {'name': 'web'}],
        # Nova's NIC order: the "backend" port is eth0.
        'addresses': {
            'backend': [{'addr': '10.1.0.5', 'version': 4,
                         'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:02'}],
            'frontend': [{'addr': '10.0.0.5', 'version': 4,
                          'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01'}]},
    }
    body.update(changes)
    return {'server': body}


def port(port_id, mac, network, subnet, ip, groups):
    return {'id': port_id, 'mac_address': mac, 'network_id': network,
            'fixed_ips': [{'subnet_id': subnet, 'ip_address': ip}],
            'security_groups': groups, 'device_id': SERVER,
            'status': 'ACTIVE', 'name': '', 'created_at': '2026-01-01'}


def volume(volume_id, bootable, name, size=10, status='in-use'):
    return {'volume': {'id': volume_id, 'name': name, 'status': status,
                       'size': size, 'volume_type': 'replicated',
                       'bootable': 'true' if bootable else 'false',
                       'availability_zone': 'nova', 'group_id': None,
                       'attachments': [],
                       'os-vol-tenant-attr:tenant_id': PROJECT}}


class DriverTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.cloud = self.useFixture(hc.HttpCloud())
        self.put_grant = self.cloud.grant(PROJECT)
        self.driver = self.cloud.driver()
        self.driver.retrier._sleep = lambda seconds: None

    def capture_answers(self, admin_status=200):
        on = self.cloud.on

        def show(request, context):
            if request.headers['X-Auth-Token'] == 'token-service':
                context.status_code = admin_status
                if admin_status != 200:
                    return {'forbidden': {'message': 'Policy does not '
                                          'allow', 'code': admin_status}}
                return server_body(**{
                    'OS-EXT-SRV-ATTR:user_data': USER_DATA,
                    'OS-EXT-SRV-ATTR:root_device_name': '/dev/vda'})
            return server_body()
        on('GET', hc.NOVA + '/servers/' + SERVER, json=show)
        on('GET', hc.NOVA + '/flavors/m1.small', status_code=404)
        on('GET', hc.NOVA + '/flavors/detail', json={'flavors': [
            {'id': 'flavor-1', 'name': 'm1.small', 'vcpus': 1,
             'ram': 2048, 'disk': 20}]})
        on('GET', hc.NOVA + '/os-server-groups/sg-1', json={
            'server_group': {'id': 'sg-1', 'name': 'web-group',
                             'policy': 'anti-affinity',
                             'members': [SERVER]}})
        on('GET', hc.NOVA + '/os-keypairs/ops?user_id=tenant-user', json={
            'keypair': {'name': 'ops', 'public_key': PUBLIC_KEY,
                        'type': 'ssh', 'user_id': 'tenant-user'}})
        on('GET', hc.NEUTRON + '/v2.0/ports?device_id=' + SERVER, json={
            'ports': [port('port-front', 'fa:16:3e:00:00:01', 'net-front',
                           'subnet-front', '10.0.0.5', ['sg-default']),
                      port('port-back', 'fa:16:3e:00:00:02', 'net-back',
                           'subnet-back', '10.1.0.5',
                           ['sg-default', 'sg-web'])]})
        on('GET', hc.NEUTRON + '/v2.0/floatingips', json={'floatingips': [
            {'id': 'fip-1', 'floating_ip_address': '203.0.113.7',
             'port_id': 'port-front', 'fixed_ip_address': '10.0.0.5'}]})
        for subnet, cidr in (('subnet-front', '10.0.0.0/24'),
                             ('subnet-back', '10.1.0.0/24')):
            on('GET', hc.NEUTRON + '/v2.0/subnets/' + subnet,
               json={'subnet': {'id': subnet, 'cidr': cidr}})
        for network in ('net-front', 'net-back'):
            on('GET', hc.NEUTRON + '/v2.0/networks/' + network,
               json={'network': {'id': network, 'name': network[4:]}})
        for group, name in (('sg-default', 'default'), ('sg-web', 'web')):
            on('GET', hc.NEUTRON + '/v2.0/security-groups/' + group,
               json={'security_group': {'id': group, 'name': name}})
        on('GET', hc.NOVA + '/servers/%s/os-volume_attachments' % SERVER,
           json={'volumeAttachments': [
               {'volumeId': DATA, 'device': '/dev/vdb', 'serverId': SERVER},
               {'volumeId': BOOT, 'device': '/dev/vda', 'serverId': SERVER}]})
        on('GET', hc.CINDER + '/volumes/' + BOOT,
           json=volume(BOOT, True, 'web-1-boot'))
        on('GET', hc.CINDER + '/volumes/' + DATA,
           json=volume(DATA, True, 'web-1-data', size=50))


class TestCapture(DriverTestCase):

    def test_the_whole_recreate_spec(self):
        self.capture_answers()
        spec = self.driver.get_server_spec(PROJECT, SERVER)
        self.assertEqual({
            'id': SERVER, 'name': 'web-1',
            'flavor': {'id': 'flavor-1', 'name': 'm1.small', 'vcpus': 1,
                       'ram': 2048, 'disk': 20},
            'image': None, 'availability_zone': 'az-1', 'key_name': 'ops',
            'key_pair': {'name': 'ops', 'public_key': PUBLIC_KEY,
                         'type': 'ssh'},
            'metadata': {'tier': 'web'},
            'server_group': {'id': 'sg-1', 'name': 'web-group',
                             'policy': 'anti-affinity'},
            'security_groups': [{'id': 'sg-default', 'name': 'default'},
                                {'id': 'sg-web', 'name': 'web'}],
            'user_data': USER_DATA,
            'ports': [
                {'port_id': 'port-back', 'network_id': 'net-back',
                 'network_name': 'back', 'mac_address': 'fa:16:3e:00:00:02',
                 'fixed_ips': [{'subnet_id': 'subnet-back',
                                'ip_address': '10.1.0.5',
                                'cidr': '10.1.0.0/24'}],
                 'security_group_ids': ['sg-default', 'sg-web'],
                 'floating_ips': []},
                {'port_id': 'port-front', 'network_id': 'net-front',
                 'network_name': 'front', 'mac_address': 'fa:16:3e:00:00:01',
                 'fixed_ips': [{'subnet_id': 'subnet-front',
                                'ip_address': '10.0.0.5',
                                'cidr': '10.0.0.0/24'}],
                 'security_group_ids': ['sg-default'],
                 'floating_ips': ['203.0.113.7']}],
            'volumes': [
                {'volume_id': BOOT, 'name': 'web-1-boot',
                 'volume_type': 'replicated', 'size': 10, 'boot_index': 0,
                 'device': '/dev/vda', 'bootable': True},
                {'volume_id': DATA, 'name': 'web-1-data',
                 'volume_type': 'replicated', 'size': 50, 'boot_index': None,
                 'device': '/dev/vdb', 'bootable': True}],
        }, spec)

    def test_tenant_reads_use_the_project_token(self):
        self.capture_answers()
        self.driver.get_server_spec(PROJECT, SERVER)
        tokens = {token for token, _ in
                  self.cloud.calls('GET', hc.NEUTRON) +
                  self.cloud.calls('GET', hc.CINDER + '/volumes') +
                  self.cloud.calls('GET', 'os-volume_attachments')}
        self.assertEqual({'token-%s' % PROJECT}, tokens)
        self.assertEqual(1, self.put_grant.call_count)
        # Cached: a second capture grants nothing and gets no new token.
        self.driver.get_server_spec(PROJECT, SERVER)
        self.cloud.driver().get_server_spec(PROJECT, SERVER)
        self.assertEqual(1, self.put_grant.call_count)
        self.assertEqual(1, self.cloud.scopes.count(PROJECT))

    def test_without_admin_reads_user_data_is_none(self):
        self.capture_answers(admin_status=403)
        spec = self.driver.get_server_spec(PROJECT, SERVER)
        self.assertIsNone(spec['user_data'])
        # The boot volume is still found: first bootable by device name.
        self.assertEqual([(BOOT, 0), (DATA, None)],
                         [(v['volume_id'], v['boot_index'])
                          for v in spec['volumes']])

    def test_server_of_another_project_is_not_found(self):
        self.cloud.on('GET', hc.NOVA + '/servers/' + SERVER,
                      json=server_body(tenant_id='someone-else'))
        error = self.assertRaises(exception.NotFound,
                                  self.driver.get_server_spec, PROJECT,
                                  SERVER)
        self.assertIsInstance(error, errors.CloudNotFound)

    def test_unknown_server_names_site_and_project(self):
        self.cloud.on('GET', hc.NOVA + '/servers/nope', status_code=404,
                      json={'itemNotFound': {'message': 'Instance nope '
                                             'could not be found.',
                                             'code': 404}})
        self.cloud.on('GET', hc.NOVA + '/servers/detail?name=nope',
                      json={'servers': []})
        self.cloud.on('GET', hc.NOVA + '/servers?name=nope',
                      json={'servers': []})
        error = self.assertRaises(errors.CloudNotFound,
                                  self.driver.get_server_spec, PROJECT,
                                  'nope')
        self.assertIn('site-a', error.msg)
        self.assertIn('nope in project %s' % PROJECT, error.msg)
        self.assertEqual(404, error.code)

    def test_role_held_already_is_not_granted(self):
        self.cloud.grant('p2', held=True)
        self.cloud.on('GET', hc.CINDER + '/volumes/' + BOOT,
                      json=volume(BOOT, True, 'x'))
        self.driver.get_volume('p2', BOOT)
        self.assertEqual([], self.cloud.calls(
            'PUT', 'projects/p2/users'))

    def test_project_missing_on_the_site(self):
        self.cloud.on('GET', hc.AUTH_URL + '/projects/gone',
                      status_code=404, json={'error': {'code': 404}})
        error = self.assertRaises(exception.NotFound,
                                  self.driver.get_volume, 'gone', BOOT)
        self.assertIn('gone', error.msg)
        self.assertIn('tenant mapping', error.msg)


class TestServers(DriverTestCase):

    def setUp(self):
        super().setUp()
        on = self.cloud.on
        on('GET', hc.NOVA + '/flavors/flavor-1', json={'flavor': {
            'id': 'flavor-1', 'name': 'm1.small', 'vcpus': 1, 'ram': 2048,
            'disk': 20}})
        self.create = on('POST', hc.NOVA + '/servers', status_code=202,
                         json={'server': {'id': SERVER}})
        on('GET', hc.NOVA + '/os-keypairs/ops', status_code=404,
           json={'itemNotFound': {'message': 'not found', 'code': 404}})
        on('GET', hc.NOVA + '/os-keypairs', json={'keypairs': []})
        self.import_key = on('POST', hc.NOVA + '/os-keypairs', json={
            'keypair': {'name': 'ops', 'public_key': PUBLIC_KEY}})

    def spec(self, **changes):
        spec = {'name': 'web-1', 'flavor': {'id': 'flavor-1',
                                            'name': 'm1.small'},
                'image': None, 'availability_zone': 'az-1',
                'key_name': 'ops',
                'key_pair': {'name': 'ops', 'public_key': PUBLIC_KEY},
                'metadata': {'tier': 'web'}, 'user_data': USER_DATA,
                'server_group': {'id': 'sg-1', 'name': 'g',
                                 'policy': 'affinity'},
                'security_groups': [{'id': 'sg-web', 'name': 'web'}],
                'ports': [{'port_id': 'port-1'}, {'port_id': 'port-2'}],
                'volumes': [{'volume_id': DATA, 'boot_index': None,
                             'device': '/dev/vdb'},
                            {'volume_id': BOOT, 'boot_index': 0,
                             'device': '/dev/vda'}]}
        spec.update(changes)
        return spec

    def test_create_from_volumes_and_ports(self):
        server = self.driver.create_server(PROJECT, self.spec())
        self.assertEqual((SERVER, 'BUILD'), (server['id'], server['status']))
        [(token, body)] = self.cloud.calls('POST', '/servers')
        self.assertEqual('token-%s' % PROJECT, token)
        self.assertEqual({'group': 'sg-1'}, body['OS-SCH-HNT:scheduler_hints'])
        body = body['server']
        self.assertEqual([
            {'uuid': BOOT, 'source_type': 'volume',
             'destination_type': 'volume', 'delete_on_termination': False,
             'boot_index': 0, 'device_name': '/dev/vda'},
            {'uuid': DATA, 'source_type': 'volume',
             'destination_type': 'volume', 'delete_on_termination': False,
             'device_name': '/dev/vdb'}], body['block_device_mapping_v2'])
        self.assertEqual([{'port': 'port-1'}, {'port': 'port-2'}],
                         body['networks'])
        self.assertEqual('flavor-1', body['flavorRef'])
        self.assertNotIn('imageRef', body)
        # Pre-created ports keep their own security groups.
        self.assertNotIn('security_groups', body)
        self.assertEqual(('az-1', 'ops', USER_DATA, {'tier': 'web'}),
                         (body['availability_zone'], body['key_name'],
                          body['user_data'], body['metadata']))
        # The tenant's key was imported for the service user.
        [(_, key)] = self.cloud.calls('POST', '/os-keypairs')
        self.assertEqual(PUBLIC_KEY, key['keypair']['public_key'])

    def test_config_drive_and_hostname_reach_nova(self):
        self.driver.create_server(PROJECT, self.spec(
            config_drive=True, hostname='db-primary'))

        [(_, body)] = self.cloud.calls('POST', '/servers')
        self.assertEqual((True, 'db-primary'),
                         (body['server']['config_drive'],
                          body['server']['hostname']))

    def test_a_hostname_needs_compute_2_90_and_one_with_dots_2_94(self):
        for newest, plain, dotted in (('2.96', True, True),
                                      ('2.93', True, False),
                                      ('2.89', False, False)):
            # A new session discovers the versions again.
            keystone.reset()
            self.cloud.on('GET', hc.NOVA, json=hc.nova_versions(newest))
            driver = self.cloud.driver()
            self.assertEqual((plain, dotted), (
                driver.supports_hostname(PROJECT, 'db'),
                driver.supports_hostname(PROJECT, 'db.lan')), newest)

    def test_a_different_key_of_the_same_name_gets_its_own_name(self):
        self.cloud.on('GET', hc.NOVA + '/os-keypairs/ops', json={
            'keypair': {'name': 'ops', 'public_key': 'ssh-rsa OTHER x'}})
        self.cloud.on('GET', re.compile(re.escape(hc.NOVA) +
                                        '/os-keypairs/ops-.*'),
                      status_code=404)
        self.driver.create_server(PROJECT, self.spec())
        [(_, key)] = self.cloud.calls('POST', '/os-keypairs')
        self.assertTrue(key['keypair']['name'].startswith('ops-'))
        [(_, body)] = self.cloud.calls('POST', '/servers')
        self.assertEqual(key['keypair']['name'], body['server']['key_name'])

    def test_networks_without_ports_get_the_security_groups(self):
        self.driver.create_server(PROJECT, self.spec(
            ports=[{'network_id': 'net-1',
                    'fixed_ips': [{'ip_address': '10.0.0.9'}]}],
            key_name=None))
        [(_, body)] = self.cloud.calls('POST', '/servers')
        self.assertEqual([{'uuid': 'net-1', 'fixed_ip': '10.0.0.9'}],
                         body['server']['networks'])
        self.assertEqual([{'name': 'sg-web'}],
                         body['server']['security_groups'])

    def test_a_failed_create_is_not_repeated(self):
        self.cloud.on('POST', hc.NOVA + '/servers', status_code=500,
                      json={'computeFault': {'message': 'boom',
                                             'code': 500}})
        error = self.assertRaises(errors.CloudUnavailable,
                                  self.driver.create_server, PROJECT,
                                  self.spec(key_name=None))
        self.assertEqual(1, len(self.cloud.calls('POST', '/servers')))
        self.assertIn('boom', error.msg)
        self.assertIn('server web-1 in project %s' % PROJECT, error.msg)

    def test_a_refused_connection_is_repeated_even_for_a_create(self):
        self.cloud.on('POST', hc.NOVA + '/servers', [
            {'status_code': 503, 'json': {'message': 'busy'}},
            {'status_code': 202, 'json': {'server': {'id': SERVER}}}])
        self.driver.create_server(PROJECT, self.spec(key_name=None))
        self.assertEqual(2, len(self.cloud.calls('POST', '/servers')))

    def test_reads_are_repeated_after_5xx(self):
        self.cloud.on('GET', hc.NOVA + '/servers/' + SERVER, [
            {'status_code': 502, 'text': 'bad gateway'},
            {'status_code': 500, 'json': {'message': 'db'}},
            {'json': server_body()}])
        self.assertEqual('ACTIVE', self.driver.get_server(PROJECT,
                                                          SERVER)['status'])

    def test_repeats_are_bounded(self):
        self.cloud.conf.config(retry_attempts=3, group='openstack_cloud')
        driver = self.cloud.driver()
        sleeps = []
        driver.retrier._sleep = sleeps.append
        self.cloud.on('GET', hc.NOVA + '/servers/' + SERVER,
                      status_code=503, json={'message': 'down'})
        self.assertRaises(errors.CloudUnavailable, driver.get_server,
                          PROJECT, SERVER)
        self.assertEqual(3, len(self.cloud.calls('GET', '/servers/')))
        self.assertEqual(2, len(sleeps))

    def test_stop_is_nothing_when_already_stopped(self):
        self.cloud.on('GET', hc.NOVA + '/servers/' + SERVER,
                      json=server_body(status='SHUTOFF'))
        action = self.cloud.on('POST', hc.NOVA + '/servers/%s/action'
                               % SERVER, status_code=202)
        self.driver.stop_server(PROJECT, SERVER)
        self.assertFalse(action.called)
        self.driver.start_server(PROJECT, SERVER)
        self.assertEqual({'os-start': None}, action.last_request.json())

    def test_wait_ends_on_error_with_the_fault(self):
        self.cloud.on('GET', hc.NOVA + '/servers/' + SERVER, [
            {'json': server_body(status='BUILD', **{
                'OS-EXT-STS:task_state': 'spawning'})},
            {'json': server_body(status='ERROR', fault={
                'message': 'No valid host was found.', 'code': 500})}])
        error = self.assertRaises(errors.ResourceStateError,
                                  self.driver.wait_for_server, PROJECT,
                                  SERVER, 'ACTIVE', 30)
        self.assertEqual(
            'Could not wait for ACTIVE: server web-1 (%s) in project %s on '
            'site site-a went to ERROR instead of ACTIVE: No valid host was '
            'found. (code 500).' % (SERVER, PROJECT), error.msg)

    def test_wait_times_out_naming_the_state(self):
        clock = iter(range(0, 1000, 10))
        self.driver._clock = lambda: next(clock)
        self.driver._sleep = lambda seconds: None
        self.cloud.on('GET', hc.NOVA + '/servers/' + SERVER,
                      json=server_body(status='BUILD', **{
                          'OS-EXT-STS:task_state': 'block_device_mapping'}))
        error = self.assertRaises(errors.ResourceTimeout,
                                  self.driver.wait_for_server, PROJECT,
                                  SERVER, 'active', 25)
        self.assertIn('server web-1 (%s)' % SERVER, error.msg)
        self.assertIn('is still BUILD (task block_device_mapping) after 25 '
                      's of waiting for ACTIVE', error.msg)

    def test_wait_for_deleted(self):
        self.cloud.on('GET', hc.NOVA + '/servers/' + SERVER, [
            {'json': server_body(status='ACTIVE', **{
                'OS-EXT-STS:task_state': 'deleting'})},
            {'status_code': 404, 'json': {'itemNotFound': {
                'message': 'gone', 'code': 404}}}])
        self.driver._sleep = lambda seconds: None
        self.assertIsNone(self.driver.wait_for_server(PROJECT, SERVER,
                                                      'DELETED', 30))


class TestSite(DriverTestCase):

    def test_replicated_volume_types(self):
        self.cloud.on('GET', hc.CINDER + '/types', json={'volume_types': [
            {'id': 't1', 'name': 'pure-async', 'extra_specs': {
                'replication_enabled': '<is> True',
                'replication_type': '<in> async',
                'volume_backend_name': 'pure@fa1'}},
            {'id': 't2', 'name': 'pure-sync', 'extra_specs': {
                'replication_enabled': '<is> true',
                'replication_type': '<in> sync',
                'volume_backend_name': 'pure@fa1'}},
            {'id': 't3', 'name': 'default-async', 'extra_specs': {
                'replication_enabled': '<is> True'}},
            {'id': 't4', 'name': 'plain', 'extra_specs': {
                'replication_enabled': '<is> False'}},
            {'id': 't5', 'name': 'bare', 'extra_specs': {}}]})
        self.assertEqual([
            {'id': 't1', 'name': 'pure-async', 'replication_type': 'async',
             'backend': 'pure@fa1'},
            {'id': 't2', 'name': 'pure-sync', 'replication_type': 'sync',
             'backend': 'pure@fa1'},
            {'id': 't3', 'name': 'default-async',
             'replication_type': 'async', 'backend': None}],
            self.driver.list_replicated_volume_types())
        [(token, _)] = self.cloud.calls('GET', '/types')
        self.assertEqual('token-service', token)

    def test_check_services(self):
        self.cloud.on('GET', hc.NOVA + '/os-services', json={'services': [
            {'binary': 'nova-compute', 'state': 'up', 'status': 'enabled'},
            {'binary': 'nova-scheduler', 'state': 'up',
             'status': 'enabled'}]})
        self.cloud.on('GET', hc.CINDER + '/os-services', json={'services': [
            {'binary': 'cinder-volume', 'state': 'down',
             'status': 'enabled'}]})
        self.cloud.on('GET', hc.NEUTRON + '/v2.0/networks?limit=1',
                      status_code=503, text='Service Unavailable')
        checks = self.driver.check_services()
        self.assertEqual([('compute', 'passed'), ('block-storage', 'failed'),
                          ('network', 'failed')],
                         [(c['check'], c['result']) for c in checks])
        self.assertIn('1 nova-compute service(s) up', checks[0]['detail'])
        self.assertIn('no cinder-volume service is up', checks[1]['detail'])
        self.assertIn('HTTP 503', checks[2]['detail'])

    def test_keystone_refusing_the_service_user(self):
        self.cloud.on('POST', hc.AUTH_URL + '/auth/tokens', status_code=401,
                      json={'error': {'code': 401, 'message': 'The request '
                                      'you have made requires '
                                      'authentication.'}})
        error = self.assertRaises(errors.SiteAuthFailed,
                                  self.driver.list_replicated_volume_types)
        self.assertIn('site set site-a --password <password>', error.msg)
        self.assertNotIn(hc.PASSWORD, error.msg)


class TestQuotas(DriverTestCase):

    def quota_answers(self):
        on = self.cloud.on
        nova = on('GET', hc.NOVA + '/os-quota-sets/%s/detail' % PROJECT,
                  json={'quota_set': {
                      'id': PROJECT,
                      'instances': {'limit': 10, 'in_use': 2, 'reserved': 1},
                      'cores': {'limit': 20, 'in_use': 4, 'reserved': 0},
                      'ram': {'limit': -1, 'in_use': 4096, 'reserved': 512},
                      'key_pairs': {'limit': 100, 'in_use': 0,
                                    'reserved': 0}}})
        cinder = on('GET', hc.CINDER + '/os-quota-sets/%s?usage=True'
                    % PROJECT, json={'quota_set': {
                        'id': PROJECT,
                        'volumes': {'limit': 10, 'in_use': 3, 'reserved': 1,
                                    'allocated': 0},
                        'gigabytes': {'limit': 1000, 'in_use': 30,
                                      'reserved': 0, 'allocated': 0},
                        'volumes_lvmdriver-1': {'limit': -1, 'in_use': 3,
                                                'reserved': 0}}})
        neutron = on('GET', hc.NEUTRON + '/v2.0/quotas/%s/details' % PROJECT,
                     json={'quota': {
                         'port': {'limit': 50, 'used': 5, 'reserved': 2},
                         'network': {'limit': 10, 'used': 1,
                                     'reserved': 0}}})
        return nova, cinder, neutron

    def test_limits_and_use_reserved_included(self):
        self.quota_answers()
        self.assertEqual({
            'instances': {'limit': 10, 'in_use': 3},
            'cores': {'limit': 20, 'in_use': 4},
            'ram': {'limit': -1, 'in_use': 4608},
            'volumes': {'limit': 10, 'in_use': 4},
            'gigabytes': {'limit': 1000, 'in_use': 30},
            'ports': {'limit': 50, 'in_use': 7}},
            self.driver.get_quota_usage(PROJECT))

    def test_three_calls_with_the_service_token(self):
        answers = self.quota_answers()
        self.driver.get_quota_usage(PROJECT)
        self.assertEqual([1, 1, 1], [a.call_count for a in answers])
        self.assertEqual({'token-service'}, {
            a.last_request.headers['X-Auth-Token'] for a in answers})
        # No role in the project and no token scoped to it.
        self.assertFalse(self.put_grant.called)
        self.assertNotIn(PROJECT, self.cloud.scopes)

    def test_a_refusal_is_a_typed_error_naming_the_project(self):
        self.quota_answers()
        self.cloud.on('GET', hc.NEUTRON + '/v2.0/quotas/%s/details'
                      % PROJECT, status_code=403, json={'NeutronError': {
                          'message': 'rule:get_quota is disallowed by '
                                     'policy'}})
        error = self.assertRaises(errors.CloudForbidden,
                                  self.driver.get_quota_usage, PROJECT)
        self.assertIn('read network quotas', error.msg)
        self.assertIn(PROJECT, error.msg)

    def test_the_service_project(self):
        self.assertEqual(hc.SERVICE_PROJECT,
                         self.driver.service_project_id())


class TestBlockStorage(DriverTestCase):

    def setUp(self):
        super().setUp()
        self.cloud.on('GET', hc.CINDER + '/types', json={'volume_types': [
            {'id': 't1', 'name': 'replicated', 'extra_specs': {
                'replication_enabled': '<is> True',
                'volume_backend_name': 'lab'}}]})
        self.cloud.on('GET', hc.CINDER + '/scheduler-stats/get_pools',
                      json={'pools': [
                          {'name': 'host@other#p', 'capabilities': {
                              'volume_backend_name': 'other'}},
                          {'name': 'host@lab#lab', 'capabilities': {
                              'volume_backend_name': 'lab'}}]})

    def _transfers(self, volume_id):
        """Cinder's answers to offering ``volume_id`` and accepting it."""
        for path in ('/os-volume-transfer', '/volume-transfers'):
            self.cloud.on('POST', hc.CINDER + path, json={
                'transfer': {'id': 'tr-2', 'auth_key': 'k3y',
                             'volume_id': volume_id}}, status_code=202)
            self.cloud.on('POST', hc.CINDER + path + '/tr-2/accept',
                          json={'transfer': {'id': 'tr-2'}},
                          status_code=202)

    def test_image_metadata_of_a_volume(self):
        action = self.cloud.on('POST', hc.CINDER + '/volumes/%s/action'
                               % BOOT, status_code=200)

        self.driver.set_volume_image_metadata(PROJECT, BOOT,
                                              {'hw_disk_bus': 'scsi'})

        self.assertEqual({'os-set_image_metadata': {'metadata': {
            'hw_disk_bus': 'scsi'}}}, action.last_request.json())
        self.assertEqual('token-%s' % PROJECT,
                         action.last_request.headers['X-Auth-Token'])

    def test_an_adoption_a_dead_engine_began_is_finished_not_repeated(self):
        # The service project holds the volume, offered to the project.
        named = self.cloud.on('GET', hc.CINDER + '/volumes/detail?name=m',
                              json={'volumes': [volume(
                                  'half-adopted', False, 'm',
                                  status='awaiting-transfer')['volume']]})
        for path in ('/os-volume-transfer', '/volume-transfers'):
            self.cloud.on('GET', hc.CINDER + path + '/detail', json={
                'transfers': [{'id': 'tr-old', 'volume_id': 'half-adopted'},
                              {'id': 'tr-other', 'volume_id': 'other'}]})
            self.cloud.on('DELETE', hc.CINDER + path + '/tr-old',
                          status_code=202)
        self.cloud.on('GET', hc.CINDER + '/volumes/half-adopted', json=volume(
            'half-adopted', False, 'm', status='available'))
        self._transfers('half-adopted')
        self.cloud.conf.config(site_manage_reference_keys={'site-a': 'name'},
                               group='openstack_cloud')
        managed = self.driver.manage_volume(PROJECT, 'vol-on-array',
                                            'replicated', name='m')
        self.assertEqual('half-adopted', managed['id'])
        self.assertTrue(named.called)
        self.assertEqual([], self.cloud.calls('POST', '/manageable_volumes'))
        self.assertEqual(1, len(self.cloud.calls('DELETE', '/tr-old')))
        self.assertEqual([], self.cloud.calls('DELETE', '/tr-other'))
        self.assertEqual(1, len(self.cloud.calls('POST', '/tr-2/accept')))

    def test_a_failed_operation_discards_an_unfinished_adoption(self):
        self.cloud.on('GET', hc.CINDER + '/volumes/detail?name=m',
                      json={'volumes': [volume('left', False, 'm',
                                               status='error')['volume']]})
        delete = self.cloud.on('DELETE', hc.CINDER + '/volumes/left',
                               status_code=202)
        self.cloud.on('GET', hc.CINDER + '/volumes/left', [
            {'json': volume('left', False, 'm', status='deleting')},
            {'status_code': 404, 'json': {'itemNotFound': {
                'message': 'Volume left could not be found.'}}}])
        self.driver.discard_adoption('m', timeout=5)
        self.assertEqual('token-service',
                         delete.last_request.headers['X-Auth-Token'])

    def test_manage_lands_in_the_project_through_a_transfer(self):
        self.cloud.on('GET', hc.CINDER + '/volumes/detail?name=m',
                      json={'volumes': []})
        self.cloud.on('POST', hc.CINDER + '/manageable_volumes', json={
            'volume': {'id': 'new-vol', 'status': 'creating'}},
            status_code=202)
        self.cloud.on('GET', hc.CINDER + '/volumes/new-vol', [
            {'json': volume('new-vol', False, 'm', status='creating')},
            {'json': volume('new-vol', False, 'm', status='available')}])
        self.cloud.on('POST', hc.CINDER + '/os-volume-transfer', json={
            'transfer': {'id': 'tr-1', 'auth_key': 'k3y-s3cret',
                         'volume_id': 'new-vol'}}, status_code=202)
        self.cloud.on('POST', hc.CINDER + '/volume-transfers', json={
            'transfer': {'id': 'tr-1', 'auth_key': 'k3y-s3cret',
                         'volume_id': 'new-vol'}}, status_code=202)
        accept = self.cloud.on(
            'POST', hc.CINDER + '/volume-transfers/tr-1/accept',
            json={'transfer': {'id': 'tr-1', 'volume_id': 'new-vol'}},
            status_code=202)
        self.cloud.on('POST', hc.CINDER + '/os-volume-transfer/tr-1/accept',
                      json={'transfer': {'id': 'tr-1'}}, status_code=202)
        self.cloud.conf.config(site_manage_reference_keys={'site-a': 'name'},
                               group='openstack_cloud')
        managed = self.driver.manage_volume(PROJECT, 'vol-on-array',
                                            'replicated', name='m')
        self.assertEqual('available', managed['status'])
        [(token, body)] = self.cloud.calls('POST', '/manageable_volumes')
        self.assertEqual('token-service', token)
        self.assertEqual({'name': 'vol-on-array'}, body['volume']['ref'])
        self.assertEqual('host@lab#lab', body['volume']['host'])
        self.assertEqual('replicated', body['volume']['volume_type'])
        self.assertTrue(accept.called)
        self.assertEqual('token-%s' % PROJECT,
                         accept.last_request.headers['X-Auth-Token'])
        self.assertEqual({'accept': {'auth_key': 'k3y-s3cret'}},
                         accept.last_request.json())

    def test_manageable_volumes_of_the_type_s_backend(self):
        listing = self.cloud.on(
            'GET', hc.CINDER + '/manageable_volumes/detail?host='
            'host%40lab%23lab', json={'manageable-volumes': [
                {'reference': {'source-name': 'volume-1'}, 'size': 2,
                 'safe_to_manage': True, 'reason_not_safe': None,
                 'cinder_id': None, 'extra_info': None}]})
        self.assertEqual([{'reference': {'source-name': 'volume-1'},
                           'size': 2, 'safe_to_manage': True,
                           'reason_not_safe': None, 'cinder_id': None}],
                         self.driver.list_manageable_volumes('replicated'))
        # Cinder has this API from microversion 3.8 on only.
        self.assertEqual('volume 3.8', listing.last_request.headers[
            'OpenStack-API-Version'])

    def test_default_reference_key(self):
        self.assertEqual({'source-name': 'volume-1'},
                         self.driver._reference('volume-1'))
        self.assertEqual({'source-id': 'x'},
                         self.driver._reference({'source-id': 'x'}))

    def test_unmanage_reads_the_volume_in_the_project_first(self):
        self.cloud.on('GET', hc.CINDER + '/volumes/' + BOOT, status_code=404,
                      json={'itemNotFound': {'message': 'not found',
                                             'code': 404}})
        unmanage = self.cloud.on('POST', hc.CINDER + '/volumes/%s/action'
                                 % BOOT, status_code=202)
        self.driver.unmanage_volume(PROJECT, BOOT)
        self.assertFalse(unmanage.called)

    def test_group_membership_changes(self):
        self.cloud.on('GET', hc.CINDER + '/groups/g1', [
            {'json': {'group': {'id': 'g1', 'status': 'available',
                                'volumes': [BOOT]}}},
            {'json': {'group': {'id': 'g1', 'status': 'updating',
                                'volumes': [BOOT]}}},
            {'json': {'group': {'id': 'g1', 'status': 'available',
                                'volumes': [BOOT, DATA]}}}])
        update = self.cloud.on('PUT', hc.CINDER + '/groups/g1',
                               status_code=202)
        group = self.driver.add_volumes_to_group(PROJECT, 'g1', [BOOT, DATA])
        self.assertEqual([BOOT, DATA], group['volume_ids'])
        self.assertEqual({'group': {'add_volumes': DATA}},
                         update.last_request.json())
        self.assertEqual('volume 3.13',
                         update.last_request.headers['OpenStack-API-Version'])

    def test_many_volumes_go_six_per_group_update(self):
        volumes = ['%08d-0000-4000-8000-000000000000' % i for i in range(14)]
        self.cloud.on('GET', hc.CINDER + '/groups/g1', json={'group': {
            'id': 'g1', 'status': 'available', 'volumes': []}})
        update = self.cloud.on('PUT', hc.CINDER + '/groups/g1',
                               status_code=202)

        self.driver.add_volumes_to_group(PROJECT, 'g1', volumes)

        sent = [r.json()['group']['add_volumes'] for r in
                update.request_history]
        self.assertEqual([6, 6, 2], [len(s.split(',')) for s in sent])
        self.assertTrue(all(len(s) <= 255 for s in sent))
        self.assertEqual(volumes, ','.join(sent).split(','))

    def test_busy_volume_delete_is_repeated(self):
        self.cloud.on('DELETE', hc.CINDER + '/volumes/' + DATA, [
            {'status_code': 409, 'json': {'conflictingRequest': {
                'message': 'Volume is busy: it is being detached',
                'code': 409}}},
            {'status_code': 202}])
        self.driver.delete_volume(PROJECT, DATA)
        self.assertEqual(2, len(self.cloud.calls('DELETE', '/volumes/')))


class TestNetwork(DriverTestCase):

    def test_port_with_address_and_mac(self):
        create = self.cloud.on('POST', hc.NEUTRON + '/v2.0/ports', json={
            'port': port('p1', 'fa:16:3e:00:00:09', 'net', 'sub', '10.0.0.9',
                         ['sg-web'])}, status_code=201)
        self.cloud.on('GET', hc.NEUTRON + '/v2.0/security-groups', json={
            'security_groups': [{'id': 'sg-web', 'name': 'web'},
                                {'id': 'sg-default', 'name': 'default'}]})
        created = self.driver.create_port(
            PROJECT, 'net', fixed_ips=[{'subnet_id': 'sub',
                                        'ip_address': '10.0.0.9',
                                        'cidr': '10.0.0.0/24'}],
            mac_address='fa:16:3e:00:00:09', security_groups=['web'])
        self.assertEqual('p1', created['id'])
        self.assertEqual({'port': {
            'network_id': 'net', 'mac_address': 'fa:16:3e:00:00:09',
            'fixed_ips': [{'subnet_id': 'sub', 'ip_address': '10.0.0.9'}],
            'security_groups': ['sg-web']}}, create.last_request.json())

    def test_mtu_dns_servers_and_allowed_address_pairs(self):
        networks = self.cloud.on(
            'POST', hc.NEUTRON + '/v2.0/networks', status_code=201,
            json={'network': {'id': 'net', 'name': 'n', 'mtu': 1511}})
        subnets = self.cloud.on(
            'POST', hc.NEUTRON + '/v2.0/subnets', status_code=201,
            json={'subnet': {'id': 'sub', 'network_id': 'net',
                             'cidr': '10.0.0.0/24', 'ip_version': 4,
                             'dns_nameservers': ['10.0.0.53']}})
        ports = self.cloud.on(
            'POST', hc.NEUTRON + '/v2.0/ports', status_code=201,
            json={'port': dict(port('p1', 'fa:16:3e:00:00:09', 'net', 'sub',
                                    '10.0.0.9', []),
                               allowed_address_pairs=[{
                                   'ip_address': '0.0.0.0/0',
                                   'mac_address': 'fa:16:3e:00:00:09'}])})

        network = self.driver.create_network(PROJECT, 'n', mtu=1511)
        subnet = self.driver.create_subnet(
            PROJECT, 'net', '10.0.0.0/24', dns_nameservers=['10.0.0.53'])
        created = self.driver.create_port(
            PROJECT, 'net', allowed_address_pairs=[
                {'ip_address': '0.0.0.0/0'}])

        self.assertEqual({'network': {'name': 'n', 'mtu': 1511}},
                         networks.last_request.json())
        self.assertEqual(['10.0.0.53'], subnets.last_request.json()[
            'subnet']['dns_nameservers'])
        self.assertEqual([{'ip_address': '0.0.0.0/0'}],
                         ports.last_request.json()['port'][
                             'allowed_address_pairs'])
        self.assertEqual((1511, ['10.0.0.53'], [{
            'ip_address': '0.0.0.0/0', 'mac_address': 'fa:16:3e:00:00:09'}]),
            (network['mtu'], subnet['dns_nameservers'],
             created['allowed_address_pairs']))

    def test_an_address_in_use_is_a_conflict_not_retried(self):
        self.cloud.on('POST', hc.NEUTRON + '/v2.0/ports', status_code=409,
                      json={'NeutronError': {
                          'type': 'IpAddressAlreadyAllocated',
                          'message': 'IP address 10.0.0.9 already allocated '
                                     'in subnet sub', 'detail': ''}})
        error = self.assertRaises(
            errors.CloudConflict, self.driver.create_port, PROJECT, 'net',
            fixed_ips=[{'subnet_id': 'sub', 'ip_address': '10.0.0.9'}])
        self.assertNotIsInstance(error, errors.CloudBusy)
        self.assertEqual(1, len(self.cloud.calls('POST', '/ports')))

    def test_shared_network_port_falls_back_to_admin(self):
        self.cloud.on('POST', hc.NEUTRON + '/v2.0/ports', [
            {'status_code': 403, 'json': {'NeutronError': {
                'message': "(rule:create_port:mac_address) is disallowed "
                           "by policy"}}},
            {'status_code': 201, 'json': {'port': port(
                'p1', 'fa:16:3e:00:00:09', 'shared', 'sub', '10.0.0.9',
                [])}}])
        self.cloud.on('GET', hc.NEUTRON + '/v2.0/networks/shared', json={
            'network': {'id': 'shared', 'shared': True}})
        self.driver.create_port(PROJECT, 'shared',
                                mac_address='fa:16:3e:00:00:09')
        calls = self.cloud.calls('POST', '/ports')
        self.assertEqual(['token-%s' % PROJECT, 'token-service'],
                         [token for token, _ in calls])
        self.assertEqual(PROJECT, calls[1][1]['port']['project_id'])


class TestLogs(DriverTestCase):

    def test_no_secret_in_logs_or_errors(self):
        logs = self.useFixture(fixtures.FakeLogger(level='DEBUG'))
        self.cloud.on('GET', hc.CINDER + '/volumes/' + BOOT, [
            {'status_code': 500, 'json': {'message': 'db error password=%s '
                                          'auth_key: abc' % hc.PASSWORD}},
            {'status_code': 400, 'json': {'badRequest': {
                'message': 'bad token gAAAAABlongfernettokenvalue1234567',
                'code': 400}}}])
        error = self.assertRaises(errors.CloudBadRequest,
                                  self.driver.get_volume, PROJECT, BOOT)
        for text in (error.msg, logs.output):
            self.assertNotIn(hc.PASSWORD, text)
            self.assertNotIn('gAAAAABlongfernettokenvalue1234567', text)
            self.assertNotIn('auth_key: abc', text)
        self.assertIn('password=***', logs.output)
