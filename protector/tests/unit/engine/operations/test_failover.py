"""Planned failover and failback on two linked fake sites."""

import fixtures as fixtures_lib

from protector.common import exception
from protector.common import group_states
from protector.common import steps
from protector.db import api as db
from protector.drivers.storage import base as storage_base
from protector.engine import group_environment
from protector.engine import protection
from protector.tests.fake_drivers import storage as fake_storage
from protector.tests.unit.engine.operations import base
from protector.tests.unit.engine.operations import fixtures

PLANNED_STEPS = [
    'validate_sites', 'create_dr_record', 'shutdown_source_instances',
    'final_replication_sync', 'identify_snapshot', 'create_volumes_site_b',
    'manage_target_volumes', 'recreate_instances_rank_0',
    'recreate_instances_rank_1', 'recreate_instances_rank_2',
    'verify_instances', 'update_protection_group', 'reverse_replication',
    'sync_metadata', 'cleanup_source_resources']


class TestPlannedFailover(base.OperationTestCase):

    def test_servers_run_on_site_b_with_mapped_networks_and_fixed_ips(self):
        operation = self.start('failover', type='planned')

        self.assertCompleted(operation)
        self.assertEqual(PLANNED_STEPS, operation.steps_completed)
        self.assertEqual([], operation.steps_failed)
        servers = self.target_servers('site-b')
        self.assertEqual(['app-1', 'db-1', 'web-1', 'web-2'],
                         sorted(servers))
        for name, _, network, ip, _ in fixtures.SERVERS:
            self.assertEqual('ACTIVE', servers[name]['status'])
            port, = self.ports_of('site-b', servers[name])
            self.assertEqual(self.sites.networks['site-b'][network],
                             port['network_id'])
            self.assertEqual(ip, port['fixed_ips'][0]['ip_address'])
            mac = self.result(operation, name)
            self.assertEqual(servers[name]['id'], mac['target_server_id'])
            self.assertEqual('active', mac['status'])
            self.assertIsNotNone(mac['seconds_to_active'])

    def test_mac_addresses_are_kept(self):
        macs = {m.server_name: m.spec['ports'][0]['mac_address']
                for m in db.member_list(self.context, self.group.id)}

        self.start('failover', type='planned')

        for name, server in self.target_servers('site-b').items():
            port, = self.ports_of('site-b', server)
            self.assertEqual(macs[name], port['mac_address'])

    def test_group_is_failed_over_to_site_b(self):
        self.start('failover', type='planned')

        group = self.group_now()
        self.assertEqual(group_states.FAILED_OVER, group.status)
        self.assertEqual('site-b', group.current_primary_site.name)
        self.assertEqual(1, group.failover_count)
        self.assertIsNotNone(group.last_failover_at)
        self.assertEqual(group.metadata_version,
                         self.sites.peer.version(group.id))
        self.assertEqual(group_states.FAILED_OVER, self.sites.peer.documents[
            group.id]['group']['status'])

    def test_bytes_written_just_before_are_on_site_b(self):
        member = self.member('db-1')
        volume = member.spec['volumes'][0]['volume_id']
        fake_storage.write_volume(fixtures.ARRAY_URLS['site-a'],
                                  'volume-%s' % volume, 0, b'LAST WRITE')

        self.start('failover', type='planned')

        new_volume = self.member('db-1').spec['volumes'][0]['volume_id']
        self.assertNotEqual(volume, new_volume)
        self.assertEqual(b'LAST WRITEytes',
                         self.volume_bytes('site-b', new_volume, 14))

    def test_members_describe_the_servers_on_site_b(self):
        operation = self.start('failover', type='planned')

        for name, _, network, _, _ in fixtures.SERVERS:
            member = self.member(name)
            self.assertEqual(self.result(operation, name)[
                'target_server_id'], member.server_id)
            self.assertEqual(self.sites.networks['site-b'][network],
                             member.spec['ports'][0]['network_id'])
            self.assertEqual({'tier': name}, member.spec['metadata'])
            self.assertEqual('protected', member.status)

    def test_source_resources_are_removed(self):
        self.start('failover', type='planned')

        self.assertEqual({}, self.target_servers('site-a'))
        self.assertEqual([], self.sites.volumes('site-a'))
        self.assertEqual({}, self.sites.array('site-a').volumes)

    def test_replication_is_reversed(self):
        self.start('failover', type='planned')

        name = storage_base.replication_group_name(self.group.id)
        on_b = self.sites.storage.get_replication_group(
            self.sites.array_ref('site-b'), name)
        self.assertEqual(sorted(self.sites.array('site-b').volumes),
                         sorted(on_b['volumes']))
        self.assertTrue(on_b['replication_enabled'])
        on_a = self.sites.array('site-a').pgroups[name]
        self.assertFalse(on_a['replicate_enabled'])

    def test_deleting_the_group_after_it_moved_leaves_no_array_group(self):
        self.start('failover', type='planned')
        group = db.group_get(self.context, self.group.id)

        protection.delete_replication(
            group_environment.Environment.of_group(self.context, group))

        for site in ('site-a', 'site-b'):
            self.assertEqual([], [
                name for name, pgroup in self.sites.array(
                    site).pgroups.items() if not pgroup['destroyed']])

    def test_recovery_point_rpo_and_rto_are_recorded(self):
        operation = self.start('failover', type='planned')

        point = operation.recovery_point
        self.assertIn('.op-%s' % operation.id, point['id'])
        self.assertGreaterEqual(point['age_seconds'], 0)
        self.assertIsNotNone(operation.rto_seconds)
        self.assertEqual('site-a', operation.source_site)
        self.assertEqual('site-b', operation.target_site)

    def test_ranks_boot_in_order(self):
        operation = self.start('failover', type='planned')

        created = {m['server_name']: m['created_at']
                   for m in operation.members}
        self.assertLess(created['db-1'], created['app-1'])
        self.assertLess(created['app-1'], created['web-1'])
        self.assertLess(created['app-1'], created['web-2'])

    def test_a_rank_waits_for_the_boot_delay_of_the_one_before(self):
        db.member_update(self.context, self.member('db-1').id, {
            'boot_condition': {'type': 'wait', 'delay_seconds': 30}})

        self.start('failover', type='planned')

        self.assertEqual(30, sum(self.sleeps))

    def test_progress_never_moves_backwards(self):
        seen = []
        real_update = db.operation_update

        def update(context, operation_id, values=None, **kwargs):
            result = real_update(context, operation_id, values, **kwargs)
            seen.append(result.progress)
            return result
        self.useFixture(fixtures_lib.MockPatch(
            'protector.db.api.operation_update', side_effect=update))

        self.start('failover', type='planned')

        self.assertEqual(sorted(seen), seen)
        self.assertEqual(100, seen[-1])

    def test_plan_overrides_apply(self):
        db.member_update(self.context, self.member('web-1').id, {
            'overrides': {'flavor': 'm1.tiny', 'ports': [
                {'name': 'eth0', 'subnet': self.member('web-1').spec[
                    'ports'][0]['fixed_ips'][0]['subnet_id'],
                 'ip': '10.0.0.99'}], 'meta': {'role': 'frontend'}}})

        self.start('failover', type='planned')

        server = self.target_servers('site-b')['web-1']
        port, = self.ports_of('site-b', server)
        self.assertEqual('10.0.0.99', port['fixed_ips'][0]['ip_address'])
        flavor = self.sites.cloud('site-b').flavors[server['flavor_id']]
        self.assertEqual('m1.tiny', flavor['name'])
        self.assertEqual('frontend', server['metadata']['role'])

    def test_a_server_that_fails_leaves_the_group_partially_failed_over(self):
        self.sites.cloud('site-b').failures['boot:web-2'] = ['No valid host']

        operation = self.start('failover', type='planned')

        self.assertCompleted(operation, 'completed_with_errors')
        web2 = self.result(operation, 'web-2')
        self.assertEqual('error', web2['status'])
        self.assertIn('No valid host', web2['reason'])
        self.assertEqual(group_states.FAILED_OVER_PARTIAL,
                         self.group_now().status)
        self.assertEqual('error', self.member('web-2').status)

    def test_a_server_that_failed_keeps_its_source_server_and_volumes(self):
        self.sites.cloud('site-b').failures['boot:web-2'] = ['No valid host']
        operation = self.start('failover', type='planned')

        self.assertEqual(['web-2'], list(self.target_servers('site-a')))
        self.assertEqual(['web-2-boot'], self.sites.volumes('site-a'))
        reasons = {f['step']: f['reason'] for f in operation.steps_failed}
        self.assertIn('Server(s) web-2 did not come up on site site-b: '
                      'their servers and volumes on site site-a are kept',
                      reasons['cleanup_source_resources'])

    def test_a_chosen_older_point_keeps_the_source_until_cleanup(self):
        sync_op = self.start('sync')
        point = sync_op.recovery_point['id']

        operation = self.start('failover', type='planned',
                               recovery_point=point)

        self.assertCompleted(operation)
        self.assertEqual(4, len(self.target_servers('site-a')))
        reasons = {f['step']: f['reason'] for f in operation.steps_failed}
        self.assertIn("operation cleanup %s' on site 'site-a'"
                      % operation.id, reasons['cleanup_source_resources'])

    def test_no_server_up_rolls_everything_back(self):
        for name, _, _, _, _ in fixtures.SERVERS:
            self.sites.cloud('site-b').failures['boot:%s' % name] = ['no']

        operation = self.start('failover', type='planned')

        self.assertEqual('failed', operation.status)
        self.assertIn('No server became ACTIVE', operation.error_message)
        self.assertIn('undone', operation.error_message)
        self.assertEqual(group_states.ACTIVE, self.group_now().status)
        self.assertEqual('site-a', self.group_now().current_primary_site.name)
        self.assertEqual({}, self.target_servers('site-b'))
        self.assertEqual([], self.sites.volumes('site-b'))
        self.assertEqual({}, self.sites.array('site-b').volumes)
        for server in self.target_servers('site-a').values():
            self.assertEqual('ACTIVE', server['status'])
        ports = [p for p in self.sites.cloud('site-b').ports.values()
                 if p['project_id'] == fixtures.PROJECTS['site-b']]
        self.assertEqual([], ports)


class TestFailback(base.OperationTestCase):

    def setUp(self):
        super().setUp()
        self.failover = self.start('failover', type='planned')
        self.assertCompleted(self.failover)
        # Failback waits until reverse replication delivered a snapshot.
        self.assertCompleted(self.start('sync'))

    def test_failback_brings_the_servers_home(self):
        operation = self.start('failback')

        self.assertCompleted(operation)
        self.assertEqual([s.replace('site_b', 'site_a') for s in
                          PLANNED_STEPS], operation.steps_completed)
        self.assertEqual('site-b', operation.source_site)
        self.assertEqual('site-a', operation.target_site)
        group = self.group_now()
        self.assertEqual(group_states.ACTIVE, group.status)
        self.assertEqual('site-a', group.current_primary_site.name)
        self.assertEqual(1, group.failover_count)
        self.assertEqual({}, self.target_servers('site-b'))
        servers = self.target_servers('site-a')
        self.assertEqual(['app-1', 'db-1', 'web-1', 'web-2'],
                         sorted(servers))
        for name, _, network, ip, _ in fixtures.SERVERS:
            port, = self.ports_of('site-a', servers[name])
            self.assertEqual(self.sites.networks['site-a'][network],
                             port['network_id'])
            self.assertEqual(ip, port['fixed_ips'][0]['ip_address'])

    def test_bytes_written_on_site_b_come_back(self):
        volume = self.member('app-1').spec['volumes'][0]['volume_id']
        fake_storage.write_volume(fixtures.ARRAY_URLS['site-b'],
                                  'volume-%s' % volume, 0, b'WRITTEN ON B')

        self.start('failback')

        home = self.member('app-1').spec['volumes'][0]['volume_id']
        self.assertEqual(b'WRITTEN ON B',
                         self.volume_bytes('site-a', home, 12))
        self.assertEqual({}, self.sites.array('site-b').volumes)

    def test_names_do_not_grow_with_each_move(self):
        self.start('failback')
        third = self.start('failover', type='planned')

        self.assertCompleted(third)
        for name in self.sites.volumes('site-b'):
            self.assertRegex(name, r'^[a-z0-9-]+-boot-op[0-9a-f]{8}$')

    def test_failover_is_refused_while_failed_over(self):
        error = self.assertRaises(
            exception.Conflict, self.start, 'failover', type='planned')
        self.assertIn("is failed_over; a failover starts only from active",
                      error.msg)
        self.assertIn('protection-group failback three-tier', error.msg)


class TestSteps(base.OperationTestCase):

    def test_every_step_has_a_progress(self):
        for step in PLANNED_STEPS:
            if not step.startswith('recreate_instances_rank_'):
                self.assertIsInstance(steps.progress(step), int)
