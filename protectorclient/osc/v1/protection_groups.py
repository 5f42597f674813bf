"""``openstack protector protection-group create|list|show|set|delete``
and ``sync-status|sync-force``."""

from osc_lib.command import command

from protectorclient.osc import common

GROUP_FIELDS = (
    'id', 'name', 'description', 'project_id', 'status', 'rpo_grade',
    'failover_ready', 'replication_type', 'primary_site', 'secondary_site',
    'current_primary_site', 'volume_type', 'secondary_volume_type',
    'member_count', 'failover_count', 'last_failover_at',
    'last_replication_at', 'metadata_version', 'metadata_digest',
    'local_changes', 'consistency_groups', 'created_at', 'updated_at',
)

SYNC_COLUMNS = ('Protection Group', 'Local Site', 'Local Version',
                'Local Digest', 'Local Changes', 'Remote Site',
                'Remote Version', 'Remote Digest', 'Remote Local Changes',
                'Sync Status', 'Detail')
SYNC_KEYS = ('protection_group', 'local_site', 'local_version',
             'local_digest', 'local_changes', 'remote_site',
             'remote_version', 'remote_digest', 'remote_local_changes',
             'status', 'detail')
# Enough of a SHA-256 for people to compare two copies.
DIGEST_SHOWN = 12


def _show_sync_status(sync_status):
    values = dict(sync_status)
    for key in ('local_digest', 'remote_digest'):
        if values.get(key):
            values[key] = values[key][:DIGEST_SHOWN]
    for key in ('local_changes', 'remote_local_changes'):
        values[key] = common.LocalChangesColumn(values.get(key))
    return SYNC_COLUMNS, tuple(values.get(k) for k in SYNC_KEYS)


def add_group_argument(parser, help_text='Protection group (name or ID)'):
    parser.add_argument('protection_group', metavar='<protection-group>',
                        help=help_text)


def add_local_argument(parser):
    """--local, of the changes that may be made on one site alone."""
    parser.add_argument(
        '--local', action='store_true', default=False,
        help="If the peer site is unreachable, make the change on this "
             "site alone: the group then holds local-only changes until "
             "'protection-group sync-force' is run on this site. While the "
             "peer answers, the change is made on both sites, as without "
             "--local")


def report_local_changes(app, client, group):
    """After a --local change: say whether it was made here alone."""
    held = client.protection_groups.get(group).get('local_changes')
    if held:
        app.stderr.write(
            "The peer site is unreachable: the change was made on %s alone "
            "(the group holds %s). When the peer site is back, run "
            "'openstack protector protection-group sync-force %s' on %s.\n"
            % (held.get('site'), common.local_changes(held), group,
               held.get('site')))


class CreateProtectionGroup(command.ShowOne):
    """Create a protection group"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<name>',
                            help='Name of the group (unique in the project)')
        parser.add_argument(
            '--replication-type', metavar='<async|sync>', required=True,
            choices=['async', 'sync'],
            help='Array replication: async (snapshots) or sync '
                 '(ActiveCluster); cannot change later')
        parser.add_argument(
            '--primary-site', metavar='<site>', required=True,
            help='Site that runs the workload (name or ID)')
        parser.add_argument(
            '--secondary-site', metavar='<site>', required=True,
            help='DR site (name or ID)')
        parser.add_argument(
            '--volume-type', metavar='<volume-type>', required=True,
            help='Replication-enabled volume type on the primary site')
        parser.add_argument(
            '--secondary-volume-type', metavar='<volume-type>',
            help='Volume type on the secondary site (default: the same '
                 'name as --volume-type)')
        parser.add_argument('--description', metavar='<description>',
                            help='Description of the group')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        group = client.protection_groups.create(
            name=parsed_args.name,
            replication_type=parsed_args.replication_type,
            primary_site=parsed_args.primary_site,
            secondary_site=parsed_args.secondary_site,
            volume_type=parsed_args.volume_type,
            secondary_volume_type=parsed_args.secondary_volume_type,
            description=parsed_args.description)
        return common.show(group, GROUP_FIELDS)


class ListProtectionGroup(command.Lister):
    """List protection groups"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--all-projects', action='store_true',
                            default=False,
                            help='Groups of all projects (admin only)')
        common.add_pagination_options(
            parser, ('created_at', 'updated_at', 'name', 'status', 'id'))
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        # RPO and Ready: what the health watch of the site holding the
        # workload saw; '-' where that is the other site, or the site is
        # older than API 1.2.
        columns = ['ID', 'Name', 'Status', 'Replication Type',
                   'Current Primary Site', 'Members', 'RPO', 'Ready']
        keys = ['id', 'name', 'status', 'replication_type',
                'current_primary_site', 'member_count', 'rpo_grade',
                'failover_ready']
        if parsed_args.all_projects:
            columns.insert(2, 'Project')
            keys.insert(2, 'project_id')
        groups = client.protection_groups.list(
            all_projects=parsed_args.all_projects,
            **common.pagination(parsed_args))
        return tuple(columns), common.rows(groups, keys, formatters={
            'rpo_grade': common.GradeColumn,
            'failover_ready': common.ReadyColumn})


class ShowProtectionGroup(command.ShowOne):
    """Show a protection group"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_group_argument(parser)
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        group = dict(client.protection_groups.get(
            parsed_args.protection_group))
        if 'local_changes' in group:
            group['local_changes'] = common.LocalChangesColumn(
                group['local_changes'])
        return common.show(group, GROUP_FIELDS)


class SetProtectionGroup(command.Command):
    """Rename a protection group or change its description"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_group_argument(parser)
        parser.add_argument('--name', metavar='<name>', help='New name')
        parser.add_argument('--description', metavar='<description>',
                            help='New description')
        return parser

    def take_action(self, parsed_args):
        if parsed_args.name is None and parsed_args.description is None:
            return
        client = self.app.client_manager.protector
        client.protection_groups.update(parsed_args.protection_group,
                                        name=parsed_args.name,
                                        description=parsed_args.description)


class DeleteProtectionGroup(command.Command):
    """Delete protection group(s)"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('protection_groups', metavar='<protection-group>',
                            nargs='+',
                            help='Protection group(s) to delete (name or ID)')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        common.delete_each(parsed_args.protection_groups,
                           client.protection_groups.delete,
                           'protection group')


class ShowSyncStatus(command.ShowOne):
    """Compare the metadata of a group on both sites: version and digest"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_group_argument(parser)
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        return _show_sync_status(
            client.protection_groups.sync_status(
                parsed_args.protection_group))


class ForceSync(command.ShowOne):
    """Push the authoritative metadata of a group to the other site"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_group_argument(parser)
        parser.add_argument(
            '--source', metavar='<local|peer>', choices=['local', 'peer'],
            help="Whose copy wins: 'local' pushes this site's copy, "
                 "'peer' takes the other site's (default: the higher "
                 "version; with equal versions, the copy of the site that "
                 "holds the workload)")
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        return _show_sync_status(
            client.protection_groups.sync_force(
                parsed_args.protection_group, source=parsed_args.source))
