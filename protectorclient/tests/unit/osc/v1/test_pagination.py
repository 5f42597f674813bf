"""--limit, --marker, --sort-key and --sort-dir of every list command."""

from protectorclient.osc.v1 import members
from protectorclient.osc.v1 import operations
from protectorclient.osc.v1 import protection_groups
from protectorclient.osc.v1 import recovery_points
from protectorclient.osc.v1 import sites
from protectorclient.osc.v1 import tenant_mappings
from protectorclient.tests.unit.osc import fakes
from protectorclient.tests.unit import test_client
from protectorclient.tests.unit import test_pagination as paging

# command, its arguments, the manager and method it calls, and the
# arguments (besides the pagination ones) the call gets.
LISTS = [
    (sites.ListSite, [], 'sites', 'list', (), {}),
    (sites.ListSiteVolumeType, ['site-b'], 'sites', 'list_volume_types',
     ('site-b',), {}),
    (tenant_mappings.ListTenantMapping, [], 'tenant_mappings', 'list', (),
     {}),
    (protection_groups.ListProtectionGroup, [], 'protection_groups',
     'list', (), {'all_projects': False}),
    (members.ListMember, ['web'], 'members', 'list', ('web',), {}),
    (operations.ListOperation, [], 'operations', 'list', (),
     {'protection_group': None, 'status': None}),
    (recovery_points.ListRecoveryPoint, ['web'], 'recovery_points', 'list',
     ('web',), {}),
]
PAGE_OPTIONS = ['--limit', '2', '--marker', 'g1', '--sort-key', 'name',
                '--sort-dir', 'desc']


class TestOptions(fakes.TestCommand):

    def test_every_list_passes_the_options_on(self):
        for cls, argv, manager, method, args, kwargs in LISTS:
            called = getattr(getattr(self.client, manager), method)
            called.return_value = []

            self.run_command(cls, argv + PAGE_OPTIONS)

            called.assert_called_once_with(
                *args, limit=2, marker='g1', sort_key='name',
                sort_dir='desc', **kwargs)

    def test_without_options_nothing_is_asked(self):
        for cls, argv, manager, method, args, kwargs in LISTS:
            called = getattr(getattr(self.client, manager), method)
            called.return_value = []

            self.run_command(cls, argv)

            called.assert_called_once_with(*args, **dict(fakes.NO_PAGE,
                                                         **kwargs))

    def test_limit_is_a_positive_number(self):
        for value in ('0', '-1', 'ten'):
            self.assertRaises(fakes.ParserError, self.run_command,
                              protection_groups.ListProtectionGroup,
                              ['--limit', value])

    def test_sort_dir_is_asc_or_desc(self):
        self.assertRaises(fakes.ParserError, self.run_command,
                          operations.ListOperation, ['--sort-dir', 'up'])


class TestAgainstAPagingServer(test_client.ClientTestCase,
                               fakes.TestCommand):
    """The command, the real library and a server that pages."""

    def setUp(self):
        super().setUp()
        self.app.client_manager.protector = self.client
        self.server = paging.PagingServer(
            self.tenant('protection-groups'), 'protection_groups',
            paging.GROUPS, max_limit=3)
        self.http.get(self.tenant('protection-groups'), json=self.server)

    def names(self, argv):
        return [row['Name'] for row in self.json_output(
            protection_groups.ListProtectionGroup, argv)]

    def test_without_limit_every_group_is_listed(self):
        self.assertEqual(['group-%d' % i for i in range(7)], self.names([]))
        self.assertEqual(3, len(self.server.queries))

    def test_limit_and_marker(self):
        self.assertEqual(['group-0', 'group-1'], self.names(['--limit', '2']))
        self.assertEqual(['group-2', 'group-3', 'group-4', 'group-5'],
                         self.names(['--limit', '4', '--marker', 'g1']))
        self.assertEqual(['group-5', 'group-6'],
                         self.names(['--marker', 'g4']))
