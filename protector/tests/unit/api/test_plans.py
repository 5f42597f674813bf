"""/v1/{project_id}/protection-groups/{pg}/plan: the recovery plan."""

import copy

from protector.tests.unit import acura_seed
from protector.tests.unit import base

MEMBER_A = base.member_of(base.PROJECT_A)
ACURA = dict(MEMBER_A, **{'OpenStack-API-Version': 'protector 1.4'})

# The DR plan example of seed 000 (Acura), for the two servers of the fake
# cloud; "external" is described in "subnets" because plans name subnets.
SEED_PLAN = {
    'devices': {
        'IIS-Demo': {
            'rank': 1,
            'id': base.WEB_ID,
            'scheduler_hints': {
                'group': '0c1b2901-7687-470e-a82c-6f69e92d5245'},
            'ports': [
                {'name': 'port_0', 'ip': '192.168.15.112',
                 'subnet': 'main_subnet'},
                {'name': 'port_1', 'subnet': 'external'},
            ],
        },
        'rhel7.2': {
            'id': base.DB_ID,
            'ports': [{'name': 'port_0', 'ip': '192.168.15.100',
                       'subnet': 'main_subnet'}],
            'rank': 0,
            'boot_condition': {'delay_seconds': 120, 'type': 'wait'},
        },
    },
    'subnets': {
        'main_subnet': {'cidr': '192.168.15.0/24',
                        'subnet_id': base.MAIN_SUBNET_ID},
        'external': {'cidr': '203.0.113.0/24',
                     'subnet_id': base.EXTERNAL_SUBNET_ID},
    },
}


class TestPlan(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.group = self.deployment()
        self.add_member('web-tier', 'IIS-Demo')
        self.add_member('web-tier', 'rhel7.2')
        self.path = self.group_path('web-tier', '/plan')

    def _put(self, plan, headers=MEMBER_A):
        return self.request('PUT', self.path, {'plan': plan}, headers)

    def test_default_plan_comes_from_the_servers(self):
        plan = self.ok('GET', self.path, headers=MEMBER_A)['plan']

        self.assertEqual({
            'id': base.DB_ID, 'rank': 0,
            'ports': [{'name': 'port_0', 'subnet': base.MAIN_SUBNET_ID,
                       'ip': '192.168.15.100', 'mac': 'fa:16:3e:00:00:02'}],
        }, plan['devices']['rhel7.2'])
        self.assertEqual(2, len(plan['devices']['IIS-Demo']['ports']))
        self.assertEqual({
            base.MAIN_SUBNET_ID: {'cidr': '192.168.15.0/24'},
            base.EXTERNAL_SUBNET_ID: {'cidr': '203.0.113.0/24'},
        }, plan['subnets'])

    def test_seed_plan_imports_and_exports_unchanged(self):
        response = self._put(SEED_PLAN)

        self.assertEqual(200, response.status_int, response.text)
        self.assertEqual(SEED_PLAN, response.json_body['plan'])
        self.assertNotIn('warnings', response.json_body)
        self.assertEqual(SEED_PLAN, self.ok('GET', self.path,
                                            headers=MEMBER_A)['plan'])

    def test_acura_examples_import_and_export_unchanged(self):
        for example in (acura_seed.full, acura_seed.machine_description):
            response = self._put(example(), ACURA)

            self.assertEqual(200, response.status_int, response.text)
            self.assertEqual(example(), response.json_body['plan'])
            self.assertEqual(example(), self.ok(
                'GET', self.path, headers=ACURA)['plan'])
            self.assertEqual([
                'devices.IIS-Demo.ports.1.subnet: \'external\' is neither '
                'a key of "subnets" nor a subnet the server uses, so it '
                'must be the name or ID of a subnet of the recovery site; '
                'an operation checks it when it starts'],
                response.json_body['warnings'])

    def test_kept_keys_are_answered_with_warnings(self):
        plan = acura_seed.full()
        plan['devices']['rhel7.2']['ntp_server'] = 'ntp6.ntp-servers.net'
        plan['devices']['rhel7.2']['ports'][0]['interface'] = 'bridge'

        response = self._put(plan, ACURA)

        self.assertEqual(200, response.status_int, response.text)
        warnings = response.json_body['warnings']
        self.assertEqual(3, len(warnings), warnings)
        self.assertTrue(warnings[0].startswith(
            'devices.rhel7.2.ntp_server: ntp_server has no OpenStack '
            'meaning, so it is kept and exported unchanged but not '
            'applied'), warnings)
        self.assertTrue(warnings[1].startswith(
            'devices.rhel7.2.ports.0.interface: interface has no OpenStack '
            'meaning'), warnings)
        self.assertEqual(plan, self.ok('GET', self.path,
                                       headers=MEMBER_A)['plan'])

    def test_acura_format_needs_microversion_1_4(self):
        plan = acura_seed.machine_description()
        plan['devices']['IIS-Demo']['ports'][0]['floating_ip'] = 'true'
        plan['subnets']['main_subnet']['mtu'] = 9000

        response = self._put(plan)

        error = self.assertError(response, 400, 'The recovery plan has 5 '
                                                'problem(s)')
        needs = ("needs API microversion 1.4 (send 'OpenStack-API-Version: "
                 "protector 1.4')")
        self.assertEqual(sorted(['%s: %s' % (path, needs) for path in (
            'devices.rhel7.2.custom_image_metadata', 'devices.rhel7.2.ports',
            'devices.IIS-Demo.ports.0.floating_ip',
            'subnets.main_subnet.mtu')] + [
            'devices.IIS-Demo.ports.1.subnet: \'external\' is neither a key '
            'of "subnets" nor a subnet the server uses; a subnet of the '
            'recovery site ' + needs]), sorted(error['problems']))
        self.assertEqual(3, self.show_group('web-tier')['metadata_version'])

    def test_import_sets_rank_boot_condition_and_overrides(self):
        self._put(SEED_PLAN)

        members = {m['server_name']: m for m in self.ok(
            'GET', self.group_path('web-tier', '/members'),
            headers=MEMBER_A)['members']}
        self.assertEqual(1, members['IIS-Demo']['rank'])
        self.assertIsNone(members['IIS-Demo']['boot_condition'])
        self.assertEqual(
            {'group': '0c1b2901-7687-470e-a82c-6f69e92d5245'},
            members['IIS-Demo']['overrides']['scheduler_hints'])
        self.assertEqual(0, members['rhel7.2']['rank'])
        self.assertEqual({'delay_seconds': 120, 'type': 'wait'},
                         members['rhel7.2']['boot_condition'])

    def test_import_is_a_change_the_peer_receives(self):
        self._put(SEED_PLAN)

        self.assertEqual(4, self.show_group('web-tier')['metadata_version'])
        document = self.peer.documents[self.group['id']]
        self.assertEqual(4, document['version'])
        self.assertEqual(SEED_PLAN['subnets'], document['group']['subnets'])
        self.assertEqual({'IIS-Demo': 1, 'rhel7.2': 0}, {
            m['server_name']: m['rank'] for m in document['members']})

    def test_exported_plan_imports_again(self):
        exported = self.ok('GET', self.path, headers=MEMBER_A)['plan']
        exported['devices']['rhel7.2']['rank'] = 3

        response = self._put(exported)

        self.assertEqual(200, response.status_int, response.text)
        self.assertEqual(exported, self.ok('GET', self.path,
                                           headers=MEMBER_A)['plan'])

    def test_plan_with_problems_is_refused_whole(self):
        plan = copy.deepcopy(SEED_PLAN)
        plan['devices']['rhel7.2']['ports'][0]['ip'] = '10.0.0.5'
        plan['subnets']['external']['cidr'] = '203.0.113.0/33'

        response = self._put(plan)

        error = self.assertError(response, 400, 'The recovery plan has 2 '
                                                'problem(s)')
        self.assertEqual(2, len(error['problems']))
        self.assertIn('devices.rhel7.2.ports.0.ip: 10.0.0.5 is outside '
                      'subnet main_subnet (192.168.15.0/24)',
                      error['problems'])
        self.assertIn("subnets.external.cidr: '203.0.113.0/33' is not a "
                      "CIDR such as 192.168.15.0/24", error['problems'])
        self.assertEqual(3, self.show_group('web-tier')['metadata_version'])
        self.assertEqual(0, self.ok(
            'GET', self.group_path('web-tier', '/members/IIS-Demo'),
            headers=MEMBER_A)['member']['rank'])

    def test_every_member_must_be_planned(self):
        plan = copy.deepcopy(SEED_PLAN)
        del plan['devices']['rhel7.2']

        response = self._put(plan)

        error = self.assertError(response, 400)
        self.assertEqual(['devices: member rhel7.2 (%s) is missing; list '
                          'every member of the group' % base.DB_ID],
                         error['problems'])

    def test_body_must_hold_a_plan_object(self):
        for body in ({'devices': {}}, {'plan': []}, {'plan': 'x'}):
            response = self.request('PUT', self.path, body, MEMBER_A)

            self.assertError(response, 400, 'Invalid field')
        self.assertError(self.request('PUT', self.path, headers=MEMBER_A,
                                      raw=b'{"plan": {'), 400,
                         'not valid JSON')

    def test_refused_while_the_peer_is_unreachable(self):
        self.peer.go_down()

        response = self._put(SEED_PLAN)

        self.assertError(response, 409, "Peer site 'site-b' is unreachable")
        self.peer.come_back()
        self.assertNotEqual(SEED_PLAN, self.ok('GET', self.path,
                                               headers=MEMBER_A)['plan'])
