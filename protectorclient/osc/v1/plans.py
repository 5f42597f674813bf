"""``openstack protector protection-group plan-show|plan-import|
plan-export``.

A recovery plan is the JSON document ``{"devices": {...}, "subnets":
{...}}`` of the Acura DR plan format: per device its boot ``rank``, its
``boot_condition`` and its settings on the recovery site.  ``plan-export``
writes exactly what ``plan-import`` reads, as JSON or as a CSV table of
servers (``protectorclient.v1.plan_table``).
"""

import json

from osc_lib.command import command
from osc_lib import exceptions

from protectorclient import exceptions as client_exceptions
from protectorclient.osc import common
from protectorclient.osc.v1 import protection_groups
from protectorclient.v1 import plan_table

COLUMNS = ('Device', 'Rank', 'Boot Condition', 'Overrides')
FORMATS = ('json', 'csv')


def plan_rows(plan):
    """One row per device in boot order (rank, then name)."""
    devices = (plan or {}).get('devices') or {}

    def boot_order(name):
        rank = devices[name].get('rank')
        return (rank is None, rank if isinstance(rank, int) else 0, name)

    rows = []
    for name in sorted(devices, key=boot_order):
        device = dict(devices[name])
        rank = device.pop('rank', None)
        condition = device.pop('boot_condition', None)
        rows.append((name, rank, common.format_value(condition),
                     common.format_value(device)))
    return rows


def _file_format(chosen, path):
    """The format given, else csv for a file named ``*.csv``."""
    if chosen:
        return chosen
    return 'csv' if (path or '').lower().endswith('.csv') else 'json'


def _read_text(path, what):
    try:
        with open(path, encoding='utf-8') as f:
            return f.read()
    except OSError as e:
        raise exceptions.CommandError(
            "Cannot read %s file '%s': %s." % (what, path, e.strerror or e))
    except UnicodeDecodeError as e:
        raise exceptions.CommandError(
            "%s file '%s' is not UTF-8 text: %s." % (what.capitalize(),
                                                     path, e))


def read_plan(path):
    """Load a plan file; every failure is a one-line CommandError."""
    text = _read_text(path, 'plan')
    try:
        plan = json.loads(text)
    except ValueError as e:
        raise exceptions.CommandError(
            "Plan file '%s' is not valid JSON: %s. A CSV table of servers "
            "is read with --input-format csv." % (path, e))
    if isinstance(plan, dict) and set(plan) == {'plan'}:
        plan = plan['plan']
    if not isinstance(plan, dict):
        raise exceptions.CommandError(
            "Plan file '%s' must hold a JSON object with 'devices' and "
            "'subnets'." % path)
    return plan


def read_table(path):
    """The rows of a CSV file and its unused columns; CommandError else."""
    try:
        return plan_table.read(_read_text(path, 'CSV'))
    except plan_table.TableInvalid as e:
        raise exceptions.CommandError(
            "CSV file '%s' has %d problem(s); fix every one and import it "
            "again.\n%s" % (path, len(e.problems), '\n'.join(e.problems)))


class ShowPlan(command.Lister):
    """Show the recovery plan of a protection group in boot order"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        return COLUMNS, plan_rows(
            client.plans.get(parsed_args.protection_group))


class ImportPlan(command.Lister):
    """Replace the recovery plan of a protection group from a file"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        parser.add_argument('file', metavar='<file>',
                            help='JSON plan with "devices" and "subnets", '
                                 'or a CSV table of servers')
        # Not --format: that option chooses how the result is shown.
        parser.add_argument('--input-format', choices=FORMATS,
                            help='Format of <file> (default: csv for a '
                                 'file named *.csv, else json)')
        protection_groups.add_local_argument(parser)
        return parser

    def _warn(self, text):
        self.app.stderr.write('Warning: %s\n' % text)

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        group = parsed_args.protection_group
        rows = []
        if _file_format(parsed_args.input_format,
                        parsed_args.file) == 'csv':
            rows, unused = read_table(parsed_args.file)
            for column in unused:
                self._warn("column '%s' of %s is not used (the columns: "
                           "%s)" % (column, parsed_args.file,
                                    ', '.join(plan_table.COLUMNS)))
            try:
                plan = plan_table.apply(client.plans.get(group), rows)
            except plan_table.TableInvalid as e:
                raise exceptions.CommandError('\n'.join(e.problems))
        else:
            plan = read_plan(parsed_args.file)
        try:
            stored, warnings = client.plans.update_with_warnings(
                group, plan, local=parsed_args.local)
        except client_exceptions.BadRequest as e:
            if not rows:
                raise
            raise client_exceptions.BadRequest(
                e.message, title=e.title, request_id=e.request_id,
                error_code=e.error_code, problems=[
                    plan_table.locate(p, rows) for p in e.problems])
        for warning in warnings:
            self._warn(plan_table.locate(warning, rows))
        if parsed_args.local:
            protection_groups.report_local_changes(self.app, client, group)
        return COLUMNS, plan_rows(stored)


class ExportPlan(command.Command):
    """Write the recovery plan of a protection group as JSON or CSV"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        parser.add_argument('--file', metavar='<file>',
                            help='Write to this file (default: stdout)')
        parser.add_argument('--format', choices=FORMATS,
                            help='json (the whole plan) or csv (a table of '
                                 'servers); default: csv for a file named '
                                 '*.csv, else json')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        plan = client.plans.get(parsed_args.protection_group)
        if _file_format(parsed_args.format, parsed_args.file) == 'csv':
            text = plan_table.export(plan)
        else:
            # In the plan's own order: ports given as an object boot in it.
            text = json.dumps(plan, indent=2) + '\n'
        if not parsed_args.file:
            self.app.stdout.write(text)
            return
        try:
            with open(parsed_args.file, 'w', encoding='utf-8') as f:
                f.write(text)
        except OSError as e:
            raise exceptions.CommandError(
                "Cannot write plan file '%s': %s." % (
                    parsed_args.file, e.strerror or e))
