"""``openstack protector tenant-mapping ...`` (admin)."""

from osc_lib.command import command

from protectorclient.osc import common

MAPPING_FIELDS = (
    'id', 'local_project_id', 'remote_site_name', 'remote_site_id',
    'remote_project_id', 'description', 'created_at',
)


class CreateTenantMapping(command.ShowOne):
    """Map a project of this site to a project of the peer site"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            '--local-project', metavar='<project-id>', required=True,
            help='Project on this site (ID)')
        parser.add_argument(
            '--remote-site', metavar='<site>', required=True,
            help='Peer site (name or ID)')
        parser.add_argument(
            '--remote-project', metavar='<project-id>', required=True,
            help='Project on the peer site (ID)')
        parser.add_argument(
            '--description', metavar='<description>',
            help='Description of the mapping')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        mapping = client.tenant_mappings.create(
            local_project_id=parsed_args.local_project,
            remote_site=parsed_args.remote_site,
            remote_project_id=parsed_args.remote_project,
            description=parsed_args.description)
        return common.show(mapping, MAPPING_FIELDS)


class ListTenantMapping(command.Lister):
    """List tenant mappings"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        common.add_pagination_options(
            parser, ('created_at', 'updated_at', 'local_project_id', 'id'))
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        columns = ('ID', 'Local Project', 'Remote Site', 'Remote Project')
        keys = ('id', 'local_project_id', 'remote_site_name',
                'remote_project_id')
        mappings = client.tenant_mappings.list(
            **common.pagination(parsed_args))
        return columns, common.rows(mappings, keys)


class DeleteTenantMapping(command.Command):
    """Delete tenant mapping(s)"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('mappings', metavar='<tenant-mapping>',
                            nargs='+', help='Tenant mapping(s) to delete (ID)')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        common.delete_each(parsed_args.mappings,
                           client.tenant_mappings.delete, 'tenant mapping')
