"""/v1/{project_id}/operations: the record of DR operations."""

import datetime
import json
import os
from unittest import mock

from oslo_utils import timeutils

from protector.db import api as db
from protector.tests.unit import base

READER_A = base.member_of(base.PROJECT_A, 'reader')
V12 = {'OpenStack-API-Version': 'protector 1.2'}
V13 = {'OpenStack-API-Version': 'protector 1.3'}
OPERATION_FIELDS = {
    'id', 'protection_group_id', 'operation_type', 'failover_type',
    'status', 'progress', 'steps_completed', 'steps_failed', 'members',
    'source_site', 'target_site', 'parameters', 'recovery_point',
    'rto_seconds', 'error_message', 'started_at', 'completed_at',
    'created_at'}
ENGINE_FIELDS = {'host', 'pid', 'claims', 'claimed_at'}
SAMPLES = os.path.join(os.path.dirname(__file__), *[os.pardir] * 4,
                       'api-ref', 'source', 'samples')


class TestOperations(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.group = self.deployment()
        self.map_project(base.PROJECT_B, base.PROJECT_B_ON_B)
        self.other = self.create_group('db-tier', project=base.PROJECT_B)
        start = datetime.datetime(2026, 11, 20, 8, 0, 0)
        self.failover = self._record(
            self.group, start, operation_type='failover',
            failover_type='planned', status='completed', progress=100,
            steps_completed=['prepare', 'promote', 'recreate'],
            members=[{'member_id': 'm-1', 'server_name': 'IIS-Demo',
                      'source_server_id': base.WEB_ID,
                      'target_server_id': 'b0c4',
                      'status': 'active', 'reason': None,
                      'seconds_to_active': 42}],
            source_site='site-a', target_site='site-b', rto_seconds=95.5,
            recovery_point={'id': 'snap-1', 'created_at':
                            '2026-11-20T07:59:00Z', 'age_seconds': 60},
            completed_at=start + datetime.timedelta(seconds=95))
        self.test_run = self._record(
            self.group, start + datetime.timedelta(hours=1),
            operation_type='test_failover', status='failed', progress=40,
            steps_failed=[{'step': 'recreate', 'reason': 'no flavor'}],
            error_message='Flavor m1.small does not exist on site-b.')
        self.elsewhere = self._record(
            self.other, start, operation_type='failover', status='running')

    def _record(self, group, created_at, **values):
        values.update(project_id=group['project_id'],
                      protection_group_id=group['id'],
                      started_at=created_at, created_at=created_at)
        return db.operation_create(self.context, values).id

    def _list(self, query='', version=None):
        return self.ok('GET', '/v1/%s/operations%s' % (base.PROJECT_A,
                                                       query),
                       headers=dict(READER_A, **version or {}))['operations']

    def _show(self, operation_id, version=None):
        return self.ok('GET', '/v1/%s/operations/%s' % (
            base.PROJECT_A, operation_id),
            headers=dict(READER_A, **version or {}))['operation']

    def test_list_shows_the_project_operations_newest_first(self):
        self.assertEqual([self.test_run, self.failover],
                         [o['id'] for o in self._list()])

    def test_show(self):
        operation = self.ok('GET', '/v1/%s/operations/%s' % (
            base.PROJECT_A, self.failover), headers=READER_A)['operation']

        self.assertEqual(OPERATION_FIELDS, set(operation))
        self.assertEqual('failover', operation['operation_type'])
        self.assertEqual('planned', operation['failover_type'])
        self.assertEqual('completed', operation['status'])
        self.assertEqual(100, operation['progress'])
        self.assertEqual(['prepare', 'promote', 'recreate'],
                         operation['steps_completed'])
        self.assertEqual(42, operation['members'][0]['seconds_to_active'])
        self.assertEqual(95.5, operation['rto_seconds'])
        self.assertEqual('snap-1', operation['recovery_point']['id'])
        self.assertEqual('2026-11-20T08:00:00Z', operation['started_at'])
        self.assertEqual('2026-11-20T08:01:35Z', operation['completed_at'])

    def test_failed_operation_says_why(self):
        operation = self.ok('GET', '/v1/%s/operations/%s' % (
            base.PROJECT_A, self.test_run), headers=READER_A)['operation']

        self.assertEqual([{'step': 'recreate', 'reason': 'no flavor'}],
                         operation['steps_failed'])
        self.assertEqual('Flavor m1.small does not exist on site-b.',
                         operation['error_message'])

    def test_filter_by_group_name_or_id_and_status(self):
        self.assertEqual(2, len(self._list('?protection_group=web-tier')))
        self.assertEqual(2, len(self._list('?protection_group=%s'
                                           % self.group['id'])))
        self.assertEqual([self.test_run],
                         [o['id'] for o in self._list('?status=failed')])
        self.assertEqual([], self._list('?status=running'))

    def test_filter_by_a_group_of_another_project_is_404(self):
        response = self.request(
            'GET', '/v1/%s/operations?protection_group=%s'
            % (base.PROJECT_A, self.other['id']), headers=READER_A)

        self.assertError(response, 404, 'Protection group %s was not found'
                         % self.other['id'])

    def test_operation_of_another_project_is_404(self):
        response = self.request('GET', '/v1/%s/operations/%s' % (
            base.PROJECT_A, self.elsewhere), headers=READER_A)

        self.assertError(response, 404, 'Operation %s was not found'
                         % self.elsewhere)

    def test_other_project_cannot_read(self):
        response = self.request(
            'GET', '/v1/%s/operations' % base.PROJECT_A,
            headers=base.member_of(base.PROJECT_B))

        self.assertError(response, 403, 'protector:operations:index')

    # Microversion 1.3: the engine that runs an operation.

    def claim(self, operation_id, host, pid, at):
        with mock.patch.object(timeutils, 'utcnow', return_value=at):
            db.operation_claimed(self.context, operation_id, host, pid)

    def test_the_engine_that_took_it_over(self):
        at = datetime.datetime(2026, 11, 20, 8, 0, 30)
        self.claim(self.failover, 'controller-1', 4242, at)
        self.claim(self.failover, 'controller-2', 5151,
                   at + datetime.timedelta(seconds=25))

        shown = self._show(self.failover, V13)
        listed = self._list(version=V13)

        self.assertEqual(OPERATION_FIELDS | {'engine'}, set(shown))
        self.assertEqual({'host': 'controller-2', 'pid': 5151, 'claims': 2,
                          'claimed_at': '2026-11-20T08:00:55Z'},
                         shown['engine'])
        self.assertEqual([self.test_run, self.failover],
                         [o['id'] for o in listed])
        self.assertEqual(shown['engine'], listed[1]['engine'])

    def test_not_claimed_yet(self):
        self.assertEqual({'host': None, 'pid': None, 'claims': 0,
                          'claimed_at': None},
                         self._show(self.test_run, V13)['engine'])

    def test_not_below_1_3(self):
        self.claim(self.failover, 'controller-1', 4242,
                   datetime.datetime(2026, 11, 20, 8, 0, 30))
        for version in (None, V12):
            self.assertEqual(OPERATION_FIELDS,
                             set(self._show(self.failover, version)))
            self.assertEqual([OPERATION_FIELDS] * 2,
                             [set(o) for o in self._list(version=version)])


class TestAPIReferenceSamples(base.TestCase):
    """The operation samples show every field of the newest version."""

    def test_operation_samples(self):
        for name in ('operations-list-response.json',
                     'operation-show-response.json',
                     'operation-cancel-response.json',
                     'operation-cleanup-response.json',
                     'dr-action-response.json'):
            with open(os.path.join(SAMPLES, name)) as sample:
                body = json.load(sample)
            for operation in body.get('operations') or [body['operation']]:
                self.assertEqual(OPERATION_FIELDS | {'engine'},
                                 set(operation), name)
                self.assertEqual(ENGINE_FIELDS, set(operation['engine']),
                                 name)
