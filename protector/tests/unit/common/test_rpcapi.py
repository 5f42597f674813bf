"""The engine RPC client and the manager that serves it agree.

protector-api and protector-engine share no code for the RPC API but the
names in ``protector.common.rpcapi``: a method renamed, an argument added
on one side only or a version the engine does not serve would fail only
when the two processes meet.  These tests make them meet here.
"""

import inspect

import fixtures
import oslo_messaging as messaging
from oslo_messaging import _utils as messaging_utils

from protector.common import exception
from protector.common import rpc
from protector.common import rpcapi
from protector.engine import manager
from protector.tests.unit import base

CONF = base.CONF


def _public_methods(cls):
    return {name for name, member in inspect.getmembers(cls)
            if inspect.isfunction(member) and not name.startswith('_')}


def _arguments(function):
    """Argument names after ``self``, in order."""
    return list(inspect.signature(function).parameters)[1:]


class TestEngineRPCAPI(base.TestCase):

    def setUp(self):
        super().setUp()
        rpc.cleanup()
        self.addCleanup(rpc.cleanup)

    def _send(self, client, name):
        """Call ``name`` with a distinct value for each argument.

        :returns: the version, method and arguments it sent, and the
            arguments it was given.
        """
        sent = []

        def call(cctxt, context, method, **kwargs):
            sent.append((cctxt.target.version, method, kwargs))
            return 'answer of %s' % method

        arguments = _arguments(getattr(type(client), name))[1:]
        kwargs = {argument: 'value-of-%s' % argument
                  for argument in arguments}
        with fixtures.MockPatchObject(rpc, 'call', side_effect=call):
            answer = getattr(client, name)(self.context, **kwargs)
        self.assertEqual('answer of %s' % name, answer)
        (version, method, sent_kwargs), = sent
        return version, method, sent_kwargs, kwargs

    def test_versions_in_sync(self):
        self.assertEqual(manager.EngineManager.RPC_API_VERSION,
                         rpcapi.EngineAPI.RPC_API_VERSION)
        self.assertEqual(manager.EngineManager.RPC_API_VERSION,
                         manager.EngineManager.target.version)
        self.assertIsNone(manager.EngineManager.target.namespace)

    def test_the_manager_serves_every_method_with_its_arguments(self):
        for name in sorted(_public_methods(rpcapi.EngineAPI)):
            served = getattr(manager.EngineManager, name, None)
            self.assertIsNotNone(served, 'EngineManager has no %s' % name)
            self.assertEqual(_arguments(getattr(rpcapi.EngineAPI, name)),
                             _arguments(served), name)

    def test_every_method_of_the_manager_has_a_client(self):
        # ping is sent by rpc.call before every call.
        self.assertEqual(_public_methods(manager.EngineManager),
                         _public_methods(rpcapi.EngineAPI) | {'ping'})
        self.assertEqual(['context'], _arguments(manager.EngineManager.ping))

    def test_each_call_sends_a_version_the_manager_serves(self):
        client = rpcapi.EngineAPI()
        served = manager.EngineManager.target.version
        for name in sorted(_public_methods(rpcapi.EngineAPI)):
            version, method, sent, kwargs = self._send(client, name)
            self.assertEqual(name, method)
            self.assertEqual(kwargs, sent, name)
            self.assertTrue(
                messaging_utils.version_is_compatible(served, version),
                '%s is sent as %s; the engine serves %s'
                % (name, version, served))
            self.assertTrue(client.client.can_send_version(version), name)

    def test_newest_version_when_not_pinned(self):
        client = rpcapi.EngineAPI()

        self.assertEqual(rpcapi.EngineAPI.RPC_API_VERSION,
                         client.client.version_cap)
        self.assertEqual(CONF.engine.topic, client.client.target.topic)

    def test_pinned_version_caps_the_client(self):
        self.conf.config(engine='2.0', group='upgrade_levels')

        self.assertEqual('2.0', rpcapi.EngineAPI().client.version_cap)

    def test_a_pin_below_a_method_refuses_it_before_sending(self):
        self.conf.config(engine='1.0', group='upgrade_levels')
        client = rpcapi.EngineAPI()

        self.assertRaises(messaging.RPCVersionCapError,
                          client.group_delete, self.context, 'group-1')

    def test_a_pin_must_be_a_version(self):
        self.assertRaises(ValueError, self.conf.config, engine='two',
                          group='upgrade_levels')

    def test_only_a_local_change_needs_2_1(self):
        self.conf.config(engine='2.0', group='upgrade_levels')
        client = rpcapi.EngineAPI()
        sent = []

        def call(cctxt, context, method, **kwargs):
            sent.append((cctxt.target.version, kwargs))
        with fixtures.MockPatchObject(rpc, 'call', side_effect=call):
            client.plan_import(self.context, 'group-1', {'devices': {}})

        self.assertEqual([('2.0', {'group_id': 'group-1',
                                   'plan': {'devices': {}}})], sent)
        error = self.assertRaises(exception.ServiceUnavailable,
                                  client.plan_import, self.context,
                                  'group-1', {}, local=True)
        self.assertIn('protector-api is pinned to 2.0 ([upgrade_levels] '
                      'engine)', error.msg)
