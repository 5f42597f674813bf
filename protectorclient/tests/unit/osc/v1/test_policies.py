from protectorclient.osc.v1 import policies
from protectorclient.tests.unit.osc import fakes

POLICY = {
    'primary_fa_url': 'https://fa-a.example', 'primary_fa_token_set': True,
    'secondary_fa_url': 'https://fa-b.example',
    'secondary_fa_token_set': True, 'rpo_minutes': 15,
    'replication_interval': 300, 'snapshot_retention': 24,
}
CREATE_ARGS = ['prod-web-app', '--primary-fa-url', 'https://fa-a.example',
               '--primary-fa-token', 'tok-AAA',
               '--secondary-fa-url', 'https://fa-b.example',
               '--secondary-fa-token', 'tok-BBB', '--rpo-minutes', '15']


class TestPolicy(fakes.TestCommand):

    def test_create(self):
        self.client.policies.create.return_value = POLICY
        columns, data = self.run_command(
            policies.CreatePolicy, CREATE_ARGS + ['--replication-interval',
                                                  '120'])
        self.client.policies.create.assert_called_once_with(
            'prod-web-app', primary_fa_url='https://fa-a.example',
            primary_fa_token='tok-AAA',
            secondary_fa_url='https://fa-b.example',
            secondary_fa_token='tok-BBB', rpo_minutes=15,
            replication_interval=120, snapshot_retention=None, local=False)
        self.assertEqual(policies.POLICY_FIELDS, columns)
        values = dict(zip(columns, data))
        self.assertEqual('******', values['primary_fa_token'])
        self.assertEqual('******', values['secondary_fa_token'])
        self.assertNotIn('primary_fa_token_set', values)

    def test_tokens_never_printed(self):
        # Even a server that echoes tokens does not get them printed.
        self.client.policies.get.return_value = dict(
            POLICY, primary_fa_token='tok-AAA', secondary_fa_token='tok-BBB')
        for fmt in ('table', 'json', 'yaml', 'value'):
            out = self.output(policies.ShowPolicy,
                              ['prod-web-app', '-f', fmt])
            self.assertNotIn('tok-AAA', out)
            self.assertNotIn('tok-BBB', out)
            self.assertIn('******', out)

    def test_unset_token(self):
        self.client.policies.get.return_value = dict(
            POLICY, secondary_fa_token_set=False)
        out = self.json_output(policies.ShowPolicy, ['prod-web-app'])
        self.assertEqual('******', out['primary_fa_token'])
        self.assertIsNone(out['secondary_fa_token'])

    def test_rpo_must_be_a_number(self):
        args = list(CREATE_ARGS)
        args[-1] = 'soon'
        self.assertRaises(fakes.ParserError, self.run_command,
                          policies.CreatePolicy, args)

    def test_set(self):
        self.run_command(policies.SetPolicy,
                         ['prod-web-app', '--rpo-minutes', '5'])
        self.client.policies.update.assert_called_once_with(
            'prod-web-app', local=False, rpo_minutes=5)

    def test_create_and_set_take_local(self):
        self.client.policies.create.return_value = POLICY
        self.client.protection_groups.get.return_value = {
            'local_changes': {'site': 'site-a', 'first_version': 2,
                              'last_version': 3,
                              'since': '2026-12-07T10:00:00Z'}}

        self.run_command(policies.CreatePolicy, CREATE_ARGS + ['--local'])
        self.run_command(policies.SetPolicy,
                         ['prod-web-app', '--rpo-minutes', '5', '--local'])

        self.assertTrue(self.client.policies.create.call_args.kwargs[
            'local'])
        self.client.policies.update.assert_called_once_with(
            'prod-web-app', local=True, rpo_minutes=5)
        self.assertEqual(2, self.app.stderr.getvalue().count(
            "run 'openstack protector protection-group sync-force "
            "prod-web-app' on site-a."))
