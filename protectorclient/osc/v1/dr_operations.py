"""``openstack protector protection-group failover|failback|test-failover|
test-cleanup|sync``: start a DR operation, and ``--wait`` for it.

Each command returns the operation at once (the engine works on it in the
background); with ``--wait`` it shows the progress on stderr until the
operation ends and exits 1 when it failed or was cancelled, 2 when it
completed with errors (some members were not recovered), 0 otherwise.
"""

import time

from osc_lib.command import command
from osc_lib import exceptions

from protectorclient import exceptions as client_exceptions
from protectorclient.osc import common
from protectorclient.osc.v1 import protection_groups

STARTED_FIELDS = ('operation_id', 'operation_type', 'failover_type',
                  'status', 'progress', 'source_site', 'target_site')
ENDED_FIELDS = STARTED_FIELDS + (
    'steps_completed', 'steps_failed', 'recovery_point', 'rto_seconds',
    'started_at', 'completed_at', 'error_message')
RUNNING = ('running', 'cancelling')
FAILED = ('failed', 'cancelled')
PARTIAL = 'completed_with_errors'
# Exit code of --wait when the operation completed with errors.
PARTIAL_EXIT = 2
# Seconds between two looks at a running operation.
POLL_SECONDS = 2.0
# Looks in a row that may find the site's API or engine unavailable (a
# restart, say) before --wait gives up; the operation runs on regardless.
TRANSIENT_RETRIES = 5


def show_operation(operation, fields):
    """A ShowOne of an operation with its id first, as seed 004 shows."""
    operation = dict(operation)
    operation['operation_id'] = operation.pop('id')
    return common.show({k: operation.get(k) for k in fields}, fields)


def progress_line(operation):
    done = operation.get('steps_completed') or []
    return '[%3d%%] %s: %s' % (operation.get('progress') or 0,
                               operation.get('status'),
                               done[-1] if done else 'starting')


def member_line(member):
    line = 'server %s: %s' % (member.get('server_name'),
                              member.get('status'))
    if member.get('seconds_to_active') is not None:
        line += ', ACTIVE in %.1f s' % member['seconds_to_active']
    if member.get('reason'):
        line += ' (%s)' % member['reason']
    return line


def _look(client, operation_id, out):
    """The operation now, asking again while the answer is transient."""
    for attempt in range(TRANSIENT_RETRIES + 1):
        try:
            return client.operations.get(operation_id)
        except client_exceptions.HttpError as e:
            if not e.transient or attempt == TRANSIENT_RETRIES:
                raise
            out.write('(%s; asking again in %d s)\n'
                      % (e.error_code, POLL_SECONDS * 2 ** attempt))
            out.flush()
            time.sleep(POLL_SECONDS * 2 ** attempt)


def wait_for(client, operation, out):
    """Follow ``operation`` until it ends; raise when it failed."""
    shown = None
    while True:
        line = progress_line(operation)
        if line != shown:
            out.write(line + '\n')
            out.flush()
            shown = line
        if operation.get('status') not in RUNNING:
            break
        time.sleep(POLL_SECONDS)
        operation = _look(client, operation['id'], out)
    for member in operation.get('members') or []:
        out.write(member_line(member) + '\n')
    for failure in operation.get('steps_failed') or []:
        out.write('step %s: %s\n' % (failure.get('step'),
                                     failure.get('reason')))
    if operation.get('status') in FAILED:
        raise exceptions.CommandError(
            'Operation %s %s: %s' % (operation['id'], operation['status'],
                                     operation.get('error_message')))
    return operation


def add_mapping_options(parser, kinds=('network', 'flavor', 'image')):
    for kind in kinds:
        parser.add_argument(
            '--%s-mapping' % kind, metavar='<source=target>',
            dest='%s_mapping' % kind, action='append', nargs='+',
            default=[],
            help='Map %s %s of the source site to one of the target '
                 'site (id or name); repeat the option or give several '
                 'pairs. Overrides the mappings stored on the group.'
                 % ('an' if kind[0] in 'aeiou' else 'a', kind))


def mapping_options(parsed_args, kinds=('network', 'flavor', 'image')):
    options = {}
    for kind in kinds:
        pairs = common.parse_pairs(getattr(parsed_args, '%s_mapping' % kind),
                                   '--%s-mapping' % kind)
        if pairs:
            options['%s_mapping' % kind] = pairs
    return options


class WaitingCommand(command.ShowOne):
    """A command whose ``--wait`` exits 2 after a partial success.

    The operation is still shown: the operator needs its steps_failed.
    """

    partial = False

    def wait(self, client, operation):
        operation = wait_for(client, operation, self.app.stderr)
        self.partial = operation.get('status') == PARTIAL
        return operation

    def run(self, parsed_args):
        code = super().run(parsed_args)
        return PARTIAL_EXIT if self.partial and not code else code


class _StartOperation(WaitingCommand):
    """Base of the commands that start an operation."""

    action = None

    def add_options(self, parser):
        pass

    def options(self, parsed_args):
        return {}

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        self.add_options(parser)
        parser.add_argument(
            '--wait', action='store_true', default=False,
            help='Wait until the operation ends, showing its progress '
                 '(percent and step) on stderr; exit 1 when it fails, 2 '
                 'when it completes with errors')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        operation = client.protection_groups.action(
            parsed_args.protection_group, self.action,
            **self.options(parsed_args))
        if not parsed_args.wait:
            return show_operation(operation, STARTED_FIELDS)
        return show_operation(self.wait(client, operation), ENDED_FIELDS)


class _RecoveryOperation(_StartOperation):
    """Options shared by failover, failback and test failover."""

    def add_options(self, parser):
        add_mapping_options(parser)
        parser.add_argument(
            '--force', action='store_true', default=False,
            help='Skip the pre-flight checks (site reachability, metadata '
                 'sync, member health, mappings, snapshot); recorded in '
                 'the operation. Members that are not protected are left '
                 'out')

    def options(self, parsed_args):
        options = mapping_options(parsed_args)
        if parsed_args.force:
            options['force'] = True
        return options


class Failover(_RecoveryOperation):
    """Fail a protection group over to its other site"""

    action = 'failover'

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument(
            '--type', metavar='<planned|unplanned>', dest='failover_type',
            choices=['planned', 'unplanned'], default='planned',
            help='planned (default): both sites up, source servers '
                 'stopped, a final replication, zero data loss. '
                 'unplanned: run on the surviving site when the other is '
                 'lost, from the newest replicated snapshot')
        parser.add_argument(
            '--recovery-point', metavar='<recovery-point>',
            help='Use this replicated snapshot (see recovery-point list) '
                 'instead of the newest one')
        retain = parser.add_mutually_exclusive_group()
        retain.add_argument(
            '--no-retain-primary', dest='retain_primary',
            action='store_false', default=None,
            help='Stop the servers on the source site before starting '
                 'them on the target site (what every failover does; '
                 'sends retain_primary=false)')
        retain.add_argument(
            '--retain-primary', dest='retain_primary', action='store_true',
            default=None,
            help='Keep the servers on the source site running: refused, '
                 'a server running on both sites at once is what '
                 'test-failover (a drill) is for')

    def options(self, parsed_args):
        options = super().options(parsed_args)
        options['type'] = parsed_args.failover_type
        if parsed_args.recovery_point:
            options['recovery_point'] = parsed_args.recovery_point
        if parsed_args.retain_primary is not None:
            options['retain_primary'] = parsed_args.retain_primary
        return options


class Failback(_RecoveryOperation):
    """Bring a failed-over protection group back to its primary site"""

    action = 'failback'


class TestFailover(_RecoveryOperation):
    """Boot copies of the protected servers on the other site (a drill)"""

    action = 'test_failover'

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument(
            '--recovery-point', metavar='<recovery-point>',
            help='Use this replicated snapshot instead of the newest one')
        parser.add_argument(
            '--isolated-network', action='store_true', default=False,
            help='Boot on isolated copies of the mapped networks (same '
                 'subnets, no router): no way in or out')

    def options(self, parsed_args):
        options = super().options(parsed_args)
        if parsed_args.recovery_point:
            options['recovery_point'] = parsed_args.recovery_point
        if parsed_args.isolated_network:
            options['isolated_network'] = True
        return options


class TestCleanup(_StartOperation):
    """Remove everything the last test failover made"""

    action = 'test_cleanup'


class Sync(_StartOperation):
    """Replicate a protection group now and wait until it landed"""

    action = 'sync'
