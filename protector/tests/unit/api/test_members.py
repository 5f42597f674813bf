"""/v1/{project_id}/protection-groups/{pg}/members: protected servers."""

from protector.db import api as db_api
from protector.tests.unit import base

MEMBER_A = base.member_of(base.PROJECT_A)
MEMBER_FIELDS = {
    'id', 'protection_group_id', 'server_id', 'server_name', 'status',
    'flavor', 'image', 'availability_zone', 'key_name', 'metadata',
    'server_group', 'security_groups', 'ports', 'volumes', 'rank',
    'boot_condition', 'overrides', 'created_at'}


class TestAddMember(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.group = self.deployment()
        self.path = self.group_path('web-tier', '/members')

    def test_add_by_name_captures_the_server(self):
        member = self.add_member('web-tier', 'IIS-Demo')

        self.assertEqual(MEMBER_FIELDS, set(member))
        self.assertEqual(self.group['id'], member['protection_group_id'])
        self.assertEqual(base.WEB_ID, member['server_id'])
        self.assertEqual('IIS-Demo', member['server_name'])
        self.assertEqual('protected', member['status'])
        self.assertEqual('m1.small', member['flavor']['name'])
        self.assertEqual({'id': None, 'name': 'cirros-0.6'}, member['image'])
        self.assertEqual('nova', member['availability_zone'])
        self.assertEqual('ops', member['key_name'])
        self.assertEqual([{'id': None, 'name': 'default'}],
                         member['security_groups'])
        self.assertEqual('192.168.15.112', member['ports'][0][
            'fixed_ips'][0]['ip_address'])
        self.assertEqual('fa:16:3e:00:00:01',
                         member['ports'][0]['mac_address'])
        self.assertEqual([{'volume_id': base.volume_id('IIS-Demo'),
                           'volume_type': 'replicated', 'size': 10,
                           'boot_index': 0, 'device': '/dev/vda',
                           'bootable': True}], member['volumes'])
        self.assertEqual(0, member['rank'])
        self.assertIsNone(member['boot_condition'])
        self.assertEqual({}, member['overrides'])

    def test_add_by_id_and_count(self):
        self.add_member('web-tier', base.WEB_ID)
        self.add_member('web-tier', base.DB_ID)

        group = self.show_group('web-tier')
        self.assertEqual(2, group['member_count'])
        self.assertEqual(3, group['metadata_version'])
        self.assertEqual('IN SYNC', group['sync_status'])

    def test_peer_receives_the_member(self):
        member = self.add_member('web-tier', 'IIS-Demo')

        document = self.peer.documents[self.group['id']]
        self.assertEqual(2, document['version'])
        self.assertEqual([member['id']], [m['id']
                                          for m in document['members']])
        self.assertEqual('m1.small', document['members'][0]['spec'][
            'flavor']['name'])

    def test_refused_while_an_operation_runs(self):
        db_api.operation_create(self.context, {
            'id': 'op-running', 'project_id': base.PROJECT_A,
            'protection_group_id': self.group['id'],
            'operation_type': 'test_failover', 'status': 'running',
            'progress': 30, 'steps_completed': [], 'steps_failed': [],
            'members': [], 'parameters': {}})

        response = self.request('POST', self.path,
                                {'member': {'server': 'IIS-Demo'}},
                                MEMBER_A)

        self.assertError(response, 409, 'Operation op-running '
                         '(test_failover) is running on protection group '
                         "'web-tier'", 'operation cancel op-running')
        self.assertEqual(0, self.show_group('web-tier')['member_count'])

    def test_server_is_added_once(self):
        self.add_member('web-tier', 'IIS-Demo')

        response = self.request('POST', self.path, {'member': {
            'server': base.WEB_ID}}, MEMBER_A)

        self.assertError(response, 409, 'Server %s is already a member of '
                                        "protection group 'web-tier'"
                         % base.WEB_ID)
        self.assertEqual(1, self.show_group('web-tier')['member_count'])

    def test_volume_of_another_type_is_refused(self):
        response = self.request('POST', self.path, {'member': {
            'server': 'plain'}}, MEMBER_A)

        self.assertError(
            response, 400,
            "Volume %s of server plain uses volume type 'standard'"
            % base.volume_id('plain'),
            "replicates volume type 'replicated'",
            'openstack volume set --type replicated --retype-policy '
            'on-demand %s' % base.volume_id('plain'))
        group = self.show_group('web-tier')
        self.assertEqual(0, group['member_count'])
        self.assertEqual(1, group['metadata_version'])

    def test_server_without_volumes_is_refused(self):
        response = self.request('POST', self.path, {'member': {
            'server': 'ephemeral'}}, MEMBER_A)

        self.assertError(response, 400, 'Server ephemeral has no volumes')
        self.assertEqual(0, self.show_group('web-tier')['member_count'])

    def test_unknown_server_is_404(self):
        response = self.request('POST', self.path, {'member': {
            'server': 'nonexistent'}}, MEMBER_A)

        self.assertError(response, 404, 'nonexistent in project project-a '
                                        'on site site-a')

    def test_server_of_another_project_is_404(self):
        response = self.request('POST', self.path, {'member': {
            'server': 'other'}}, MEMBER_A)

        self.assertError(response, 404, 'other in project project-a')

    def test_refused_while_the_peer_is_unreachable(self):
        self.peer.go_down()

        response = self.request('POST', self.path, {'member': {
            'server': 'IIS-Demo'}}, MEMBER_A)

        self.assertError(response, 409, "Peer site 'site-b' is unreachable")
        self.peer.come_back()
        self.assertEqual([], self.ok('GET', self.path,
                                     headers=MEMBER_A)['members'])

    def test_bad_bodies(self):
        for body, fragment in (
                ({'member': {}}, "Invalid field 'member.server': this field "
                                 "is required"),
                ({'member': {'server': 5}}, "Invalid field 'member.server'"),
                ({'member': {'server': 'x', 'rank': 1}},
                 "'rank' was unexpected"),
                ({'server': 'IIS-Demo'}, "Invalid field 'member'")):
            response = self.request('POST', self.path, body, MEMBER_A)

            self.assertError(response, 400, fragment)
        self.assertError(self.request('POST', self.path, headers=MEMBER_A,
                                      raw=b'{"member":'), 400,
                         'not valid JSON')

    def test_unknown_group_is_404(self):
        response = self.request('POST', self.group_path('nope', '/members'),
                                {'member': {'server': 'IIS-Demo'}},
                                MEMBER_A)

        self.assertError(response, 404, 'Protection group nope')


class TestReadRemove(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.group = self.deployment()
        self.web = self.add_member('web-tier', 'IIS-Demo')
        self.db = self.add_member('web-tier', 'rhel7.2')
        self.path = self.group_path('web-tier', '/members')

    def test_list(self):
        members = self.ok('GET', self.path, headers=MEMBER_A)['members']

        self.assertEqual({'IIS-Demo', 'rhel7.2'},
                         {m['server_name'] for m in members})

    def test_show_by_member_id_server_id_or_name(self):
        for ident in (self.web['id'], base.WEB_ID, 'IIS-Demo'):
            member = self.ok('GET', self.path + '/' + ident,
                             headers=MEMBER_A)['member']

            self.assertEqual(self.web, member)

    def test_show_unknown_is_404(self):
        response = self.request('GET', self.path + '/nope',
                                headers=MEMBER_A)

        self.assertError(response, 404, 'Member nope was not found')

    def test_remove(self):
        response = self.request('DELETE', self.path + '/IIS-Demo',
                                headers=MEMBER_A)

        self.assertEqual(204, response.status_int, response.text)
        self.assertEqual(['rhel7.2'], [m['server_name'] for m in self.ok(
            'GET', self.path, headers=MEMBER_A)['members']])
        group = self.show_group('web-tier')
        self.assertEqual(1, group['member_count'])
        self.assertEqual(4, group['metadata_version'])
        self.assertEqual([self.db['id']], [
            m['id'] for m in self.peer.documents[self.group['id']][
                'members']])

    def test_remove_unknown_is_404(self):
        response = self.request('DELETE', self.path + '/nope',
                                headers=MEMBER_A)

        self.assertError(response, 404, 'Member nope was not found')
        self.assertEqual(2, self.show_group('web-tier')['member_count'])

    def test_remove_is_refused_while_the_peer_is_unreachable(self):
        self.peer.go_down()

        response = self.request('DELETE', self.path + '/IIS-Demo',
                                headers=MEMBER_A)

        self.assertError(response, 409, "Peer site 'site-b' is unreachable")
        self.assertEqual(2, self.show_group('web-tier')['member_count'])
