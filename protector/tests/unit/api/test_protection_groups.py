"""/v1/{project_id}/protection-groups: create, read, change, delete."""

from protector.common import group_states
from protector.tests.unit import base

GROUP_FIELDS = {
    'id', 'name', 'description', 'project_id', 'replication_type',
    'primary_site', 'secondary_site', 'current_primary_site', 'volume_type',
    'secondary_volume_type', 'status', 'failover_count', 'last_failover_at',
    'last_replication_at', 'metadata_version', 'metadata_digest',
    'sync_status', 'last_sync_at',
    'last_sync_error', 'consistency_groups', 'member_count', 'created_at',
    'updated_at'}
MEMBER_A = base.member_of(base.PROJECT_A)


class TestCreate(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.register_sites()

    def test_create(self):
        self.map_project()

        group = self.create_group(description='IIS and its database')

        self.assertEqual(GROUP_FIELDS, set(group))
        self.assertEqual('web-tier', group['name'])
        self.assertEqual('IIS and its database', group['description'])
        self.assertEqual(base.PROJECT_A, group['project_id'])
        self.assertEqual('async', group['replication_type'])
        self.assertEqual('site-a', group['primary_site'])
        self.assertEqual('site-b', group['secondary_site'])
        self.assertEqual('site-a', group['current_primary_site'])
        self.assertEqual('replicated', group['volume_type'])
        self.assertEqual('replicated', group['secondary_volume_type'])
        self.assertEqual(group_states.ACTIVE, group['status'])
        self.assertEqual(0, group['failover_count'])
        self.assertEqual(0, group['member_count'])
        self.assertEqual(1, group['metadata_version'])
        self.assertEqual('IN SYNC', group['sync_status'])
        self.assertIsNone(group['last_sync_error'])

    def test_peer_receives_the_group_in_its_own_project(self):
        self.map_project()

        group = self.create_group()

        document = self.peer.documents[group['id']]
        self.assertEqual(1, document['version'])
        self.assertEqual(base.PROJECT_A_ON_B,
                         document['group']['project_id'])
        self.assertEqual('web-tier', document['group']['name'])
        self.assertEqual('site-a', document['group']['primary_site'])

    def test_sites_by_id_and_other_volume_type(self):
        self.map_project()

        group = self.create_group(
            primary_site=self.site_a['id'], secondary_site=self.site_b['id'],
            replication_type='sync', secondary_volume_type='replicated-b')

        self.assertEqual('site-a', group['primary_site'])
        self.assertEqual('site-b', group['secondary_site'])
        self.assertEqual('sync', group['replication_type'])
        self.assertEqual('replicated-b', group['secondary_volume_type'])

    def test_project_without_tenant_mapping_is_refused(self):
        response = self.request('POST', self.groups_path(), {
            'protection_group': {
                'name': 'web-tier', 'replication_type': 'async',
                'primary_site': 'site-a', 'secondary_site': 'site-b',
                'volume_type': 'replicated'}}, MEMBER_A)

        self.assertError(response, 409, 'Project project-a has no tenant '
                                        "mapping to peer site 'site-b'",
                         "'openstack protector tenant-mapping create "
                         "--local-project project-a --remote-site site-b")
        self.assertEqual([], self.ok('GET', self.groups_path(),
                                     headers=MEMBER_A)['protection_groups'])
        self.assertEqual({}, self.peer.documents)

    def test_unreachable_peer_is_refused(self):
        self.map_project()
        self.peer.go_down('connection refused')

        response = self.request('POST', self.groups_path(), {
            'protection_group': {
                'name': 'web-tier', 'replication_type': 'async',
                'primary_site': 'site-a', 'secondary_site': 'site-b',
                'volume_type': 'replicated'}}, MEMBER_A)

        self.assertError(response, 409, "Peer site 'site-b' is unreachable "
                                        "(connection refused)")
        self.assertEqual([], self.ok('GET', self.groups_path(),
                                     headers=MEMBER_A)['protection_groups'])

    def test_same_site_twice_is_refused(self):
        self.map_project()

        response = self.request('POST', self.groups_path(), {
            'protection_group': {
                'name': 'web-tier', 'replication_type': 'async',
                'primary_site': 'site-b', 'secondary_site': 'site-b',
                'volume_type': 'replicated'}}, MEMBER_A)

        self.assertError(response, 400, "both 'site-b'",
                         'two different sites')

    def test_unknown_site_is_404(self):
        self.map_project()

        response = self.request('POST', self.groups_path(), {
            'protection_group': {
                'name': 'web-tier', 'replication_type': 'async',
                'primary_site': 'site-a', 'secondary_site': 'site-z',
                'volume_type': 'replicated'}}, MEMBER_A)

        self.assertError(response, 404, 'Site site-z was not found')

    def test_name_is_unique_in_a_project(self):
        self.map_project()
        self.map_project(base.PROJECT_B, base.PROJECT_B_ON_B)
        self.create_group()

        response = self.request('POST', self.groups_path(), {
            'protection_group': {
                'name': 'web-tier', 'replication_type': 'sync',
                'primary_site': 'site-a', 'secondary_site': 'site-b',
                'volume_type': 'replicated'}}, MEMBER_A)

        self.assertError(response, 409, "named 'web-tier' already exists")
        other = self.create_group(project=base.PROJECT_B)
        self.assertEqual(base.PROJECT_B, other['project_id'])


class TestBadCreateBodies(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.register_sites()
        self.map_project()

    def _create(self, **changes):
        body = {'name': 'web-tier', 'replication_type': 'async',
                'primary_site': 'site-a', 'secondary_site': 'site-b',
                'volume_type': 'replicated'}
        for key, value in changes.items():
            if value is None:
                del body[key]
            else:
                body[key] = value
        return self.request('POST', self.groups_path(),
                            {'protection_group': body}, MEMBER_A)

    def test_missing_required_field(self):
        for field in ('name', 'replication_type', 'primary_site',
                      'secondary_site', 'volume_type'):
            self.assertError(self._create(**{field: None}), 400,
                             "Invalid field 'protection_group.%s'" % field,
                             'required')

    def test_replication_type_must_be_async_or_sync(self):
        self.assertError(self._create(replication_type='nearsync'), 400,
                         "Invalid field 'protection_group.replication_type'",
                         "'async'", "'sync'")

    def test_wrong_type(self):
        self.assertError(self._create(name=['web']), 400,
                         "Invalid field 'protection_group.name'",
                         "not of type 'string'")

    def test_unknown_field(self):
        self.assertError(self._create(rpo=5), 400, "'rpo' was unexpected")

    def test_invalid_json(self):
        response = self.request('POST', self.groups_path(),
                                headers=MEMBER_A, raw=b'{protection_group')

        self.assertError(response, 400, 'not valid JSON')

    def test_nothing_was_created(self):
        self._create(rpo=5)
        self._create(name=None)

        self.assertEqual([], self.ok('GET', self.groups_path(),
                                     headers=MEMBER_A)['protection_groups'])


class TestReadChangeDelete(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.group = self.deployment()

    def test_list_shows_the_project_groups(self):
        self.map_project(base.PROJECT_B, base.PROJECT_B_ON_B)
        self.create_group('db-tier', project=base.PROJECT_B)

        groups = self.ok('GET', self.groups_path(),
                         headers=MEMBER_A)['protection_groups']

        self.assertEqual(['web-tier'], [g['name'] for g in groups])

    def test_show_by_name_or_id(self):
        by_id = self.show_group(self.group['id'])
        by_name = self.show_group('web-tier')

        self.assertEqual(self.group['id'], by_name['id'])
        self.assertEqual(by_id, by_name)

    def test_show_unknown_is_404(self):
        response = self.request('GET', self.group_path('nope'),
                                headers=MEMBER_A)

        self.assertError(response, 404, 'Protection group nope was not '
                                        'found')

    def test_update_name_and_description(self):
        body = {'protection_group': {'name': 'frontend',
                                     'description': 'renamed'}}
        group = self.ok('PUT', self.group_path('web-tier'), body,
                        MEMBER_A)['protection_group']

        self.assertEqual('frontend', group['name'])
        self.assertEqual('renamed', group['description'])
        self.assertEqual(2, group['metadata_version'])
        self.assertEqual('renamed', self.show_group('frontend')[
            'description'])
        document = self.peer.documents[self.group['id']]
        self.assertEqual(2, document['version'])
        self.assertEqual('frontend', document['group']['name'])

    def test_replication_type_cannot_be_changed(self):
        response = self.request('PUT', self.group_path('web-tier'), {
            'protection_group': {'replication_type': 'sync'}}, MEMBER_A)

        self.assertError(response, 400, 'replication_type cannot be changed')
        group = self.show_group('web-tier')
        self.assertEqual('async', group['replication_type'])
        self.assertEqual(1, group['metadata_version'])

    def test_other_fields_cannot_be_changed(self):
        for field, value in (('volume_type', 'other'),
                             ('primary_site', 'site-b'),
                             ('status', group_states.FAILED_OVER)):
            response = self.request('PUT', self.group_path('web-tier'), {
                'protection_group': {field: value}}, MEMBER_A)

            self.assertError(response, 400, "'%s' was unexpected" % field)
        self.assertEqual(1, self.show_group('web-tier')['metadata_version'])

    def test_update_needs_a_field(self):
        response = self.request('PUT', self.group_path('web-tier'), {
            'protection_group': {}}, MEMBER_A)

        self.assertError(response, 400, "Invalid field 'protection_group'")

    def test_update_invalid_json(self):
        response = self.request('PUT', self.group_path('web-tier'),
                                headers=MEMBER_A, raw=b'{"protection_')

        self.assertError(response, 400, 'not valid JSON')

    def test_rename_onto_another_group_is_refused(self):
        self.create_group('db-tier')

        response = self.request('PUT', self.group_path('db-tier'), {
            'protection_group': {'name': 'web-tier'}}, MEMBER_A)

        self.assertError(response, 409, "named 'web-tier' already exists")
        self.ok('GET', self.group_path('db-tier'), headers=MEMBER_A)

    def test_delete_removes_both_copies(self):
        response = self.request('DELETE', self.group_path('web-tier'),
                                headers=MEMBER_A)

        self.assertEqual(204, response.status_int, response.text)
        self.assertError(self.request('GET', self.group_path('web-tier'),
                                      headers=MEMBER_A), 404)
        self.assertNotIn(self.group['id'], self.peer.documents)

    def test_delete_is_refused_while_the_peer_is_unreachable(self):
        self.peer.go_down()

        response = self.request('DELETE', self.group_path('web-tier'),
                                headers=MEMBER_A)

        self.assertError(response, 409, "Peer site 'site-b' is unreachable")
        self.peer.come_back()
        self.show_group('web-tier')
        self.assertIn(self.group['id'], self.peer.documents)


class TestMappings(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.group = self.deployment()
        self.path = self.group_path('web-tier', '/mappings')

    def test_none_at_first(self):
        self.assertEqual({'mappings': {'failover': {}, 'failback': {}}},
                         self.ok('GET', self.path, headers=MEMBER_A))

    def test_set_one_direction_keeps_the_other(self):
        self.ok('PUT', self.path, {'mappings': {
            'failback': {'network': {'net-b': 'net-a'}}}}, MEMBER_A)

        mappings = self.ok('PUT', self.path, {'mappings': {
            'failover': {'network': {'net-a': 'net-b'},
                         'flavor': {'m1.small': 'm2.small'}}}},
            MEMBER_A)['mappings']

        expected = {'failover': {'network': {'net-a': 'net-b'},
                                 'flavor': {'m1.small': 'm2.small'}},
                    'failback': {'network': {'net-b': 'net-a'}}}
        self.assertEqual(expected, mappings)
        self.assertEqual({'mappings': expected},
                         self.ok('GET', self.path, headers=MEMBER_A))
        self.assertEqual(3, self.show_group('web-tier')['metadata_version'])
        self.assertEqual(expected, self.peer.documents[self.group['id']][
            'group']['mappings'])

    def test_unknown_kind_is_refused(self):
        response = self.request('PUT', self.path, {'mappings': {
            'failover': {'router': {'r1': 'r2'}}}}, MEMBER_A)

        self.assertError(response, 400, "Invalid field 'mappings.failover'",
                         "'router' was unexpected")

    def test_target_must_be_a_name(self):
        response = self.request('PUT', self.path, {'mappings': {
            'failover': {'network': {'net-a': 5}}}}, MEMBER_A)

        self.assertError(response, 400,
                         "Invalid field 'mappings.failover.network.net-a'")
