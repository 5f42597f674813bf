"""Requests an attacker or a broken client sends: a 4xx naming the
problem, in JSON, with the request id; never a 500."""

import io

import fixtures as fx
import webob

from protector.api import app
from protector.db import api as db
from protector.engine.operations import boot
from protector.tests.unit.api import test_sync_receiver
from protector.tests.unit import base
from protector.tests.unit.engine.operations import fixtures

MEMBER_A = base.member_of(base.PROJECT_A)
GROUPS = '/v1/%s/protection-groups' % base.PROJECT_A
REQUEST_ID = 'x-openstack-request-id'
LIMIT = 114688


def group_body(**fields):
    body = {'name': 'web', 'replication_type': 'async',
            'primary_site': 'site-a', 'secondary_site': 'site-b',
            'volume_type': 'replicated'}
    body.update(fields)
    return {'protection_group': body}


class HostileTestCase(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.deployment()

    def raw(self, method, path, data=b'', headers=MEMBER_A):
        req = webob.Request.blank(path, method=method)
        req.headers.update(headers)
        if data:
            req.body = data
            req.content_type = 'application/json'
        req.ResponseClass = base.Response
        return req.get_response(self.app)

    def assertError(self, response, code, *fragments):
        error = super().assertError(response, code, *fragments)
        self.assertEqual('application/json', response.content_type)
        self.assertTrue(response.headers.get(REQUEST_ID, '').startswith(
            'req-'), response.headers)
        return error


class TestEncoding(HostileTestCase):

    def test_path_that_is_not_utf8(self):
        response = self.raw('GET', GROUPS + '/%ff')

        self.assertError(response, 400, "Invalid path parameter 'pg'",
                         'not UTF-8')

    def test_query_that_is_not_utf8(self):
        response = self.raw('GET', GROUPS + '?all_projects=%ff')

        self.assertError(response, 400,
                         "Invalid query parameter 'all_projects'",
                         'not UTF-8')

    def test_encoded_surrogate_in_path_and_query(self):
        self.assertError(self.raw('GET', GROUPS + '/%ED%A0%80'), 400,
                         "Invalid path parameter 'pg'")
        self.assertError(self.raw('GET', '/v1/%s/operations?status=%%ED%%A0'
                                         '%%80' % base.PROJECT_A), 400,
                         "Invalid query parameter 'status'")

    def test_utf8_names_in_the_path_are_found(self):
        self.create_group(name='café')

        self.ok('GET', GROUPS + '/caf%C3%A9', headers=MEMBER_A)

    def test_error_of_any_middleware_is_json_with_request_id(self):
        class Broken(object):
            def __init__(self, application):
                pass

            def __call__(self, environ, start_response):
                raise RuntimeError('secret detail')
        self.app = app.build(base.CONF, auth=Broken)

        response = self.raw('GET', GROUPS)

        self.assertError(response, 500, 'protector-api log has the details')
        self.assertIn(response.headers[REQUEST_ID], response.text)
        self.assertNotIn('secret detail', response.text)

    def test_error_answered_by_a_middleware_gets_the_error_shape(self):
        class Refuse(object):
            def __init__(self, application):
                pass

            def __call__(self, environ, start_response):
                start_response('401 Unauthorized', [
                    ('Content-Type', 'text/plain'),
                    ('WWW-Authenticate', "Keystone uri='http://ks'")])
                return [b'Authentication required']
        self.app = app.build(base.CONF, auth=Refuse)

        response = self.raw('GET', GROUPS)

        error = self.assertError(response, 401, 'Authentication required')
        self.assertEqual('unauthenticated', error['error_code'])
        self.assertEqual("Keystone uri='http://ks'",
                         response.headers['WWW-Authenticate'])


class TestBodies(HostileTestCase):

    def test_deeply_nested_json(self):
        for method, path in (('POST', GROUPS),
                             ('PUT', GROUPS + '/web-tier'),
                             ('PUT', test_sync_receiver.SYNC + 'x')):
            response = self.raw(method, path, b'[' * 3000 + b']' * 3000,
                                headers=base.ADMIN)
            self.assertError(response, 400, 'nests deeper than 32 levels')

    def test_moderately_nested_json_is_refused_before_validation(self):
        body = b'{"plan": ' + b'{"a": ' * 100 + b'1' + b'}' * 101

        response = self.raw('PUT', GROUPS + '/web-tier/plan', body)

        self.assertError(response, 400, 'nests deeper than 32 levels')

    def test_group_update_body_that_is_not_an_object(self):
        for body in (b'null', b'"x"', b'[1]', b'{"protection_group": 5}',
                     b'{"protection_group": null}', b'5'):
            response = self.raw('PUT', GROUPS + '/web-tier', body)
            self.assertError(response, 400, 'Invalid field')

    def test_lone_surrogate_in_a_string_field(self):
        body = (b'{"protection_group": {"name": "\\ud800", '
                b'"replication_type": "async", "primary_site": "site-a", '
                b'"secondary_site": "site-b", "volume_type": "r"}}')

        response = self.raw('POST', GROUPS, body)

        self.assertError(response, 400,
                         "Invalid field 'protection_group.name'",
                         'lone surrogate')
        self.assertNotIn('\ud800', response.text)

    def test_lone_surrogate_in_a_key(self):
        response = self.raw('PUT', GROUPS + '/web-tier',
                            b'{"protection_group": {"\\udfff": 1}}')

        self.assertError(response, 400, 'lone surrogate')

    def test_not_a_number(self):
        response = self.raw('POST', '/v1/admin/sites',
                            b'{"site": {"name": NaN}}', base.ADMIN)

        self.assertError(response, 400, 'NaN is not a JSON value')


class TestSizes(HostileTestCase):

    def chunked(self, path, body, terminated=False):
        req = webob.Request.blank(path, method='POST')
        req.headers.update(MEMBER_A)
        req.content_type = 'application/json'
        req.environ.pop('CONTENT_LENGTH', None)
        req.environ['HTTP_TRANSFER_ENCODING'] = 'chunked'
        if terminated:
            req.environ['wsgi.input_terminated'] = True
            stream = body
        else:
            stream = b''.join(b'%x\r\n%s\r\n' % (len(part), part)
                              for part in (body[:7], body[7:]) if part)
            stream += b'0\r\n\r\n'
        req.environ['wsgi.input'] = io.BytesIO(stream)
        req.ResponseClass = base.Response
        return req.get_response(self.app)

    def test_too_large_is_json_and_names_the_limit(self):
        response = self.raw('POST', GROUPS, b'x' * 200000)

        self.assertError(response, 413, '(200000 bytes)',
                         'max_request_body_size (%d bytes)' % LIMIT)
        self.assertNotIn('%s', response.text)

    def test_chunked_body_is_read(self):
        body = base.jsonutils.dump_as_bytes(group_body(name='chunked'))
        for terminated in (False, True):
            response = self.chunked(GROUPS, body, terminated)
            self.assertEqual(201, response.status_int, response.text)
            self.request('DELETE', GROUPS + '/chunked', headers=MEMBER_A)

    def test_chunked_body_over_the_limit_is_413(self):
        body = b'{"x": "%s"}' % (b'y' * (LIMIT + 10))
        for terminated in (False, True):
            response = self.chunked(GROUPS, body, terminated)
            self.assertError(response, 413,
                             'max_request_body_size (%d bytes)' % LIMIT)

    def test_malformed_chunks(self):
        req = webob.Request.blank(GROUPS, method='POST')
        req.headers.update(MEMBER_A)
        req.environ.pop('CONTENT_LENGTH', None)
        req.environ['HTTP_TRANSFER_ENCODING'] = 'chunked'
        req.environ['wsgi.input'] = io.BytesIO(b'zz\r\n{}\r\n0\r\n\r\n')
        req.ResponseClass = base.Response

        self.assertError(req.get_response(self.app), 400,
                         'chunked request body is malformed')


class TestEchoes(HostileTestCase):

    def test_long_invalid_value_is_cut(self):
        response = self.request('POST', GROUPS,
                                group_body(name=' ' + 'x' * 100000),
                                MEMBER_A)

        self.assertError(response, 400,
                         "Invalid field 'protection_group.name'",
                         'at most 255 characters')
        self.assertLess(len(response.body), 1000)

    def test_long_unknown_path_is_cut(self):
        response = self.raw('GET', GROUPS + '/' + 'x' * 100000)

        self.assertError(response, 404)
        self.assertLess(len(response.body), 1000)

    def test_long_microversion_header_is_cut(self):
        response = self.raw('GET', GROUPS, headers=dict(
            MEMBER_A, **{'OpenStack-API-Version': 'protector ' + 'x' * 5000}))

        self.assertError(response, 400, 'OpenStack-API-Version')
        self.assertLess(len(response.body), 1000)

    def test_secret_in_a_wrongly_typed_field_is_not_echoed(self):
        for body in (
                {'site': {'name': 'site-c', 'password': ['hunter2-secret']}},
                {'site': ['hunter2-secret']},
                {'site': {'password': 'hunter2-secret', 'name': 5}},
                {'site': {'password': 'hunter2-secret'}, 'extra': 1}):
            response = self.request('POST', '/v1/admin/sites', body)
            self.assertError(response, 400, 'Invalid field')
            self.assertNotIn('hunter2', response.text)

    def test_array_token_is_never_echoed(self):
        response = self.request(
            'PUT', GROUPS + '/web-tier/policy',
            {'policy': {'primary_fa_token': {'t': 'tok-secret-1'},
                        'secondary_fa_token': 'x' * 2000 + 'tok-secret-2'}},
            MEMBER_A)

        self.assertError(response, 400, "'policy.primary_fa_token'",
                         "'policy.secondary_fa_token'")
        self.assertNotIn('tok-secret', response.text)


class TestControlCharacters(HostileTestCase):

    def test_names_refuse_control_characters(self):
        for name in ('a\x00b', 'tab\there', 'new\nline', 'del\x7f',
                     'c1\x85'):
            response = self.request('POST', GROUPS, group_body(name=name),
                                    MEMBER_A)
            error = self.assertError(
                response, 400, "Invalid field 'protection_group.name'",
                'no control character')
            self.assertNotIn('\x00', error['message'])

    def test_descriptions_keep_newline_and_tab_only(self):
        self.ok('PUT', GROUPS + '/web-tier', {'protection_group': {
            'description': 'line one\n\tline two'}}, MEMBER_A)
        for text in ('nul\x00', 'bell\x07', 'cr\r'):
            response = self.request('PUT', GROUPS + '/web-tier', {
                'protection_group': {'description': text}}, MEMBER_A)
            self.assertError(response, 400,
                             "Invalid field 'protection_group.description'")

    def test_identifiers_refuse_control_characters(self):
        self.assertError(self.raw('GET', GROUPS + '/web%00tier'), 400,
                         "Invalid path parameter 'pg'", 'control character')
        self.assertError(self.raw('GET', '/v1/admin/sites/a%0Ab',
                                  headers=base.ADMIN), 400,
                         "Invalid path parameter 'site'")
        self.assertError(
            self.raw('GET', '/v1/%s/operations?protection_group=a%%00'
                     % base.PROJECT_A), 400,
            "Invalid query parameter 'protection_group'")
        response = self.request('POST', '/v1/admin/tenant-mappings', {
            'tenant_mapping': {'local_project_id': 'p\x00',
                               'remote_site': 'site-b',
                               'remote_project_id': 'q'}})
        self.assertError(response, 400,
                         "Invalid field 'tenant_mapping.local_project_id'")

    def test_query_values_are_checked_against_their_declaration(self):
        self.assertError(self.raw('GET', GROUPS + '?all_projects=maybe'),
                         400, "Invalid query parameter 'all_projects'",
                         'true or false')
        self.assertError(
            self.raw('GET', '/v1/%s/operations?status=done'
                     % base.PROJECT_A), 400,
            "Invalid query parameter 'status'", "'completed'")


class TestPeerDocument(HostileTestCase):

    def put(self, doc):
        # A malformed document has no digest; any well-formed one will do.
        return self.request('PUT', test_sync_receiver.SYNC + doc['id'],
                            test_sync_receiver.push_body(doc,
                                                         claimed='0' * 64))

    def test_malformed_documents_are_refused_naming_the_field(self):
        cases = (
            ({'group': 'x'}, "'metadata.document.group'"),
            ({'members': [1]}, "'metadata.document.members.0'"),
            ({'policy': 'tok'}, "'metadata.document.policy'"),
            ({'version': 2 ** 40}, "'metadata.document.version'"),
        )
        for change, field in cases:
            doc = test_sync_receiver.document()
            doc.update(change)
            response = self.put(doc)
            self.assertError(response, 400, 'Invalid field ' + field)
        self.assertError(self.request(
            'GET', test_sync_receiver.SYNC + test_sync_receiver.GROUP_ID),
            404)

    def test_malformed_member_spec_is_refused(self):
        doc = test_sync_receiver.document()
        doc['members'][0]['spec']['flavor'] = 'm1.small'
        doc['members'][0]['spec']['volumes'] = [{'size': 'big'}]

        response = self.put(doc)

        self.assertError(response, 400,
                         "'metadata.document.members.0.spec.flavor'",
                         "'metadata.document.members.0.spec.volumes.0.size'",
                         "'metadata.document.members.0.spec.volumes.0."
                         "volume_id': this field is required")

    def test_malformed_time_is_refused(self):
        doc = test_sync_receiver.document(last_failover_at='2026-13-45T99:00'
                                                           ':00')

        response = self.put(doc)

        self.assertError(response, 400, "'group.last_failover_at'",
                         'not an ISO 8601 time')

    def test_the_exported_document_matches_the_schema(self):
        from protector.api import validation
        from protector.api.schemas import sync
        group = self.show_group('web-tier')
        self.add_member('web-tier', 'IIS-Demo')
        self.set_policy('web-tier')
        self.ok('PUT', self.group_path('web-tier', '/plan'), {'plan': {
            'devices': {'IIS-Demo': {'rank': 1, 'flavor': 'm1.large',
                                     'boot_condition': {'type': 'active'}}}
        }}, MEMBER_A)

        document = self.peer.documents[group['id']]

        self.assertEqual([], validation.problems(sync.document, document))


class TestStoredMemberSpec(base.APITestCase):
    """A member stored before its document was checked, or by hand."""

    def setUp(self):
        super().setUp()
        self.conf.config(cloud='fake', storage='fake', group='drivers')
        self.sites = self.useFixture(fixtures.TwoSites())
        self.useFixture(fx.MockPatchObject(boot, 'sleep', lambda s: None))

    def spoil(self, server_name, **values):
        ctx = self.sites.context
        member = next(m for m in db.member_list(ctx, self.sites.group.id)
                      if m.server_name == server_name)
        db.member_update(ctx, member.id, values)
        return member

    def act(self, action):
        return self.request(
            'POST', '/v1/%s/protection-groups/three-tier/action'
            % base.PROJECT_A, action,
            dict(MEMBER_A, **{'OpenStack-API-Version': 'protector 1.1'}))

    def test_flavor_as_a_string_is_refused_naming_member_and_field(self):
        member = self.spoil('web-1', spec=dict(
            self.spoil('web-1').spec, flavor='m1.small'))

        response = self.act({'test_failover': {}})

        self.assertEqual(409, response.status_int, response.text)
        error = response.json_body['error']
        self.assertEqual('member_invalid', error['error_code'])
        self.assertIn("Member web-1 (%s): field 'spec.flavor' must be "
                      "object, not string" % member.server_id,
                      error['message'])
        self.assertEqual([], db.operation_list(self.sites.context))

    def test_spec_and_overrides_of_the_wrong_type(self):
        self.spoil('db-1', spec=['not', 'a', 'spec'])
        self.spoil('app-1', overrides={'ports': 'eth0'})

        for action in ({'test_failover': {'force': True}},
                       {'failover': {'type': 'planned'}}):
            response = self.act(action)
            self.assertEqual(409, response.status_int, response.text)
            message = response.json_body['error']['message']
            self.assertIn("Member db-1", message)
            self.assertIn("field 'spec' must be object, not array", message)
            self.assertIn("Member app-1", message)
            self.assertIn("field 'overrides.ports' must be array", message)
