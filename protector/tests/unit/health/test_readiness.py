"""Readiness checks: each names what is wrong and the command that fixes it."""

import datetime
import types

import testtools

from protector.health import readiness


def member(name, server_id, volumes=(), ports=(), flavor=None):
    return {'server_name': name, 'server_id': server_id, 'overrides': {},
            'spec': {'flavor': flavor or {'id': 'f1', 'name': 'm1.small',
                                          'vcpus': 2, 'ram': 2048},
                     'volumes': [{'volume_id': v, 'size': 10}
                                 for v in volumes],
                     'ports': [{'network_id': n, 'network_name': name_,
                                'fixed_ips': []} for n, name_ in ports]}}


GROUP = types.SimpleNamespace(
    id='pg-1', name='web', metadata_version=4, metadata_digest='d' * 64,
    push_next_at=None, last_sync_error=None, primary_site_id='a',
    mappings={}, subnets={}, local_changes_since=None)
MEMBERS = [member('db', 's-db', ['v-1', 'v-2'], [('n-1', 'private')]),
           member('app', 's-app', ['v-3'], [('n-1', 'private')])]


class TestMembers(testtools.TestCase):

    def test_a_volume_attached_after_member_add_is_drift(self):
        volumes = [{'id': 'v-1', 'attachments': [{'server_id': 's-db'}]},
                   {'id': 'v-9', 'name': 'logs',
                    'attachments': [{'server_id': 's-db'}]},
                   {'id': 'v-8', 'attachments': [{'server_id': 'other'}]}]
        result = readiness.volume_drift(GROUP, MEMBERS, volumes, None)
        self.assertEqual('fail', result['status'])
        self.assertIn('volume logs (v-9) attached to db', result['detail'])
        self.assertNotIn('v-8', result['detail'])
        self.assertIn('member-remove web db', result['fix'])

    def test_missing_server(self):
        result = readiness.servers(GROUP, MEMBERS, [{'id': 's-db'}], None)
        self.assertEqual('fail', result['status'])
        self.assertIn('app (s-app)', result['detail'])

    def test_unreadable_is_unknown_not_pass(self):
        result = readiness.servers(GROUP, MEMBERS, None, 'HTTP 503')
        self.assertEqual('unknown', result['status'])
        self.assertFalse(readiness.ready([result]))


class TestQuota(testtools.TestCase):

    def test_need_of_the_whole_group(self):
        self.assertEqual({'instances': 2, 'cores': 4, 'ram': 4096,
                          'volumes': 3, 'gigabytes': 30, 'ports': 2},
                         readiness.need(MEMBERS))

    def test_target_flavor_counts(self):
        flavors = [{'id': 'f1', 'name': 'm1.small', 'vcpus': 4,
                    'ram': 8192}]
        self.assertEqual(8, readiness.need(MEMBERS, flavors)['cores'])

    def test_shortfall_names_resource_need_free_and_fix(self):
        usage = {'volumes': {'limit': 10, 'in_use': 8},
                 'gigabytes': {'limit': -1, 'in_use': 500},
                 'cores': {'limit': 20, 'in_use': 0}}
        result = readiness.quota(
            'target_quota', 'site-b', 'of the group', 'p-b',
            readiness.need(MEMBERS), usage, None,
            readiness.TENANT_RESOURCES)
        self.assertEqual('fail', result['status'])
        self.assertIn('volumes needs 3, free 2 of 10', result['detail'])
        self.assertIn('p-b', result['detail'])
        self.assertNotIn('gigabytes', result['detail'])
        self.assertEqual("On site site-b: 'openstack quota set --volumes 11 "
                         "p-b'.", result['fix'])

    def test_room_passes(self):
        result = readiness.quota(
            'adoption_quota', 'site-b', 'that adopts the volumes', 'svc',
            readiness.need(MEMBERS), {'volumes': {'limit': 3,
                                                  'in_use': 0}},
            None, readiness.ADOPTION_RESOURCES)
        self.assertEqual('pass', result['status'])


class TestMappings(testtools.TestCase):

    def listed(self, networks=(), flavors=()):
        return readiness.ListedCloud('site-b', list(networks), list(flavors))

    def test_same_named_flavor_and_mapped_network_pass(self):
        group = types.SimpleNamespace(**dict(
            vars(GROUP), mappings={'failover': {
                'network': {'private': 'dr-net'}}}))
        result = readiness.mappings(
            group, MEMBERS, 'a', 'site-b', self.listed(
                [{'id': 'n-b', 'name': 'dr-net'}],
                [{'id': 'f9', 'name': 'm1.small'}]), None)
        self.assertEqual('pass', result['status'], result['detail'])

    def test_unmapped_network_and_flavor_fail(self):
        result = readiness.mappings(GROUP, MEMBERS, 'a', 'site-b',
                                    self.listed(), None)
        self.assertEqual('fail', result['status'])
        self.assertIn('network n-1 (private) of db has no mapping',
                      result['detail'])
        self.assertIn('flavor f1 (m1.small) of db has no mapping',
                      result['detail'])
        self.assertIn('mapping-set web', result['fix'])


class TestMetadataSync(testtools.TestCase):

    def test_same_version_other_content_fails(self):
        result = readiness.metadata_sync(GROUP, 'site-b', (4, 'e' * 64),
                                         None)
        self.assertEqual('fail', result['status'])
        self.assertIn('contents differ', result['detail'])
        self.assertIn('sync-force web', result['fix'])

    def test_equal_copies_pass(self):
        result = readiness.metadata_sync(GROUP, 'site-b', (4, 'd' * 64),
                                         None)
        self.assertEqual('pass', result['status'])

    def test_changes_made_here_alone_fail_even_without_the_peer(self):
        group = types.SimpleNamespace(**dict(
            vars(GROUP), local_changes_site='site-a',
            local_changes_since=datetime.datetime(2026, 12, 7, 10),
            local_changes_first_version=3, local_changes_peer_version=2,
            local_changes_peer_digest='c' * 64))

        for peer_copy, error in (((2, 'c' * 64), None),
                                 (None, 'connection refused')):
            result = readiness.metadata_sync(group, 'site-b', peer_copy,
                                             error)

            self.assertEqual('fail', result['status'])
            self.assertEqual(
                "Versions 3 to 4 were changed on site 'site-a' while site "
                "'site-b' was unreachable (--local); when 'site-b' is back "
                "run 'openstack protector protection-group sync-force web' "
                "on site 'site-a'.", result['detail'])
            self.assertEqual("'openstack protector protection-group "
                             "sync-force web' on site 'site-a' once site "
                             "'site-b' answers.", result['fix'])
