"""/v1/admin/sites: registering this site and its peer."""

from protector.common import crypto
from protector.db import api as db
from protector.tests.unit import base

SITES = '/v1/admin/sites'
SITE_FIELDS = {'id', 'name', 'description', 'auth_url', 'region_name',
               'username', 'project_name', 'user_domain_name',
               'project_domain_name', 'is_local', 'status',
               'last_validated_at', 'created_at', 'updated_at'}


class TestRegister(base.ScenarioTestCase):

    def test_site_named_like_this_site_is_local(self):
        site = self.ok('POST', SITES, base.site_body(
            'site-a', base.SITE_A_PASSWORD), status=201)['site']

        self.assertEqual(SITE_FIELDS, set(site))
        self.assertTrue(site['is_local'])
        self.assertEqual('active', site['status'])
        self.assertEqual('http://site-a.example:5000/v3', site['auth_url'])
        self.assertEqual('Default', site['user_domain_name'])
        self.assertEqual('Default', site['project_domain_name'])
        self.assertEqual('RegionOne', site['region_name'])
        self.assertEqual('', site['description'])

    def test_other_site_is_the_peer(self):
        site = self.ok('POST', SITES, base.site_body(
            'site-b', base.SITE_B_PASSWORD, region_name='RegionTwo',
            description='DR site'), status=201)['site']

        self.assertFalse(site['is_local'])
        self.assertEqual('RegionTwo', site['region_name'])
        self.assertEqual('DR site', site['description'])

    def test_password_is_stored_encrypted(self):
        self.register_sites()

        stored = db.site_get(self.context, 'site-b').password_encrypted
        self.assertNotIn(base.SITE_B_PASSWORD, stored)
        self.assertEqual(base.SITE_B_PASSWORD, crypto.decrypt(stored))

    def test_third_site_is_refused(self):
        self.register_sites()

        response = self.request('POST', SITES, base.site_body(
            'site-c', 'secret'))

        self.assertError(response, 409, "A peer site is already registered "
                                        "('site-b')", 'exactly two sites')
        self.assertEqual(2, len(self.ok('GET', SITES)['sites']))

    def test_second_local_site_is_refused(self):
        self.register_sites()

        response = self.request('POST', SITES, base.site_body(
            'site-a', 'secret'))

        self.assertError(response, 409, "A local site is already "
                                        "registered ('site-a')")


class TestReadChangeDelete(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.register_sites()

    def test_list(self):
        sites = self.ok('GET', SITES)['sites']

        self.assertEqual(['site-a', 'site-b'], [s['name'] for s in sites])

    def test_show_by_name_or_id(self):
        by_name = self.ok('GET', SITES + '/site-b')['site']
        by_id = self.ok('GET', SITES + '/' + self.site_b['id'])['site']

        self.assertEqual(self.site_b['id'], by_name['id'])
        self.assertEqual(by_name, by_id)

    def test_show_unknown_is_404(self):
        response = self.request('GET', SITES + '/site-z')

        self.assertError(response, 404, 'Site site-z was not found')

    def test_update(self):
        site = self.ok('PUT', SITES + '/site-b', {'site': {
            'description': 'moved', 'region_name': 'RegionTwo',
            'password': 'new-password-1'}})['site']

        self.assertEqual('moved', site['description'])
        self.assertEqual('RegionTwo', site['region_name'])
        self.assertEqual('moved', self.ok(
            'GET', SITES + '/site-b')['site']['description'])
        stored = db.site_get(self.context, 'site-b').password_encrypted
        self.assertEqual('new-password-1', crypto.decrypt(stored))

    def test_name_cannot_be_changed(self):
        response = self.request('PUT', SITES + '/site-b',
                                {'site': {'name': 'site-c'}})

        self.assertError(response, 400, "'name' was unexpected")
        self.ok('GET', SITES + '/site-b')

    def test_update_needs_a_field(self):
        response = self.request('PUT', SITES + '/site-b', {'site': {}})

        self.assertError(response, 400, "Invalid field 'site'")

    def test_update_unknown_is_404(self):
        response = self.request('PUT', SITES + '/site-z',
                                {'site': {'description': 'x'}})

        self.assertError(response, 404, 'site-z')

    def test_delete(self):
        self.assertEqual(204, self.request('DELETE',
                                           SITES + '/site-b').status_int)

        self.assertError(self.request('GET', SITES + '/site-b'), 404)

    def test_delete_removes_the_tenant_mappings_of_the_site(self):
        self.map_project()

        self.assertEqual(204, self.request('DELETE',
                                           SITES + '/site-b').status_int)

        self.assertEqual([], self.ok('GET', '/v1/admin/tenant-mappings')[
            'tenant_mappings'])

    def test_site_of_a_group_cannot_be_deleted(self):
        self.map_project()
        self.create_group()

        for name in ('site-a', 'site-b'):
            response = self.request('DELETE', SITES + '/' + name)

            self.assertError(response, 409, "Site '%s' is used by 1 "
                                            "protection group(s)" % name)
        self.assertEqual(2, len(self.ok('GET', SITES)['sites']))

    def test_delete_unknown_is_404(self):
        self.assertError(self.request('DELETE', SITES + '/site-z'), 404)


class TestBadBodies(base.ScenarioTestCase):

    def _create(self, **changes):
        body = base.site_body('site-a', base.SITE_A_PASSWORD)
        for key, value in changes.items():
            if value is None:
                del body['site'][key]
            else:
                body['site'][key] = value
        return self.request('POST', SITES, body)

    def test_missing_required_field(self):
        for field in ('name', 'auth_url', 'username', 'password',
                      'project_name'):
            response = self._create(**{field: None})

            self.assertError(response, 400, "Invalid field 'site.%s'" % field,
                             'required')

    def test_wrong_type(self):
        response = self._create(username=42)

        self.assertError(response, 400, "Invalid field 'site.username'",
                         "not of type 'string'")

    def test_unknown_field(self):
        response = self._create(colour='blue')

        self.assertError(response, 400, "'colour' was unexpected")

    def test_auth_url_must_be_http(self):
        response = self._create(auth_url='keystone.example:5000')

        self.assertError(response, 400, "Invalid field 'site.auth_url'")

    def test_body_must_be_wrapped(self):
        body = base.site_body('site-a', base.SITE_A_PASSWORD)['site']

        response = self.request('POST', SITES, body)

        self.assertError(response, 400, "Invalid field 'site': this field is "
                                        'required')

    def test_invalid_json(self):
        response = self.request('POST', SITES, raw=b'{"site": {"name": ')

        self.assertError(response, 400, 'not valid JSON')

    def test_missing_body(self):
        response = self.request('POST', SITES)

        self.assertError(response, 400, 'needs a JSON body')

    def test_rejected_password_is_not_echoed(self):
        for password in ('x' * 1025, ['site-a-password-in-a-list']):
            response = self._create(password=password)

            self.assertError(response, 400, "Invalid field 'site.password'")
            secret = password if isinstance(password, str) else password[0]
            self.assertNotIn(secret, response.text)
        self.assertEqual([], self.ok('GET', SITES)['sites'])


class TestAdminOnly(base.ScenarioTestCase):

    def test_member_cannot_use_sites(self):
        self.register_sites()
        member = base.member_of(base.PROJECT_A)

        for method, path, body in (
                ('POST', SITES, base.site_body('site-c', 'x')),
                ('GET', SITES, None),
                ('GET', SITES + '/site-b', None),
                ('PUT', SITES + '/site-b', {'site': {'description': 'x'}}),
                ('DELETE', SITES + '/site-b', None),
                ('POST', SITES + '/site-b/validate', None),
                ('GET', SITES + '/site-b/volume-types', None)):
            response = self.request(method, path, body, member)

            self.assertError(response, 403, 'protector:sites:')
        self.assertEqual(2, len(self.ok('GET', SITES)['sites']))


class TestVolumeTypes(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.register_sites()

    def test_lists_replicated_volume_types(self):
        types = self.ok('GET', SITES + '/site-b/volume-types')[
            'volume_types']

        self.assertEqual([{'id': 'vt-1', 'name': 'replicated',
                           'replication_type': 'async',
                           'backend': 'pure@fa1'},
                          {'id': 'vt-2', 'name': 'replicated-b',
                           'replication_type': 'async',
                           'backend': 'pure@fb1'}], types)

    def test_keystone_unreachable_is_503(self):
        self.keystone.down.add('site-b')

        response = self.request('GET', SITES + '/site-b/volume-types')

        self.assertError(response, 503, "Cannot reach Keystone of site "
                                        "'site-b'",
                         "openstack protector site validate site-b")
