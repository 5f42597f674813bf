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
