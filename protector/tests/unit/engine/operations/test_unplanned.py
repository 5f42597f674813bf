"""Unplanned failover: run on site-b while site-a is gone."""

from protector.common import exception
from protector.common import group_states
from protector.common import steps
from protector.db import api as db
from protector.engine.operations import runner
from protector.engine import sync_status
from protector.tests.fake_drivers import storage as fake_storage
from protector.tests.unit.engine.operations import base
from protector.tests.unit.engine.operations import fixtures

UNPLANNED_STEPS = [
    'validate_sites', 'create_dr_record', 'identify_snapshot',
    'create_volumes_site_b', 'manage_target_volumes',
    'recreate_instances_rank_0', 'recreate_instances_rank_1',
    'recreate_instances_rank_2', 'verify_instances',
    'update_protection_group']


class TestUnplannedFailover(base.OperationTestCase):

    local = 'site-b'

    def lose_site_a(self):
        fixtures.DOWN.add('site-a')
        fake_storage.set_reachable(fixtures.ARRAY_URLS['site-a'], False)
        self.sites.peer.go_down()

    def test_servers_come_up_on_site_b_from_the_newest_snapshot(self):
        point = self.sites.storage.list_recovery_points(
            self.sites.array_ref('site-b'),
            fixtures.storage_base.replication_group_name(self.group.id))[0]
        self.lose_site_a()

        operation = self.start('failover', type='unplanned')

        # What needs site-a waits for it (see the next test).
        self.assertCompleted(operation, 'completed_with_errors')
        self.assertEqual(UNPLANNED_STEPS, operation.steps_completed)
        self.assertEqual(point['name'], operation.recovery_point['id'])
        self.assertEqual(['app-1', 'db-1', 'web-1', 'web-2'],
                         sorted(self.target_servers('site-b')))
        group = self.group_now()
        self.assertEqual(group_states.FAILED_OVER, group.status)
        self.assertEqual('site-b', group.current_primary_site.name)
        self.assertEqual(1, group.failover_count)

    def test_what_could_not_be_done_is_recorded(self):
        self.lose_site_a()

        operation = self.start('failover', type='unplanned')

        failed = {f['step']: f['reason'] for f in operation.steps_failed}
        self.assertIn('reverse_replication', failed)
        self.assertIn("Peer site 'site-a' did not receive version",
                      failed['sync_metadata'])
        self.assertIn('sync-force three-tier', failed['sync_metadata'])
        self.assertTrue(failed['sync_metadata'].startswith(steps.DEFERRED))
        self.assertTrue(failed['cleanup_source_resources'].startswith(
            steps.DEFERRED))
        self.assertIn('operation cleanup %s' % operation.id,
                      failed['cleanup_source_resources'])
        self.assertIsNotNone(self.group_now().last_sync_error)

    def test_operation_cleanup_finishes_when_site_a_is_back(self):
        self.lose_site_a()
        operation = self.start('failover', type='unplanned')
        fixtures.DOWN.clear()
        fake_storage.set_reachable(fixtures.ARRAY_URLS['site-a'])
        self.sites.peer.come_back()

        self.manager.cleanup_operation(self.context, operation.id)
        runner.wait(operation.id, 30)

        operation = self.operation(operation.id)
        self.assertCompleted(operation)
        self.assertEqual([], operation.steps_failed)
        self.assertEqual({}, self.target_servers('site-a'))
        self.assertEqual({}, self.sites.array('site-a').volumes)
        self.assertEqual(self.group_now().metadata_version,
                         self.sites.peer.version(self.group.id))

    def test_it_runs_on_the_surviving_site_only(self):
        db.group_update(self.context, self.group.id, {
            'current_primary_site_id': self.sites.sites['site-b'].id})

        error = self.assertRaises(exception.Conflict, self.start,
                                  'failover', type='unplanned')
        self.assertIn('An unplanned failover runs on the site that takes '
                      "over the workload, here site 'site-a'", error.msg)

    def test_refused_on_the_site_the_group_moved_to(self):
        self.lose_site_a()
        self.start('failover', type='unplanned')

        error = self.assertRaises(exception.Conflict, self.start,
                                  'failover', type='unplanned')
        self.assertIn("An unplanned failover runs on the site that takes "
                      "over the workload, here site 'site-a'", error.msg)

    def test_chosen_recovery_point(self):
        ref = self.sites.array_ref('site-a')
        name = fixtures.storage_base.replication_group_name(self.group.id)
        older = self.sites.storage.list_recovery_points(
            self.sites.array_ref('site-b'), name)[0]['name']
        volume = self.member('web-1').spec['volumes'][0]['volume_id']
        fake_storage.write_volume(fixtures.ARRAY_URLS['site-a'],
                                  'volume-%s' % volume, 0, b'NEWER')
        self.sites.storage.replicate_now(ref, name)
        self.lose_site_a()

        operation = self.start('failover', type='unplanned',
                               recovery_point=older)

        self.assertEqual(older, operation.recovery_point['id'])
        new = self.member('web-1').spec['volumes'][0]['volume_id']
        self.assertEqual(b'web server',
                         self.volume_bytes('site-b', new, 10))

    def test_failback_waits_for_the_cleanup_of_site_a(self):
        self.lose_site_a()
        operation = self.start('failover', type='unplanned')
        fixtures.DOWN.clear()
        fake_storage.set_reachable(fixtures.ARRAY_URLS['site-a'])
        self.sites.peer.come_back()
        sync_status.force(self.context, self.group_now().id)

        error = self.assertRaises(exception.Conflict, self.start,
                                  'failback')
        self.assertIn("operation cleanup %s' first" % operation.id,
                      error.msg)

    def test_a_group_left_failing_over_by_the_lost_site(self):
        db.group_update(self.context, self.group.id,
                        {'status': group_states.FAILING_OVER})
        self.lose_site_a()

        error = self.assertRaises(exception.Conflict, self.start,
                                  'failover', type='unplanned')
        self.assertIn('add --force to take over', error.msg)

        operation = self.start('failover', type='unplanned', force=True)

        self.assertEqual(4, len(self.target_servers('site-b')))
        self.assertEqual(group_states.FAILED_OVER, self.group_now().status)
        self.assertEqual(group_states.FAILING_OVER,
                         operation.parameters['previous_status'])
