"""The DR operation API (microversion 1.1) over RPC to a real engine."""

import os
import socket

import fixtures as fx

from protector.common import group_states
from protector.db import api as db
from protector.drivers.storage import base as storage_base
from protector.engine.operations import boot
from protector.engine.operations import runner
from protector.tests.unit import base
from protector.tests.unit.engine.operations import fixtures

V11 = {'OpenStack-API-Version': 'protector 1.1'}
MEMBER = dict(base.member_of(base.PROJECT_A), **V11)
READER = dict(base.member_of(base.PROJECT_A, 'reader'), **V11)


class TestDROperationsAPI(base.APITestCase):

    def setUp(self):
        super().setUp()
        self.conf.config(cloud='fake', storage='fake', group='drivers')
        self.sites = self.useFixture(fixtures.TwoSites())
        self.group = self.sites.group
        self.useFixture(fx.MockPatchObject(boot, 'sleep', lambda s: None))

    def path(self, suffix, project=base.PROJECT_A):
        return '/v1/%s/protection-groups/three-tier%s' % (project, suffix)

    def act(self, body, headers=MEMBER, project=base.PROJECT_A):
        return self.request('POST', self.path('/action', project), body,
                            headers)

    def assertError(self, response, code, *fragments):
        self.assertEqual(code, response.status_int, response.text)
        message = response.json_body['error']['message']
        for fragment in fragments:
            self.assertIn(fragment, message)

    def finished(self, operation_id):
        runner.wait(operation_id, 30)
        return self.request('GET', '/v1/%s/operations/%s' % (
            base.PROJECT_A, operation_id), headers=MEMBER).json_body[
                'operation']

    def test_failover_answers_202_with_the_operation(self):
        response = self.act({'failover': {'type': 'planned'}})

        self.assertEqual(202, response.status_int, response.text)
        operation = response.json_body['operation']
        self.assertEqual('failover', operation['operation_type'])
        self.assertEqual('planned', operation['failover_type'])
        self.assertEqual('site-a', operation['source_site'])
        self.assertEqual('site-b', operation['target_site'])
        self.assertEqual('protector 1.1',
                         response.headers['OpenStack-API-Version'])
        done = self.finished(operation['id'])
        self.assertEqual('completed', done['status'])
        self.assertEqual(100, done['progress'])
        group = self.request('GET', self.path(''), headers=MEMBER).json_body[
            'protection_group']
        self.assertEqual(group_states.FAILED_OVER, group['status'])
        self.assertEqual('site-b', group['current_primary_site'])

    def test_new_paths_need_microversion_1_1(self):
        old = base.member_of(base.PROJECT_A)
        for method, path in (
                ('POST', self.path('/action')),
                ('GET', self.path('/recovery-points')),
                ('GET', self.path('/consistency-group')),
                ('POST', '/v1/%s/operations/x/cancel' % base.PROJECT_A),
                ('POST', '/v1/%s/operations/x/cleanup' % base.PROJECT_A)):
            response = self.request(method, path, {'sync': {}}, old)
            self.assertError(response, 404, 'protector 1.1')

    def test_exactly_one_action(self):
        self.assertError(self.act({'sync': {}, 'test_cleanup': {}}), 400)
        self.assertError(self.act({}), 400)
        self.assertError(self.act({'promote': {}}), 400, "'promote'")
        self.assertError(self.act({'failover': {'type': 'sideways'}}), 400,
                         "Invalid field 'failover.type'")
        self.assertEqual([], db.operation_list(self.context))

    def test_retain_primary_false_is_a_planned_failover(self):
        response = self.act({'failover': {'retain_primary': False}})

        self.assertEqual(202, response.status_int, response.text)
        operation = response.json_body['operation']
        self.assertEqual('planned', operation['failover_type'])
        self.assertEqual('completed', self.finished(operation['id'])['status'])

    def test_retain_primary_true_is_refused_before_anything_changes(self):
        for value in (True, 'yes'):
            response = self.act({'failover': {'retain_primary': value}})

            self.assertError(
                response, 400, "Invalid field 'failover.retain_primary': "
                'must be false: a failover stops the servers on the source '
                'site', "start a drill with 'openstack protector "
                "protection-group test-failover'")
            self.assertEqual('invalid_request',
                             response.json_body['error']['error_code'])
        self.assertEqual([], db.operation_list(self.context))
        self.assertEqual(group_states.ACTIVE,
                         db.group_get(self.context, self.group.id).status)

    def test_a_reader_cannot_start_an_operation(self):
        self.assertError(self.act({'sync': {}}, READER), 403)

    def test_another_project_sees_no_group(self):
        headers = dict(base.member_of(base.PROJECT_B), **V11)
        self.assertError(self.act({'sync': {}}, headers,
                                  project=base.PROJECT_B), 404)

    def test_refusals_keep_their_message(self):
        db.group_update(self.context, self.group.id, {'mappings': {}},
                        bump=False)
        web = self.sites.networks['site-a']['net-web']

        self.assertError(self.act({'failover': {'network_mapping': {
            self.sites.networks['site-a']['net-db']: 'net-db-site-b'}}}),
            400, 'No network mapping for network %s (net-web-site-a) used '
            'by server web-1; add --network-mapping %s=<target network>'
            % (web, web))

    def test_one_operation_at_a_time(self):
        running = db.operation_create(self.context, {
            'project_id': base.PROJECT_A,
            'protection_group_id': self.group.id,
            'operation_type': 'failover', 'status': 'running'})

        self.assertError(self.act({'sync': {}}), 409,
                         'Operation %s (failover) is running' % running.id)

    def test_recovery_points(self):
        response = self.request('GET', self.path('/recovery-points'),
                                headers=READER)

        self.assertEqual(200, response.status_int, response.text)
        point, = response.json_body['recovery_points']
        self.assertTrue(point['completed'])
        self.assertEqual(100.0, point['progress'])
        self.assertEqual('site-b', point['site'])
        self.assertTrue(point['created_at'].endswith('Z'))

    def test_recovery_points_page_by_page(self):
        group = storage_base.replication_group_name(self.group.id)
        for _ in range(2):
            self.sites.storage.replicate_now(self.sites.array_ref('site-a'),
                                             group)
        path = self.path('/recovery-points')

        def page(query):
            body = self.request('GET', path + query, headers=READER).json_body
            links = body.get('recovery_points_links', [])
            return body['recovery_points'], [link['href'] for link in links]

        everything, links = page('')
        first, (next_href,) = page('?limit=2')
        second, last_links = page(next_href[next_href.index('?'):])
        oldest_first, _ = page('?sort_dir=asc')

        self.assertEqual(3, len(everything))
        self.assertEqual([], links)
        created = [p['created_at'] for p in everything]
        self.assertEqual(sorted(created, reverse=True), created)
        self.assertEqual(everything, first + second)
        self.assertEqual([], last_links)
        self.assertEqual(list(reversed(everything)), oldest_first)
        response = self.request('GET', path + '?marker=no-such-snapshot',
                                headers=READER)
        self.assertError(response, 400, "'no-such-snapshot' is not the id "
                                        "of any recovery point")

    def test_consistency_group(self):
        response = self.request('GET', self.path('/consistency-group'),
                                headers=READER)

        self.assertEqual(200, response.status_int, response.text)
        group = response.json_body['consistency_group']
        self.assertEqual(self.group.consistency_groups,
                         group['cinder_groups'])
        self.assertTrue(group['array_group'].startswith('protector-'))
        self.assertIsNotNone(group['newest_snapshot'])
        self.assertTrue(group['rpo_compliant'])
        self.assertTrue(group['replication_enabled'])

    def test_from_1_3_operations_show_their_engine(self):
        headers = dict(MEMBER, **{'OpenStack-API-Version': 'protector 1.3'})
        started = self.act({'sync': {}}, headers).json_body['operation']
        runner.wait(started['id'], 30)

        done = self.request('GET', '/v1/%s/operations/%s' % (
            base.PROJECT_A, started['id']), headers=headers).json_body[
                'operation']

        self.assertIn('engine', started)
        self.assertEqual('completed', done['status'])
        self.assertEqual((socket.gethostname(), os.getpid(), 1),
                         (done['engine']['host'], done['engine']['pid'],
                          done['engine']['claims']))
        self.assertNotIn('engine', self.finished(started['id']))

    def test_cancel_and_cleanup(self):
        operation = self.act({'sync': {}}).json_body['operation']
        self.finished(operation['id'])
        path = '/v1/%s/operations/%s/' % (base.PROJECT_A, operation['id'])

        self.assertError(self.request('POST', path + 'cancel', None,
                                      MEMBER), 409,
                         'only a running operation can be cancelled')
        self.assertError(self.request('POST', path + 'cleanup', None,
                                      MEMBER), 409,
                         'left nothing to clean up')
        self.assertError(self.request('POST', path + 'cleanup', None,
                                      READER), 403)

    def test_test_failover_then_cleanup(self):
        test = self.act({'test_failover': {'isolated_network': True}})
        self.assertEqual(202, test.status_int, test.text)
        self.assertEqual('completed', self.finished(
            test.json_body['operation']['id'])['status'])

        cleanup = self.act({'test_cleanup': {}})

        self.assertEqual(202, cleanup.status_int, cleanup.text)
        self.assertEqual('completed', self.finished(
            cleanup.json_body['operation']['id'])['status'])
