from osc_lib import exceptions as osc_exceptions

from protectorclient.osc.v1 import mappings
from protectorclient.tests.unit.osc import fakes


class TestSetMapping(fakes.TestCommand):

    def test_merges_into_stored_document(self):
        self.client.mappings.get.return_value = {
            'failover': {'network': {'net-a': 'net-b'},
                         'flavor': {'m1.large': 'm2.large'}},
            'failback': {'network': {'net-b': 'net-a'}}}
        self.run_command(mappings.SetMapping, [
            'web', '--network', 'net-c=net-d', 'net-e=net-f',
            '--network', 'net-a=net-z', '--security-group', 'sg1=sg2'])
        self.client.mappings.update.assert_called_once_with('web', {
            'failover': {
                'network': {'net-a': 'net-z', 'net-c': 'net-d',
                            'net-e': 'net-f'},
                'flavor': {'m1.large': 'm2.large'},
                'security_group': {'sg1': 'sg2'}},
            'failback': {'network': {'net-b': 'net-a'}}}, local=False)

    def test_failback_direction_on_empty_document(self):
        self.client.mappings.get.return_value = {}
        self.run_command(mappings.SetMapping, [
            'web', '--direction', 'failback', '--flavor', 'a=b'])
        self.client.mappings.update.assert_called_once_with(
            'web', {'failback': {'flavor': {'a': 'b'}}}, local=False)

    def test_local_says_when_the_change_was_made_here_alone(self):
        self.client.mappings.get.return_value = {}
        self.client.protection_groups.get.return_value = {
            'local_changes': {'site': 'site-a', 'first_version': 5,
                              'last_version': 6,
                              'since': '2026-12-07T10:00:00Z'}}

        self.run_command(mappings.SetMapping, [
            'web', '--network', 'a=b', '--local'])

        self.client.mappings.update.assert_called_once_with(
            'web', {'failover': {'network': {'a': 'b'}}}, local=True)
        self.assertEqual(
            "The peer site is unreachable: the change was made on site-a "
            "alone (the group holds versions 5 to 6 made on site-a alone "
            "since 2026-12-07T10:00:00Z). When the peer site is back, run "
            "'openstack protector protection-group sync-force web' on "
            "site-a.\n", self.app.stderr.getvalue())

    def test_local_with_the_peer_answering_says_nothing(self):
        self.client.mappings.get.return_value = {}
        self.client.protection_groups.get.return_value = {
            'local_changes': None}

        self.run_command(mappings.SetMapping, [
            'web', '--network', 'a=b', '--local'])

        self.assertEqual('', self.app.stderr.getvalue())

    def test_bad_pair(self):
        e = self.assertRaises(osc_exceptions.CommandError, self.run_command,
                              mappings.SetMapping,
                              ['web', '--image', 'just-one'])
        self.assertEqual("--image expects SOURCE=TARGET, got 'just-one'.",
                         str(e))
        self.client.mappings.update.assert_not_called()

    def test_nothing_to_set(self):
        self.run_command(mappings.SetMapping, ['web'])
        self.client.mappings.get.assert_not_called()
        self.client.mappings.update.assert_not_called()


class TestShowMapping(fakes.TestCommand):

    DOC = {'failback': {'network': {'net-b': 'net-a'}},
           'failover': {'image': {'img-1': 'img-2'},
                        'network': {'net-a': 'net-b', 'net-0': 'net-9'}}}

    def test_rows_in_order(self):
        self.client.mappings.get.return_value = self.DOC
        columns, rows = self.run_command(mappings.ShowMapping, ['web'])
        self.assertEqual(('Direction', 'Type', 'Source', 'Target'), columns)
        self.assertEqual([('failover', 'network', 'net-0', 'net-9'),
                          ('failover', 'network', 'net-a', 'net-b'),
                          ('failover', 'image', 'img-1', 'img-2'),
                          ('failback', 'network', 'net-b', 'net-a')], rows)

    def test_one_direction(self):
        self.client.mappings.get.return_value = self.DOC
        columns, rows = self.run_command(
            mappings.ShowMapping, ['web', '--direction', 'failback'])
        self.assertEqual([('failback', 'network', 'net-b', 'net-a')], rows)
