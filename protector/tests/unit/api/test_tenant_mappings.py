"""/v1/admin/tenant-mappings: which peer project owns a project's groups."""

from protector.tests.unit import base

MAPPINGS = '/v1/admin/tenant-mappings'


def mapping_body(**changes):
    body = {'local_project_id': base.PROJECT_A, 'remote_site': 'site-b',
            'remote_project_id': base.PROJECT_A_ON_B}
    body.update(changes)
    return {'tenant_mapping': body}


class TestTenantMappings(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.register_sites()

    def test_create(self):
        mapping = self.ok('POST', MAPPINGS, mapping_body(
            description='web team'), status=201)['tenant_mapping']

        self.assertEqual({'id', 'local_project_id', 'remote_site_id',
                          'remote_site_name', 'remote_project_id',
                          'description', 'created_at'}, set(mapping))
        self.assertEqual(base.PROJECT_A, mapping['local_project_id'])
        self.assertEqual(self.site_b['id'], mapping['remote_site_id'])
        self.assertEqual('site-b', mapping['remote_site_name'])
        self.assertEqual(base.PROJECT_A_ON_B, mapping['remote_project_id'])
        self.assertEqual('web team', mapping['description'])

    def test_remote_site_by_id(self):
        mapping = self.ok('POST', MAPPINGS, mapping_body(
            remote_site=self.site_b['id']), status=201)['tenant_mapping']

        self.assertEqual('site-b', mapping['remote_site_name'])

    def test_remote_site_must_be_the_peer(self):
        response = self.request('POST', MAPPINGS,
                                mapping_body(remote_site='site-a'))

        self.assertError(response, 400, 'must be the peer site',
                         "'site-a'")

    def test_unknown_remote_site_is_404(self):
        response = self.request('POST', MAPPINGS,
                                mapping_body(remote_site='site-z'))

        self.assertError(response, 404, 'Site site-z was not found')

    def test_project_is_mapped_once_per_site(self):
        self.map_project()

        response = self.request('POST', MAPPINGS,
                                mapping_body(remote_project_id='other'))

        self.assertError(response, 409, 'Project %s is already mapped'
                         % base.PROJECT_A)
        self.assertEqual(1, len(self.ok('GET', MAPPINGS)[
            'tenant_mappings']))

    def test_list_show_delete(self):
        first = self.map_project()
        second = self.map_project(base.PROJECT_B, base.PROJECT_B_ON_B)

        listed = self.ok('GET', MAPPINGS)['tenant_mappings']
        self.assertEqual({first['id'], second['id']},
                         {m['id'] for m in listed})
        self.assertEqual(first, self.ok(
            'GET', MAPPINGS + '/' + first['id'])['tenant_mapping'])

        response = self.request('DELETE', MAPPINGS + '/' + first['id'])
        self.assertEqual(204, response.status_int)
        self.assertEqual('', response.text)
        self.assertError(self.request('GET', MAPPINGS + '/' + first['id']),
                         404, 'Tenant mapping %s was not found'
                         % first['id'])
        self.assertEqual([second['id']], [m['id'] for m in self.ok(
            'GET', MAPPINGS)['tenant_mappings']])

    def test_delete_unknown_is_404(self):
        self.assertError(self.request('DELETE', MAPPINGS + '/nothing'), 404)

    def test_missing_field_is_named(self):
        body = mapping_body()
        del body['tenant_mapping']['remote_project_id']

        response = self.request('POST', MAPPINGS, body)

        self.assertError(response, 400, "Invalid field "
                                        "'tenant_mapping.remote_project_id'")

    def test_wrong_type_is_named(self):
        response = self.request('POST', MAPPINGS,
                                mapping_body(local_project_id=7))

        self.assertError(response, 400, "Invalid field "
                                        "'tenant_mapping.local_project_id'")

    def test_unknown_field_is_named(self):
        response = self.request('POST', MAPPINGS, mapping_body(role='x'))

        self.assertError(response, 400, "'role' was unexpected")

    def test_admin_only(self):
        mapping = self.map_project()
        member = base.member_of(base.PROJECT_A)

        for method, path, body in (
                ('POST', MAPPINGS, mapping_body(local_project_id='p2')),
                ('GET', MAPPINGS, None),
                ('GET', MAPPINGS + '/' + mapping['id'], None),
                ('DELETE', MAPPINGS + '/' + mapping['id'], None)):
            self.assertError(self.request(method, path, body, member), 403)
        self.assertEqual(1, len(self.ok('GET', MAPPINGS)[
            'tenant_mappings']))
