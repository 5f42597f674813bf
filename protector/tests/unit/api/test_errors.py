"""Errors reach the user as JSON with only the message meant for them."""

import sys

import fixtures
from oslo_messaging._drivers import common as rpc_common

from protector.common import exception
from protector.common import rpc
from protector.tests.unit import base

MEMBER_A = base.member_of(base.PROJECT_A)


def over_rpc(error):
    """``error`` as a real transport re-raises it in the API process."""
    try:
        raise error
    except exception.ProtectorException:
        data = rpc_common.serialize_remote_exception(sys.exc_info())
    return rpc_common.deserialize_remote_exception(data, rpc.ALLOWED_EXMODS)


class TestEngineErrors(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.deployment()

    def _engine_raises(self, error):
        self.useFixture(fixtures.MockPatch(
            'protector.engine.rpcapi.EngineAPI._call',
            side_effect=over_rpc(error)))

    def test_message_has_no_engine_traceback(self):
        self._engine_raises(exception.OutOfSync(
            group='web-tier', local_version=2, local_site='site-a',
            remote_version=3, remote_site='site-b'))

        response = self.request('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'x'}}, MEMBER_A)

        error = self.assertError(response, 409)
        self.assertTrue(error['message'].startswith(
            "Protection group 'web-tier' is out of sync: version 2 on "
            "site-a, version 3 on site-b."), error['message'])
        self.assertNotIn('Traceback', response.text)
        self.assertNotIn('.py', response.text)

    def test_plan_problems_survive(self):
        problems = ['devices.web.rank: -1 is less than the minimum of 0',
                    'subnets.a.cidr: bad']
        self._engine_raises(exception.PlanInvalid(count=2,
                                                  problems=problems))

        response = self.request('PUT', self.group_path('web-tier', '/plan'),
                                {'plan': {'devices': {}}}, MEMBER_A)

        error = self.assertError(response, 400, 'The recovery plan has 2 '
                                                'problem(s)')
        self.assertEqual(problems, error['problems'])
        self.assertNotIn('Traceback', response.text)

    def test_unexpected_error_shows_no_detail(self):
        self.useFixture(fixtures.MockPatch(
            'protector.engine.rpcapi.EngineAPI._call',
            side_effect=RuntimeError('database password is hunter2')))

        response = self.request('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'x'}}, MEMBER_A)

        self.assertError(response, 500, 'protector-api log has the details')
        self.assertNotIn('hunter2', response.text)
        self.assertNotIn('RuntimeError', response.text)
