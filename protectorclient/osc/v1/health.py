"""``openstack protector protection-group health|health-history`` and
``openstack protector health summary``.

These are reports: they exit 0 whatever the health they show.  With
``-f json`` or ``-f yaml`` they print the whole document the API answers;
in a table they show a summary first (or other tables after), and with
``-f value`` or ``-f csv`` only the rows of their main list.
"""

import datetime
import re

from osc_lib.command import command

from protectorclient.osc import common
from protectorclient.osc.v1 import protection_groups

# Formats that get the whole document rather than the rows.
DOCUMENT_FORMATS = ('json', 'yaml')

CHECK_COLUMNS = ('Check', 'Status', 'Detail', 'Fix')
CHECK_KEYS = ('name', 'status', 'detail', 'fix')

HISTORY_COLUMNS = ('Checked At', 'RPO Grade', 'Achieved RPO', 'RPO Target',
                   'Ready', 'Failing Checks')
HISTORY_KEYS = ('checked_at', 'rpo_grade', 'rpo_seconds',
                'rpo_target_seconds', 'failover_ready', 'failing_checks')

GRADES = ('ok', 'warning', 'violated', 'critical', 'unknown',
          'not_watched_here')
PROJECT_COLUMNS = ('Project', 'Groups', 'OK', 'Warning', 'Violated',
                   'Critical', 'Unknown', 'Not Watched Here', 'Ready',
                   'Not Ready')
NOT_READY_COLUMNS = ('ID', 'Name', 'Project', 'RPO Grade',
                     'Failing Checks')
SITE_COLUMNS = ('Site', 'Reachable', 'Detail', 'Checked At')

# --since 30m, 6h, 2d: that long ago.
_AGO = re.compile(r'^(\d+)([mhd])$')
_UNITS = {'m': 'minutes', 'h': 'hours', 'd': 'days'}


class Report(command.Lister):
    """A list with more around it (see the module's doc)."""

    # The API's document, set by take_action.
    document = None

    def before(self, parsed_args):
        """Write what comes before the table of rows."""

    def after(self, parsed_args):
        """Write what comes after the table of rows."""

    def table(self, columns, rows, parsed_args):
        """Another table, formatted as the main one; none without rows."""
        if not rows:
            return
        self.app.stdout.write('\n')
        self.formatter.emit_list(columns, rows, self.app.stdout, parsed_args)

    def produce_output(self, parsed_args, column_names, data):
        if parsed_args.formatter in DOCUMENT_FORMATS:
            self.formatter.emit_one(list(self.document),
                                    list(self.document.values()),
                                    self.app.stdout, parsed_args)
            return 0
        table = parsed_args.formatter == 'table'
        rows = list(data)
        if table:
            self.before(parsed_args)
        # An empty table would print as a blank line.
        if rows or not table:
            super().produce_output(parsed_args, column_names, rows)
        if table:
            self.after(parsed_args)
        return 0


def _recovery_point(point):
    if not point:
        return '-'
    return '%s (%s)' % (point.get('name'), point.get('created_at'))


def _transfers(transfers):
    return ', '.join('%s %s%%' % (t.get('name'), _percent(t.get('progress')))
                     for t in transfers or []) or '-'


def _percent(progress):
    # The arrays report the progress of a transfer from 0 to 1.
    return '?' if progress is None else '%d' % round(progress * 100)


class ShowHealth(Report):
    """Show the achieved RPO and failover readiness of a protection group"""

    SUMMARY = ('RPO Grade', 'Achieved RPO', 'RPO Target', 'Detail',
               'Failover Ready', 'Newest Recovery Point', 'Transfers',
               'Last Checked', 'Watched By')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        self.document = client.health.get(parsed_args.protection_group)
        # A passing check has no fix: an empty cell, not "None".
        return CHECK_COLUMNS, [
            tuple(check.get(key) or '' for key in CHECK_KEYS)
            for check in self.document['checks']]

    def before(self, parsed_args):
        health = self.document
        values = (
            health['rpo_grade'],
            common.duration(health['rpo_seconds']),
            common.duration(health['rpo_target_seconds']),
            health['rpo_detail'] or '-',
            common.ReadyColumn(health['failover_ready']).human_readable(),
            _recovery_point(health['newest_recovery_point']),
            _transfers(health['transfers']),
            health['last_checked_at'] or '-',
            health['watched_by'])
        self.formatter.emit_one(self.SUMMARY, values, self.app.stdout,
                                parsed_args)
        if health['checks']:
            self.app.stdout.write('\n')


def since_time(value, now=None):
    """``--since``: an ISO 8601 time, or how long ago (30m, 6h, 2d)."""
    match = _AGO.match(value.strip())
    if not match:
        return value
    now = now or datetime.datetime.now(datetime.timezone.utc)
    ago = datetime.timedelta(**{_UNITS[match.group(2)]: int(
        match.group(1))})
    return (now - ago).strftime('%Y-%m-%dT%H:%M:%SZ')


class ListHealthHistory(command.Lister):
    """List the health samples of a protection group, oldest first"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        parser.add_argument(
            '--since', metavar='<time>',
            help='Samples from this time on: ISO 8601 (2026-12-07T09:30:00Z)'
                 ' or how long ago (30m, 6h, 2d); default: 24 hours ago')
        parser.add_argument(
            '--limit', metavar='<num-samples>', type=int,
            help='At most this many samples, the oldest first')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        since = parsed_args.since and since_time(parsed_args.since)
        samples = client.health.history(parsed_args.protection_group,
                                        since=since, limit=parsed_args.limit)
        return HISTORY_COLUMNS, common.rows(samples, HISTORY_KEYS, formatters={
            'rpo_seconds': common.DurationColumn,
            'rpo_target_seconds': common.DurationColumn,
            'failover_ready': common.ReadyColumn,
            'failing_checks': common.OrderedListColumn})


class ShowHealthSummary(Report):
    """Summarize the protection health of every project (admin)"""

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        self.document = client.health.summary()
        rows = [(p['project_id'], p['groups']) +
                tuple(p['by_grade'].get(grade, 0) for grade in GRADES) +
                (p['failover_ready'], p['not_ready'])
                for p in self.document['projects']]
        return PROJECT_COLUMNS, rows

    def after(self, parsed_args):
        self.table(NOT_READY_COLUMNS, [
            (g['id'], g['name'], g['project_id'], g['rpo_grade'],
             common.OrderedListColumn(g['failing_checks']))
            for g in self.document['not_ready']], parsed_args)
        self.table(SITE_COLUMNS, [
            (s['name'], common.ReadyColumn(s['reachable']), s['detail'],
             s['checked_at'] or '-')
            for s in self.document['sites']], parsed_args)
