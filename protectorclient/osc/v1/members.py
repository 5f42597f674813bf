"""``openstack protector protection-group member-add|member-remove|
member-list``."""

from osc_lib.command import command

from protectorclient.osc import common
from protectorclient.osc.v1 import protection_groups

MEMBER_FIELDS = (
    'id', 'protection_group_id', 'server_id', 'server_name', 'status',
    'flavor', 'image', 'availability_zone', 'key_name', 'security_groups',
    'server_group', 'metadata', 'ports', 'volumes', 'rank',
    'boot_condition', 'overrides', 'created_at',
)


def _networks(member):
    ports = member.get('ports') or []
    return sorted({p.get('network_id') for p in ports
                   if p.get('network_id')})


class AddMember(command.ShowOne):
    """Protect a server: add it and all its volumes to the group"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        parser.add_argument('server', metavar='<server>',
                            help='Server to protect (name or ID)')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        member = client.members.add(parsed_args.protection_group,
                                    parsed_args.server)
        return common.show(member, MEMBER_FIELDS)


class RemoveMember(command.Command):
    """Stop protecting server(s) of the group"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        parser.add_argument(
            'members', metavar='<server>', nargs='+',
            help='Member(s) to remove (server name or ID, or member ID)')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        group = parsed_args.protection_group
        common.delete_each(
            parsed_args.members,
            lambda member: client.members.remove(group, member), 'member')


class ListMember(command.Lister):
    """List the members of a protection group"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        parser.add_argument('--long', action='store_true', default=False,
                            help='Also show flavor, networks and volumes')
        common.add_pagination_options(
            parser, ('rank', 'server_name', 'created_at', 'updated_at',
                     'id'))
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        members = client.members.list(parsed_args.protection_group,
                                      **common.pagination(parsed_args))
        columns = ['ID', 'Server ID', 'Server Name', 'Status']
        keys = ['id', 'server_id', 'server_name', 'status']
        if not parsed_args.long:
            return tuple(columns), common.rows(members, keys)
        columns += ['Flavor', 'Networks', 'Volumes']
        rows = []
        for member in members:
            volumes = [v.get('volume_id') for v in member.get('volumes') or []]
            rows.append(tuple(member.get(k) for k in keys) + (
                common.format_value(member.get('flavor')),
                common.OrderedListColumn(_networks(member)),
                common.OrderedListColumn(volumes)))
        return tuple(columns), rows
