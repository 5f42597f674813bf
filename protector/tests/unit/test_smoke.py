from protector.tests.unit import base


class TestSmoke(base.APITestCase):
    def test_versions(self):
        r = self.request('GET', '/')
        self.assertEqual(200, r.status_int, r.text)
        print(r.json_body)

    def test_site_create(self):
        r = self.request('POST', '/v1/admin/sites', {'site': {
            'name': 'site-a', 'auth_url': 'http://127.0.0.1:5000/v3',
            'username': 'protector', 'password': 'pw',
            'project_name': 'service'}})
        self.assertEqual(201, r.status_int, r.text)
        print(r.json_body)
