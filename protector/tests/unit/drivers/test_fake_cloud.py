"""What the fake offers beyond the contract: inventories, injected faults,
a Cinder backed by a fake array; in-process and with a shared world."""

import json
import os

import fixtures
from oslo_config import fixture as config_fixture
import testtools

from protector.common import driver_errors as errors
from protector.common import exception
from protector import conf
from protector.tests.fake_drivers import cloud as fake
from protector.tests.fake_drivers import storage as fake_storage
from protector.tests.fake_drivers import world as fake_world
from protector.tests.unit.drivers import shared_world
from protector.tests.unit.drivers import test_cloud_contract

SITE = test_cloud_contract.Site()


class TestFakeCloud(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = self.useFixture(config_fixture.Config(conf.CONF))
        fake.reset()
        self.addCleanup(fake.reset)

    def test_state_is_shared_by_every_driver_of_a_site(self):
        network = fake.FakeCloudDriver(SITE, None).create_network('p',
                                                                  'n')
        self.assertEqual(network, fake.FakeCloudDriver(SITE, None)
                         .get_network('p', network['id']))
        fake.reset()
        self.assertRaises(exception.NotFound,
                          fake.FakeCloudDriver(SITE, None).get_network,
                          'p', network['id'])

    def test_inventory_servers_and_services(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'inventory.json')
        server = {'id': 'srv-1', 'name': 'web', 'project_id': 'p',
                  'flavor': 'm1.small', 'volumes': []}
        with open(path, 'w') as inventory:
            json.dump({'site-a': {'services': {'compute': True},
                                  'volume_types': [],
                                  'servers': [server]}}, inventory)
        self.conf.config(inventory_file=path, group='fake_cloud')
        driver = fake.FakeCloudDriver(SITE, None)
        spec = driver.get_server_spec('p', 'web')
        # Captured as the real driver captures: the flavor as an object.
        self.assertEqual({'name': 'm1.small', 'vcpus': 1, 'ram': 2048,
                          'disk': 20}, {k: v for k, v in spec.pop(
                              'flavor').items() if k != 'id'})
        self.assertEqual({'id': 'srv-1', 'name': 'web', 'volumes': [],
                          'security_groups': [], 'key_pair': None}, spec)
        error = self.assertRaises(exception.NotFound,
                                  driver.get_server_spec, 'other', 'web')
        self.assertIn('web in project other on site site-a', error.msg)
        self.assertEqual(['passed', 'failed', 'failed'],
                         [c['result'] for c in driver.check_services()])
        self.assertEqual([], driver.list_replicated_volume_types())

    def test_quotas_are_unlimited_until_a_test_sets_them(self):
        driver = fake.FakeCloudDriver(SITE, None)
        self.assertEqual({'limit': -1, 'in_use': 0},
                         driver.get_quota_usage('p')['instances'])
        fake.set_quota('site-a', 'p', instances=2, ram=4096)
        fake.set_quota('site-a', 'p', cores=3)
        usage = driver.get_quota_usage('p')
        self.assertEqual((2, 3, 4096, -1), (
            usage['instances']['limit'], usage['cores']['limit'],
            usage['ram']['limit'], usage['volumes']['limit']))
        self.assertEqual(-1, driver.get_quota_usage('q')['instances'][
            'limit'])
        self.assertRaises(ValueError, fake.set_quota, 'site-a', 'p',
                          floating_ips=1)

    def test_quota_in_use_of_servers_volumes_and_ports(self):
        driver = fake.FakeCloudDriver(SITE, None)
        network = driver.create_network('p', 'net')
        driver.create_subnet('p', network['id'], '10.7.0.0/24')
        for size in (1, 3):
            boot = driver.create_volume('p', size, volume_type='replicated',
                                        image_id='cirros')
            driver.wait_for_volume('p', boot['id'], 'available')
            driver.create_server('p', {
                'name': 'web-%d' % size, 'flavor': 'm1.small',
                'volumes': [{'volume_id': boot['id'], 'boot_index': 0}],
                'ports': [{'network_id': network['id']}]})
        driver.create_volume('q', 5)
        usage = driver.get_quota_usage('p')
        self.assertEqual({'instances': 2, 'cores': 2, 'ram': 4096,
                          'volumes': 2, 'gigabytes': 4, 'ports': 2},
                         {k: v['in_use'] for k, v in usage.items()})
        self.assertEqual(1, driver.get_quota_usage('q')['volumes'][
            'in_use'])

    def test_the_service_project_owns_the_public_network(self):
        driver = fake.FakeCloudDriver(SITE, None)
        service = driver.service_project_id()
        public = driver.list_networks('p', external=True)
        self.assertEqual([service], [fake.cloud('site-a').networks[
            n['id']]['project_id'] for n in public])

    def test_calls_are_counted_once_per_call_from_outside(self):
        driver = fake.FakeCloudDriver(SITE, None)
        network = driver.create_network('p', 'net')
        driver.create_subnet('p', network['id'], '10.6.0.0/24')
        fake_world.reset_call_counts()
        # create_port reads the network and the subnet through the
        # driver: that is part of the one call.
        driver.create_port('p', network['id'])
        driver.create_port('p', network['id'])
        driver.get_quota_usage('p')
        self.assertEqual({'create_port': 2, 'get_quota_usage': 1},
                         fake_world.call_counts())
        fake_world.reset_call_counts()
        self.assertEqual({}, fake_world.call_counts())

    def test_injected_failure_is_raised_once(self):
        driver = fake.FakeCloudDriver(SITE, None)
        busy = errors.CloudBusy(site='site-a', resource='volume v',
                                action='delete volume', detail='busy')
        with fake_world.transaction():
            fake.cloud('site-a').fail('delete_volume', busy)
        raised = self.assertRaises(errors.CloudBusy, driver.delete_volume,
                                   'p', 'v')
        self.assertEqual(busy.kwargs, raised.kwargs)
        driver.delete_volume('p', 'v')

    def test_boot_failure_reports_the_fault(self):
        driver = fake.FakeCloudDriver(SITE, None)
        volume = driver.create_volume('p', 1, volume_type='replicated',
                                      image_id='cirros')
        with fake_world.transaction():
            fake.cloud('site-a').fail('boot:web', 'No valid host was found.')
        server = driver.create_server('p', {
            'name': 'web', 'flavor': 'm1.tiny',
            'volumes': [{'volume_id': driver.wait_for_volume(
                'p', volume['id'], 'available')['id'], 'boot_index': 0}]})
        error = self.assertRaises(errors.ResourceStateError,
                                  driver.wait_for_server, 'p', server['id'],
                                  'ACTIVE', 60)
        self.assertIn('went to ERROR instead of ACTIVE: No valid host was '
                      'found. (code 500)', error.msg)

    def test_manage_wants_the_backend_key(self):
        driver = fake.FakeCloudDriver(SITE, None)
        with fake_world.transaction():
            fake.cloud('site-a').reference_key = 'name'
        volume = driver.create_volume('p', 2, volume_type='replicated')
        driver.unmanage_volume('p', volume['id'])
        name = 'volume-%s' % volume['id']
        self.assertRaises(errors.CloudBadRequest, driver.manage_volume, 'p',
                          name, 'replicated')
        self.conf.config(site_manage_reference_keys={'site-a': 'name'},
                         group='openstack_cloud')
        self.assertEqual(2, driver.manage_volume('p', name,
                                                 'replicated')['size'])

    def test_cinder_backed_by_a_fake_array(self):
        url = 'https://fa-a.test'
        self.conf.config(backend_arrays={'site-a': url}, group='fake_cloud')
        driver = fake.FakeCloudDriver(SITE, None)
        fake_storage.create_volume(url, 'copy-of-web', b'web bytes', 4096)

        volume = driver.manage_volume('p', 'copy-of-web', 'replicated')

        name = 'volume-%s' % volume['id']
        self.assertEqual(b'web bytes', fake_storage.read_volume(url, name)[
            :9])
        self.assertNotIn('copy-of-web', fake_storage.array(url).volumes)
        self.assertRaises(errors.CloudBadRequest, driver.manage_volume, 'p',
                          'copy-of-web', 'replicated')
        driver.delete_volume('p', volume['id'])
        self.assertNotIn(name, fake_storage.array(url).volumes)


class TestSharedFakeCloud(TestFakeCloud):
    """The same, with the world in a state file."""

    def setUp(self):
        super().setUp()
        self.useFixture(shared_world.SharedWorld())
