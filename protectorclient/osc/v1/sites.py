"""``openstack protector site ...`` (admin)."""

from osc_lib.command import command

from protectorclient.osc import common

SITE_FIELDS = (
    'id', 'name', 'description', 'is_local', 'status', 'auth_url',
    'region_name', 'username', 'project_name', 'user_domain_name',
    'project_domain_name', 'last_validated_at', 'created_at', 'updated_at',
)
# Never displayed, even if a server sent it.
HIDDEN_FIELDS = ('password',)


def _show_site(site):
    return common.show(site, SITE_FIELDS, hidden=HIDDEN_FIELDS)


def _add_connection_options(parser, required):
    """Options of the peer site's Keystone and service user."""
    parser.add_argument(
        '--auth-url', metavar='<auth-url>', required=required,
        help="Keystone URL of the site (e.g. http://site-b:5000/v3)")
    parser.add_argument(
        '--username', metavar='<username>', required=required,
        help='Service user that protector uses on the site')
    parser.add_argument(
        '--password', metavar='<password>', required=required,
        help='Password of the service user (never displayed)')
    parser.add_argument(
        '--project-name', metavar='<project-name>', required=required,
        help='Project of the service user')
    parser.add_argument(
        '--user-domain-name', metavar='<user-domain-name>',
        help='Domain of the service user (server default: Default)')
    parser.add_argument(
        '--project-domain-name', metavar='<project-domain-name>',
        help='Domain of the project (server default: Default)')
    parser.add_argument(
        '--region-name', metavar='<region-name>',
        help='Region of the site (server default: RegionOne)')
    parser.add_argument(
        '--description', metavar='<description>',
        help='Description of the site')


def _connection_fields(parsed_args):
    return {
        'auth_url': parsed_args.auth_url,
        'username': parsed_args.username,
        'password': parsed_args.password,
        'project_name': parsed_args.project_name,
        'user_domain_name': parsed_args.user_domain_name,
        'project_domain_name': parsed_args.project_domain_name,
        'region_name': parsed_args.region_name,
        'description': parsed_args.description,
    }


class CreateSite(command.ShowOne):
    """Register a site (this site when NAME is its site_name)"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<name>', help='Name of the site')
        _add_connection_options(parser, required=True)
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        site = client.sites.create(parsed_args.name,
                                   **_connection_fields(parsed_args))
        return _show_site(site)


class ListSite(command.Lister):
    """List registered sites"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        common.add_pagination_options(
            parser, ('created_at', 'updated_at', 'name', 'id'))
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        columns = ('ID', 'Name', 'Auth URL', 'Region', 'Local', 'Status')
        keys = ('id', 'name', 'auth_url', 'region_name', 'is_local',
                'status')
        sites = client.sites.list(**common.pagination(parsed_args))
        return columns, common.rows(sites, keys)


class ShowSite(command.ShowOne):
    """Show a site"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('site', metavar='<site>',
                            help='Site to show (name or ID)')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        return _show_site(client.sites.get(parsed_args.site))


class SetSite(command.Command):
    """Change a site's connection settings (the name cannot change)"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('site', metavar='<site>',
                            help='Site to change (name or ID)')
        _add_connection_options(parser, required=False)
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        fields = {k: v for k, v in _connection_fields(parsed_args).items()
                  if v is not None}
        if fields:
            client.sites.update(parsed_args.site, **fields)


class DeleteSite(command.Command):
    """Delete site(s)"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('sites', metavar='<site>', nargs='+',
                            help='Site(s) to delete (name or ID)')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        common.delete_each(parsed_args.sites, client.sites.delete, 'site')


class ValidateSite(command.Lister):
    """Check a site: Keystone, Nova, Cinder, Neutron, volume types, array"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('site', metavar='<site>',
                            help='Site to validate (name or ID)')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        validation = client.sites.validate(parsed_args.site)
        columns = ('Check', 'Result', 'Detail')
        keys = ('check', 'result', 'detail')
        return columns, common.rows(validation.get('checks') or [], keys)


class ListSiteVolumeType(command.Lister):
    """List the replication-enabled volume types of a site"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('site', metavar='<site>',
                            help='Site (name or ID)')
        common.add_pagination_options(parser, ('name', 'id'))
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        columns = ('ID', 'Name', 'Replication Type', 'Backend')
        keys = ('id', 'name', 'replication_type', 'backend')
        types = client.sites.list_volume_types(
            parsed_args.site, **common.pagination(parsed_args))
        return columns, common.rows(types, keys)
