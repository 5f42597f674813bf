"""What operations tell the outside: notifications and their durations.

Every operation sends ``operation.start`` and, once it reached its final
status, exactly one ``operation.end`` or ``operation.error``, even when
an engine concludes it again after a restart.
"""

import fixtures as fixtures_lib
from oslo_messaging.notify import _impl_test
import prometheus_client

from protector.common import driver_errors as errors
from protector.db import api as db
from protector.engine.operations import boot
from protector.engine.operations import outcome
from protector.engine.operations import runner
from protector.health import metrics
from protector.tests.fake_drivers import storage as fake_storage
from protector.tests.unit import base as unit_base
from protector.tests.unit.engine.operations import base
from protector.tests.unit.engine.operations import fixtures

HISTOGRAM = prometheus_client.CollectorRegistry()
HISTOGRAM.register(metrics.OPERATION_SECONDS)


def observed(operation_type, status, sample, **labels):
    """A sample of the duration histogram (it counts across tests)."""
    labels.update(operation_type=operation_type, outcome=status)
    return HISTOGRAM.get_sample_value(
        'protector_operation_duration_seconds_' + sample, labels)


class TestOperationNotifications(base.OperationTestCase):

    def setUp(self):
        super().setUp()
        self.notifications = self.useFixture(unit_base.Notifications())

    def sent(self):
        return self.notifications.sent('operation.')

    def test_a_failover_tells_its_start_and_its_end(self):
        operation = self.start('failover', type='planned')

        self.assertCompleted(operation)
        (start, start_priority, started), (end, priority, data) = self.sent()
        self.assertEqual(('operation.start', 'INFO'),
                         (start, start_priority))
        self.assertEqual('running', started['status'])
        self.assertEqual(0, started['steps_completed'])
        self.assertIsNone(started['completed_at'])
        self.assertEqual(('operation.end', 'INFO'), (end, priority))
        self.assertEqual({
            'id': operation.id, 'type': 'failover',
            'failover_type': 'planned',
            'protection_group_id': self.group.id,
            'protection_group': self.group.name,
            'project_id': self.group.project_id,
            'source_site': 'site-a', 'target_site': 'site-b',
            'status': 'completed', 'progress': 100,
            'steps_completed': len(operation.steps_completed),
            'steps_failed': [], 'rto_seconds': operation.rto_seconds,
            'error_message': None,
            'started_at': operation.started_at.isoformat() + 'Z',
            'completed_at': operation.completed_at.isoformat() + 'Z'},
            data)
        self.assertGreater(data['steps_completed'], 10)
        self.assertIsNotNone(data['rto_seconds'])
        # Versioned, as every protector notification.
        message = _impl_test.NOTIFICATIONS[-1][1]
        self.assertEqual(
            ('OperationPayload', '1.0', 'protector'),
            (message['payload']['protector_object.name'],
             message['payload']['protector_object.version'],
             message['payload']['protector_object.namespace']))
        self.assertTrue(message['publisher_id'].startswith(
            'protector-engine.'))

    def test_a_failed_failover_is_an_error(self):
        for name, _, _, _, _ in fixtures.SERVERS:
            self.sites.cloud('site-b').failures['boot:%s' % name] = ['no']

        operation = self.start('failover', type='planned')

        self.assertEqual('failed', operation.status)
        (_start, _, _), (event, priority, data) = self.sent()
        self.assertEqual(('operation.error', 'ERROR'), (event, priority))
        self.assertEqual('failed', data['status'])
        self.assertEqual(operation.error_message, data['error_message'])
        self.assertEqual(
            [{'step': f['step'], 'error': f['reason']}
             for f in operation.steps_failed], data['steps_failed'])
        errors = {f['step']: f['error'] for f in data['steps_failed']}
        self.assertIn('No server became ACTIVE on site site-b',
                      errors['verify_instances'])

    def test_a_partial_failover_is_an_error(self):
        self.sites.cloud('site-b').failures['boot:web-2'] = ['No valid host']

        operation = self.start('failover', type='planned')

        self.assertCompleted(operation, 'completed_with_errors')
        self.assertEqual([('operation.error', 'ERROR',
                           'completed_with_errors')],
                         [(e, p, d['status']) for e, p, d in self.sent()
                          if e != 'operation.start'])

    def test_every_kind_of_operation_tells(self):
        for action, options in (('sync', {}), ('test_failover', {}),
                                ('test_cleanup', {}),
                                ('failover', {'type': 'planned'}),
                                ('sync', {}), ('failback', {})):
            self.assertCompleted(self.start(action, **options))

        self.assertEqual(
            [(event, action) for action, _ in (
                ('sync', {}), ('test_failover', {}), ('test_cleanup', {}),
                ('failover', {}), ('sync', {}), ('failback', {}))
             for event in ('operation.start', 'operation.end')],
            [(e, d['type']) for e, _, d in self.sent()])
        self.assertEqual(
            ['site-a', 'site-a', 'site-a', 'site-a', 'site-b', 'site-b'],
            [d['source_site'] for e, _, d in self.sent()
             if e == 'operation.end'])

    def test_a_cancelled_test_failover_ends_cancelled(self):
        db.member_update(self.context, self.member('app-1').id, {
            'boot_condition': {'type': 'wait', 'delay_seconds': 60}})

        def sleep(seconds):
            running = db.operation_list_running(self.context)
            if running and running[0].status == 'running':
                self.manager.cancel_operation(self.context, running[0].id)
            self.clock.sleep(seconds)
        self.useFixture(fixtures_lib.MockPatchObject(boot, 'sleep', sleep))

        operation = self.start('test_failover')

        self.assertEqual('cancelled', operation.status)
        self.assertEqual([('operation.start', 'running'),
                          ('operation.end', 'cancelled')],
                         [(e, d['status']) for e, _, d in self.sent()])

    def test_a_cleanup_runs_the_operation_again_and_ends_it_again(self):
        self.start('test_failover')
        self.sites.cloud('site-b').fail('delete_volume', errors.CloudBusy(
            site='site-b', resource='volume', action='delete volume',
            detail='busy', transient=False))
        cleanup = self.start('test_cleanup')
        self.assertEqual('failed', cleanup.status)

        self.manager.cleanup_operation(self.context, cleanup.id)
        runner.wait(cleanup.id, 30)

        self.assertEqual(
            [('operation.start', 'running'), ('operation.error', 'failed'),
             ('operation.start', 'running'), ('operation.end', 'completed')],
            [(e, d['status']) for e, _, d in self.sent()
             if d['id'] == cleanup.id])

    def test_an_end_recorded_again_is_not_told_again(self):
        operation = self.start('sync')

        outcome.succeeded(self.context, operation.id)
        outcome.lost(self.context, operation.id)

        self.assertEqual(['operation.start', 'operation.end'],
                         [e for e, _, _ in self.sent()])
        # The record is written as before; only the telling is once.
        self.assertEqual('failed', self.operation(operation.id).status)

    def test_the_duration_is_observed_once(self):
        before = [observed('sync', 'completed', 'count'),
                  observed('sync', 'completed', 'sum'),
                  observed('sync', 'completed', 'bucket', le='10.0')]

        operation = self.start('sync')
        outcome.succeeded(self.context, operation.id)

        seconds = (operation.completed_at -
                   operation.started_at).total_seconds()
        self.assertEqual(before[0] + 1,
                         observed('sync', 'completed', 'count'))
        self.assertAlmostEqual(before[1] + seconds,
                               observed('sync', 'completed', 'sum'))
        self.assertEqual(before[2] + 1,
                         observed('sync', 'completed', 'bucket', le='10.0'))
        # Every type and outcome is there before its first end.
        self.assertEqual(0, observed('failback', 'cancelled', 'count'))


class TestUnplannedFailoverNotifications(base.OperationTestCase):

    local = 'site-b'

    def test_an_unplanned_failover_that_left_work_is_an_error(self):
        notifications = self.useFixture(unit_base.Notifications())
        fixtures.DOWN.add('site-a')
        fake_storage.set_reachable(fixtures.ARRAY_URLS['site-a'], False)
        self.sites.peer.go_down()

        operation = self.start('failover', type='unplanned')

        self.assertCompleted(operation, 'completed_with_errors')
        sent = notifications.sent('operation.')
        self.assertEqual([('operation.start', 'INFO'),
                          ('operation.error', 'ERROR')],
                         [(e, p) for e, p, _ in sent])
        data = sent[-1][2]
        self.assertEqual(('unplanned', 'site-a', 'site-b'),
                         (data['failover_type'], data['source_site'],
                          data['target_site']))
        self.assertIn('reverse_replication',
                      [f['step'] for f in data['steps_failed']])
