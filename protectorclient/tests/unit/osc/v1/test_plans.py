import json
import os

import fixtures
from osc_lib import exceptions as osc_exceptions

from protectorclient import exceptions
from protectorclient.osc.v1 import plans
from protectorclient.tests.unit.osc import fakes

PLAN = {
    'devices': {
        'web-1': {'rank': 1, 'flavor': 'm1.large',
                  'boot_condition': {'type': 'wait', 'delay_seconds': 60}},
        'db-1': {'rank': 0, 'boot_condition': {'type': 'active'}},
        'app-1': {'rank': 1},
    },
    'subnets': {'internal': {'name': 'internal', 'cidr': '10.0.0.0/24'}},
}


class PlanTestCase(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, 'w') as f:
            f.write(text)
        return path


class TestShowPlan(PlanTestCase):

    def test_rows_in_boot_order(self):
        self.client.plans.get.return_value = PLAN
        columns, rows = self.run_command(plans.ShowPlan, ['web'])
        self.assertEqual(('Device', 'Rank', 'Boot Condition', 'Overrides'),
                         columns)
        self.assertEqual(['db-1', 'app-1', 'web-1'], [r[0] for r in rows])
        out = self.json_output(plans.ShowPlan, ['web'])
        self.assertEqual({'Device': 'web-1', 'Rank': 1,
                          'Boot Condition': {'type': 'wait',
                                             'delay_seconds': 60},
                          'Overrides': {'flavor': 'm1.large'}}, out[2])


class TestImportPlan(PlanTestCase):

    def test_import(self):
        path = self.write('plan.json', json.dumps(PLAN))
        self.client.plans.update.return_value = PLAN
        columns, rows = self.run_command(plans.ImportPlan, ['web', path])
        self.client.plans.update.assert_called_once_with('web', PLAN,
                                                         local=False)
        self.assertEqual(3, len(rows))
        self.client.protection_groups.get.assert_not_called()

    def test_import_local(self):
        path = self.write('plan.json', json.dumps(PLAN))
        self.client.plans.update.return_value = PLAN
        self.client.protection_groups.get.return_value = {
            'local_changes': {'site': 'site-a', 'first_version': 5,
                              'last_version': 5,
                              'since': '2026-12-07T10:00:00Z'}}

        columns, rows = self.run_command(plans.ImportPlan,
                                         ['web', path, '--local'])

        self.client.plans.update.assert_called_once_with('web', PLAN,
                                                         local=True)
        self.assertEqual(3, len(rows))
        self.assertIn('the group holds version 5 made on site-a alone',
                      self.app.stderr.getvalue())

    def test_import_accepts_wrapped_document(self):
        path = self.write('plan.json', json.dumps({'plan': PLAN}))
        self.client.plans.update.return_value = PLAN
        self.run_command(plans.ImportPlan, ['web', path])
        self.client.plans.update.assert_called_once_with('web', PLAN,
                                                         local=False)

    def test_missing_file(self):
        path = os.path.join(self.tmp, 'nope.json')
        e = self.assertRaises(osc_exceptions.CommandError, self.run_command,
                              plans.ImportPlan, ['web', path])
        self.assertEqual("Cannot read plan file '%s': No such file or "
                         "directory." % path, str(e))
        self.client.plans.update.assert_not_called()

    def test_not_json(self):
        path = self.write('plan.json', '{"devices": {,}')
        e = self.assertRaises(osc_exceptions.CommandError, self.run_command,
                              plans.ImportPlan, ['web', path])
        self.assertTrue(str(e).startswith(
            "Plan file '%s' is not valid JSON: " % path), str(e))
        self.assertIn('line 1 column', str(e))
        self.client.plans.update.assert_not_called()

    def test_not_an_object(self):
        path = self.write('plan.json', '[1, 2]')
        e = self.assertRaises(osc_exceptions.CommandError, self.run_command,
                              plans.ImportPlan, ['web', path])
        self.assertIn("must hold a JSON object", str(e))

    def test_server_problems_are_the_message(self):
        path = self.write('plan.json', json.dumps(PLAN))
        self.client.plans.update.side_effect = exceptions.BadRequest(
            'The recovery plan has 1 problem(s).',
            problems=['devices.web-1.rank: must be an integer >= 0'])
        e = self.assertRaises(exceptions.BadRequest, self.run_command,
                              plans.ImportPlan, ['web', path])
        self.assertEqual('The recovery plan has 1 problem(s).\n'
                         'devices.web-1.rank: must be an integer >= 0',
                         str(e))


class TestExportPlan(PlanTestCase):

    def test_export_to_stdout_reimports(self):
        self.client.plans.get.return_value = PLAN
        self.assertIsNone(self.run_command(plans.ExportPlan, ['web']))
        self.assertEqual(PLAN, json.loads(self.app.stdout.getvalue()))

    def test_export_to_file(self):
        self.client.plans.get.return_value = PLAN
        path = os.path.join(self.tmp, 'out.json')
        self.run_command(plans.ExportPlan, ['web', '--file', path])
        self.assertEqual('', self.app.stdout.getvalue())
        self.assertEqual(PLAN, plans.read_plan(path))

    def test_export_unwritable(self):
        self.client.plans.get.return_value = PLAN
        path = os.path.join(self.tmp, 'no-such-dir', 'out.json')
        e = self.assertRaises(osc_exceptions.CommandError, self.run_command,
                              plans.ExportPlan, ['web', '--file', path])
        self.assertIn("Cannot write plan file", str(e))
