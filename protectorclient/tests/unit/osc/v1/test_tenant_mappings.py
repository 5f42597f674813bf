from protectorclient.osc.v1 import tenant_mappings as tm
from protectorclient.tests.unit.osc import fakes

MAPPING = {'id': 'tm1', 'local_project_id': 'p-a', 'remote_site_id': 's-b',
           'remote_site_name': 'site-b', 'remote_project_id': 'p-b',
           'created_at': '2025-06-01T09:00:00Z'}


class TestTenantMapping(fakes.TestCommand):

    def test_create(self):
        self.client.tenant_mappings.create.return_value = MAPPING
        columns, data = self.run_command(tm.CreateTenantMapping, [
            '--local-project', 'p-a', '--remote-site', 'site-b',
            '--remote-project', 'p-b'])
        self.client.tenant_mappings.create.assert_called_once_with(
            local_project_id='p-a', remote_site='site-b',
            remote_project_id='p-b', description=None)
        self.assertEqual(MAPPING, dict(zip(columns, data)))

    def test_list(self):
        self.client.tenant_mappings.list.return_value = [MAPPING]
        columns, rows = self.run_command(tm.ListTenantMapping, [])
        self.assertEqual(('ID', 'Local Project', 'Remote Site',
                          'Remote Project'), columns)
        self.assertEqual([('tm1', 'p-a', 'site-b', 'p-b')], rows)

    def test_delete(self):
        self.run_command(tm.DeleteTenantMapping, ['tm1'])
        self.client.tenant_mappings.delete.assert_called_once_with('tm1')
