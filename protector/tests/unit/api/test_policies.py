"""/v1/{project_id}/protection-groups/{pg}/policy: replication policy."""

from protector.common import crypto
from protector.db import api as db
from protector.tests.unit import base

MEMBER_A = base.member_of(base.PROJECT_A)


def policy_body(**changes):
    body = {'primary_fa_url': 'https://fa-a.test',
            'primary_fa_token': base.PRIMARY_TOKEN,
            'secondary_fa_url': 'https://fa-b.test',
            'secondary_fa_token': base.SECONDARY_TOKEN,
            'rpo_minutes': 15}
    for key, value in changes.items():
        if value is None:
            del body[key]
        else:
            body[key] = value
    return {'policy': body}


class TestReplicationPolicy(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.group = self.deployment()
        self.path = self.group_path('web-tier', '/policy')

    def _stored(self):
        return db.policy_get(self.context, self.group['id'])

    def test_none_at_first(self):
        response = self.request('GET', self.path, headers=MEMBER_A)

        self.assertError(response, 404, 'Replication policy of protection '
                                        'group %s was not found'
                         % self.group['id'])

    def test_create_with_defaults(self):
        policy = self.set_policy('web-tier')

        self.assertEqual({
            'protection_group_id': self.group['id'],
            'primary_fa_url': 'https://fa-a.test',
            'primary_fa_token_set': True,
            'secondary_fa_url': 'https://fa-b.test',
            'secondary_fa_token_set': True,
            'rpo_minutes': 15, 'replication_interval': 300,
            'snapshot_retention': 24,
        }, {k: v for k, v in policy.items()
            if k not in ('created_at', 'updated_at')})
        self.assertEqual(policy, self.ok('GET', self.path,
                                         headers=MEMBER_A)['policy'])
        self.assertEqual(2, self.show_group('web-tier')['metadata_version'])

    def test_tokens_are_stored_encrypted(self):
        self.set_policy('web-tier')

        stored = self._stored()
        self.assertNotIn(base.PRIMARY_TOKEN,
                         stored.primary_fa_token_encrypted)
        self.assertEqual(base.PRIMARY_TOKEN,
                         crypto.decrypt(stored.primary_fa_token_encrypted))
        self.assertEqual(base.SECONDARY_TOKEN, crypto.decrypt(
            stored.secondary_fa_token_encrypted))

    def test_create_twice_is_refused(self):
        self.set_policy('web-tier')

        response = self.request('POST', self.path, policy_body(),
                                MEMBER_A)

        self.assertError(response, 409, "'web-tier' already has a "
                                        'replication policy',
                         'policy-set')
        self.assertEqual(2, self.show_group('web-tier')['metadata_version'])

    def test_update_keeps_what_is_not_sent(self):
        self.set_policy('web-tier')

        policy = self.ok('PUT', self.path, {'policy': {
            'rpo_minutes': 5, 'replication_interval': 60,
            'secondary_fa_token': 'rotated-token-51'}}, MEMBER_A)['policy']

        self.assertEqual(5, policy['rpo_minutes'])
        self.assertEqual(60, policy['replication_interval'])
        self.assertEqual(24, policy['snapshot_retention'])
        self.assertEqual('https://fa-a.test', policy['primary_fa_url'])
        stored = self._stored()
        self.assertEqual(base.PRIMARY_TOKEN,
                         crypto.decrypt(stored.primary_fa_token_encrypted))
        self.assertEqual('rotated-token-51', crypto.decrypt(
            stored.secondary_fa_token_encrypted))
        self.assertEqual(3, self.show_group('web-tier')['metadata_version'])

    def test_update_before_create_is_404(self):
        response = self.request('PUT', self.path, {'policy': {
            'rpo_minutes': 5}}, MEMBER_A)

        self.assertError(response, 404, "Replication policy of protection "
                                        "group web-tier was not found")
        self.assertEqual(1, self.show_group('web-tier')['metadata_version'])

    def test_missing_required_field(self):
        for field in ('primary_fa_url', 'primary_fa_token',
                      'secondary_fa_url', 'secondary_fa_token',
                      'rpo_minutes'):
            response = self.request('POST', self.path,
                                    policy_body(**{field: None}), MEMBER_A)

            self.assertError(response, 400, "Invalid field 'policy.%s': "
                                            'this field is required' % field)

    def test_out_of_range_and_wrong_types(self):
        for changes, field in (
                ({'rpo_minutes': 0}, 'rpo_minutes'),
                ({'rpo_minutes': '15'}, 'rpo_minutes'),
                ({'replication_interval': 10}, 'replication_interval'),
                ({'snapshot_retention': 0}, 'snapshot_retention'),
                ({'primary_fa_url': 'fa-a.test'}, 'primary_fa_url')):
            response = self.request('POST', self.path,
                                    policy_body(**changes), MEMBER_A)

            self.assertError(response, 400, "Invalid field 'policy.%s'"
                             % field)
        self.assertError(self.request('GET', self.path, headers=MEMBER_A),
                         404)

    def test_unknown_field(self):
        response = self.request('POST', self.path,
                                policy_body(pod='pod-1'), MEMBER_A)

        self.assertError(response, 400, "'pod' was unexpected")

    def test_update_needs_a_field(self):
        self.set_policy('web-tier')

        response = self.request('PUT', self.path, {'policy': {}}, MEMBER_A)

        self.assertError(response, 400, "Invalid field 'policy'")

    def test_refused_while_the_peer_is_unreachable(self):
        self.peer.go_down()

        response = self.request('POST', self.path, policy_body(), MEMBER_A)

        self.assertError(response, 409, "Peer site 'site-b' is unreachable")
        self.assertError(self.request('GET', self.path, headers=MEMBER_A),
                         404)
