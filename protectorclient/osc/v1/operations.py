"""``openstack protector operation list|show|cancel|cleanup``."""

from cliff import columns
from osc_lib.command import command

from protectorclient.osc import common
from protectorclient.osc.v1 import dr_operations

# The order of seed 004's "operation show" (with the engine of API 1.3
# after the times), then the rest.
OPERATION_FIELDS = (
    'id', 'operation_type', 'status', 'progress', 'steps_completed',
    'steps_failed', 'started_at', 'completed_at', 'engine', 'claims',
    'error_message', 'protection_group_id', 'failover_type', 'source_site',
    'target_site', 'recovery_point', 'rto_seconds', 'members', 'parameters',
)


class EngineColumn(columns.FormattableColumn):
    """The engine of an operation: host (pid N), or - before a claim."""

    def human_readable(self):
        engine = self._value or {}
        if not engine.get('host'):
            return '-'
        return '%s (pid %s)' % (engine['host'], engine.get('pid'))

    def machine_readable(self):
        return self._value


def show(operation):
    """A ShowOne of an operation; engine and claims need API 1.3."""
    operation = dict(operation)
    if 'engine' in operation:
        engine = operation['engine'] or {}
        operation['engine'] = EngineColumn(engine)
        operation['claims'] = engine.get('claims')
    return common.show(operation, OPERATION_FIELDS)


class ListOperation(command.Lister):
    """List operations (failover, failback, test, sync) of this site"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            '--protection-group', metavar='<protection-group>',
            help='Only operations of this group (name or ID)')
        parser.add_argument(
            '--status', metavar='<status>',
            help='Only operations in this status (e.g. running, failed)')
        common.add_pagination_options(
            parser, ('created_at', 'updated_at', 'status', 'operation_type',
                     'id'))
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        operations = client.operations.list(
            protection_group=parsed_args.protection_group,
            status=parsed_args.status, **common.pagination(parsed_args))
        columns = ('ID', 'Type', 'Status', 'Progress', 'Protection Group',
                   'Started', 'Completed')
        keys = ('id', 'operation_type', 'status', 'progress',
                'protection_group_id', 'started_at', 'completed_at')
        return columns, common.rows(operations, keys)


class ShowOperation(command.ShowOne):
    """Show an operation: progress, steps, per-server results"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('operation', metavar='<operation>',
                            help='Operation ID')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        return show(client.operations.get(parsed_args.operation))


class _OperationAction(dr_operations.WaitingCommand):

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('operation', metavar='<operation>',
                            help='Operation ID')
        parser.add_argument(
            '--wait', action='store_true', default=False,
            help='Wait until it ends, showing the progress on stderr; exit '
                 '1 when it fails, 2 when it completes with errors')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        operation = self.call(client.operations, parsed_args.operation)
        if parsed_args.wait:
            operation = self.wait(client, operation)
        return show(operation)


class CancelOperation(_OperationAction):
    """Cancel a running test failover; what it made is removed"""

    @staticmethod
    def call(operations, operation_id):
        return operations.cancel(operation_id)


class CleanupOperation(_OperationAction):
    """Run again the cleanup an operation could not finish"""

    @staticmethod
    def call(operations, operation_id):
        return operations.cleanup(operation_id)
