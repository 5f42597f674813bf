"""GET /openapi.json: the OpenAPI 3.1 description of what is served."""

import json
import os
import re

import fixtures
import openapi_spec_validator

from protector.api import endpoint
from protector.api import openapi
from protector.api import router
from protector.tests.unit import base


class TestOpenAPI(base.APITestCase):

    def setUp(self):
        super().setUp()
        response = self.request('GET', '/openapi.json', headers={})
        self.assertEqual(200, response.status_int, response.text)
        self.assertEqual('application/json', response.content_type)
        self.description = response.json_body

    def test_is_valid_openapi_3_1(self):
        self.assertEqual('3.1.0', self.description['openapi'])
        openapi_spec_validator.validate(self.description)

    def test_every_route_and_method_is_described(self):
        described = {(path, method.upper())
                     for path, item in self.description['paths'].items()
                     for method in item}
        served = {(path, method) for path, methods in router.ROUTES.items()
                  for method in methods}
        self.assertEqual(served, described)

    def test_operations_follow_their_declarations(self):
        for path, methods in router.ROUTES.items():
            for method, handler in methods.items():
                declared = endpoint.of(handler)
                operation = self.description['paths'][path][method.lower()]
                where = '%s %s' % (method, path)
                self.assertIn(str(declared.status), operation['responses'],
                              where)
                if declared.response is not None:
                    self.assertEqual(declared.response, operation[
                        'responses'][str(declared.status)]['content'][
                            'application/json']['schema'], where)
                self.assertEqual({'$ref': '#/components/schemas/Error'},
                                 operation['responses']['4XX']['content'][
                                     'application/json']['schema'], where)
                parameters = {(p['in'], p['name'])
                              for p in operation['parameters']}
                for name in re.findall('{([^}]+)}', path):
                    self.assertIn(('path', name), parameters, where)
                for name in declared.query:
                    self.assertIn(('query', name), parameters, where)
                self.assertIn(('header', 'OpenStack-API-Version'),
                              parameters, where)
                body = operation.get('requestBody')
                if declared.body is None:
                    self.assertIsNone(body, where)
                else:
                    self.assertEqual(declared.body, body['content'][
                        'application/json']['schema'], where)
                self.assertTrue(operation['summary'], where)

    def test_microversion_and_security(self):
        action = self.description['paths'][
            '/v1/{project_id}/protection-groups/{pg}/action']['post']
        header = next(p for p in action['parameters']
                      if p['name'] == 'OpenStack-API-Version')
        self.assertTrue(header['required'])
        self.assertEqual(['protector 1.1', 'protector 1.2',
                          'protector 1.3', 'protector 1.4',
                          'protector 1.5',
                          'protector latest'],
                         header['schema']['anyOf'][0]['enum'])
        self.assertEqual('1.1', action['x-openstack-microversion'])
        summary = self.description['paths']['/v1/admin/health']['get']
        self.assertEqual('1.2', summary['x-openstack-microversion'])
        self.assertEqual([{'keystone': []}], self.description['security'])
        self.assertEqual('X-Auth-Token', self.description['components'][
            'securitySchemes']['keystone']['name'])
        self.assertEqual([], self.description['paths']['/openapi.json'][
            'get']['security'])

    def test_secrets_are_write_only(self):
        site = self.description['paths']['/v1/admin/sites']['post'][
            'requestBody']['content']['application/json']['schema']
        self.assertTrue(site['properties']['site']['properties'][
            'password']['writeOnly'])

    def test_written_to_a_file(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'openapi.json')

        self.assertEqual(0, openapi.main([path]))

        with open(path) as written:
            self.assertEqual(self.description, json.load(written))
