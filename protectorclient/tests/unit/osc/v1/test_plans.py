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

    def setUp(self):
        super().setUp()
        self.update = self.client.plans.update_with_warnings
        self.update.return_value = (PLAN, [])

    def test_import(self):
        path = self.write('plan.json', json.dumps(PLAN))
        columns, rows = self.run_command(plans.ImportPlan, ['web', path])
        self.update.assert_called_once_with('web', PLAN, local=False)
        self.assertEqual(3, len(rows))
        self.assertEqual('', self.app.stderr.getvalue())
        self.client.protection_groups.get.assert_not_called()

    def test_import_local(self):
        path = self.write('plan.json', json.dumps(PLAN))
        self.client.protection_groups.get.return_value = {
            'local_changes': {'site': 'site-a', 'first_version': 5,
                              'last_version': 5,
                              'since': '2026-12-07T10:00:00Z'}}

        columns, rows = self.run_command(plans.ImportPlan,
                                         ['web', path, '--local'])

        self.update.assert_called_once_with('web', PLAN, local=True)
        self.assertEqual(3, len(rows))
        self.assertIn('the group holds version 5 made on site-a alone',
                      self.app.stderr.getvalue())

    def test_import_accepts_wrapped_document(self):
        path = self.write('plan.json', json.dumps({'plan': PLAN}))
        self.run_command(plans.ImportPlan, ['web', path])
        self.update.assert_called_once_with('web', PLAN, local=False)

    def test_warnings_are_printed_on_stderr(self):
        path = self.write('plan.json', json.dumps(PLAN))
        self.update.return_value = (PLAN, [
            'devices.db-1.ntp_server: ntp_server has no OpenStack meaning',
            "devices.web-1.ports.0.subnet: 'external' is neither a key"])

        out = self.output(plans.ImportPlan, ['web', path])

        self.assertIn('web-1', out)
        self.assertEqual(
            'Warning: devices.db-1.ntp_server: ntp_server has no OpenStack '
            'meaning\nWarning: devices.web-1.ports.0.subnet: \'external\' '
            'is neither a key\n', self.app.stderr.getvalue())

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
        self.update.side_effect = exceptions.BadRequest(
            'The recovery plan has 1 problem(s).',
            problems=['devices.web-1.rank: must be an integer >= 0'])
        e = self.assertRaises(exceptions.BadRequest, self.run_command,
                              plans.ImportPlan, ['web', path])
        self.assertEqual('The recovery plan has 1 problem(s).\n'
                         'devices.web-1.rank: must be an integer >= 0',
                         str(e))


class TestImportTable(PlanTestCase):
    """A CSV table of servers applied to the current plan."""

    def setUp(self):
        super().setUp()
        self.client.plans.get.return_value = PLAN
        self.update = self.client.plans.update_with_warnings
        self.update.side_effect = lambda group, plan, local: (plan, [])

    def test_a_csv_file_is_applied_to_the_current_plan(self):
        path = self.write('servers.csv', 'name,rank,delay,flavor\n'
                                         'db-1,0,,\napp-1,2,30,m1.small\n'
                                         'web-1,1,60,m1.large\n')

        columns, rows = self.run_command(plans.ImportPlan, ['web', path])

        self.client.plans.get.assert_called_once_with('web')
        (_, sent), _ = self.update.call_args
        self.assertEqual({
            'web-1': PLAN['devices']['web-1'],
            'db-1': {'rank': 0, 'boot_condition': {'type': 'active'}},
            'app-1': {'rank': 2, 'flavor': 'm1.small', 'boot_condition': {
                'type': 'wait', 'delay_seconds': 30}}}, sent['devices'])
        self.assertEqual(PLAN['subnets'], sent['subnets'])
        self.assertEqual(['db-1', 'web-1', 'app-1'], [r[0] for r in rows])

    def test_input_format_names_a_table_of_any_name(self):
        path = self.write('servers.txt', 'name,rank\ndb-1,0\napp-1,1\n'
                                         'web-1,1\n')

        self.run_command(plans.ImportPlan, ['web', path, '--input-format',
                                            'csv'])

        (_, sent), _ = self.update.call_args
        self.assertEqual({'db-1', 'app-1', 'web-1'}, set(sent['devices']))
        e = self.assertRaises(osc_exceptions.CommandError, self.run_command,
                              plans.ImportPlan, ['web', path])
        self.assertIn('A CSV table of servers is read with --input-format '
                      'csv.', str(e))

    def test_table_problems_name_rows_and_columns(self):
        path = self.write('servers.csv', 'name,rank,ip\ndb-1,x,\n'
                                         'web-1,1,10.0.0\n')

        e = self.assertRaises(osc_exceptions.CommandError, self.run_command,
                              plans.ImportPlan, ['web', path])

        self.assertEqual(
            "CSV file '%s' has 2 problem(s); fix every one and import it "
            "again.\nrow 2, column rank: 'x' is not a whole number from 0 "
            "to 1000\nrow 3, column ip: '10.0.0' is not an IP address"
            % path, str(e))
        self.update.assert_not_called()

    def test_unused_columns_are_said(self):
        path = self.write('servers.csv', 'name,rank,cidr\n'
                                         'db-1,0,10.0.0.0/24\n')

        self.run_command(plans.ImportPlan, ['web', path])

        self.assertEqual(
            "Warning: column 'cidr' of %s is not used (the columns: name, "
            "id, rank, delay, flavor, ip)\n" % path,
            self.app.stderr.getvalue())

    def test_server_problems_and_warnings_name_rows(self):
        path = self.write('servers.csv', 'name,rank\ndb-1,0\nweb-1,1\n')
        self.update.side_effect = exceptions.BadRequest(
            'The recovery plan has 2 problem(s).', error_code='plan_invalid',
            problems=['devices.web-1.flavor: bad', 'devices: member app-1 '
                      'is missing'])

        e = self.assertRaises(exceptions.BadRequest, self.run_command,
                              plans.ImportPlan, ['web', path])

        self.assertEqual('plan_invalid', e.error_code)
        self.assertEqual(['row 3, column flavor: devices.web-1.flavor: bad',
                          'devices: member app-1 is missing'], e.problems)


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

    def test_export_keeps_the_order_of_the_plan(self):
        self.client.plans.get.return_value = {'devices': {'web-1': {
            'rank': 0, 'ports': {'port_0': {'subnet': 'a'},
                                 'port_10': {'subnet': 'a'},
                                 'port_2': {'subnet': 'a'}}}}}

        self.run_command(plans.ExportPlan, ['web'])

        ports = json.loads(self.app.stdout.getvalue())['devices'][
            'web-1']['ports']
        self.assertEqual(['port_0', 'port_10', 'port_2'], list(ports))

    def test_export_a_table(self):
        self.client.plans.get.return_value = PLAN
        self.run_command(plans.ExportPlan, ['web', '--format', 'csv'])
        self.assertEqual('name,id,rank,delay,flavor,ip\ndb-1,,0,,,\n'
                         'app-1,,1,,,\nweb-1,,1,60,m1.large,\n',
                         self.app.stdout.getvalue())
        path = os.path.join(self.tmp, 'servers.csv')
        self.run_command(plans.ExportPlan, ['web', '--file', path])
        with open(path) as f:
            self.assertEqual(self.app.stdout.getvalue(), f.read())

    def test_export_unwritable(self):
        self.client.plans.get.return_value = PLAN
        path = os.path.join(self.tmp, 'no-such-dir', 'out.json')
        e = self.assertRaises(osc_exceptions.CommandError, self.run_command,
                              plans.ExportPlan, ['web', '--file', path])
        self.assertIn("Cannot write plan file", str(e))
