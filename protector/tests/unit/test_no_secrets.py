"""No answer of any resource, and no log line, ever holds a secret."""

import logging

import fixtures

from protector.tests.unit.api import test_sync_receiver
from protector.tests.unit import base

MEMBER_A = base.member_of(base.PROJECT_A)
NEW_PASSWORD = 'rotated-site-b-password-e41a'
NEW_TOKEN = 'rotated-fa-token-7f3b9c'
SECRETS = base.SECRETS + (NEW_PASSWORD, NEW_TOKEN)


class TestNoSecrets(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger(level=logging.DEBUG))
        self.responses = []

    def request(self, method, path, body=None, headers=None, raw=None):
        response = super().request(method, path, body, headers, raw)
        self.responses.append(('%s %s' % (method, path), response))
        return response

    def scenario(self):
        self.register_sites()
        self.ok('GET', '/v1/admin/sites')
        self.ok('GET', '/v1/admin/sites/site-b')
        self.ok('PUT', '/v1/admin/sites/site-b', {'site': {
            'password': NEW_PASSWORD}})
        self.map_project()
        self.ok('GET', '/v1/admin/tenant-mappings')
        group = self.create_group()
        pg = self.group_path('web-tier')
        self.add_member('web-tier', 'IIS-Demo')
        self.add_member('web-tier', 'rhel7.2')
        self.set_policy('web-tier')
        self.ok('GET', pg + '/policy', headers=MEMBER_A)
        self.ok('PUT', pg + '/policy', {'policy': {
            'secondary_fa_token': NEW_TOKEN}}, MEMBER_A)
        self.ok('PUT', pg + '/mappings', {'mappings': {
            'failover': {'network': {'net-main': 'net-dr'}}}}, MEMBER_A)
        plan = self.ok('GET', pg + '/plan', headers=MEMBER_A)['plan']
        self.ok('PUT', pg + '/plan', {'plan': plan}, MEMBER_A)
        for path in (self.groups_path(), pg, pg + '/members',
                     pg + '/members/IIS-Demo', pg + '/mappings',
                     pg + '/sync-status', '/v1/%s/operations'
                     % base.PROJECT_A):
            self.ok('GET', path, headers=MEMBER_A)
        self.ok('POST', pg + '/sync-force', headers=MEMBER_A)
        for site in ('site-a', 'site-b'):
            self.ok('POST', '/v1/admin/sites/%s/validate' % site)
            self.ok('GET', '/v1/admin/sites/%s/volume-types' % site)
        sync = '/v1/admin/sync/protection-groups/'
        self.ok('GET', sync + group['id'])
        self.ok('GET', sync + group['id'] + '?document=true')
        self.ok('POST', sync + group['id'] + '/push-back',
                {'reservation': {'holder': 'site-b:push-back'}})
        received = test_sync_receiver.document()
        self.ok('PUT', sync + received['id'],
                test_sync_receiver.push_body(received))
        return group

    def failures(self):
        pg = self.group_path('web-tier')
        self.request('POST', pg + '/policy', {'policy': {
            'primary_fa_url': 'https://fa-a.test',
            'primary_fa_token': NEW_TOKEN,
            'secondary_fa_url': 'https://fa-b.test',
            'secondary_fa_token': NEW_TOKEN, 'rpo_minutes': 5}}, MEMBER_A)
        self.request('PUT', pg + '/policy', {'policy': {
            'primary_fa_token': [NEW_TOKEN]}}, MEMBER_A)
        self.request('PUT', '/v1/admin/sites/site-b', {'site': {
            'password': NEW_PASSWORD * 100}})
        self.request('PUT', '/v1/admin/sites/site-b', {'site': {
            'password': NEW_PASSWORD, 'name': 'renamed'}})
        self.request('POST', '/v1/admin/sites', base.site_body(
            'site-c', NEW_PASSWORD))
        self.peer.go_down()
        self.request('PUT', pg + '/policy', {'policy': {
            'primary_fa_token': NEW_TOKEN}}, MEMBER_A)
        self.ok('GET', pg + '/sync-status', headers=MEMBER_A)
        self.peer.come_back()
        self.keystone.refuse('site-b')
        self.ok('POST', '/v1/admin/sites/site-b/validate')
        self.request('GET', '/v1/admin/sites/site-b/volume-types')

    def test_no_response_holds_a_secret(self):
        self.scenario()
        self.failures()
        self.ok('DELETE', self.group_path('web-tier'), headers=MEMBER_A,
                status=204)

        self.assertGreater(len(self.responses), 40)
        for what, response in self.responses:
            headers = str(response.headers)
            for secret in SECRETS:
                self.assertNotIn(secret, response.text, what)
                self.assertNotIn(secret, headers, what)

    def test_no_log_line_holds_a_secret(self):
        self.scenario()
        self.failures()

        logged = self.log.output
        self.assertIn('Protection group', logged)
        for secret in SECRETS:
            self.assertNotIn(secret, logged)
