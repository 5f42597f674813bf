"""Who may do what: admin, project member, project reader, other projects."""

import threading
import time

import fixtures
from oslo_policy import policy as oslo_policy

from protector.common import exception
from protector import policy
from protector.tests.unit import base

MEMBER_A = base.member_of(base.PROJECT_A)
READER_A = base.member_of(base.PROJECT_A, 'reader')
MEMBER_B = base.member_of(base.PROJECT_B)


class TestPolicy(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.group = self.deployment()
        self.add_member('web-tier', 'IIS-Demo')
        self.set_policy('web-tier')
        self.map_project(base.PROJECT_B, base.PROJECT_B_ON_B)
        self.other = self.create_group('db-tier', project=base.PROJECT_B)

    def reads(self, group):
        path = self.group_path(group)
        return [self.groups_path(), path, path + '/members',
                path + '/members/IIS-Demo', path + '/policy',
                path + '/mappings', path + '/plan', path + '/sync-status']

    def writes(self, group):
        path = self.group_path(group)
        return [
            ('POST', self.groups_path(), {'protection_group': {
                'name': 'new', 'replication_type': 'async',
                'primary_site': 'site-a', 'secondary_site': 'site-b',
                'volume_type': 'replicated'}}),
            ('PUT', path, {'protection_group': {'description': 'x'}}),
            ('DELETE', path, None),
            ('POST', path + '/members', {'member': {'server': 'rhel7.2'}}),
            ('DELETE', path + '/members/IIS-Demo', None),
            ('PUT', path + '/policy', {'policy': {'rpo_minutes': 1}}),
            ('PUT', path + '/mappings', {'mappings': {'failover': {}}}),
            ('PUT', path + '/plan', {'plan': {'devices': {
                'IIS-Demo': {'rank': 2}}}}),
            ('POST', path + '/sync-force', None),
        ]

    def test_project_member_cannot_register_a_site(self):
        response = self.request('POST', '/v1/admin/sites', base.site_body(
            'site-c', 'pw'), MEMBER_A)

        self.assertError(response, 403, 'Policy does not allow '
                                        'protector:sites:create to be '
                                        'performed.')

    def test_reader_can_read(self):
        for path in self.reads('web-tier'):
            self.ok('GET', path, headers=READER_A)
        self.ok('GET', '/v1/%s/operations' % base.PROJECT_A,
                headers=READER_A)

    def test_reader_cannot_change_anything(self):
        for method, path, body in self.writes('web-tier'):
            response = self.request(method, path, body, READER_A)

            self.assertError(response, 403, 'Policy does not allow '
                                            'protector:')
        group = self.show_group('web-tier')
        self.assertEqual(3, group['metadata_version'])
        self.assertEqual(1, group['member_count'])
        self.assertEqual(1, len(self.ok('GET', self.groups_path(),
                                        headers=READER_A)[
            'protection_groups']))

    def test_other_project_gets_404_for_the_group_id(self):
        for path in self.reads(self.group['id'])[1:]:
            response = self.request('GET', path.replace(
                base.PROJECT_A, base.PROJECT_B), headers=MEMBER_B)

            self.assertError(response, 404, 'Protection group %s was not '
                                            'found' % self.group['id'])
        for method, path, body in self.writes(self.group['id'])[1:]:
            response = self.request(method, path.replace(
                base.PROJECT_A, base.PROJECT_B), body, MEMBER_B)

            self.assertError(response, 404, self.group['id'])
        self.assertEqual(3, self.show_group('web-tier')['metadata_version'])

    def test_other_project_cannot_use_the_project_path(self):
        for path in self.reads('web-tier'):
            self.assertError(self.request('GET', path, headers=MEMBER_B),
                             403)
        for method, path, body in self.writes('web-tier'):
            self.assertError(self.request(method, path, body, MEMBER_B),
                             403)

    def test_admin_lists_every_project(self):
        groups = self.ok('GET', self.groups_path() + '?all_projects=true')[
            'protection_groups']

        self.assertEqual({('web-tier', base.PROJECT_A),
                          ('db-tier', base.PROJECT_B)},
                         {(g['name'], g['project_id']) for g in groups})

    def test_admin_without_all_projects_sees_the_path_project(self):
        groups = self.ok('GET', self.groups_path())['protection_groups']

        self.assertEqual(['web-tier'], [g['name'] for g in groups])

    def test_member_cannot_list_every_project(self):
        response = self.request('GET', self.groups_path() +
                                '?all_projects=true', headers=MEMBER_A)

        self.assertError(response, 403, 'protector:protection_groups:index:'
                                        'all_projects')

    def test_all_projects_must_be_a_boolean(self):
        response = self.request('GET', self.groups_path() +
                                '?all_projects=maybe')

        self.assertError(response, 400, "Invalid query parameter "
                                        "'all_projects': must be true or "
                                        "false")

    def test_admin_may_change_any_project(self):
        self.ok('PUT', self.group_path('db-tier', project=base.PROJECT_B),
                {'protection_group': {'description': 'by admin'}})

        self.assertEqual('by admin', self.show_group(
            'db-tier', project=base.PROJECT_B)['description'])


class TestFirstRequestsTogether(base.TestCase):

    def test_no_thread_sees_an_enforcer_without_its_rules(self):
        refused = []
        barrier = threading.Barrier(16)
        register = oslo_policy.Enforcer.register_defaults

        def slow_register(enforcer, rules):
            # Reading the rules takes time in a real process.
            time.sleep(0.05)
            return register(enforcer, rules)
        self.useFixture(fixtures.MonkeyPatch(
            'oslo_policy.policy.Enforcer.register_defaults', slow_register))

        def first_request():
            barrier.wait()
            try:
                policy.authorize(self.context, 'protector:sites:index')
            except exception.Forbidden as exc:
                refused.append(exc)

        for _attempt in range(3):
            policy.reset()
            threads = [threading.Thread(target=first_request)
                       for _thread in range(16)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        self.assertEqual([], refused)
