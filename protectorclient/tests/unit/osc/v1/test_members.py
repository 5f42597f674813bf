from protectorclient import exceptions
from protectorclient.osc.v1 import members
from protectorclient.tests.unit.osc import fakes

MEMBER = {
    'id': 'm1', 'protection_group_id': 'a1b2', 'server_id': 'srv-1',
    'server_name': 'web-1', 'status': 'protected', 'flavor': 'm1.large',
    'image': None, 'availability_zone': 'nova', 'key_name': 'ops',
    'metadata': {}, 'server_group': None, 'security_groups': ['default'],
    'ports': [{'network_id': 'net-1', 'subnet_id': 'sub-1',
               'fixed_ips': ['10.0.0.5'], 'mac_address': 'fa:16:3e:00:00:01',
               'port_id': 'port-1'}],
    'volumes': [{'volume_id': 'vol-1', 'volume_type': 'pure-async',
                 'size': 20, 'boot_index': 0, 'device': '/dev/vda',
                 'bootable': True}],
    'rank': 0, 'boot_condition': None, 'overrides': {},
    'created_at': '2025-06-01T09:00:00Z',
}


class TestAddMember(fakes.TestCommand):

    def test_member_add(self):
        self.client.members.add.return_value = MEMBER
        columns, data = self.run_command(members.AddMember,
                                         ['prod-web-app', 'web-1'])
        self.client.members.add.assert_called_once_with('prod-web-app',
                                                        'web-1')
        self.assertEqual(members.MEMBER_FIELDS, columns)
        values = dict(zip(columns, data))
        self.assertEqual('protected', values['status'])

    def test_member_add_json(self):
        self.client.members.add.return_value = MEMBER
        out = self.json_output(members.AddMember, ['prod-web-app', 'web-1'])
        self.assertEqual(MEMBER, out)

    def test_member_add_refused_volume_type(self):
        message = ("Volume vol-9 of server web-9 has type 'lvm', which is "
                   "not replication-enabled.")
        self.client.members.add.side_effect = exceptions.BadRequest(message)
        e = self.assertRaises(exceptions.BadRequest, self.run_command,
                              members.AddMember, ['prod-web-app', 'web-9'])
        self.assertEqual(message, str(e))

    def test_needs_group_and_server(self):
        self.assertRaises(fakes.ParserError, self.run_command,
                          members.AddMember, ['prod-web-app'])


class TestRemoveListMember(fakes.TestCommand):

    def test_remove(self):
        self.run_command(members.RemoveMember, ['prod-web-app', 'web-1'])
        self.client.members.remove.assert_called_once_with('prod-web-app',
                                                           'web-1')

    def test_list(self):
        self.client.members.list.return_value = [MEMBER]
        columns, rows = self.run_command(members.ListMember,
                                         ['prod-web-app'])
        self.assertEqual(('ID', 'Server ID', 'Server Name', 'Status'),
                         columns)
        self.assertEqual([('m1', 'srv-1', 'web-1', 'protected')], rows)

    def test_list_long(self):
        self.client.members.list.return_value = [MEMBER]
        out = self.json_output(members.ListMember,
                               ['prod-web-app', '--long'])
        self.assertEqual([{'ID': 'm1', 'Server ID': 'srv-1',
                           'Server Name': 'web-1', 'Status': 'protected',
                           'Flavor': 'm1.large', 'Networks': ['net-1'],
                           'Volumes': ['vol-1']}], out)
