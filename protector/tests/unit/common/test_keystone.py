"""Every response a protector session receives is counted per site."""

import threading
import types

import testtools

from protector.common import keystone
from protector.tests.unit.drivers import http_cloud as hc

PROJECT = 'tenant-project'


def delta(before):
    after = keystone.api_calls()
    return {site: count - before.get(site, 0)
            for site, count in after.items()
            if count != before.get(site, 0)}


class ApiCallsTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.cloud = self.useFixture(hc.HttpCloud())
        self.cloud.on('GET', hc.NOVA + '/servers', json={'servers': []})
        self.cloud.on('GET', hc.NOVA + '/servers/gone', status_code=404,
                      json={'itemNotFound': {'message': 'gone'}})

    def test_site_session_counts_each_response_token_included(self):
        before = keystone.api_calls()
        session = keystone.site_session(self.cloud.site)

        session.get(hc.NOVA + '/servers')
        session.get(hc.NOVA + '/servers/gone', raise_exc=False)

        # POST /auth/tokens, then the two GETs (a 404 is a call too).
        self.assertEqual({'site-a': 3}, delta(before))

    def test_project_session_counts_for_its_site(self):
        self.cloud.grant(PROJECT)
        other = types.SimpleNamespace(**dict(vars(self.cloud.site),
                                             id='site-b-id', name='site-b'))
        before = keystone.api_calls()
        session = keystone.project_session(self.cloud.site, PROJECT)
        after_grant = delta(before)

        session.get(hc.NOVA + '/servers')
        keystone.site_session(other).get(hc.NOVA + '/servers')

        # The role grant: service token, project, role, HEAD, PUT.
        self.assertEqual({'site-a': 5}, after_grant)
        # Then the project token and the GET; site-b its own token + GET.
        self.assertEqual({'site-a': 7, 'site-b': 2}, delta(before))

    def test_concurrent_calls_are_all_counted(self):
        session = keystone.site_session(self.cloud.site)
        session.get_token()
        before = keystone.api_calls()

        def calls():
            for _ in range(25):
                session.get(hc.NOVA + '/servers')
        threads = [threading.Thread(target=calls) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        self.assertEqual({'site-a': 200}, delta(before))
        self.assertEqual(200, len([
            r for r in self.cloud.mock.request_history
            if r.url.endswith('/servers')]))

    def test_a_snapshot_does_not_change_afterwards(self):
        session = keystone.site_session(self.cloud.site)
        snapshot = keystone.api_calls()
        kept = dict(snapshot)

        session.get(hc.NOVA + '/servers')

        self.assertEqual(kept, snapshot)
        self.assertNotEqual(snapshot, keystone.api_calls())
