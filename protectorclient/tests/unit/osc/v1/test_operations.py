from protectorclient.osc.v1 import operations
from protectorclient.tests.unit.osc import fakes

OPERATION = {
    'id': 'op-1', 'protection_group_id': 'a1b2',
    'operation_type': 'failover', 'failover_type': 'planned',
    'status': 'running', 'progress': 45,
    'steps_completed': ['validate_preconditions', 'set_pg_failing_over',
                        'shutdown_source_instances'],
    'steps_failed': [], 'members': [
        {'member_id': 'm1', 'server_name': 'web-1',
         'source_server_id': 's1', 'target_server_id': None,
         'status': 'pending', 'reason': None, 'seconds_to_active': None}],
    'source_site': 'site-a', 'target_site': 'site-b',
    'started_at': '2025-06-01T09:00:00Z', 'completed_at': None,
    'error_message': None, 'recovery_point': None, 'rto_seconds': None,
    'parameters': {'force': False},
}
# What a site of API 1.3 adds: another engine took the operation over.
ENGINE = {'host': 'controller-a2', 'pid': 2817, 'claims': 2,
          'claimed_at': '2025-06-01T09:01:12Z'}


class TestOperation(fakes.TestCommand):

    def test_list_filters(self):
        self.client.operations.list.return_value = [OPERATION]
        columns, rows = self.run_command(operations.ListOperation, [
            '--protection-group', 'prod-web-app', '--status', 'running'])
        self.client.operations.list.assert_called_once_with(
            protection_group='prod-web-app', status='running',
            **fakes.NO_PAGE)
        self.assertEqual(('ID', 'Type', 'Status', 'Progress',
                          'Protection Group', 'Started', 'Completed'),
                         columns)
        self.assertEqual([('op-1', 'failover', 'running', 45, 'a1b2',
                           '2025-06-01T09:00:00Z', None)], rows)

    def test_show_keeps_step_order(self):
        self.client.operations.get.return_value = OPERATION
        out = self.output(operations.ShowOperation, ['op-1'])
        self.assertIn('validate_preconditions, set_pg_failing_over, '
                      'shutdown_source_instances', out)
        out = self.json_output(operations.ShowOperation, ['op-1'])
        self.assertEqual(OPERATION, out)
        self.client.operations.get.assert_called_with('op-1')

    def test_show_engine_and_claims(self):
        self.client.operations.get.return_value = dict(OPERATION,
                                                       engine=ENGINE)

        columns, _ = self.run_command(operations.ShowOperation, ['op-1'])
        out = self.output(operations.ShowOperation, ['op-1'])
        shown = self.json_output(operations.ShowOperation, ['op-1'])

        self.assertEqual(('started_at', 'completed_at', 'engine', 'claims',
                          'error_message'), columns[6:11])
        self.assertIn('| engine              | controller-a2 (pid 2817)',
                      out)
        self.assertIn('| claims              | 2 ', out)
        self.assertEqual(ENGINE, shown['engine'])
        self.assertEqual(2, shown['claims'])

    def test_show_before_an_engine_claimed_it(self):
        self.client.operations.get.return_value = dict(OPERATION, engine={
            'host': None, 'pid': None, 'claims': 0, 'claimed_at': None})

        out = self.output(operations.ShowOperation, ['op-1'])

        self.assertIn('| engine              | - ', out)
        self.assertIn('| claims              | 0 ', out)

    def test_show_from_a_site_older_than_1_3(self):
        self.client.operations.get.return_value = OPERATION

        columns, _ = self.run_command(operations.ShowOperation, ['op-1'])

        self.assertNotIn('engine', columns)
        self.assertNotIn('claims', columns)

    def test_cancel_shows_the_engine_too(self):
        self.client.operations.cancel.return_value = dict(
            OPERATION, status='cancelling', engine=ENGINE)

        out = self.output(operations.CancelOperation, ['op-1'])

        self.assertIn('controller-a2 (pid 2817)', out)
