"""The library against a real keystoneauth session and a mocked HTTP."""

from keystoneauth1 import fixture as ks_fixture
from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
from requests_mock.contrib import fixture as rm_fixture
import testtools

from protectorclient import client
from protectorclient import exceptions

AUTH_URL = 'http://keystone.example:5000/v3'
ENDPOINT = 'http://site-a.example:8788'
PROJECT = 'b2d3ab6c1f0e4c0c9e1d7a1e0f1a2b3c'
TOKEN = 'a-token'


class ClientTestCase(testtools.TestCase):

    catalog_url = ENDPOINT

    def setUp(self):
        super().setUp()
        self.http = self.useFixture(rm_fixture.Fixture())
        token = ks_fixture.V3Token(project_id=PROJECT)
        service = token.add_service('protector')
        service.add_standard_endpoints(public=self.catalog_url,
                                       region='RegionOne')
        self.http.post(AUTH_URL + '/auth/tokens', json=token,
                       headers={'X-Subject-Token': TOKEN})
        auth = v3.Password(auth_url=AUTH_URL, username='demo',
                           password='secret', project_id=PROJECT,
                           user_domain_id='default')
        self.session = ks_session.Session(auth=auth)
        self.client = client.Client(self.session)

    def tenant(self, path):
        return '%s/v1/%s/%s' % (ENDPOINT, PROJECT, path)

    def admin(self, path):
        return '%s/v1/admin/%s' % (ENDPOINT, path)

    def last(self):
        return self.http.last_request


class TestRequests(ClientTestCase):

    def test_site_create_sends_wrapped_body_and_headers(self):
        site = {'id': 's1', 'name': 'site-b', 'status': 'active'}
        self.http.post(self.admin('sites'), status_code=201,
                       json={'site': site})

        result = self.client.sites.create(
            'site-b', auth_url='http://b:5000/v3', username='svc',
            password='pw', project_name='service', region_name='RegionTwo')

        self.assertEqual(site, result)
        req = self.last()
        self.assertEqual('POST', req.method)
        self.assertEqual('protector 1.0',
                         req.headers['OpenStack-API-Version'])
        self.assertEqual(TOKEN, req.headers['X-Auth-Token'])
        # Fields not given are left to the server's defaults.
        self.assertEqual({'site': {
            'name': 'site-b', 'auth_url': 'http://b:5000/v3',
            'username': 'svc', 'password': 'pw', 'project_name': 'service',
            'region_name': 'RegionTwo'}}, req.json())

    def test_admin_calls(self):
        self.http.get(self.admin('sites'), json={'sites': [{'id': 's1'}]})
        self.http.put(self.admin('sites/site-b'), json={'site': {}})
        self.http.delete(self.admin('sites/site-b'), status_code=204)
        self.http.post(self.admin('sites/site-b/validate'),
                       json={'validation': {'status': 'passed'}})
        self.http.get(self.admin('sites/site-b/volume-types'),
                      json={'volume_types': [{'name': 'pure'}]})

        self.assertEqual([{'id': 's1'}], self.client.sites.list())
        self.client.sites.update('site-b', description='DR', password=None)
        self.assertEqual({'site': {'description': 'DR'}},
                         self.http.request_history[-1].json())
        self.assertIsNone(self.client.sites.delete('site-b'))
        self.assertEqual({'status': 'passed'},
                         self.client.sites.validate('site-b'))
        self.assertEqual('POST', self.last().method)
        self.assertEqual([{'name': 'pure'}],
                         self.client.sites.list_volume_types('site-b'))

    def test_tenant_mapping_create(self):
        self.http.post(self.admin('tenant-mappings'), status_code=201,
                       json={'tenant_mapping': {'id': 'm1'}})
        self.client.tenant_mappings.create('p-local', 'site-b', 'p-remote')
        self.assertEqual({'tenant_mapping': {
            'local_project_id': 'p-local', 'remote_site': 'site-b',
            'remote_project_id': 'p-remote'}}, self.last().json())

    def test_protection_group_paths_use_token_project(self):
        self.http.post(self.tenant('protection-groups'), status_code=201,
                       json={'protection_group': {'id': 'g1'}})
        self.http.get(self.tenant('protection-groups'),
                      json={'protection_groups': []})

        self.client.protection_groups.create(
            'web', 'async', 'site-a', 'site-b', 'pure-async')
        self.assertEqual({'protection_group': {
            'name': 'web', 'replication_type': 'async',
            'primary_site': 'site-a', 'secondary_site': 'site-b',
            'volume_type': 'pure-async'}}, self.last().json())

        self.client.protection_groups.list(all_projects=True)
        self.assertEqual({'all_projects': ['true']}, self.last().qs)
        self.client.protection_groups.list()
        self.assertEqual({}, self.last().qs)

    def test_names_are_quoted_in_paths(self):
        self.http.get(self.tenant('protection-groups/my%20app'),
                      json={'protection_group': {'name': 'my app'}})
        self.assertEqual({'name': 'my app'},
                         self.client.protection_groups.get('my app'))

    def test_sync_status_and_force(self):
        status = {'protection_group': 'web', 'status': 'IN SYNC'}
        self.http.get(self.tenant('protection-groups/web/sync-status'),
                      json={'sync_status': status})
        self.http.post(self.tenant('protection-groups/web/sync-force'),
                       json={'sync_status': status})

        self.assertEqual(status,
                         self.client.protection_groups.sync_status('web'))
        self.assertEqual(status,
                         self.client.protection_groups.sync_force('web'))
        self.assertEqual({'sync_force': {}}, self.last().json())
        self.client.protection_groups.sync_force('web', source='local')
        self.assertEqual({'sync_force': {'source': 'local'}},
                         self.last().json())

    def test_members(self):
        url = self.tenant('protection-groups/web/members')
        self.http.post(url, status_code=201, json={'member': {'id': 'm1'}})
        self.http.get(url, json={'members': [{'id': 'm1'}]})
        self.http.delete(url + '/vm-1', status_code=204)

        self.assertEqual({'id': 'm1'}, self.client.members.add('web', 'vm-1'))
        self.assertEqual({'member': {'server': 'vm-1'}}, self.last().json())
        self.assertEqual([{'id': 'm1'}], self.client.members.list('web'))
        self.client.members.remove('web', 'vm-1')
        self.assertEqual('DELETE', self.last().method)

    def test_policy_mappings_plan(self):
        base = self.tenant('protection-groups/web/')
        self.http.post(base + 'policy', status_code=201,
                       json={'policy': {'primary_fa_token_set': True}})
        self.http.put(base + 'mappings', json={'mappings': {}})
        self.http.put(base + 'plan', json={'plan': {'devices': {}}})

        self.client.policies.create('web', 'https://fa-a', 'tok-a',
                                    'https://fa-b', 'tok-b', 15)
        self.assertEqual({'policy': {
            'primary_fa_url': 'https://fa-a', 'primary_fa_token': 'tok-a',
            'secondary_fa_url': 'https://fa-b',
            'secondary_fa_token': 'tok-b', 'rpo_minutes': 15}},
            self.last().json())

        doc = {'failover': {'network': {'n1': 'n2'}}}
        self.client.mappings.update('web', doc)
        self.assertEqual({'mappings': doc}, self.last().json())

        self.client.plans.update('web', {'devices': {}, 'subnets': {}})
        self.assertEqual({'plan': {'devices': {}, 'subnets': {}}},
                         self.last().json())
        # The plan prefers the version of the whole Acura format.
        self.assertEqual('protector 1.4',
                         self.last().headers['OpenStack-API-Version'])

    def test_changes_made_alone_ask_for_1_5(self):
        base = self.tenant('protection-groups/web/')
        self.http.post(base + 'policy', status_code=201,
                       json={'policy': {}})
        self.http.put(base + 'policy', json={'policy': {}})
        self.http.put(base + 'mappings', json={'mappings': {}})
        self.http.put(base + 'plan', json={'plan': {'devices': {}}})

        self.client.plans.update('web', {'devices': {}}, local=True)
        self.assertEqual({'plan': {'devices': {}}, 'local': True},
                         self.last().json())
        self.assertEqual('protector 1.5',
                         self.last().headers['OpenStack-API-Version'])
        self.client.mappings.update('web', {}, local=True)
        self.assertEqual({'mappings': {}, 'local': True}, self.last().json())
        self.client.policies.update('web', local=True, rpo_minutes=5)
        self.assertEqual({'policy': {'rpo_minutes': 5}, 'local': True},
                         self.last().json())
        self.client.policies.create('web', 'https://fa-a', 'tok-a',
                                    'https://fa-b', 'tok-b', 15, local=True)
        self.assertTrue(self.last().json()['local'])
        self.assertEqual('protector 1.5',
                         self.last().headers['OpenStack-API-Version'])

    def test_operations_filters(self):
        self.http.get(self.tenant('operations'), json={'operations': []})
        self.http.get(self.tenant('operations/op-1'),
                      json={'operation': {'id': 'op-1'}})

        self.client.operations.list(protection_group='web', status='failed')
        self.assertEqual({'protection_group': ['web'],
                          'status': ['failed']}, self.last().qs)
        self.assertEqual({'id': 'op-1'}, self.client.operations.get('op-1'))

    def test_api_version_header(self):
        c = client.Client(self.session, api_version='1')
        self.http.get(self.admin('sites'), json={'sites': []})
        c.sites.list()
        self.assertEqual('protector 1.0',
                         self.last().headers['OpenStack-API-Version'])
        self.assertRaises(ValueError, client.Client, self.session,
                          api_version='one')


class TestErrors(ClientTestCase):

    def test_message_is_the_server_message(self):
        message = ("Peer site 'site-b' is unreachable (connection refused). "
                   "Changes to protection group 'web' are refused so that "
                   "the two sites cannot diverge.")
        self.http.post(self.tenant('protection-groups/web/members'),
                       status_code=409,
                       json={'error': {'code': 409, 'title': 'Conflict',
                                       'message': message}},
                       headers={'x-openstack-request-id': 'req-1'})

        e = self.assertRaises(exceptions.Conflict,
                              self.client.members.add, 'web', 'vm-1')
        self.assertEqual(message, str(e))
        self.assertEqual(409, e.code)
        self.assertEqual('req-1', e.request_id)

    def test_error_code_is_carried(self):
        self.http.post(self.tenant('protection-groups/web/members'),
                       status_code=503,
                       json={'error': {'code': 503,
                                       'title': 'Service Unavailable',
                                       'error_code': 'engine_unavailable',
                                       'message': 'protector-engine of site '
                                                  "'site-a' did not answer."}})

        e = self.assertRaises(exceptions.ServiceUnavailable,
                              self.client.members.add, 'web', 'vm-1')
        self.assertEqual('engine_unavailable', e.error_code)
        self.assertTrue(e.transient)

    def test_error_code_is_none_without_one(self):
        self.http.get(self.admin('sites'), status_code=502,
                      reason='Bad Gateway', text='<html>proxy</html>')

        e = self.assertRaises(exceptions.HttpError, self.client.sites.list)
        self.assertIsNone(e.error_code)
        self.assertFalse(e.transient)

    def test_plan_problems_one_per_line(self):
        self.http.put(self.tenant('protection-groups/web/plan'),
                      status_code=400,
                      json={'error': {
                          'code': 400, 'title': 'Bad Request',
                          'message': 'The recovery plan has 2 problem(s).',
                          'problems': ['devices.web.rank: must be >= 0',
                                       'subnets.x: unknown subnet']}})

        e = self.assertRaises(exceptions.BadRequest,
                              self.client.plans.update, 'web', {})
        self.assertEqual('The recovery plan has 2 problem(s).\n'
                         'devices.web.rank: must be >= 0\n'
                         'subnets.x: unknown subnet', str(e))
        self.assertEqual(2, len(e.problems))

    def test_problems_the_message_already_holds_are_not_repeated(self):
        problems = ['No network mapping for network n1',
                    'No network mapping for network n2']
        self.http.put(self.tenant('protection-groups/web/plan'),
                      status_code=400,
                      json={'error': {'code': 400, 'title': 'Bad Request',
                                      'message': '; '.join(problems) + '.',
                                      'problems': problems}})

        e = self.assertRaises(exceptions.BadRequest,
                              self.client.plans.update, 'web', {})
        self.assertEqual('; '.join(problems) + '.', str(e))

    def test_not_found_and_unknown_codes(self):
        self.http.get(self.admin('sites/nope'), status_code=404,
                      json={'error': {'code': 404, 'message':
                                      'Site nope was not found.'}})
        self.http.get(self.admin('sites/teapot'), status_code=418,
                      json={'error': {'message': 'short and stout'}})

        e = self.assertRaises(exceptions.NotFound,
                              self.client.sites.get, 'nope')
        self.assertEqual('Site nope was not found.', str(e))
        e = self.assertRaises(exceptions.HttpError,
                              self.client.sites.get, 'teapot')
        self.assertEqual(418, e.code)
        self.assertEqual('short and stout', str(e))

    def test_body_that_is_not_protector_json(self):
        self.http.get(self.admin('sites'), status_code=502,
                      reason='Bad Gateway', text='<html>proxy</html>')
        e = self.assertRaises(exceptions.HttpError, self.client.sites.list)
        self.assertEqual('HTTP 502 Bad Gateway', str(e))

    def test_endpoint_missing_from_catalog(self):
        c = client.Client(self.session, region_name='Nowhere')
        e = self.assertRaises(exceptions.EndpointNotFound, c.sites.list)
        self.assertIn("No 'protector' endpoint", str(e))
        self.assertIn('Nowhere', str(e))


class TestVersionedCatalogUrl(ClientTestCase):
    """A catalog URL ending in /v1 is used the same way."""

    catalog_url = ENDPOINT + '/v1/'

    def test_no_doubled_version(self):
        self.http.get(self.admin('sites'), json={'sites': []})
        self.assertEqual([], self.client.sites.list())


class TestEndpointOverride(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.http = self.useFixture(rm_fixture.Fixture())

    def test_override_and_explicit_project(self):
        auth = token_endpoint.Token('http://ignored.example', TOKEN)
        sess = ks_session.Session(auth=auth)
        c = client.Client(sess, endpoint_override='http://lab:8788',
                          project_id='p1')
        self.http.get('http://lab:8788/v1/p1/operations',
                      json={'operations': []})
        self.assertEqual([], c.operations.list())

    def test_no_project_is_a_clear_error(self):
        auth = token_endpoint.Token('http://lab:8788', TOKEN)
        c = client.Client(ks_session.Session(auth=auth))
        e = self.assertRaises(exceptions.NoProjectScope,
                              c.protection_groups.list)
        self.assertIn('project-scoped token', str(e))
