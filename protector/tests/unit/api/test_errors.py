"""Errors reach the user as JSON with only the message meant for them."""

import sys
import time

import fixtures
from oslo_messaging._drivers import common as rpc_common

from oslo_config import cfg

from protector.common import exception
from protector.common import rpc
from protector.tests.unit import base

CONF = cfg.CONF
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
            'protector.common.rpc.call',
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
            'protector.common.rpc.call',
            side_effect=RuntimeError('database password is hunter2')))

        response = self.request('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'x'}}, MEMBER_A)

        self.assertError(response, 500, 'protector-api log has the details')
        self.assertNotIn('hunter2', response.text)
        self.assertNotIn('RuntimeError', response.text)


class TestEngineDown(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.deployment()
        self.conf.config(call_monitor_timeout=2, group='engine')
        self.rpc_server.stop()
        self.rpc_server.wait()

    def test_a_change_is_refused_in_seconds_and_never_made(self):
        started = time.monotonic()
        response = self.request('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'while down'}}, MEMBER_A)
        elapsed = time.monotonic() - started

        error = self.assertError(response, 503, "protector-engine of site "
                                                "'site-a' did not answer "
                                                "within 2 s, so nothing was "
                                                "changed")
        self.assertEqual('engine_unavailable', error['error_code'])
        self.assertLess(elapsed, 10)
        # Back: the refused change is not made after all.
        self.rpc_server = rpc.get_server(CONF.engine.topic, 'test-host',
                                         [self.engine])
        self.rpc_server.start()
        self.assertEqual('', self.show_group('web-tier')['description'])
        self.ok('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'after'}}, MEMBER_A)

    def test_reads_need_no_engine(self):
        self.assertEqual('web-tier', self.show_group('web-tier')['name'])
