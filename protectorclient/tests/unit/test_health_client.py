"""The library's health calls ask for API 1.2; groups prefer it."""

from protectorclient import client
from protectorclient import exceptions
from protectorclient.tests.unit import test_client

HEADER = 'OpenStack-API-Version'
HEALTH = {'protection_group_id': 'g1', 'rpo_grade': 'ok', 'checks': []}
REFUSED = {'error': {'code': 406, 'title': 'Not Acceptable',
                     'error_code': 'version_not_supported',
                     'message': 'Version 1.2 is not supported by this '
                                'site: it serves protector 1.0 to 1.1.'}}


class TestHealth(test_client.ClientTestCase):

    def test_health_of_a_group(self):
        self.http.get(self.tenant('protection-groups/web/health'),
                      json={'health': HEALTH})

        self.assertEqual(HEALTH, self.client.health.get('web'))
        self.assertEqual('protector 1.2', self.last().headers[HEADER])

    def test_history_sends_since_and_limit(self):
        url = self.tenant('protection-groups/web/health/history')
        self.http.get(url, json={'samples': [{'rpo_grade': 'ok'}]})

        self.assertEqual([{'rpo_grade': 'ok'}],
                         self.client.health.history('web'))
        self.assertEqual({}, self.last().qs)
        self.client.health.history('web', since='2026-12-07T09:30:00Z',
                                   limit=5)
        self.assertEqual({'since': ['2026-12-07t09:30:00z'],
                          'limit': ['5']}, self.last().qs)
        self.assertEqual('protector 1.2', self.last().headers[HEADER])

    def test_summary_is_an_admin_path(self):
        self.http.get(self.admin('health'), json={'health': {
            'projects': [], 'not_ready': [], 'sites': []}})

        self.assertEqual({'projects': [], 'not_ready': [], 'sites': []},
                         self.client.health.summary())
        self.assertEqual('protector 1.2', self.last().headers[HEADER])

    def test_an_older_site_refuses_with_its_message(self):
        self.http.get(self.tenant('protection-groups/web/health'),
                      status_code=406, json=REFUSED)

        error = self.assertRaises(exceptions.NotAcceptable,
                                  self.client.health.get, 'web')
        self.assertIn('serves protector 1.0 to 1.1', str(error))


class TestGroupsPreferHealth(test_client.ClientTestCase):

    def test_list_asks_for_1_2_and_show_for_1_4(self):
        self.http.get(self.tenant('protection-groups'),
                      json={'protection_groups': [{'rpo_grade': 'ok'}]})
        self.http.get(self.tenant('protection-groups/web'),
                      json={'protection_group': {'rpo_grade': 'ok'}})

        self.client.protection_groups.list()
        self.assertEqual('protector 1.2', self.last().headers[HEADER])
        self.client.protection_groups.get('web')
        self.assertEqual('protector 1.5', self.last().headers[HEADER])

    def test_an_older_site_is_asked_again_once(self):
        def answer(request, context):
            if request.headers[HEADER] in ('protector 1.2', 'protector 1.5'):
                context.status_code = 406
                return REFUSED
            return {'protection_group': {'name': 'web'}}
        self.http.get(self.tenant('protection-groups/web'), json=answer)

        self.assertEqual({'name': 'web'},
                         self.client.protection_groups.get('web'))
        self.assertEqual(['protector 1.5', 'protector 1.2', 'protector 1.0'],
                         [r.headers[HEADER] for r in
                          self.http.request_history[1:]])
        # The site is older: later calls do not ask for 1.2 or 1.5 again.
        self.client.protection_groups.get('web')
        self.assertEqual(['protector 1.0'],
                         [r.headers[HEADER] for r in
                          self.http.request_history[4:]])

    def test_a_site_of_1_2_still_shows_health(self):
        def answer(request, context):
            if request.headers[HEADER] == 'protector 1.5':
                context.status_code = 406
                return REFUSED
            return {'protection_group': {'rpo_grade': 'ok'}}
        self.http.get(self.tenant('protection-groups/web'), json=answer)

        self.assertEqual({'rpo_grade': 'ok'},
                         self.client.protection_groups.get('web'))
        self.assertEqual(['protector 1.5', 'protector 1.2'],
                         [r.headers[HEADER] for r in
                          self.http.request_history[1:]])

    def test_other_errors_are_not_retried(self):
        self.http.get(self.tenant('protection-groups/web'), status_code=404,
                      json={'error': {'code': 404, 'title': 'Not Found',
                                      'error_code': 'not_found',
                                      'message': 'Protection group web was '
                                                 'not found.'}})

        self.assertRaises(exceptions.NotFound,
                          self.client.protection_groups.get, 'web')
        self.assertEqual(1, len(self.http.request_history[1:]))

    def test_a_newer_client_version_is_kept(self):
        newer = client.Client(self.session, api_version='1.7')
        self.http.get(self.tenant('protection-groups/web'),
                      json={'protection_group': {}})

        newer.protection_groups.get('web')

        self.assertEqual('protector 1.7', self.last().headers[HEADER])

    def test_other_calls_keep_the_client_version(self):
        self.http.get(self.tenant('protection-groups/web/members'),
                      json={'members': []})

        self.client.members.list('web')

        self.assertEqual('protector 1.0', self.last().headers[HEADER])
