"""Operations prefer API 1.3, which shows the engine that runs them."""

from protectorclient.tests.unit import test_client

HEADER = 'OpenStack-API-Version'
ENGINE = {'host': 'controller-a2', 'pid': 2817, 'claims': 2,
          'claimed_at': '2026-03-02T10:01:12Z'}
REFUSED = {'error': {'code': 406, 'title': 'Not Acceptable',
                     'error_code': 'version_not_supported',
                     'message': 'Version 1.3 is not supported by this '
                                'site: it serves protector 1.0 to 1.2.'}}


class TestOperationsPreferEngine(test_client.ClientTestCase):

    def test_list_and_show_ask_for_1_3(self):
        self.http.get(self.tenant('operations'), json={
            'operations': [{'id': 'op-1', 'engine': ENGINE}]})
        self.http.get(self.tenant('operations/op-1'), json={
            'operation': {'id': 'op-1', 'engine': ENGINE}})

        listed = self.client.operations.list()
        self.assertEqual('protector 1.3', self.last().headers[HEADER])
        shown = self.client.operations.get('op-1')
        self.assertEqual('protector 1.3', self.last().headers[HEADER])

        self.assertEqual(ENGINE, listed[0]['engine'])
        self.assertEqual(ENGINE, shown['engine'])

    def test_an_older_site_is_asked_again_once(self):
        def answer(request, context):
            if request.headers[HEADER] == 'protector 1.3':
                context.status_code = 406
                return REFUSED
            return {'operation': {'id': 'op-1'}}
        self.http.get(self.tenant('operations/op-1'), json=answer)

        self.assertEqual({'id': 'op-1'}, self.client.operations.get('op-1'))
        self.assertEqual(['protector 1.3', 'protector 1.0'],
                         [r.headers[HEADER] for r in
                          self.http.request_history[1:]])
        # The site is older: later calls do not ask for 1.3 again.
        self.client.operations.get('op-1')
        self.assertEqual(['protector 1.0'],
                         [r.headers[HEADER] for r in
                          self.http.request_history[3:]])
