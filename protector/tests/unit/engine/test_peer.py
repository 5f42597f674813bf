"""The peer client contract, met by the real client and by the fake.

The real ``PeerClient`` talks through keystoneauth to a protector-api:
here Keystone is answered by requests-mock and the protector-api is this
process's own WSGI app, so the client meets the real sync API.  The same
tests run against ``fakes.FakePeerClient``, which the other unit tests
use in its place.
"""

import re

from keystoneauth1 import fixture as ks_fixture
import requests
import requests_mock
from requests_mock.contrib import fixture as requests_fixture
import webob

from protector.common import exception
from protector.db import api as db
from protector.engine import peer
from protector.tests.unit.api import test_sync_receiver
from protector.tests.unit import base

GROUP_ID = test_sync_receiver.GROUP_ID
KEYSTONE = 'http://site-b.example:5000/v3'
PROTECTOR = 'http://site-b.example:8788'


def document(version):
    return test_sync_receiver.document(version=version)


class PeerContract(object):
    """What the engine relies on from the peer client."""

    def test_unknown_group_has_no_version(self):
        self.assertIsNone(self.client().get_version(GROUP_ID, 'erp'))

    def test_pushed_version_is_reported(self):
        self.assertEqual(1, self.client().push(document(1), 'erp'))

        self.assertEqual(1, self.client().get_version(GROUP_ID, 'erp'))

    def test_newer_version_is_accepted(self):
        self.client().push(document(1), 'erp')

        self.assertEqual(2, self.client().push(document(2), 'erp'))
        self.assertEqual(2, self.client().get_version(GROUP_ID, 'erp'))

    def test_same_or_older_version_is_refused(self):
        self.client().push(document(2), 'erp')

        for version in (2, 1):
            error = self.assertRaises(exception.Conflict,
                                      self.client().push, document(version),
                                      'erp')

            self.assertNotIsInstance(error, exception.PeerUnreachable)
            self.assertIn("Peer site 'site-b' refused version %d of "
                          "protection group 'erp'" % version, error.msg)
        self.assertEqual(2, self.client().get_version(GROUP_ID, 'erp'))

    def test_forced_older_version_is_accepted(self):
        self.client().push(document(3), 'erp')

        self.assertEqual(1, self.client().push(document(1), 'erp',
                                               force=True))
        self.assertEqual(1, self.client().get_version(GROUP_ID, 'erp'))

    def test_delete(self):
        self.client().push(document(1), 'erp')

        self.client().delete(GROUP_ID, 'erp')

        self.assertIsNone(self.client().get_version(GROUP_ID, 'erp'))
        self.client().delete(GROUP_ID, 'erp')

    def test_push_back_of_unknown_group_is_refused(self):
        error = self.assertRaises(exception.Conflict,
                                  self.client().push_back, GROUP_ID, 'erp')

        self.assertIn("Peer site 'site-b' could not send its copy of "
                      "protection group 'erp'", error.msg)

    def test_unreachable_peer(self):
        self.go_down()

        for call, args in ((self.client().get_version, (GROUP_ID, 'erp')),
                           (self.client().push, (document(1), 'erp')),
                           (self.client().push_back, (GROUP_ID, 'erp')),
                           (self.client().delete, (GROUP_ID, 'erp'))):
            error = self.assertRaises(exception.PeerUnreachable, call, *args)

            self.assertIn("Peer site 'site-b' is unreachable (", error.msg)
            self.assertIn("protection group 'erp'", error.msg)


class TestFakePeerClient(PeerContract, base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.register_sites()

    def client(self):
        return self.peer.client(db.site_get(self.context, 'site-b'))

    def go_down(self):
        self.peer.go_down()


class TestPeerClient(PeerContract, base.APITestCase):

    def setUp(self):
        super().setUp()
        for name in ('site-a', 'site-b'):
            self.request('POST', '/v1/admin/sites',
                         base.site_body(name, 'pw-' + name))
        self.http = self.useFixture(requests_fixture.Fixture())
        self.http.get(KEYSTONE, json=ks_fixture.V3Discovery(KEYSTONE))
        token = ks_fixture.V3Token()
        token.set_project_scope()
        token.add_role(name='admin')
        service = token.add_service('protector')
        service.add_endpoint('public', PROTECTOR + '/',
                             region='RegionOne')
        self.http.post(KEYSTONE + '/auth/tokens', json=token,
                       headers={'X-Subject-Token': 'token-1'})
        self.http.register_uri(requests_mock.ANY,
                               re.compile(re.escape(PROTECTOR)),
                               content=self._protector_api)

    def _protector_api(self, http_request, context):
        """site-b's protector-api answers with the service user."""
        req = webob.Request.blank(http_request.path_url,
                                  method=http_request.method)
        req.headers.update(base.ADMIN)
        req.headers.update(http_request.headers)
        body = http_request.body
        if body:
            req.body = body.encode('utf-8') if isinstance(body, str) \
                else body
        response = req.get_response(self.app)
        context.status_code = response.status_int
        context.headers.update(response.headers)
        return response.body

    def client(self):
        return peer.PeerClient(db.site_get(self.context, 'site-b'))

    def go_down(self):
        self.http.register_uri(requests_mock.ANY,
                               re.compile(re.escape(PROTECTOR)),
                               exc=requests.exceptions.ConnectionError)

    def test_protector_api_failing_counts_as_unreachable(self):
        self.http.register_uri(requests_mock.ANY,
                               re.compile(re.escape(PROTECTOR)),
                               status_code=503, text='busy')

        error = self.assertRaises(exception.PeerUnreachable,
                                  self.client().get_version, GROUP_ID, 'erp')

        self.assertIn('(protector-api answered HTTP 503)', error.msg)

    def test_refused_credentials(self):
        self.http.post(KEYSTONE + '/auth/tokens', status_code=401,
                       json={'error': {'code': 401}})

        error = self.assertRaises(exception.PeerUnreachable,
                                  self.client().get_version, GROUP_ID, 'erp')

        self.assertIn('its Keystone refused the service credentials',
                      error.msg)

    def test_no_protector_in_the_catalog(self):
        site = db.site_update(self.context, 'site-b',
                              {'region_name': 'RegionTwo'})

        error = self.assertRaises(exception.PeerUnreachable,
                                  peer.PeerClient(site).get_version,
                                  GROUP_ID, 'erp')

        self.assertIn('Keystone catalog', error.msg)
