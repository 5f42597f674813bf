"""Test failover, test cleanup and cancelling a test failover."""

import fixtures as fixtures_lib

from protector.common import exception
from protector.common import group_states
from protector.db import api as db
from protector.engine.operations import boot
from protector.tests.unit.engine.operations import base
from protector.tests.unit.engine.operations import fixtures

TEST_STEPS = [
    'validate_sites', 'create_dr_record', 'identify_snapshot',
    'create_volumes_site_b', 'manage_target_volumes',
    'recreate_instances_rank_0', 'recreate_instances_rank_1',
    'recreate_instances_rank_2', 'verify_instances']


class TestTestFailover(base.OperationTestCase):

    def production(self):
        """What runs on site-a, and what its array holds."""
        cloud = self.sites.cloud('site-a')
        return ({s['id']: s['status'] for s in cloud.servers.values()},
                sorted(self.sites.volumes('site-a')),
                {n: bytes(v) for n, v in
                 self.sites.array('site-a').volumes.items()},
                self.sites.array('site-a').pgroups)

    def leftovers(self, site='site-b'):
        cloud = self.sites.cloud(site)
        project = fixtures.PROJECTS[site]
        mine = [r for table in ('servers', 'volumes', 'ports',
                                'server_groups', 'floating_ips')
                for r in getattr(cloud, table).values()
                if r.get('project_id') == project]
        networks = [n for n in cloud.networks.values()
                    if n['project_id'] == project and
                    n['id'] not in self.sites.networks[site].values()]
        return mine + networks + list(self.sites.array(site).volumes)

    def test_clones_boot_on_site_b_and_production_is_untouched(self):
        before = self.production()

        operation = self.start('test_failover')

        self.assertCompleted(operation)
        self.assertEqual(TEST_STEPS, operation.steps_completed)
        self.assertEqual(['app-1', 'db-1', 'web-1', 'web-2'],
                         sorted(self.target_servers('site-b')))
        self.assertEqual(before, self.production())
        group = self.group_now()
        self.assertEqual(group_states.TESTING, group.status)
        self.assertEqual('site-a', group.current_primary_site.name)
        self.assertEqual(0, group.failover_count)
        self.assertIsNotNone(operation.rto_seconds)
        result = self.result(operation, 'db-1')
        volume, = result['target_volume_ids']
        self.assertEqual(b'database bytes',
                         self.volume_bytes('site-b', volume, 14))

    def test_test_cleanup_leaves_nothing(self):
        before = self.production()
        self.start('test_failover')

        operation = self.start('test_cleanup')

        self.assertCompleted(operation)
        self.assertEqual(['validate_sites', 'create_dr_record',
                          'delete_test_instances', 'delete_test_volumes',
                          'delete_isolated_networks',
                          'update_protection_group'],
                         operation.steps_completed)
        self.assertEqual([], self.leftovers())
        self.assertEqual(group_states.ACTIVE, self.group_now().status)
        self.assertEqual(before, self.production())
        # No server is recreated: no per-server result to report.
        self.assertEqual([], operation.members)
        self.assertEqual([], self.start('sync').members)

    def test_isolated_networks_keep_the_addresses(self):
        operation = self.start('test_failover', isolated_network=True)

        self.assertIn('isolate_networks', operation.steps_completed)
        cloud = self.sites.cloud('site-b')
        for name, _, network, ip, _ in fixtures.SERVERS:
            port, = self.ports_of('site-b', self.target_servers(
                'site-b')[name])
            isolated = cloud.networks[port['network_id']]
            self.assertTrue(isolated['name'].startswith(
                'protector-test-op'))
            self.assertNotIn(isolated['id'],
                             self.sites.networks['site-b'].values())
            self.assertFalse(isolated['external'])
            self.assertEqual(ip, port['fixed_ips'][0]['ip_address'])

        self.start('test_cleanup')

        self.assertEqual([], self.leftovers())

    def test_isolated_networks_need_no_network_mapping(self):
        db.group_update(self.context, self.group.id, {'mappings': {}},
                        bump=False)

        operation = self.start('test_failover', isolated_network=True)

        self.assertCompleted(operation)
        self.assertEqual(4, len(self.target_servers('site-b')))

    def test_a_chosen_recovery_point_is_used(self):
        name = fixtures.storage_base.replication_group_name(self.group.id)
        older = self.sites.storage.list_recovery_points(
            self.sites.array_ref('site-b'), name)[0]['name']
        self.sites.storage.replicate_now(self.sites.array_ref('site-a'),
                                         name)

        operation = self.start('test_failover', recovery_point=older)

        self.assertEqual(older, operation.recovery_point['id'])

    def test_cancel_removes_everything(self):
        db.member_update(self.context, self.member('app-1').id, {
            'boot_condition': {'type': 'wait', 'delay_seconds': 60}})
        operations = []

        def sleep(seconds):
            if not operations:
                running = db.operation_list_running(self.context)
                operations.append(running[0].id)
                self.manager.cancel_operation(self.context, running[0].id)
            self.clock.sleep(seconds)
        self.useFixture(fixtures_lib.MockPatchObject(boot, 'sleep', sleep))

        operation = self.start('test_failover')

        self.assertEqual('cancelled', operation.status)
        self.assertIn('everything it made was removed',
                      operation.error_message)
        self.assertEqual([], self.leftovers())
        self.assertEqual(group_states.ACTIVE, self.group_now().status)

    def test_only_a_test_failover_can_be_cancelled(self):
        operation = self.start('sync')

        error = self.assertRaises(exception.Conflict,
                                  self.manager.cancel_operation,
                                  self.context, operation.id)
        self.assertIn('only a running operation can be cancelled',
                      error.msg)

    def test_test_cleanup_needs_a_test_failover(self):
        error = self.assertRaises(exception.Conflict, self.start,
                                  'test_cleanup')
        self.assertIn("is active; a test cleanup starts only from testing."
                      " There is no test failover to clean up.", error.msg)

    def test_a_second_test_failover_is_refused_while_testing(self):
        self.start('test_failover')

        error = self.assertRaises(exception.Conflict, self.start,
                                  'test_failover')
        self.assertIn('test-cleanup three-tier', error.msg)


class TestSync(base.OperationTestCase):

    def test_replicate_now(self):
        before = self.group_now().last_replication_at

        operation = self.start('sync')

        self.assertCompleted(operation)
        self.assertEqual(['validate_sites', 'final_replication_sync',
                          'identify_snapshot'], operation.steps_completed)
        self.assertIn('.op-%s' % operation.id, operation.recovery_point['id'])
        group = self.group_now()
        self.assertGreater(group.last_replication_at, before or
                           group.created_at.replace(year=2000))
        self.assertEqual(group_states.ACTIVE, group.status)
