"""Pages of every list: limit, marker, sort_key, sort_dir, next links."""

import urllib.parse

from oslo_utils import uuidutils
import sqlalchemy as sa

from protector.common import group_states
from protector.db import api as db
from protector.tests.unit import base

MEMBER_A = base.member_of(base.PROJECT_A)
SITES = '/v1/admin/sites'
MAPPINGS = '/v1/admin/tenant-mappings'


class PagesTestCase(base.ScenarioTestCase):
    """Helpers to read lists page by page."""

    def page(self, path, collection, headers=None):
        """GET one page: (ids, the next link or None)."""
        body = self.ok('GET', path, headers=headers or base.ADMIN)
        links = body.get(collection + '_links')
        if links is not None:
            self.assertEqual(['next'], [link['rel'] for link in links])
            self.assertEqual({collection, collection + '_links'}, set(body))
        else:
            self.assertEqual({collection}, set(body))
        return ([item['id'] for item in body[collection]],
                links[0]['href'] if links else None)

    def walk(self, path, collection, headers=None):
        """Follow the next links from ``path``: the ids of every page."""
        pages = []
        while path is not None:
            ids, path = self.page(path, collection, headers)
            pages.append(ids)
            self.assertLess(len(pages), 100, 'the next links loop')
        return pages

    def assertInvalid(self, path, parameter, *fragments, headers=None,
                      error_code='invalid_query_parameter'):
        response = self.request('GET', path, headers=headers or base.ADMIN)
        error = self.assertError(
            response, 400, "Invalid query parameter '%s'" % parameter,
            *fragments)
        self.assertEqual(error_code, error['error_code'])
        return error


def query_of(href):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(href).query))


class GroupPagesTestCase(PagesTestCase):
    """Seven groups of project A, straight into the database."""

    def setUp(self):
        super().setUp()
        self.register_sites()
        self.groups = [self.add_group('g%d' % i) for i in range(7)]

    def add_group(self, name, project=base.PROJECT_A, members=0):
        site_a, site_b = self.site_a['id'], self.site_b['id']
        group = db.group_create(self.context, {
            'project_id': project, 'name': name, 'description': '',
            'replication_type': 'async', 'primary_site_id': site_a,
            'secondary_site_id': site_b, 'current_primary_site_id': site_a,
            'volume_type': 'replicated',
            'secondary_volume_type': 'replicated',
            'status': group_states.ACTIVE,
            'failover_count': 0, 'metadata_version': 1,
            'consistency_groups': {}, 'mappings': {}, 'subnets': {}})
        for index in range(members):
            db.member_create(self.context, group.id, {
                'server_id': uuidutils.generate_uuid(),
                'server_name': '%s-server-%d' % (name, index),
                'status': 'protected', 'spec': {}, 'rank': 0,
                'boot_condition': None, 'overrides': {}})
        return group

    def ids(self, groups):
        return [g.id for g in groups]

    def created_order(self):
        return self.ids(sorted(self.groups,
                               key=lambda g: (g.created_at, g.id)))


class TestProtectionGroupPages(GroupPagesTestCase):

    def test_pages_follow_each_other_in_creation_order(self):
        pages = self.walk(self.groups_path() + '?limit=3',
                          'protection_groups', MEMBER_A)

        self.assertEqual([3, 3, 1], [len(p) for p in pages])
        self.assertEqual(self.created_order(), sum(pages, []))

    def test_next_link_names_limit_and_marker(self):
        ids, href = self.page(self.groups_path() + '?limit=2&sort_key=name',
                              'protection_groups', MEMBER_A)

        self.assertTrue(href.startswith(
            'http://localhost/v1/project-a/protection-groups?'), href)
        self.assertEqual({'limit': '2', 'marker': ids[-1],
                          'sort_key': 'name'}, query_of(href))

    def test_no_next_link_when_the_page_holds_the_rest(self):
        ids, href = self.page(self.groups_path() + '?limit=7',
                              'protection_groups', MEMBER_A)

        self.assertEqual(7, len(ids))
        self.assertIsNone(href)

    def test_marker_starts_after_the_item(self):
        order = self.created_order()

        ids, _ = self.page(self.groups_path() + '?marker=%s' % order[2],
                           'protection_groups', MEMBER_A)

        self.assertEqual(order[3:], ids)

    def test_sort_by_name_both_ways(self):
        names = ['g%d' % i for i in range(7)]
        by_name = {g.name: g.id for g in self.groups}

        asc = self.walk(self.groups_path() + '?sort_key=name&limit=2',
                        'protection_groups', MEMBER_A)
        desc = self.walk(
            self.groups_path() + '?sort_key=name&sort_dir=desc&limit=2',
            'protection_groups', MEMBER_A)

        self.assertEqual([by_name[n] for n in names], sum(asc, []))
        self.assertEqual([by_name[n] for n in reversed(names)],
                         sum(desc, []))

    def test_sort_dir_alone_reverses_the_default_order(self):
        pages = self.walk(self.groups_path() + '?sort_dir=desc&limit=4',
                          'protection_groups', MEMBER_A)

        self.assertEqual(list(reversed(self.created_order())),
                         sum(pages, []))

    def test_id_breaks_ties_so_pages_are_stable(self):
        # Every group has the same status: only the id orders them.
        for sort_dir in ('asc', 'desc'):
            pages = self.walk(
                self.groups_path() + '?sort_key=status&sort_dir=%s&limit=2'
                % sort_dir, 'protection_groups', MEMBER_A)

            self.assertEqual(sorted(self.ids(self.groups),
                                    reverse=sort_dir == 'desc'),
                             sum(pages, []))

    def test_updated_at_sorts_groups_never_updated_by_creation(self):
        order = self.created_order()
        db.group_update(self.context, order[1], {'description': 'later'})
        expected = order[:1] + order[2:] + order[1:2]

        for sort_dir, ids in (('asc', expected),
                              ('desc', list(reversed(expected)))):
            pages = self.walk(
                self.groups_path() + '?sort_key=updated_at&sort_dir=%s'
                '&limit=2' % sort_dir, 'protection_groups', MEMBER_A)

            self.assertEqual(ids, sum(pages, []), sort_dir)

    def test_every_sort_key_pages_through_every_group(self):
        for key in ('created_at', 'updated_at', 'name', 'status', 'id'):
            pages = self.walk(self.groups_path() + '?sort_key=%s&limit=3'
                              % key, 'protection_groups', MEMBER_A)

            self.assertEqual(sorted(self.ids(self.groups)),
                             sorted(sum(pages, [])), key)

    def test_max_limit_caps_the_page(self):
        self.conf.config(max_limit=4, group='api')

        for path in (self.groups_path(), self.groups_path() + '?limit=50'):
            ids, href = self.page(path, 'protection_groups', MEMBER_A)

            self.assertEqual(self.created_order()[:4], ids)
            self.assertEqual('4', query_of(href)['limit'])

    def test_limit_zero_is_an_empty_page(self):
        ids, href = self.page(self.groups_path() + '?limit=0',
                              'protection_groups', MEMBER_A)

        self.assertEqual([], ids)
        self.assertIsNone(href)

    def test_invalid_limit(self):
        for value, why in (('-1', 'must be at least 0 (got -1)'),
                           ('ten', 'must be an integer (got ten)'),
                           ('1.5', 'must be an integer (got 1.5)'),
                           ('', 'must be an integer (got )')):
            self.assertInvalid(self.groups_path() + '?limit=' + value,
                               'limit', why, headers=MEMBER_A)

    def test_invalid_sort_key_lists_the_allowed_keys(self):
        self.assertInvalid(
            self.groups_path() + '?sort_key=project_id', 'sort_key',
            "must be one of 'created_at', 'updated_at', 'name', 'status', "
            "'id' (got \"project_id\")", headers=MEMBER_A)

    def test_invalid_sort_dir(self):
        self.assertInvalid(self.groups_path() + '?sort_dir=up', 'sort_dir',
                           "must be one of 'asc', 'desc' (got \"up\")",
                           headers=MEMBER_A)

    def test_long_values_are_not_echoed_whole(self):
        response = self.request('GET', self.groups_path() + '?sort_key='
                                + 'k' * 5000, headers=MEMBER_A)

        self.assertError(response, 400, "'sort_key'")
        self.assertNotIn('k' * 100, response.text)

    def test_marker_that_does_not_exist(self):
        self.assertInvalid(
            self.groups_path() + '?marker=no-such-group', 'marker',
            "'no-such-group' is not the id of any protection group",
            'the last item of the previous page', headers=MEMBER_A,
            error_code='marker_not_found')

    def test_marker_of_another_project_is_not_in_the_list(self):
        other = self.add_group('other', project=base.PROJECT_B)

        self.assertInvalid(self.groups_path() + '?marker=' + other.id,
                           'marker', headers=MEMBER_A,
                           error_code='marker_not_found')

    def test_all_projects_pages_keep_the_parameter(self):
        other = self.add_group('other', project=base.PROJECT_B)
        path = self.groups_path() + '?all_projects=true&limit=3'

        pages = self.walk(path, 'protection_groups')

        self.assertEqual([3, 3, 2], [len(p) for p in pages])
        self.assertEqual(sorted(self.ids(self.groups) + [other.id]),
                         sorted(sum(pages, [])))
        _, href = self.page(path, 'protection_groups')
        self.assertEqual('true', query_of(href)['all_projects'])

    def test_member_count_and_sites_in_the_page(self):
        counted = self.add_group('counted', members=3)

        body = self.ok('GET', self.groups_path() + '?sort_key=name',
                       headers=MEMBER_A)

        shown = {g['name']: g for g in body['protection_groups']}
        self.assertEqual(3, shown['counted']['member_count'])
        self.assertEqual(0, shown['g0']['member_count'])
        self.assertEqual('site-b', shown['counted']['secondary_site'])
        self.assertEqual(3, self.show_group(counted.id)['member_count'])


class TestOneQueryPerPage(GroupPagesTestCase):
    """A page of groups is read with one query, whatever its size."""

    def statements(self, path):
        """The queries that answering GET ``path`` ran.

        Transaction control (BEGIN, COMMIT) is not counted.
        """
        executed = []

        def record(conn, cursor, statement, *args):
            if statement.split()[0].upper() not in ('BEGIN', 'COMMIT',
                                                    'ROLLBACK'):
                executed.append(statement)
        engine = db.get_engine()
        sa.event.listen(engine, 'before_cursor_execute', record)
        try:
            self.ok('GET', path, headers=MEMBER_A)
        finally:
            sa.event.remove(engine, 'before_cursor_execute', record)
        return executed

    def test_a_page_of_many_groups_is_one_query(self):
        for index in range(60):
            self.groups.append(self.add_group('many-%02d' % index,
                                              members=3))

        small = self.statements(self.groups_path() + '?limit=1')
        large = self.statements(self.groups_path() + '?limit=50')
        marker = self.created_order()[10]
        after = self.statements(self.groups_path() + '?limit=50&marker='
                                + marker)

        self.assertEqual(1, len(large), large)
        self.assertEqual(len(small), len(large))
        self.assertIn('FROM members', large[0])
        self.assertEqual(1, len(after), after)


class TestMemberPages(PagesTestCase):

    def setUp(self):
        super().setUp()
        group = self.deployment()
        self.path = self.group_path(group['id'], '/members')
        # rank, server name
        specs = [(2, 'web-2'), (0, 'db'), (2, 'web-1'), (1, 'app'),
                 (0, 'cache')]
        self.members = {}
        for rank, name in specs:
            self.members[name] = db.member_create(
                self.context, group['id'], {
                    'server_id': uuidutils.generate_uuid(),
                    'server_name': name, 'status': 'protected',
                    'spec': {}, 'rank': rank, 'boot_condition': None,
                    'overrides': {}}).id

    def ids(self, names):
        return [self.members[name] for name in names]

    def test_default_order_is_rank_then_name(self):
        pages = self.walk(self.path + '?limit=2', 'members', MEMBER_A)

        self.assertEqual([2, 2, 1], [len(p) for p in pages])
        self.assertEqual(self.ids(['cache', 'db', 'app', 'web-1', 'web-2']),
                         sum(pages, []))

    def test_sort_by_server_name_descending(self):
        pages = self.walk(self.path + '?limit=3&sort_key=server_name'
                          '&sort_dir=desc', 'members', MEMBER_A)

        self.assertEqual(self.ids(['web-2', 'web-1', 'db', 'cache', 'app']),
                         sum(pages, []))

    def test_marker_of_another_group_is_refused(self):
        other = self.create_group('other-tier')
        path = self.group_path(other['id'], '/members?marker=%s'
                               % self.members['db'])

        self.assertInvalid(path, 'marker', 'is not the id of any member',
                           headers=MEMBER_A, error_code='marker_not_found')

    def test_invalid_sort_key(self):
        self.assertInvalid(self.path + '?sort_key=name', 'sort_key',
                           "'rank', 'server_name', 'created_at', "
                           "'updated_at', 'id'", headers=MEMBER_A)


class TestOperationPages(PagesTestCase):

    def setUp(self):
        super().setUp()
        self.register_sites()
        self.group_ids = [uuidutils.generate_uuid() for _ in range(2)]
        self.operations = []
        for index in range(6):
            self.operations.append(db.operation_create(self.context, {
                'project_id': base.PROJECT_A,
                'protection_group_id': self.group_ids[index % 2],
                'operation_type': 'sync',
                'status': 'completed' if index < 4 else 'failed'}))
        db.operation_create(self.context, {
            'project_id': base.PROJECT_B,
            'protection_group_id': uuidutils.generate_uuid(),
            'operation_type': 'sync', 'status': 'completed'})
        self.path = '/v1/%s/operations' % base.PROJECT_A

    def newest_first(self, operations):
        return [o.id for o in sorted(operations, reverse=True,
                                     key=lambda o: (o.created_at, o.id))]

    def test_newest_first_page_by_page(self):
        pages = self.walk(self.path + '?limit=4', 'operations', MEMBER_A)

        self.assertEqual([4, 2], [len(p) for p in pages])
        self.assertEqual(self.newest_first(self.operations), sum(pages, []))

    def test_filters_carry_over_to_the_next_page(self):
        path = self.path + '?status=completed&limit=1&sort_dir=asc'

        pages = self.walk(path, 'operations', MEMBER_A)

        completed = [o for o in self.operations if o.status == 'completed']
        self.assertEqual(list(reversed(self.newest_first(completed))),
                         sum(pages, []))
        _, href = self.page(path, 'operations', MEMBER_A)
        self.assertEqual({'status': 'completed', 'sort_dir': 'asc',
                          'limit': '1', 'marker': pages[0][0]},
                         query_of(href))

    def test_sort_key_keeps_the_default_direction(self):
        pages = self.walk(self.path + '?sort_key=status&limit=5',
                          'operations', MEMBER_A)

        statuses = {o.id: o.status for o in self.operations}
        self.assertEqual(['failed'] * 2 + ['completed'] * 4,
                         [statuses[i] for i in sum(pages, [])])

    def test_marker_of_another_project(self):
        other = db.operation_list(self.context, project_id=base.PROJECT_B)
        self.assertInvalid(self.path + '?marker=' + other[0].id, 'marker',
                           'is not the id of any operation',
                           headers=MEMBER_A, error_code='marker_not_found')


class TestSitePages(PagesTestCase):

    def setUp(self):
        super().setUp()
        self.register_sites()

    def test_one_site_per_page(self):
        pages = self.walk(SITES + '?limit=1', 'sites')

        self.assertEqual([[self.site_a['id']], [self.site_b['id']]], pages)

    def test_sort_by_name_descending(self):
        ids, href = self.page(SITES + '?sort_key=name&sort_dir=desc',
                              'sites')

        self.assertEqual([self.site_b['id'], self.site_a['id']], ids)
        self.assertIsNone(href)

    def test_invalid_sort_key(self):
        self.assertInvalid(SITES + '?sort_key=auth_url', 'sort_key',
                           "'created_at', 'updated_at', 'name', 'id'")


class TestTenantMappingPages(PagesTestCase):

    def setUp(self):
        super().setUp()
        self.register_sites()
        self.mappings = {}
        for project in ('p3', 'p1', 'p4', 'p2'):
            self.mappings[project] = self.map_project(
                project, project + '-on-b')['id']

    def test_pages_in_creation_order(self):
        pages = self.walk(MAPPINGS + '?limit=3', 'tenant_mappings')

        self.assertEqual([[self.mappings[p] for p in ('p3', 'p1', 'p4')],
                          [self.mappings['p2']]], pages)

    def test_sort_by_local_project(self):
        pages = self.walk(MAPPINGS + '?limit=2&sort_key=local_project_id',
                          'tenant_mappings')

        self.assertEqual([self.mappings[p] for p in ('p1', 'p2', 'p3',
                                                     'p4')],
                         sum(pages, []))

    def test_deleted_marker(self):
        marker = self.mappings['p1']
        self.ok('DELETE', MAPPINGS + '/' + marker, status=204)

        self.assertInvalid(MAPPINGS + '?marker=' + marker, 'marker',
                           'is not the id of any tenant mapping',
                           'deleted', error_code='marker_not_found')


class TestVolumeTypePages(PagesTestCase):
    """A list the engine returns whole, cut into pages by the API."""

    def setUp(self):
        super().setUp()
        self.register_sites()
        self.path = SITES + '/site-b/volume-types'

    def test_by_name_one_per_page(self):
        self.assertEqual([['vt-1'], ['vt-2']],
                         self.walk(self.path + '?limit=1', 'volume_types'))

    def test_sort_descending_and_marker(self):
        ids, href = self.page(self.path + '?sort_dir=desc&marker=vt-2',
                              'volume_types')

        self.assertEqual(['vt-1'], ids)
        self.assertIsNone(href)

    def test_invalid_parameters(self):
        self.assertInvalid(self.path + '?marker=vt-9', 'marker',
                           "'vt-9' is not the id of any volume type",
                           error_code='marker_not_found')
        self.assertInvalid(self.path + '?sort_key=backend', 'sort_key',
                           "'name', 'id'")
        self.assertInvalid(self.path + '?limit=x', 'limit')
