"""``openstack protector protection-group mapping-set|mapping-show``.

A mapping says which resource of the target site stands for a resource of
the source site (network, subnet, flavor, security group, image), for
failover (primary -> secondary) and failback (the other way).
"""

from osc_lib.command import command

from protectorclient.osc import common
from protectorclient.osc.v1 import protection_groups
from protectorclient.v1 import mappings as mapping_api

# (option, resource type in the API document)
OPTIONS = (
    ('--network', 'network'),
    ('--subnet', 'subnet'),
    ('--flavor', 'flavor'),
    ('--security-group', 'security_group'),
    ('--image', 'image'),
)
COLUMNS = ('Direction', 'Type', 'Source', 'Target')


def mapping_rows(mappings, direction=None):
    """One row per mapped resource, failover first, types in API order."""
    rows = []
    for dirn in mapping_api.DIRECTIONS:
        if direction and dirn != direction:
            continue
        by_type = (mappings or {}).get(dirn) or {}
        types = list(mapping_api.RESOURCE_TYPES)
        types += sorted(t for t in by_type if t not in types)
        for rtype in types:
            pairs = by_type.get(rtype) or {}
            for source in sorted(pairs):
                rows.append((dirn, rtype, source, pairs[source]))
    return rows


class SetMapping(command.Command):
    """Add or change resource mappings of a protection group"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        for option, rtype in OPTIONS:
            parser.add_argument(
                option, metavar='<source=target>', dest=rtype,
                action='append', nargs='+', default=[],
                help='Map a %s of the source site to one of the target '
                     'site (repeat the option or give several pairs)'
                     % rtype.replace('_', ' '))
        parser.add_argument(
            '--direction', metavar='<failover|failback>',
            choices=mapping_api.DIRECTIONS, default='failover',
            help='Direction the mappings apply to (default: failover)')
        protection_groups.add_local_argument(parser)
        return parser

    def take_action(self, parsed_args):
        changes = {}
        for option, rtype in OPTIONS:
            pairs = common.parse_pairs(getattr(parsed_args, rtype), option)
            if pairs:
                changes[rtype] = pairs
        if not changes:
            return
        client = self.app.client_manager.protector
        group = parsed_args.protection_group
        # The stored document is read, merged and written back whole, so
        # mappings not named on the command line are kept.
        mappings = dict(client.mappings.get(group) or {})
        current = dict(mappings.get(parsed_args.direction) or {})
        for rtype, pairs in changes.items():
            merged = dict(current.get(rtype) or {})
            merged.update(pairs)
            current[rtype] = merged
        mappings[parsed_args.direction] = current
        client.mappings.update(group, mappings, local=parsed_args.local)
        if parsed_args.local:
            protection_groups.report_local_changes(self.app, client, group)


class ShowMapping(command.Lister):
    """Show the resource mappings of a protection group"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        parser.add_argument(
            '--direction', metavar='<failover|failback>',
            choices=mapping_api.DIRECTIONS,
            help='Show one direction only')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        mappings = client.mappings.get(parsed_args.protection_group)
        return COLUMNS, mapping_rows(mappings, parsed_args.direction)
