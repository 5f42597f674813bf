"""``openstack protector protection-group plan-show|plan-import|
plan-export``.

A recovery plan is the JSON document ``{"devices": {...}, "subnets":
{...}}``: per device its boot ``rank``, its ``boot_condition`` and its
overrides.  ``plan-export`` writes exactly what ``plan-import`` reads.
"""

import json

from osc_lib.command import command
from osc_lib import exceptions

from protectorclient.osc import common
from protectorclient.osc.v1 import protection_groups

COLUMNS = ('Device', 'Rank', 'Boot Condition', 'Overrides')


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


def read_plan(path):
    """Load a plan file; every failure is a one-line CommandError."""
    try:
        with open(path, encoding='utf-8') as f:
            plan = json.load(f)
    except OSError as e:
        raise exceptions.CommandError(
            "Cannot read plan file '%s': %s." % (path, e.strerror or e))
    except (ValueError, UnicodeDecodeError) as e:
        raise exceptions.CommandError(
            "Plan file '%s' is not valid JSON: %s." % (path, e))
    if isinstance(plan, dict) and set(plan) == {'plan'}:
        plan = plan['plan']
    if not isinstance(plan, dict):
        raise exceptions.CommandError(
            "Plan file '%s' must hold a JSON object with 'devices' and "
            "'subnets'." % path)
    return plan


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
    """Replace the recovery plan of a protection group from a JSON file"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        parser.add_argument('file', metavar='<file>',
                            help='JSON file with "devices" and "subnets"')
        protection_groups.add_local_argument(parser)
        return parser

    def take_action(self, parsed_args):
        plan = read_plan(parsed_args.file)
        client = self.app.client_manager.protector
        group = parsed_args.protection_group
        imported = client.plans.update(group, plan, local=parsed_args.local)
        if parsed_args.local:
            protection_groups.report_local_changes(self.app, client, group)
        return COLUMNS, plan_rows(imported)


class ExportPlan(command.Command):
    """Write the recovery plan of a protection group as JSON"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        parser.add_argument('--file', metavar='<file>',
                            help='Write to this file (default: stdout)')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        plan = client.plans.get(parsed_args.protection_group)
        text = json.dumps(plan, indent=2, sort_keys=True) + '\n'
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
