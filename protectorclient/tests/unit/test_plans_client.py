"""Plan imports prefer API 1.4 (the whole Acura format, warnings)."""

from protectorclient.tests.unit import test_client

HEADER = 'OpenStack-API-Version'
PLAN = {'devices': {'db-1': {'rank': 0, 'ntp_server': 'ntp.example'}},
        'subnets': {}}
WARNING = ('devices.db-1.ntp_server: ntp_server has no OpenStack meaning, '
           'so it is kept and exported unchanged but not applied')
REFUSED = {'error': {'code': 406, 'title': 'Not Acceptable',
                     'error_code': 'version_not_supported',
                     'message': 'Version 1.4 is not supported by this '
                                'site: it serves protector 1.0 to 1.3.'}}


class TestPlanImport(test_client.ClientTestCase):

    def path(self):
        return self.tenant('protection-groups/web/plan')

    def test_import_asks_for_1_4_and_returns_the_warnings(self):
        self.http.put(self.path(), json={'plan': PLAN,
                                         'warnings': [WARNING]})

        stored, warnings = self.client.plans.update_with_warnings('web',
                                                                  PLAN)

        self.assertEqual('protector 1.4', self.last().headers[HEADER])
        self.assertEqual({'plan': PLAN}, self.last().json())
        self.assertEqual((PLAN, [WARNING]), (stored, warnings))
        self.assertEqual(PLAN, self.client.plans.update('web', PLAN))

    def test_an_older_site_answers_no_warnings(self):
        def answer(request, context):
            if request.headers[HEADER] == 'protector 1.4':
                context.status_code = 406
                return REFUSED
            return {'plan': PLAN}
        self.http.put(self.path(), json=answer)

        self.assertEqual((PLAN, []), self.client.plans.update_with_warnings(
            'web', PLAN))
        self.assertEqual(['protector 1.4', 'protector 1.0'],
                         [r.headers[HEADER] for r in
                          self.http.request_history[1:]])
