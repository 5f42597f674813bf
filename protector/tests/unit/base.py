"""Unit test base: SQLite database, fake RPC, a real engine in-thread."""

import tempfile

import fixtures
from oslo_config import fixture as config_fixture
from oslo_serialization import jsonutils
import testtools
import webob

from protector.api import app
from protector.common import context
from protector.common import crypto
from protector.common import rpc
from protector import conf as protector_conf
from protector.conf import opts
from protector.db import api as db_api
from protector.db import migration
from protector.db import models
from protector.engine import manager
from protector import policy

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
        opts.set_defaults(CONF)
        rpc.register_opts(CONF)
        self.conf.config(state_path=state, site_name='site-a')
        self.conf.config(transport_url='fake:/')
        crypto.reset()
        self.addCleanup(crypto.reset)
        policy.reset()
        _database()
        self.context = context.get_admin_context()


class APITestCase(TestCase):
    """Drives the WSGI app in-process, with the engine on fake RPC."""

    def setUp(self):
        super().setUp()
        rpc.cleanup()
        self.addCleanup(rpc.cleanup)
        self.engine = manager.EngineManager()
        server = rpc.get_server(CONF.engine.topic, 'test-host',
                                [self.engine])
        server.start()
        self.addCleanup(server.wait)
        self.addCleanup(server.stop)
        self.app = app.build(CONF, auth=HeaderAuth)

    def request(self, method, path, body=None, headers=None, raw=None):
        req = webob.Request.blank(path, method=method)
        req.headers.update(headers or ADMIN)
        if body is not None:
            req.body = jsonutils.dump_as_bytes(body)
            req.content_type = 'application/json'
        elif raw is not None:
            req.body = raw
        response = req.get_response(self.app)
        try:
            response.json_body = jsonutils.loads(response.text) \
                if response.text else None
        except ValueError:
            response.json_body = None
        return response
