"""``openstack protector operation list|show``."""

from osc_lib.command import command

from protectorclient.osc import common

OPERATION_FIELDS = (
    'id', 'protection_group_id', 'operation_type', 'failover_type',
    'status', 'progress', 'source_site', 'target_site', 'steps_completed',
    'steps_failed', 'members', 'started_at', 'completed_at',
    'error_message', 'recovery_point', 'rto_seconds', 'parameters',
)


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
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        operations = client.operations.list(
            protection_group=parsed_args.protection_group,
            status=parsed_args.status)
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
        operation = client.operations.get(parsed_args.operation)
        return common.show(operation, OPERATION_FIELDS)
