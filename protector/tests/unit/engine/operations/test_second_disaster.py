"""A group that already moved: its second disaster, and drills of it.

The group fails over to site-b (planned); then site-b is lost and site-a,
running this engine, takes the workload back from its own array, where
reverse replication left recovery points; or, with site-b well, a test
failover drills the way back on site-a while production stays on site-b.
"""

from protector.common import exception
from protector.common import group_states
from protector.tests.fake_drivers import storage as fake_storage
from protector.tests.unit.engine.operations import base
from protector.tests.unit.engine.operations import fixtures

SERVERS = ['app-1', 'db-1', 'web-1', 'web-2']


class MovedGroupTestCase(base.OperationTestCase):
    """The group failed over to site-b; this engine is site-a's.

    ``boot_failures``: servers that do not come up on site-b.
    """

    boot_failures = ()

    def setUp(self):
        super().setUp()
        for name in self.boot_failures:
            self.sites.cloud('site-b').failures['boot:' + name] = [
                'No valid host']
        self.start('failover')
        self.db_volume = self.member('db-1').spec['volumes'][0]['volume_id']

    def write_on_b(self, data):
        fake_storage.write_volume(fixtures.ARRAY_URLS['site-b'],
                                  'volume-%s' % self.db_volume, 0, data)

    def replicate_back(self):
        """A recovery point of site-b's volumes, on site-a's array."""
        return self.sites.storage.replicate_now(
            self.sites.array_ref('site-b'),
            fixtures.storage_base.replication_group_name(self.group.id))

    def lose_site_b(self):
        fixtures.DOWN.add('site-b')
        fake_storage.set_reachable(fixtures.ARRAY_URLS['site-b'], False)
        self.sites.peer.go_down()


class TestSecondDisaster(MovedGroupTestCase):

    def test_the_workload_comes_back_to_site_a(self):
        self.write_on_b(b'written on B, replicated')
        point = self.replicate_back()
        self.write_on_b(b'written on B, lost with it')
        self.lose_site_b()

        operation = self.start('failover', type='unplanned')

        self.assertCompleted(operation, 'completed_with_errors')
        self.assertEqual((operation.source_site, operation.target_site),
                         ('site-b', 'site-a'))
        self.assertEqual(point, operation.recovery_point['id'])
        self.assertEqual(SERVERS, sorted(self.target_servers('site-a')))
        volume = self.member('db-1').spec['volumes'][0]['volume_id']
        self.assertEqual(b'written on B, replicated',
                         self.volume_bytes('site-a', volume, 24))
        group = self.group_now()
        self.assertEqual((group_states.ACTIVE, 'site-a', 2),
                         (group.status, group.current_primary_site.name,
                          group.failover_count))
        self.assertEqual(group_states.FAILED_OVER,
                         operation.parameters['previous_status'])
        # What needs site-b waits for it, as after the first disaster.
        failed = {f['step'] for f in operation.steps_failed}
        self.assertEqual({'reverse_replication', 'sync_metadata',
                          'cleanup_source_resources'}, failed)

    def test_a_planned_failover_names_the_unplanned_one(self):
        error = self.assertRaises(exception.InvalidState, self.start,
                                  'failover')

        self.assertIn("failover three-tier --type unplanned' on site "
                      "'site-a'", error.msg)

    def test_a_failure_puts_the_group_back(self):
        self.lose_site_b()
        fixtures.DOWN.add('site-a')

        # Past the pre-flight, which would refuse it: it fails and reverts.
        operation = self.start('failover', type='unplanned', force=True)

        self.assertEqual('failed', operation.status)
        group = self.group_now()
        self.assertEqual((group_states.FAILED_OVER, 'site-b'),
                         (group.status, group.current_primary_site.name))


class TestSecondDisasterAfterAPartialFailover(MovedGroupTestCase):

    boot_failures = ('web-2',)

    def test_the_members_that_moved_come_back(self):
        self.assertEqual(group_states.FAILED_OVER_PARTIAL,
                         self.group_now().status)
        # Its server never left site-a.
        web2 = self.target_servers('site-a')['web-2']
        self.replicate_back()
        self.lose_site_b()

        operation = self.start('failover', type='unplanned')

        self.assertEqual(['web-2'], operation.parameters['left_out_members'])
        self.assertEqual(['app-1', 'db-1', 'web-1'], sorted(
            m['server_name'] for m in operation.members))
        servers = self.target_servers('site-a')
        self.assertEqual(SERVERS, sorted(servers))
        self.assertEqual(web2['id'], servers['web-2']['id'])
        self.assertEqual(group_states.ACTIVE, self.group_now().status)


class TestDrillOfTheFailback(MovedGroupTestCase):

    def production(self):
        """What runs on site-b, and what its array holds."""
        return ({s['id']: s['status']
                 for s in self.sites.cloud('site-b').servers.values()},
                {n: bytes(v) for n, v in
                 self.sites.array('site-b').volumes.items()})

    def test_copies_boot_on_site_a_and_production_on_b_is_untouched(self):
        self.write_on_b(b'drill point')
        point = self.replicate_back()
        before = self.production()
        volumes_a = sorted(self.sites.array('site-a').volumes)

        operation = self.start('test_failover')

        self.assertCompleted(operation)
        self.assertEqual(point, operation.recovery_point['id'])
        self.assertEqual(SERVERS, sorted(self.target_servers('site-a')))
        volume, = self.result(operation, 'db-1')['target_volume_ids']
        self.assertEqual(b'drill point',
                         self.volume_bytes('site-a', volume, 11))
        self.assertEqual(before, self.production())
        group = self.group_now()
        self.assertEqual((group_states.TESTING, 'site-b'),
                         (group.status, group.current_primary_site.name))

        cleanup = self.start('test_cleanup')

        self.assertCompleted(cleanup)
        self.assertEqual({}, self.target_servers('site-a'))
        self.assertEqual(volumes_a, sorted(self.sites.array('site-a').volumes))
        self.assertEqual(before, self.production())
        self.assertEqual(group_states.FAILED_OVER, self.group_now().status)

    def test_a_failback_waits_for_the_test_cleanup(self):
        self.replicate_back()
        self.start('test_failover')

        error = self.assertRaises(exception.InvalidState, self.start,
                                  'failback')

        self.assertIn('test-cleanup three-tier', error.msg)
