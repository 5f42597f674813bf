import argparse
from unittest import mock

from osc_lib import exceptions as osc_exceptions
import testtools

from protectorclient import client
from protectorclient.osc import plugin


class FakeInstance:

    def __init__(self, version='1.0', config=None):
        self._api_version = {'protector': version}
        self.session = mock.Mock(name='session')
        self.region_name = 'RegionTwo'
        self.interface = 'internal'
        self._config = config or {'auth_type': 'password'}

    def get_configuration(self):
        return dict(self._config)


class TestPlugin(testtools.TestCase):

    def test_interface(self):
        self.assertEqual('protector', plugin.API_NAME)
        self.assertEqual('os_protector_api_version',
                         plugin.API_VERSION_OPTION)
        self.assertIn('1', plugin.API_VERSIONS)

    def test_make_client(self):
        instance = FakeInstance()
        c = plugin.make_client(instance)
        self.assertIsInstance(c, client.Client)
        self.assertIs(instance.session, c.session)
        self.assertEqual('RegionTwo', c.region_name)
        self.assertEqual('internal', c.interface)
        self.assertEqual('1.0', c.api_version)

    def test_make_client_endpoint_override_and_noauth_project(self):
        instance = FakeInstance(version='1', config={
            'auth_type': 'none', 'auth': {'project_id': 'p1'},
            'protector_endpoint_override': 'http://lab:8788'})
        c = plugin.make_client(instance)
        self.assertEqual('1.0', c.api_version)
        self.assertEqual('http://lab:8788', c.root_url)
        self.assertEqual('p1', c.project_id)

    def test_check_api_version(self):
        self.assertTrue(plugin.check_api_version('1'))
        self.assertTrue(plugin.check_api_version('1.0'))
        self.assertRaises(osc_exceptions.CommandError,
                          plugin.check_api_version, '2.0')
        self.assertRaises(osc_exceptions.CommandError,
                          plugin.check_api_version, 'latest')

    def test_option(self):
        parser = plugin.build_option_parser(argparse.ArgumentParser())
        args = parser.parse_args(['--os-protector-api-version', '1.0'])
        self.assertEqual('1.0', args.os_protector_api_version)
