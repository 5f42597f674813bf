"""Commands run through a cliff application, as ``openstack`` runs them.

An error is one line of text on stderr and exit status 1, never a
traceback.
"""

import configparser
import importlib
import io
import logging
import os
from unittest import mock

from cliff import app
from cliff import commandmanager
import testtools

from protectorclient import exceptions
from protectorclient.osc.v1 import dr_operations
from protectorclient.osc.v1 import plans
from protectorclient.osc.v1 import protection_groups
from protectorclient.tests.unit import test_client

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__),
                                         *[os.pardir] * 4))

# design.md: the CLI of openstack protector.
EXPECTED_COMMANDS = {
    'site create', 'site list', 'site show', 'site set', 'site delete',
    'site validate', 'site list-volume-types',
    'tenant-mapping create', 'tenant-mapping list', 'tenant-mapping delete',
} | {'protection-group ' + c for c in (
    'create', 'list', 'show', 'set', 'delete', 'sync-status', 'sync-force',
    'member-add', 'member-remove', 'member-list', 'policy-create',
    'policy-show', 'policy-set', 'mapping-set', 'mapping-show',
    'plan-show', 'plan-import', 'plan-export', 'failover', 'failback',
    'test-failover', 'test-cleanup', 'sync', 'health', 'health-history')} | {
    'operation list', 'operation show', 'operation cancel',
    'operation cleanup', 'recovery-point list', 'consistency-group show',
    'health summary'}


class ProtectorApp(app.App):

    def __init__(self, commands):
        manager = commandmanager.CommandManager('protector.tests.none')
        for name, cls in commands.items():
            manager.add_command(name, cls)
        self.stdout = io.StringIO()
        self.stderr = io.StringIO()
        super().__init__('test', '1.0', manager, stdout=self.stdout,
                         stderr=self.stderr)
        self.client_manager = mock.Mock()


def keep_root_logger(test):
    """Undo what a cliff application does to the root logger."""
    root = logging.getLogger('')
    handlers, level = list(root.handlers), root.level

    def restore():
        root.handlers[:] = handlers
        root.setLevel(level)
    test.addCleanup(restore)


class TestShell(testtools.TestCase):

    def setUp(self):
        super().setUp()
        keep_root_logger(self)
        self.app = ProtectorApp({
            'protector protection-group plan-import': plans.ImportPlan,
            'protector protection-group sync-status':
                protection_groups.ShowSyncStatus,
        })
        self.client = self.app.client_manager.protector

    def test_plan_import_missing_file(self):
        rc = self.app.run(['protector', 'protection-group', 'plan-import',
                           'web', '/nonexistent/plan.json'])
        self.assertEqual(1, rc)
        err = self.app.stderr.getvalue()
        self.assertEqual("Cannot read plan file '/nonexistent/plan.json': "
                         "No such file or directory.\n", err)

    def test_server_refusal_is_one_message(self):
        message = ("Protection group 'web' is out of sync: version 7 on "
                   "site-a, version 6 on site-b. Run 'openstack protector "
                   "protection-group sync-force web' on the site that holds "
                   "the workload, then retry.")
        self.client.protection_groups.sync_status.side_effect = (
            exceptions.Conflict(message))
        rc = self.app.run(['protector', 'protection-group', 'sync-status',
                           'web'])
        self.assertEqual(1, rc)
        self.assertEqual(message + '\n', self.app.stderr.getvalue())
        self.assertNotIn('Traceback', self.app.stderr.getvalue())

    def test_sync_status_table(self):
        self.client.protection_groups.sync_status.return_value = {
            'protection_group': 'web', 'local_site': 'site-a',
            'local_version': 7, 'remote_site': 'site-b',
            'remote_version': 7, 'status': 'IN SYNC', 'detail': ''}
        rc = self.app.run(['protector', 'protection-group', 'sync-status',
                           'web'])
        self.assertEqual(0, rc)
        self.assertIn('| Sync Status          | IN SYNC |',
                      self.app.stdout.getvalue())


class TestFailoverRetainPrimary(test_client.ClientTestCase):
    """``--retain-primary`` reaches the server, whose refusal is shown."""

    REFUSAL = ("Invalid field 'failover.retain_primary': must be false: a "
               "failover stops the servers on the source site before it "
               "starts them on the target site. To run copies of them on "
               "the target site while the source site's servers keep "
               "running, start a drill with 'openstack protector "
               "protection-group test-failover' (got true).")

    def setUp(self):
        super().setUp()
        keep_root_logger(self)
        self.app = ProtectorApp({
            'protector protection-group failover': dr_operations.Failover})
        self.app.client_manager.protector = self.client
        self.http.post(self.tenant('protection-groups/web/action'),
                       status_code=400, json={'error': {
                           'code': 400, 'title': 'Bad Request',
                           'error_code': 'invalid_request',
                           'message': self.REFUSAL}})

    def test_the_refusal_names_test_failover(self):
        rc = self.app.run(['protector', 'protection-group', 'failover',
                           'web', '--retain-primary'])

        self.assertEqual(1, rc)
        self.assertEqual({'failover': {'type': 'planned',
                                       'retain_primary': True}},
                         self.last().json())
        self.assertEqual(self.REFUSAL + '\n', self.app.stderr.getvalue())


class TestEntryPoints(testtools.TestCase):
    """setup.cfg registers every command of design.md, and only those."""

    def test_setup_cfg(self):
        config = configparser.ConfigParser()
        config.read(os.path.join(REPO_ROOT, 'setup.cfg'))
        raw = config.get('entry_points', 'openstack.protector.v1',
                         fallback=None)
        if raw is None:
            self.skipTest('setup.cfg does not register the OSC commands')
        self.assertIn('protectorclient.osc.plugin',
                      config.get('entry_points', 'openstack.cli.extension'))
        names = set()
        for line in filter(None, (x.strip() for x in raw.splitlines())):
            name, _, target = (s.strip() for s in line.partition('='))
            module, _, attr = target.partition(':')
            cls = getattr(importlib.import_module(module), attr)
            self.assertTrue(callable(cls.take_action), name)
            self.assertTrue(name.startswith('protector_'), name)
            names.add(name[len('protector_'):].replace('_', ' '))
        self.assertEqual(EXPECTED_COMMANDS, names)
