"""Version discovery and the OpenStack-API-Version header."""

from protector.tests.unit import base

HEADER = 'OpenStack-API-Version'
NO_AUTH = {}


class TestDiscovery(base.APITestCase):

    def test_root_lists_v1_without_authentication(self):
        response = self.request('GET', '/', headers=NO_AUTH)

        self.assertEqual(200, response.status_int, response.text)
        self.assertEqual({'versions': [{
            'id': 'v1', 'status': 'CURRENT',
            'min_version': '1.0', 'max_version': '1.5',
            'links': [{'rel': 'self', 'href': 'http://localhost/v1/'}],
        }]}, response.json_body)

    def test_v1_describes_itself(self):
        for path in ('/v1', '/v1/'):
            response = self.request('GET', path, headers=NO_AUTH)

            self.assertEqual(200, response.status_int, response.text)
            version = response.json_body['version']
            self.assertEqual('v1', version['id'])
            self.assertEqual('1.5', version['max_version'])

    def test_unknown_path_is_404_json(self):
        response = self.request('GET', '/v2/nothing')

        self.assertEqual(404, response.status_int)
        self.assertEqual('application/json', response.content_type)
        self.assertIn('/v2/nothing', response.json_body['error']['message'])

    def test_wrong_method_is_405_naming_allowed_methods(self):
        response = self.request('PATCH', '/v1/admin/sites')

        self.assertEqual(405, response.status_int)
        self.assertIn('GET, POST', response.json_body['error']['message'])


class TestMicroversionHeader(base.APITestCase):

    def _get(self, value=None):
        headers = dict(base.ADMIN)
        if value is not None:
            headers[HEADER] = value
        return self.request('GET', '/v1/admin/sites', headers=headers)

    def test_absent_header_means_1_0_and_is_echoed(self):
        response = self._get()

        self.assertEqual(200, response.status_int, response.text)
        self.assertEqual('protector 1.0', response.headers[HEADER])
        self.assertIn(HEADER, response.headers['Vary'])

    def test_requested_version_is_echoed(self):
        for value, echoed in (('protector 1.0', '1.0'),
                              ('PROTECTOR 1.0', '1.0'),
                              ('protector 1.1', '1.1'),
                              ('protector 1.2', '1.2'),
                              ('protector 1.3', '1.3'),
                              ('protector 1.4', '1.4'),
                              ('protector 1.5', '1.5'),
                              ('protector latest', '1.5'),
                              ('compute 2.1, protector 1.0', '1.0')):
            response = self._get(value)

            self.assertEqual(200, response.status_int, value)
            self.assertEqual('protector ' + echoed, response.headers[HEADER])

    def test_discovery_echoes_the_header_too(self):
        response = self.request('GET', '/',
                                headers={HEADER: 'protector 1.0'})

        self.assertEqual('protector 1.0', response.headers[HEADER])

    def test_out_of_range_is_406(self):
        for value in ('protector 2.0', 'protector 1.6', 'protector 0.9'):
            response = self._get(value)

            self.assertEqual(406, response.status_int, value)
            message = response.json_body['error']['message']
            self.assertIn(value.split()[1], message)
            self.assertIn('protector 1.0 to 1.5', message)

    def test_malformed_is_400(self):
        for value in ('protector one', 'protector 1', 'protector 1.0.1',
                      'protector 01.0'):
            response = self._get(value)

            self.assertEqual(400, response.status_int, value)
            self.assertIn("expected 'protector X.Y'",
                          response.json_body['error']['message'])
