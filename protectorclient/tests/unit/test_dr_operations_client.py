"""The library's DR operation calls ask for API version 1.1."""

from protectorclient import client
from protectorclient.tests.unit import test_client

HEADER = 'OpenStack-API-Version'


class TestDROperations(test_client.ClientTestCase):

    def test_action_sends_one_action_with_version_1_1(self):
        operation = {'id': 'op-1', 'status': 'running'}
        self.http.post(self.tenant('protection-groups/pg/action'),
                       status_code=202, json={'operation': operation})

        result = self.client.protection_groups.action(
            'pg', 'failover', type='planned', force=None,
            network_mapping={'a': 'b'})

        self.assertEqual(operation, result)
        self.assertEqual('protector 1.1', self.last().headers[HEADER])
        self.assertEqual({'failover': {'type': 'planned',
                                       'network_mapping': {'a': 'b'}}},
                         self.last().json())

    def test_operation_cancel_and_cleanup(self):
        for verb in ('cancel', 'cleanup'):
            self.http.post(self.tenant('operations/op-1/%s' % verb),
                           status_code=202, json={'operation': {
                               'id': 'op-1'}})
            getattr(self.client.operations, verb)('op-1')
            self.assertEqual('protector 1.1', self.last().headers[HEADER])

    def test_recovery_points_and_consistency_group(self):
        self.http.get(self.tenant('protection-groups/pg/recovery-points'),
                      json={'recovery_points': [{'id': 'rp'}]})
        self.http.get(self.tenant('protection-groups/pg/consistency-group'),
                      json={'consistency_group': {'lag_seconds': 1.0}})

        self.assertEqual([{'id': 'rp'}],
                         self.client.recovery_points.list('pg'))
        self.assertEqual({'lag_seconds': 1.0},
                         self.client.consistency_groups.get('pg'))
        self.assertEqual('protector 1.1', self.last().headers[HEADER])

    def test_a_newer_client_version_is_kept(self):
        newer = client.Client(self.session, api_version='1.7')
        self.http.get(self.tenant('protection-groups/pg/recovery-points'),
                      json={'recovery_points': []})

        newer.recovery_points.list('pg')

        self.assertEqual('protector 1.7', self.last().headers[HEADER])

    def test_other_calls_keep_the_client_version(self):
        self.http.get(self.tenant('protection-groups/pg/members'),
                      json={'members': []})

        self.client.members.list('pg')

        self.assertEqual('protector 1.0', self.last().headers[HEADER])
