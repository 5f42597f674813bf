import fixtures
from osc_lib import exceptions

from protectorclient import exceptions as client_exceptions
from protectorclient.osc.v1 import consistency_groups
from protectorclient.osc.v1 import dr_operations
from protectorclient.osc.v1 import operations
from protectorclient.osc.v1 import recovery_points
from protectorclient.tests.unit.osc import fakes


def operation(**fields):
    result = {
        'id': 'op-a1b2c3d4', 'protection_group_id': 'pg-1',
        'operation_type': 'failover', 'failover_type': 'planned',
        'status': 'running', 'progress': 0, 'steps_completed': [],
        'steps_failed': [], 'members': [], 'source_site': 'site-a',
        'target_site': 'site-b', 'started_at': '2025-06-01T09:00:00Z',
        'completed_at': None, 'error_message': None,
        'recovery_point': None, 'rto_seconds': None, 'parameters': {}}
    result.update(fields)
    return result


class TestStartOperation(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        self.client.protection_groups.action.return_value = operation()
        self.useFixture(fixtures.MockPatch(
            'protectorclient.osc.v1.dr_operations.time.sleep'))

    def test_failover_as_in_seed_004(self):
        columns, data = self.run_command(dr_operations.Failover, [
            'prod-web-app', '--network-mapping',
            'net-primary-web=net-secondary-web',
            'net-primary-db=net-secondary-db', '--flavor-mapping',
            'm1.large=m2.large'])

        self.client.protection_groups.action.assert_called_once_with(
            'prod-web-app', 'failover', type='planned',
            network_mapping={'net-primary-web': 'net-secondary-web',
                             'net-primary-db': 'net-secondary-db'},
            flavor_mapping={'m1.large': 'm2.large'})
        self.assertEqual(('operation_id', 'operation_type', 'failover_type',
                          'status', 'progress', 'source_site',
                          'target_site'), columns)
        self.assertEqual(('op-a1b2c3d4', 'failover', 'planned', 'running',
                          0, 'site-a', 'site-b'), data)

    def test_repeated_mapping_options_and_force(self):
        self.run_command(dr_operations.Failover, [
            'pg', '--network-mapping', 'a=b', '--network-mapping', 'c=d',
            '--force', '--type', 'unplanned', '--recovery-point', 'rp-1'])

        self.client.protection_groups.action.assert_called_once_with(
            'pg', 'failover', type='unplanned', force=True,
            recovery_point='rp-1',
            network_mapping={'a': 'b', 'c': 'd'})

    def test_retain_primary_is_sent_only_when_given(self):
        for flag, value in (('--no-retain-primary', False),
                            ('--retain-primary', True)):
            self.client.protection_groups.action.reset_mock()
            self.run_command(dr_operations.Failover, ['pg', flag])

            self.client.protection_groups.action.assert_called_once_with(
                'pg', 'failover', type='planned', retain_primary=value)

    def test_retain_primary_and_its_negation_exclude_each_other(self):
        self.assertRaises(fakes.ParserError, self.run_command,
                          dr_operations.Failover,
                          ['pg', '--retain-primary', '--no-retain-primary'])

    def test_a_bad_pair_is_refused(self):
        self.assertRaises(exceptions.CommandError, self.run_command,
                          dr_operations.Failover,
                          ['pg', '--network-mapping', 'no-equals-sign'])

    def test_test_failover_options(self):
        self.run_command(dr_operations.TestFailover, [
            'pg', '--isolated-network', '--recovery-point', 'rp-2'])

        self.client.protection_groups.action.assert_called_once_with(
            'pg', 'test_failover', isolated_network=True,
            recovery_point='rp-2')

    def test_other_operations(self):
        for cls, action in ((dr_operations.Failback, 'failback'),
                            (dr_operations.TestCleanup, 'test_cleanup'),
                            (dr_operations.Sync, 'sync')):
            self.client.protection_groups.action.reset_mock()
            self.run_command(cls, ['pg'])
            self.client.protection_groups.action.assert_called_once_with(
                'pg', action)

    def test_wait_shows_progress_and_the_end(self):
        self.client.operations.get.side_effect = [
            operation(progress=10, steps_completed=['validate_sites',
                                                    'create_dr_record']),
            operation(progress=10, steps_completed=['validate_sites',
                                                    'create_dr_record']),
            operation(progress=45, steps_completed=[
                'validate_sites', 'create_dr_record',
                'create_volumes_site_b']),
            operation(status='completed', progress=100, rto_seconds=263.0,
                      steps_completed=['cleanup_source_resources'],
                      members=[{'server_name': 'web', 'status': 'active',
                                'seconds_to_active': 9.24}])]

        columns, data = self.run_command(dr_operations.Failover,
                                         ['pg', '--wait'])

        self.assertEqual(['[  0%] running: starting',
                          '[ 10%] running: create_dr_record',
                          '[ 45%] running: create_volumes_site_b',
                          '[100%] completed: cleanup_source_resources',
                          'server web: active, ACTIVE in 9.2 s'],
                         self.app.stderr.getvalue().splitlines())
        shown = dict(zip(columns, data))
        self.assertEqual('completed', shown['status'])
        self.assertEqual(263.0, shown['rto_seconds'])

    def unavailable(self, error_code='engine_unavailable'):
        return client_exceptions.ServiceUnavailable(
            "protector-engine of site 'site-a' did not answer within 5 s",
            code=503, error_code=error_code)

    def test_wait_survives_a_transient_unavailable_site(self):
        sleep = self.useFixture(fixtures.MockPatch(
            'protectorclient.osc.v1.dr_operations.time.sleep')).mock
        self.client.operations.get.side_effect = [
            operation(progress=10, steps_completed=['validate_sites']),
            self.unavailable(),
            self.unavailable('service_unavailable'),
            operation(status='completed', progress=100,
                      steps_completed=['cleanup_source_resources'])]

        columns, data = self.run_command(dr_operations.Failover,
                                         ['pg', '--wait'])

        self.assertEqual('completed', dict(zip(columns, data))['status'])
        err = self.app.stderr.getvalue()
        self.assertIn('(engine_unavailable; asking again in 2 s)', err)
        self.assertIn('(service_unavailable; asking again in 4 s)', err)
        self.assertEqual(4, self.client.operations.get.call_count)
        self.assertEqual([2.0, 2.0, 2.0, 4.0],
                         [c.args[0] for c in sleep.call_args_list])

    def test_wait_gives_up_when_unavailable_for_long(self):
        self.client.operations.get.side_effect = [self.unavailable()] * 10

        error = self.assertRaises(client_exceptions.ServiceUnavailable,
                                  self.run_command, dr_operations.Failover,
                                  ['pg', '--wait'])

        self.assertEqual('engine_unavailable', error.error_code)
        self.assertEqual(dr_operations.TRANSIENT_RETRIES + 1,
                         self.client.operations.get.call_count)

    def test_wait_does_not_retry_other_errors(self):
        self.client.operations.get.side_effect = [
            client_exceptions.ServiceUnavailable(
                'Site site-b refused the service password', code=503,
                error_code='site_auth_failed'),
            operation(status='completed')]

        self.assertRaises(client_exceptions.ServiceUnavailable,
                          self.run_command, dr_operations.Failover,
                          ['pg', '--wait'])
        self.assertEqual(1, self.client.operations.get.call_count)

    def test_wait_exits_non_zero_when_the_operation_fails(self):
        self.client.operations.get.return_value = operation(
            status='failed', progress=45, error_message='No server became '
            'ACTIVE on site site-b', steps_failed=[
                {'step': 'verify_instances', 'reason': 'none ACTIVE'}])

        error = self.assertRaises(exceptions.CommandError, self.run_command,
                                  dr_operations.Failover, ['pg', '--wait'])

        self.assertIn('Operation op-a1b2c3d4 failed: No server became '
                      'ACTIVE', str(error))
        self.assertIn('step verify_instances: none ACTIVE',
                      self.app.stderr.getvalue())

    def test_wait_exits_2_when_members_were_not_recovered(self):
        self.client.operations.get.return_value = operation(
            status='completed_with_errors', progress=100, steps_failed=[
                {'step': 'recreate_instance_web', 'reason': 'quota'}])
        cmd = self.make(dr_operations.Failover)

        code = cmd.run(self.parse(cmd, ['pg', '--wait']))

        self.assertEqual(2, code)
        self.assertIn('completed_with_errors', self.app.stdout.getvalue())
        self.assertIn('step recreate_instance_web: quota',
                      self.app.stderr.getvalue())


class TestOperationActions(fakes.TestCommand):

    def test_cancel(self):
        self.client.operations.cancel.return_value = operation(
            operation_type='test_failover', status='cancelling')

        columns, data = self.run_command(operations.CancelOperation,
                                         ['op-1'])

        self.client.operations.cancel.assert_called_once_with('op-1')
        self.assertEqual('cancelling', dict(zip(columns, data))['status'])

    def test_cleanup(self):
        self.client.operations.cleanup.return_value = operation()

        self.run_command(operations.CleanupOperation, ['op-1'])

        self.client.operations.cleanup.assert_called_once_with('op-1')

    def test_show_follows_seed_004(self):
        self.client.operations.get.return_value = operation()

        columns, _ = self.run_command(operations.ShowOperation, ['op-1'])

        self.assertEqual(('id', 'operation_type', 'status', 'progress',
                          'steps_completed', 'steps_failed', 'started_at',
                          'completed_at', 'error_message'), columns[:9])


class TestRecoveryPoints(fakes.TestCommand):

    def test_list(self):
        self.client.recovery_points.list.return_value = [{
            'id': 'fa-a:pg.42', 'created_at': '2025-06-01T09:00:00Z',
            'completed': True, 'progress': 100.0,
            'completed_at': '2025-06-01T09:00:05Z', 'site': 'site-b'}]

        columns, rows = self.run_command(recovery_points.ListRecoveryPoint,
                                         ['prod-web-app'])

        self.client.recovery_points.list.assert_called_once_with(
            'prod-web-app', **fakes.NO_PAGE)
        self.assertEqual(('ID', 'Created At', 'Completed', 'Progress',
                          'Completed At', 'Site'), columns)
        self.assertEqual([('fa-a:pg.42', '2025-06-01T09:00:00Z', True,
                           100.0, '2025-06-01T09:00:05Z', 'site-b')], rows)


class TestConsistencyGroup(fakes.TestCommand):

    def test_show(self):
        self.client.consistency_groups.get.return_value = {
            'protection_group': 'prod-web-app', 'lag_seconds': 42.0,
            'cinder_groups': {'site-a': 'g-a', 'site-b': 'g-b'},
            'newest_snapshot': 'fa-a:pg.42'}

        columns, data = self.run_command(
            consistency_groups.ShowConsistencyGroup, ['prod-web-app'])

        shown = dict(zip(columns, data))
        self.assertEqual(42.0, shown['lag_seconds'])
        self.assertEqual('fa-a:pg.42', shown['newest_snapshot'])
