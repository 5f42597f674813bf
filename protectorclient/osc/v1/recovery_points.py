"""``openstack protector recovery-point list``."""

from osc_lib.command import command

from protectorclient.osc import common
from protectorclient.osc.v1 import protection_groups


class ListRecoveryPoint(command.Lister):
    """List the replicated snapshots of a group on its standby's array"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        common.add_pagination_options(parser, ('created_at', 'id'))
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        points = client.recovery_points.list(
            parsed_args.protection_group, **common.pagination(parsed_args))
        columns = ('ID', 'Created At', 'Completed', 'Progress',
                   'Completed At', 'Site')
        keys = ('id', 'created_at', 'completed', 'progress', 'completed_at',
                'site')
        return columns, common.rows(points, keys)
