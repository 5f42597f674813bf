"""An engine killed in the middle of an operation continues it after a
restart, without making anything twice.

The kill is a SystemExit raised inside a task right after the cloud acted
(a BaseException: taskflow does not turn it into a task failure, so the
task stays RUNNING in the saved state and nothing is reverted or
recorded, as after ``kill -9``).  The restart forgets every in-memory
state of the engine and resumes from the database.
"""

import fixtures as fixtures_lib

from protector.common import coordination
from protector.common import group_states
from protector.common import steps
from protector.db import api as db
from protector.engine.operations import group_tasks
from protector.engine.operations import outcome
from protector.engine.operations import record
from protector.engine.operations import runner
from protector.tests.unit import base as unit_base
from protector.tests.unit.engine.operations import base
from protector.tests.unit.engine.operations import fixtures


class Killed(SystemExit):
    """kill -9 of the engine."""


class TestResume(base.OperationTestCase):

    def kill_after(self, cls, method, when):
        """Let ``cls.method`` act, then kill the engine when ``when``."""
        real = getattr(cls, method)
        calls = []

        def act(*args, **kwargs):
            result = real(*args, **kwargs)
            calls.append(args)
            if when(len(calls), args):
                raise Killed()
            return result
        return self.kill_with(fixtures_lib.MockPatchObject(cls, method, act))

    def kill_with(self, patch):
        """Apply ``patch`` until the restart."""
        patch.setUp()
        self.addCleanup(lambda: patch in self._patches and patch.cleanUp())
        self._patches = [patch]
        return patch

    def restart(self, patch):
        """A new engine process: no thread, no lock, state from the DB."""
        self._patches.remove(patch)
        patch.cleanUp()
        with runner._guard:
            runner._running.clear()
        record._locks.clear()
        coordination.stop()
        resumed = runner.resume_all()
        for operation_id in resumed:
            runner.wait(operation_id, 30)
        return resumed

    def test_killed_while_managing_volumes(self):
        patch = self.kill_after(fixtures.LinkedCloudDriver, 'manage_volume',
                                lambda count, args: count == 2)

        operation = self.start('failover', type='planned')

        self.assertEqual('running', operation.status)
        self.assertNotIn(steps.MANAGE_VOLUMES, operation.steps_completed)
        self.assertEqual([operation.id], self.restart(patch))
        operation = self.operation(operation.id)
        self.assertCompleted(operation)
        self.assertNothingTwice()
        self.assertEqual(1, self.group_now().failover_count)
        # Claimed at the start and again by the restarted engine.
        self.assertEqual(2, operation.claims)
        self.assertIsNotNone(operation.engine_host)

    def test_killed_after_a_server_was_created(self):
        patch = self.kill_after(
            fixtures.LinkedCloudDriver, 'create_server',
            lambda count, args: args[2]['name'] == 'app-1')

        operation = self.start('failover', type='planned')

        self.assertEqual('running', operation.status)
        self.assertIn('recreate_instances_rank_0',
                      operation.steps_completed)
        self.assertIsNone(self.result(operation, 'app-1')[
            'target_server_id'])
        self.restart(patch)
        operation = self.operation(operation.id)
        self.assertCompleted(operation)
        self.assertNothingTwice()

    def test_killed_after_the_group_was_updated(self):
        patch = self.kill_after(
            group_tasks.db, 'group_update',
            lambda count, args: 'current_primary_site_id' in args[2])

        operation = self.start('failover', type='planned')

        self.assertEqual('running', operation.status)
        self.assertEqual('site-b', self.group_now().current_primary_site.name)
        self.restart(patch)
        operation = self.operation(operation.id)
        self.assertCompleted(operation)
        self.assertEqual(1, self.group_now().failover_count)
        self.assertEqual(group_states.FAILED_OVER, self.group_now().status)
        self.assertNothingTwice()

    def test_killed_during_the_final_replication(self):
        patch = self.kill_after(
            fixtures.fake_storage.FakeStorageDriver, 'replicate_now',
            lambda count, args: True)

        operation = self.start('failover', type='planned')

        self.assertEqual('running', operation.status)
        self.restart(patch)
        operation = self.operation(operation.id)
        self.assertCompleted(operation)
        self.assertIn('.op-%s' % operation.id, operation.recovery_point['id'])
        self.assertNothingTwice()

    def test_killed_test_failover_resumes_and_cleans_up(self):
        patch = self.kill_after(fixtures.LinkedCloudDriver, 'create_port',
                                lambda count, args: count == 6)

        operation = self.start('test_failover')
        self.restart(patch)

        self.assertCompleted(self.operation(operation.id))
        self.assertEqual(4, len(self.target_servers('site-b')))
        self.assertCompleted(self.start('test_cleanup'))
        self.assertEqual({}, self.target_servers('site-b'))
        self.assertEqual({}, self.sites.array('site-b').volumes)
        ports = [p for p in self.sites.cloud('site-b').ports.values()
                 if p['project_id'] == fixtures.PROJECTS['site-b']]
        self.assertEqual([], ports)

    def test_killed_after_the_last_step_before_recording_the_end(self):
        def killed(*args):
            raise Killed()
        patch = self.kill_with(fixtures_lib.MockPatchObject(
            outcome, 'succeeded', killed))

        operation = self.start('failover', type='planned')

        self.assertEqual('running', operation.status)
        self.restart(patch)
        self.assertCompleted(self.operation(operation.id))

    def ends(self, notifications, operation_id):
        return [(e, d['status']) for e, _, d in
                notifications.sent('operation.') if d['id'] == operation_id]

    def test_the_end_is_told_once_by_the_engine_that_records_it(self):
        notifications = self.useFixture(unit_base.Notifications())

        def killed(*args):
            raise Killed()
        patch = self.kill_with(fixtures_lib.MockPatchObject(
            outcome, 'succeeded', killed))
        operation = self.start('failover', type='planned')
        self.assertEqual([('operation.start', 'running')],
                         self.ends(notifications, operation.id))

        self.restart(patch)
        # The end written, a later start of the engine resumes nothing.
        self.assertEqual([], self.restart(self.kill_with(
            fixtures_lib.MockPatchObject(outcome, 'lost', outcome.lost))))

        self.assertEqual([('operation.start', 'running'),
                          ('operation.end', 'completed')],
                         self.ends(notifications, operation.id))

    def test_a_resumed_operation_is_not_started_again(self):
        notifications = self.useFixture(unit_base.Notifications())
        patch = self.kill_after(fixtures.LinkedCloudDriver, 'manage_volume',
                                lambda count, args: count == 2)
        operation = self.start('failover', type='planned')

        self.restart(patch)

        self.assertEqual([('operation.start', 'running'),
                          ('operation.end', 'completed')],
                         self.ends(notifications, operation.id))

    def test_an_operation_never_saved_is_marked_failed(self):
        operation = db.operation_create(self.context, {
            'project_id': self.group.project_id,
            'protection_group_id': self.group.id,
            'operation_type': 'failover', 'status': 'running'})

        self.assertEqual([], runner.resume_all())
        operation = self.operation(operation.id)
        self.assertEqual('failed', operation.status)
        self.assertIn('nothing was changed', operation.error_message)

    def test_an_operation_never_saved_ends_with_an_error(self):
        notifications = self.useFixture(unit_base.Notifications())
        operation = db.operation_create(self.context, {
            'project_id': self.group.project_id,
            'protection_group_id': self.group.id,
            'operation_type': 'failover', 'status': 'running'})

        runner.resume_all()

        (event, priority, data), = notifications.sent('operation.')
        self.assertEqual(('operation.error', 'ERROR', operation.id),
                         (event, priority, data['id']))
        self.assertIn('nothing was changed', data['error_message'])
        self.assertIsNone(data['started_at'])

    def test_not_resumed_when_the_peer_took_the_group_over(self):
        operation = db.operation_create(self.context, {
            'project_id': self.group.project_id,
            'protection_group_id': self.group.id,
            'operation_type': 'failover', 'failover_type': 'planned',
            'status': 'running'})
        self.sites.peer.change(self.group.id, status=group_states.FAILED_OVER)

        self.assertEqual([], runner.resume_all())

        operation = self.operation(operation.id)
        self.assertEqual('failed', operation.status)
        self.assertIn('Not resumed: while this site was down the other '
                      'site changed the protection group',
                      operation.error_message)
