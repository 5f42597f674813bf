"""Unit test base: SQLite database, fake RPC, a real engine in-thread."""

import json
import os
import tempfile
import uuid

import fixtures
from oslo_config import fixture as config_fixture
import oslo_messaging as messaging
from oslo_messaging.notify import _impl_test
from oslo_serialization import jsonutils
import testtools
import webob

from protector.api import app
from protector.common import context
from protector.common import crypto
from protector.common import notifications
from protector.common import rpc
from protector import conf as protector_conf
from protector.conf import opts
from protector.db import api as db_api
from protector.db import migration
from protector.db import models
from protector.engine import manager
from protector import policy
from protector.tests.fake_drivers import cloud as fake_cloud
from protector.tests.fake_drivers import storage as fake_storage
from protector.tests.unit import fakes

CONF = protector_conf.CONF
ADMIN = {'X-Roles': 'admin,member,reader', 'X-Project-Id': 'admin-project'}


def member_of(project_id, role='member'):
    roles = {'member': 'member,reader', 'reader': 'reader'}[role]
    return {'X-Roles': roles, 'X-Project-Id': project_id}


class HeaderAuth(object):
    """Trust the identity headers the test sends.

    keystonemiddleware sets the same headers after validating a token.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        environ['HTTP_X_IDENTITY_STATUS'] = 'Confirmed'
        environ.setdefault('HTTP_X_USER_ID', 'test-user')
        return self.application(environ, start_response)


_DB_DIR = None
CONF([], project='protector', default_config_files=[])


def _database():
    """One SQLite file per test process, migrated once; emptied per test.

    The engine facade can be configured only once per process.
    """
    global _DB_DIR
    if _DB_DIR is None:
        _DB_DIR = tempfile.mkdtemp(prefix='protector-unit-')
        CONF.set_override('sqlite_synchronous', False, group='database')
        CONF.set_override('connection',
                          'sqlite:///%s/protector.db' % _DB_DIR,
                          group='database')
        db_api.configure(CONF)
        migration.upgrade()
    with db_api.get_engine().begin() as connection:
        for table in reversed(models.Base.metadata.sorted_tables):
            connection.execute(table.delete())


class TestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.Timeout(60, gentle=True))
        state = self.useFixture(fixtures.TempDir()).path
        self.conf = self.useFixture(config_fixture.Config(CONF))
        # The fixture's clean-up un-parses CONF; parse it again.
        CONF([], project='protector', default_config_files=[])
        opts.set_defaults(CONF)
        rpc.register_opts(CONF)
        self.conf.config(state_path=state, site_name='site-a')
        self.conf.config(transport_url='fake:/')
        crypto.reset()
        self.addCleanup(crypto.reset)
        policy.reset()
        fake_cloud.reset()
        fake_storage.reset()
        _database()
        self.context = context.get_admin_context()


class Notifications(fixtures.Fixture):
    """The notifications sent, kept by oslo.messaging's 'test' driver."""

    def _setUp(self):
        # Registers [oslo_messaging_notifications] before it is set.
        messaging.get_notification_transport(CONF)
        self.useFixture(config_fixture.Config(CONF)).config(
            driver=['test'], group='oslo_messaging_notifications')
        notifications.reset()
        self.addCleanup(notifications.reset)
        _impl_test.reset()
        self.addCleanup(_impl_test.reset)

    def sent(self, prefix=''):
        """``[(event_type, priority, payload data)]`` in order sent."""
        return [(message['event_type'], priority,
                 message['payload']['protector_object.data'])
                for _context, message, priority, _retry
                in _impl_test.NOTIFICATIONS
                if message['event_type'].startswith(prefix)]


class APITestCase(TestCase):
    """Drives the WSGI app in-process, with the engine on fake RPC."""

    def setUp(self):
        super().setUp()
        rpc.cleanup()
        self.addCleanup(rpc.cleanup)
        # An idle RPC worker thread notices a stop only after this many
        # seconds (1 by default), which server.wait() waits for.
        self.useFixture(fixtures.MockPatch(
            'futurist._thread.ThreadWorker.MAX_IDLE_FOR', 0.01))
        self.engine = manager.EngineManager()
        self.rpc_server = rpc.get_server(CONF.engine.topic, 'test-host',
                                         [self.engine])
        self.rpc_server.start()
        self.addCleanup(lambda: self.rpc_server.wait())
        self.addCleanup(lambda: self.rpc_server.stop())
        self.app = app.build(CONF, auth=HeaderAuth)

    def request(self, method, path, body=None, headers=None, raw=None):
        req = webob.Request.blank(path, method=method)
        req.headers.update(headers or ADMIN)
        if body is not None:
            req.body = jsonutils.dump_as_bytes(body)
            req.content_type = 'application/json'
        elif raw is not None:
            req.body = raw
        req.ResponseClass = Response
        return req.get_response(self.app)


class Response(webob.Response):
    """The answer as the client got it; ``json_body`` never changes it."""

    @property
    def json_body(self):
        try:
            return jsonutils.loads(self.text) if self.text else None
        except ValueError:
            return None


# A two-site deployment seen from site-a, with the peer site-b faked at
# the PeerClient boundary and the clouds faked by the fake cloud driver.

PROJECT_A = 'project-a'
PROJECT_A_ON_B = 'project-a-on-site-b'
PROJECT_B = 'project-b'
PROJECT_B_ON_B = 'project-b-on-site-b'

SITE_A_PASSWORD = 'site-a-password-3c1f9'
SITE_B_PASSWORD = 'site-b-password-77e0d'
PRIMARY_TOKEN = 'primary-fa-token-0b6f5a1e'
SECONDARY_TOKEN = 'secondary-fa-token-9d2c44c3'
SECRETS = (SITE_A_PASSWORD, SITE_B_PASSWORD, PRIMARY_TOKEN,
           SECONDARY_TOKEN)

WEB_ID = '52ce9361-b282-72b6-425a-f67347c5b79a'
DB_ID = '522f3448-6a56-aa45-2131-207f7dda6664'
PLAIN_ID = '6a0b3ba5-2c4e-4f43-9d3e-2b1b5a0c8e11'
EPHEMERAL_ID = '0d2f6b8e-5b52-4a55-8d5c-4a5ad1c0f7a2'
OTHER_PROJECT_ID = 'f3c1f1f4-9f55-4e1e-9f0e-3f5cfc1c4b7d'
MAIN_SUBNET_ID = 'eda47a07-d1dd-4aca-ae8f-c652e997008e'
EXTERNAL_SUBNET_ID = '8e1bd2a4-6f0c-4a0e-9a3b-0a3e8f2b6c55'


def site_body(name, password, **extra):
    body = {'name': name, 'auth_url': 'http://%s.example:5000/v3' % name,
            'username': 'protector', 'password': password,
            'project_name': 'service'}
    body.update(extra)
    return {'site': body}


def volume_id(server_name):
    """The id of a server's boot volume (a valid array volume name)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, server_name))


def server(server_id, name, project_id=PROJECT_A, volume_type='replicated',
           ip='192.168.15.10', mac='fa:16:3e:00:00:01', volumes=True,
           external_ip=None):
    spec = {
        'id': server_id, 'name': name, 'project_id': project_id,
        'flavor': 'm1.small', 'image': 'cirros-0.6',
        'availability_zone': 'nova', 'key_name': 'ops',
        'metadata': {'tier': name}, 'server_group': None,
        'security_groups': ['default'], 'user_data': None,
        'ports': [{'port_id': 'port-%s' % name, 'network_id': 'net-main',
                   'mac_address': mac,
                   'fixed_ips': [{'subnet_id': MAIN_SUBNET_ID,
                                  'ip_address': ip,
                                  'cidr': '192.168.15.0/24'}]}],
        'volumes': [],
    }
    if external_ip:
        spec['ports'].append({
            'port_id': 'port-%s-external' % name, 'network_id': 'net-ext',
            'mac_address': 'fa:16:3e:00:01:01',
            'fixed_ips': [{'subnet_id': EXTERNAL_SUBNET_ID,
                           'ip_address': external_ip,
                           'cidr': '203.0.113.0/24'}]})
    if volumes:
        spec['volumes'] = [{'volume_id': volume_id(name),
                            'volume_type': volume_type, 'size': 10,
                            'boot_index': 0, 'device': '/dev/vda',
                            'bootable': True}]
    return spec


def inventory():
    """The fake clouds of both sites (format: tests/fake_drivers/cloud.py)."""
    services = {'compute': True, 'block-storage': True, 'network': True}
    volume_types = [{'id': 'vt-1', 'name': 'replicated',
                     'replication_type': 'async', 'backend': 'pure@fa1'}]
    return {
        'site-a': {
            'services': services, 'volume_types': volume_types,
            'servers': [
                server(WEB_ID, 'IIS-Demo', ip='192.168.15.112',
                       external_ip='203.0.113.12'),
                server(DB_ID, 'rhel7.2', ip='192.168.15.100',
                       mac='fa:16:3e:00:00:02'),
                server(PLAIN_ID, 'plain', volume_type='standard'),
                server(EPHEMERAL_ID, 'ephemeral', volumes=False),
                server(OTHER_PROJECT_ID, 'other', project_id=PROJECT_B),
            ]},
        'site-b': {'services': services,
                   'volume_types': volume_types + [{
                       'id': 'vt-2', 'name': 'replicated-b',
                       'replication_type': 'async',
                       'backend': 'pure@fb1'}],
                   'servers': []},
    }


class ScenarioTestCase(APITestCase):
    """site-a (this site) and site-b (the peer), both faked at the edges."""

    def setUp(self):
        super().setUp()
        self.peer = fakes.FakePeer()
        self.useFixture(fixtures.MockPatch(
            'protector.engine.peer.PeerClient', new=self.peer.client))
        self.keystone = fakes.FakeKeystone()
        self.useFixture(fixtures.MockPatch(
            'protector.common.keystone.site_session',
            new=self.keystone.session))
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'inventory.json')
        with open(path, 'w') as inventory_file:
            json.dump(inventory(), inventory_file)
        self.conf.config(cloud='fake', storage='fake', group='drivers')
        self.conf.config(inventory_file=path, group='fake_cloud')

    # Requests that must succeed

    def ok(self, method, path, body=None, headers=None, status=200):
        response = self.request(method, path, body, headers)
        self.assertEqual(status, response.status_int, response.text)
        return response.json_body

    def assertError(self, response, code, *fragments):
        """``response`` is error ``code`` whose message has ``fragments``."""
        self.assertEqual(code, response.status_int, response.text)
        error = response.json_body['error']
        self.assertEqual(code, error['code'])
        self.assertRegex(error['error_code'], r'^[a-z][a-z_]*[a-z]$')
        for fragment in fragments:
            self.assertIn(fragment, error['message'])
        return error

    # Building the scenario

    def register_sites(self):
        self.site_a = self.ok('POST', '/v1/admin/sites', site_body(
            'site-a', SITE_A_PASSWORD), status=201)['site']
        self.site_b = self.ok('POST', '/v1/admin/sites', site_body(
            'site-b', SITE_B_PASSWORD), status=201)['site']

    def map_project(self, project=PROJECT_A, remote=PROJECT_A_ON_B):
        self.peer.local_projects[remote] = project
        body = {'tenant_mapping': {'local_project_id': project,
                                   'remote_site': 'site-b',
                                   'remote_project_id': remote}}
        return self.ok('POST', '/v1/admin/tenant-mappings', body,
                       status=201)['tenant_mapping']

    def groups_path(self, project=PROJECT_A):
        return '/v1/%s/protection-groups' % project

    def group_path(self, group, suffix='', project=PROJECT_A):
        return '%s/%s%s' % (self.groups_path(project), group, suffix)

    def create_group(self, name='web-tier', project=PROJECT_A, headers=None,
                     **fields):
        body = {'name': name, 'replication_type': 'async',
                'primary_site': 'site-a', 'secondary_site': 'site-b',
                'volume_type': 'replicated'}
        body.update(fields)
        return self.ok('POST', self.groups_path(project),
                       {'protection_group': body},
                       headers or member_of(project),
                       status=201)['protection_group']

    def add_member(self, group, server_ref, project=PROJECT_A):
        return self.ok('POST', self.group_path(group, '/members', project),
                       {'member': {'server': server_ref}},
                       member_of(project), status=201)['member']

    def set_policy(self, group, project=PROJECT_A):
        body = {'policy': {'primary_fa_url': 'https://fa-a.test',
                           'primary_fa_token': PRIMARY_TOKEN,
                           'secondary_fa_url': 'https://fa-b.test',
                           'secondary_fa_token': SECONDARY_TOKEN,
                           'rpo_minutes': 15}}
        return self.ok('POST', self.group_path(group, '/policy', project),
                       body, member_of(project), status=201)['policy']

    def show_group(self, group, project=PROJECT_A):
        return self.ok('GET', self.group_path(group, project=project),
                       headers=member_of(project))['protection_group']

    def deployment(self):
        """Sites, a tenant mapping and a group 'web-tier' in project A."""
        self.register_sites()
        self.map_project()
        return self.create_group()
