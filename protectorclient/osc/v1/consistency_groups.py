"""``openstack protector consistency-group show``."""

from osc_lib.command import command

from protectorclient.osc import common
from protectorclient.osc.v1 import protection_groups

FIELDS = ('protection_group', 'replication_type', 'cinder_groups',
          'array_group', 'source_site', 'target_site', 'source_array',
          'target_array', 'replication_enabled', 'interval_seconds',
          'lag_seconds', 'rpo_minutes', 'rpo_compliant', 'newest_snapshot',
          'newest_snapshot_at', 'in_progress', 'detail')


class ShowConsistencyGroup(command.ShowOne):
    """Show a group's Cinder groups, array group and replication lag"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        return common.show(client.consistency_groups.get(
            parsed_args.protection_group), FIELDS)
