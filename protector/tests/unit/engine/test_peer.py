"""The peer client contract, met by the real client and by the fake.

The real ``PeerClient`` talks through keystoneauth to a protector-api:
here Keystone is answered by requests-mock and the protector-api is this
process's own WSGI app, so the client meets the real sync API.  The same
tests run against ``fakes.FakePeerClient``, which the other unit tests
use in its place.
"""

import re
import urllib.parse

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


def document(version, **fields):
    return test_sync_receiver.document(version=version, **fields)


def digest(doc):
    return test_sync_receiver.digest(doc)


def state(doc):
    return doc['version'], digest(doc)


class PeerContract(object):
    """What the engine relies on from the peer client."""

    def push(self, doc, base=None, **kwargs):
        return self.client().push(
            doc, 'erp', digest(doc), None if base is None else state(base),
            **kwargs)

    def stored(self):
        return self.client().get(GROUP_ID, 'erp')

    def test_unknown_group_has_no_copy(self):
        self.assertIsNone(self.stored())
        self.assertEqual({}, self.client().versions())

    def test_versions_of_every_copy_in_one_call(self):
        self.push(document(1))
        self.assertEqual({GROUP_ID: state(document(1))},
                         self.client().versions())

    def test_pushed_version_is_reported(self):
        self.assertEqual(state(document(1)), self.push(document(1)))

        stored = self.stored()
        self.assertEqual(state(document(1)),
                         (stored['version'], stored['digest']))
        self.assertIsNone(stored['lease'])

    def test_next_version_is_accepted(self):
        self.push(document(1))

        self.assertEqual(state(document(2)),
                         self.push(document(2), base=document(1)))

    def test_a_version_that_does_not_follow_is_refused(self):
        self.push(document(1))
        self.push(document(2), base=document(1))

        for doc, base_doc in ((document(3), document(1)),
                              (document(2, description='x'), document(1)),
                              (document(1, description='x'), None)):
            error = self.assertRaises(exception.VersionConflict, self.push,
                                      doc, base_doc)

            self.assertIn("Peer site 'site-b' refused version %d of "
                          "protection group 'erp'" % doc['version'],
                          error.msg)
        self.assertEqual(2, self.stored()['version'])

    def test_the_same_version_again_is_accepted(self):
        self.push(document(1))

        self.assertEqual(state(document(1)), self.push(document(1)))

    def test_forced_older_version_is_accepted(self):
        self.push(document(3))

        self.assertEqual(state(document(1)),
                         self.push(document(1), force=True))

    def test_reservation(self):
        self.push(document(1))
        client = self.client()

        client.reserve(GROUP_ID, 'erp', 'site-a:one', state(document(1)),
                       600)

        error = self.assertRaises(
            exception.ChangeInProgress, client.reserve, GROUP_ID, 'erp',
            'site-a:two', state(document(1)), 600)
        self.assertIn("Peer site 'site-b' refused a change of protection "
                      "group 'erp'", error.msg)
        self.assertRaises(exception.ChangeInProgress, self.push,
                          document(2), document(1), holder='site-a:two')
        self.assertEqual(state(document(2)),
                         self.push(document(2), document(1),
                                   holder='site-a:one'))
        client.reserve(GROUP_ID, 'erp', 'site-a:two', state(document(2)),
                       600)
        client.release(GROUP_ID, 'erp', 'site-a:two')
        client.reserve(GROUP_ID, 'erp', 'site-a:three', state(document(2)),
                       600)

    def test_reservation_needs_the_same_copy(self):
        self.push(document(2))

        self.assertRaises(exception.VersionConflict, self.client().reserve,
                          GROUP_ID, 'erp', 'site-a:one', state(document(1)),
                          600)
        self.assertRaises(exception.NotFound, self.client().reserve,
                          base.WEB_ID, 'erp', 'site-a:one',
                          state(document(1)), 600)

    def test_delete(self):
        self.push(document(1))

        self.client().delete(GROUP_ID, 'erp', 'site-a:one')

        self.assertIsNone(self.stored())
        self.client().delete(GROUP_ID, 'erp', 'site-a:one')

    def test_delete_of_a_reserved_copy_needs_its_holder(self):
        self.push(document(1))
        self.client().reserve(GROUP_ID, 'erp', 'site-a:one',
                              state(document(1)), 600)

        self.assertRaises(exception.ChangeInProgress, self.client().delete,
                          GROUP_ID, 'erp', 'site-a:two')
        self.client().delete(GROUP_ID, 'erp', 'site-a:one')

    def test_changes_made_alone_are_shown_and_kept_from_normal_pushes(self):
        self.push(document(1))
        self.push(document(2), base=document(1))
        self.hold_local_changes(2)

        held = self.stored()['local_changes']
        self.assertEqual(('site-b', 2, 2), (held['site'],
                                            held['first_version'],
                                            held['last_version']))
        error = self.assertRaises(exception.LocalChangesHeld, self.push,
                                  document(3), document(2))
        self.assertIn("Peer site 'site-b' refused version 3 of protection "
                      "group 'erp': Protection group 'erp' holds changes "
                      "made on site 'site-b' alone", error.msg)
        self.assertEqual(state(document(3)),
                         self.push(document(3), force=True))
        self.assertIsNone(self.stored()['local_changes'])

    def test_push_back_of_unknown_group_is_refused(self):
        error = self.assertRaises(exception.NotFound,
                                  self.client().push_back, GROUP_ID, 'erp',
                                  'site-a:one')

        self.assertIn(GROUP_ID, error.msg)

    def test_unreachable_peer(self):
        self.go_down()
        one = state(document(1))

        for call, args in (
                (self.client().get, (GROUP_ID, 'erp')),
                (self.client().reserve, (GROUP_ID, 'erp', 'h', one, 600)),
                (self.client().push, (document(1), 'erp', one[1], None)),
                (self.client().push_back, (GROUP_ID, 'erp', 'h')),
                (self.client().delete, (GROUP_ID, 'erp', 'h'))):
            error = self.assertRaises(exception.PeerUnreachable, call, *args)

            self.assertIn("Peer site 'site-b' is unreachable (", error.msg)
            self.assertIn("protection group 'erp'", error.msg)
        # Releasing is best effort: a reservation expires by itself.
        self.client().release(GROUP_ID, 'erp', 'h')


class TestFakePeerClient(PeerContract, base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.register_sites()

    def client(self):
        return self.peer.client(db.site_get(self.context, 'site-b'))

    def go_down(self):
        self.peer.go_down()

    def hold_local_changes(self, version):
        self.peer.local_changes[GROUP_ID] = {
            'site': 'site-b', 'since': '2026-12-07T10:00:00Z',
            'first_version': version, 'last_version': version,
            'peer_version': version - 1, 'peer_digest': None}


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
        url = urllib.parse.urlsplit(http_request.url)
        req = webob.Request.blank(
            url.path + ('?' + url.query if url.query else ''),
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

    def hold_local_changes(self, version):
        """Version ``version`` of site-b's copy was made there alone."""
        db.group_record_local_change(self.context, GROUP_ID, 'site-b',
                                     version)

    def test_a_peer_older_than_1_4_is_asked_with_1_0(self):
        self.push(document(1))
        newer = self._protector_api
        asked = []

        def older(http_request, context):
            version = http_request.headers['OpenStack-API-Version']
            asked.append(version)
            if version == 'protector 1.5':
                context.status_code = 406
                return b'{"error": {"error_code": "version_not_supported"}}'
            return newer(http_request, context)
        self.http.register_uri(requests_mock.ANY,
                               re.compile(re.escape(PROTECTOR)),
                               content=older)

        stored = self.stored()

        self.assertEqual(['protector 1.5', 'protector 1.0'], asked)
        self.assertEqual(state(document(1)),
                         (stored['version'], stored['digest']))
        self.assertNotIn('local_changes', stored)

    def test_protector_api_failing_counts_as_unreachable(self):
        self.http.register_uri(requests_mock.ANY,
                               re.compile(re.escape(PROTECTOR)),
                               status_code=503, text='busy')

        error = self.assertRaises(exception.PeerUnreachable,
                                  self.client().get, GROUP_ID, 'erp')

        self.assertIn('(protector-api answered HTTP 503)', error.msg)

    def test_refused_credentials(self):
        self.http.post(KEYSTONE + '/auth/tokens', status_code=401,
                       json={'error': {'code': 401}})

        error = self.assertRaises(exception.PeerUnreachable,
                                  self.client().get, GROUP_ID, 'erp')

        self.assertIn('its Keystone refused the service credentials',
                      error.msg)

    def test_no_protector_in_the_catalog(self):
        site = db.site_update(self.context, 'site-b',
                              {'region_name': 'RegionTwo'})

        error = self.assertRaises(exception.PeerUnreachable,
                                  peer.PeerClient(site).get,
                                  GROUP_ID, 'erp')

        self.assertIn('Keystone catalog', error.msg)
