"""``operation cleanup``: run again what an operation could not finish."""

from protector.common import driver_errors as errors
from protector.common import exception
from protector.common import group_states
from protector.engine.operations import runner
from protector.tests.unit.engine.operations import base
from protector.tests.unit.engine.operations import fixtures


class TestOperationCleanup(base.OperationTestCase):

    def cleanup(self, operation_id):
        self.manager.cleanup_operation(self.context, operation_id)
        runner.wait(operation_id, 30)
        return self.operation(operation_id)

    def test_a_failed_source_cleanup_never_undoes_the_failover(self):
        failure = errors.CloudConflict(site='site-a', resource='server',
                                       action='delete server',
                                       detail='locked by the operator')
        self.sites.cloud('site-a').fail('delete_server', failure)

        operation = self.start('failover', type='planned')

        self.assertCompleted(operation, 'completed_with_errors')
        reason, = [f['reason'] for f in operation.steps_failed
                   if f['step'] == 'cleanup_source_resources']
        self.assertIn('locked by the operator', reason)
        self.assertIn('operation cleanup %s' % operation.id, reason)
        self.assertEqual(group_states.FAILED_OVER, self.group_now().status)
        self.assertEqual(4, len(self.target_servers('site-b')))
        self.assertEqual(1, len(self.target_servers('site-a')))

        operation = self.cleanup(operation.id)

        self.assertCompleted(operation)
        self.assertEqual([], operation.steps_failed)
        self.assertEqual({}, self.target_servers('site-a'))
        self.assertEqual([], self.sites.volumes('site-a'))

    def test_a_failed_test_cleanup_runs_again(self):
        self.start('test_failover')
        self.sites.cloud('site-b').fail('delete_volume', errors.CloudBusy(
            site='site-b', resource='volume', action='delete volume',
            detail='busy', transient=False))

        cleanup = self.start('test_cleanup')

        self.assertEqual('failed', cleanup.status)
        self.assertEqual(group_states.TESTING, self.group_now().status)
        self.assertIn('operation cleanup %s' % cleanup.id,
                      cleanup.error_message)

        cleanup = self.cleanup(cleanup.id)

        self.assertCompleted(cleanup)
        self.assertEqual(group_states.ACTIVE, self.group_now().status)
        self.assertEqual({}, self.target_servers('site-b'))
        self.assertEqual([], self.sites.volumes('site-b'))
        self.assertEqual({}, self.sites.array('site-b').volumes)

    def test_a_failover_whose_revert_failed_is_rolled_back(self):
        for name, _, _, _, _ in fixtures.SERVERS:
            self.sites.cloud('site-b').failures['boot:%s' % name] = ['no']
        self.sites.cloud('site-b').fail('delete_volume', errors.CloudBusy(
            site='site-b', resource='volume', action='delete volume',
            detail='busy', transient=False))

        operation = self.start('failover', type='planned')

        self.assertEqual('failed', operation.status)
        self.assertEqual(group_states.ERROR, self.group_now().status)

        operation = self.cleanup(operation.id)

        self.assertEqual(group_states.ACTIVE, self.group_now().status)
        self.assertEqual([], self.sites.volumes('site-b'))
        self.assertEqual({}, self.sites.array('site-b').volumes)
        for server in self.target_servers('site-a').values():
            self.assertEqual('ACTIVE', server['status'])
        self.assertIn('rollback', operation.steps_completed)
        self.assertEqual('failed', operation.status)
        self.assertEqual("The operation failed, and 'operation cleanup' "
                         "undid everything it did; protection group "
                         "three-tier is active again.",
                         operation.error_message)

    def test_nothing_to_clean_up(self):
        operation = self.start('failover', type='planned')

        error = self.assertRaises(exception.Conflict,
                                  self.manager.cleanup_operation,
                                  self.context, operation.id)
        self.assertIn('left nothing to clean up', error.msg)
