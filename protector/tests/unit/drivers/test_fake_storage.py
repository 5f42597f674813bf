"""What the fake storage driver offers tests beyond the contract, in-process
and with a shared world."""

import testtools

from protector.common import driver_errors as errors
from protector.drivers.storage import base
from protector.tests.fake_drivers import storage as fake
from protector.tests.fake_drivers import world as fake_world
from protector.tests.unit.drivers import shared_world

A = base.ArrayRef('https://fa-a.test', 'any-token')
B = base.ArrayRef('https://fa-b.test', 'other-token')


class TestFakeStorage(testtools.TestCase):

    def setUp(self):
        super().setUp()
        fake.reset()
        self.addCleanup(fake.reset)
        self.driver = fake.FakeStorageDriver()

    def protected(self):
        fake.connect(A.url, B.url)
        fake.create_volume(A.url, 'volume-1', b'data', 4096)
        self.driver.ensure_replication_group(A, B, 'pg', ['volume-1'],
                                             300, 2)

    def test_test_domain_arrays_accept_any_token(self):
        self.assertEqual(
            {'check': 'array', 'result': 'passed',
             'detail': 'fake array https://fa-b.test answers'},
            self.driver.check_array(B.url, 'whatever'))
        result = self.driver.check_array('https://fa.example.com', 't')
        self.assertEqual('failed', result['result'])
        self.assertIn('https://fa.example.com', result['detail'])

    def test_test_domain_arrays_are_a_connected_lab(self):
        described = self.driver.ensure_replication_group(
            A, B, 'pg', ['volume-made-by-the-cloud'], 300, 2)
        self.assertEqual(['volume-made-by-the-cloud'], described['volumes'])
        point = self.driver.replicate_now(A, 'pg')
        self.assertEqual({'volume-made-by-the-cloud'}, set(
            self.driver.wait_for_recovery_point(B, point)['volumes']))
        self.assertEqual({'passed'}, {c['result'] for c in
                                      self.driver.check_replication(A, B)})

    def test_busy_and_unavailable_are_retried_a_few_times(self):
        self.protected()
        fake.fail(A.url, count=3, kind='busy')
        self.assertEqual('pg', self.driver.get_replication_group(
            A, 'pg')['name'])
        fake.fail(A.url, count=4)
        self.assertRaises(errors.ArrayUnavailable,
                          self.driver.get_replication_group, A, 'pg')
        self.assertEqual('pg', self.driver.get_replication_group(
            A, 'pg')['name'])

    def test_an_array_off_the_network(self):
        self.protected()
        fake.set_reachable(A.url, False)
        self.assertIn('did not answer', self.driver.check_array(
            A.url, A.api_token)['detail'])
        self.assertRaises(errors.ArrayUnavailable, self.driver.replicate_now,
                          A, 'pg')
        self.assertRaises(errors.ArrayUnavailable, self.driver.reverse,
                          B, A, 'pg', [], 300, 2)
        fake.set_reachable(A.url, True)
        self.assertTrue(self.driver.reverse(B, A, 'pg', [], 300, 2)[
            'stopped'])
        self.assertFalse(self.driver.get_replication_group(
            A, 'pg')['replication_enabled'])

    def test_a_pod_with_an_array_off_the_network(self):
        fake.connect(A.url, B.url, types=('sync-replication',))
        fake.create_volume(A.url, 'volume-1', b'data', 4096)
        self.driver.ensure_pod(A, B, 'pod', ['volume-1'])
        fake.set_reachable(A.url, False)
        status = self.driver.pod_status(B, 'pod')
        self.assertFalse(status['healthy'])
        self.assertEqual({'fa-a': 'offline', 'fa-b': 'online'},
                         {a['name']: a['status'] for a in status['arrays']})
        self.assertRaises(errors.ArrayConflict, self.driver.unstretch_pod,
                          B, 'pod')
        status = self.driver.unstretch_pod(B, 'pod', force=True)
        self.assertEqual(['fa-b'], [a['name'] for a in status['arrays']])
        self.assertEqual(b'data', fake.read_volume(B.url,
                                                   'pod::volume-1')[:4])

    def test_a_snapshot_waits_unsent_while_the_target_is_away(self):
        self.protected()
        first = self.driver.replicate_now(A, 'pg')
        fake.set_reachable(B.url, False)
        point = self.driver.replicate_now(A, 'pg')

        overview = self.driver.replication_overview(A)
        self.assertEqual([{'name': 'fa-b', 'connected': False,
                           'types': ['replication'],
                           'status': 'disconnected'}],
                         overview['connections'])
        sent = overview['groups']['pg']
        self.assertEqual(first, sent['newest_completed'])
        self.assertEqual([(point, 0.0, 0)],
                         [(p['name'], p['progress'], p['data_transferred'])
                          for p in sent['in_progress']])

        # Back on the network, the snapshot goes by itself.
        fake.set_reachable(B.url, True)
        self.assertTrue(self.driver.get_recovery_point(B, point)[
            'completed'])
        self.assertEqual(point, self.driver.replication_overview(A)[
            'groups']['pg']['newest_completed'])

    def test_after_a_failback_an_array_holds_a_group_both_ways(self):
        self.protected()
        before = self.driver.replicate_now(A, 'pg')
        self.driver.reverse(B, A, 'pg', ['volume-copy'], 300, 2)
        back = self.driver.replicate_now(B, 'pg')

        overview = self.driver.replication_overview(A)
        self.assertEqual(('source', 'fa-a', before), (
            overview['groups']['pg']['role'],
            overview['groups']['pg']['source_array'],
            overview['groups']['pg']['newest_completed']))
        self.assertEqual(('target', 'fa-b', back), (
            overview['replicas']['pg']['role'],
            overview['replicas']['pg']['source_array'],
            overview['replicas']['pg']['newest_completed']))

    def test_an_overview_is_one_call_tried_once(self):
        self.protected()
        fake_world.reset_call_counts()
        fake.fail(A.url)
        self.assertRaises(errors.ArrayUnavailable,
                          self.driver.replication_overview, A)
        self.assertEqual('fa-a', self.driver.replication_overview(A)['name'])
        self.assertEqual({'replication_overview': 2},
                         fake_world.call_counts())

    def test_no_pods_in_the_overview_of_an_array_without_them(self):
        fake.add_array('https://old.example.com', 'old', 'token',
                       rest_version='1.12')
        self.assertEqual({}, self.driver.replication_overview(
            ('https://old.example.com', 'token'))['pods'])

    def test_reset_forgets_the_arrays(self):
        self.protected()
        fake.reset()
        self.assertRaises(errors.ArrayNotFound,
                          self.driver.get_replication_group, A, 'pg')


class TestSharedFakeStorage(TestFakeStorage):
    """The same, with the world in a state file."""

    def setUp(self):
        self.useFixture(shared_world.SharedWorld())
        super().setUp()
