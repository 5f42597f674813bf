"""The database functions operations record their progress with."""

from protector.db import api as db
from protector.tests.unit import base


class TestOperationUpdate(base.TestCase):

    def setUp(self):
        super().setUp()
        self.operation = db.operation_create(self.context, {
            'project_id': 'p', 'protection_group_id': 'g',
            'operation_type': 'failover', 'status': 'running',
            'progress': 40, 'members': [
                {'member_id': 'm1', 'status': 'pending'},
                {'member_id': 'm2', 'status': 'pending'}]})

    def update(self, **kwargs):
        return db.operation_update(self.context, self.operation.id, **kwargs)

    def test_progress_never_goes_down(self):
        self.assertEqual(40, self.update(values={'progress': 20}).progress)
        self.assertEqual(60, self.update(values={'progress': 60}).progress)
        self.assertEqual(60, db.operation_get(self.context,
                                              self.operation.id).progress)

    def test_steps_are_recorded_once_and_a_success_clears_a_failure(self):
        self.update(completed_step='a')
        self.update(failed_step={'step': 'b', 'reason': 'first'})
        self.update(failed_step={'step': 'b', 'reason': 'second'})
        operation = self.update(completed_step='a')
        self.assertEqual(['a'], operation.steps_completed)
        self.assertEqual([{'step': 'b', 'reason': 'second'}],
                         operation.steps_failed)

        operation = self.update(completed_step='b')

        self.assertEqual(['a', 'b'], operation.steps_completed)
        self.assertEqual([], operation.steps_failed)

    def test_member_results_are_merged(self):
        self.update(member={'member_id': 'm2', 'status': 'active',
                            'target_server_id': 's2'})
        operation = self.update(member={'member_id': 'm2',
                                        'seconds_to_active': 3.5})

        self.assertEqual([{'member_id': 'm1', 'status': 'pending'},
                          {'member_id': 'm2', 'status': 'active',
                           'target_server_id': 's2',
                           'seconds_to_active': 3.5}], operation.members)

    def test_running_operation_of_a_group(self):
        self.assertEqual(self.operation.id, db.operation_get_running(
            self.context, 'g').id)
        self.assertIsNone(db.operation_get_running(self.context, 'other'))
        self.update(values={'status': 'completed'})
        self.assertIsNone(db.operation_get_running(self.context, 'g'))
        self.assertEqual([], db.operation_list_running(self.context))

    def test_only_the_write_that_ends_the_run_is_an_end(self):
        operation, ended = db.operation_finish(
            self.context, self.operation.id, {'status': 'completed'})
        self.assertEqual(('completed', True), (operation.status, ended))

        operation, ended = db.operation_finish(
            self.context, self.operation.id, {'status': 'failed'})

        self.assertEqual(('failed', False), (operation.status, ended))

    def test_a_cancelling_operation_ends_too(self):
        self.update(values={'status': 'cancelling'})

        operation, ended = db.operation_finish(
            self.context, self.operation.id, {'status': 'cancelled',
                                              'progress': 10})

        self.assertEqual(('cancelled', 40, True),
                         (operation.status, operation.progress, ended))
