from osc_lib.cli import format_columns
from osc_lib import exceptions as osc_exceptions

from protectorclient import exceptions
from protectorclient.osc.v1 import sites
from protectorclient.tests.unit.osc import fakes

SITE = {
    'id': 'c7e1', 'name': 'site-b', 'description': None,
    'auth_url': 'http://b:5000/v3', 'region_name': 'RegionOne',
    'username': 'protector', 'project_name': 'service',
    'user_domain_name': 'Default', 'project_domain_name': 'Default',
    'is_local': False, 'status': 'active', 'last_validated_at': None,
    'created_at': '2025-06-01T09:00:00Z', 'updated_at': None,
}
CREATE_ARGS = ['site-b', '--auth-url', 'http://b:5000/v3',
               '--username', 'protector', '--password', 's3cret-pw',
               '--project-name', 'service']


class TestCreateSite(fakes.TestCommand):

    def test_create_passes_options(self):
        self.client.sites.create.return_value = SITE
        columns, data = self.run_command(
            sites.CreateSite, CREATE_ARGS + ['--region-name', 'RegionTwo',
                                             '--description', 'DR site'])

        self.client.sites.create.assert_called_once_with(
            'site-b', auth_url='http://b:5000/v3', username='protector',
            password='s3cret-pw', project_name='service',
            user_domain_name=None, project_domain_name=None,
            region_name='RegionTwo', description='DR site')
        self.assertEqual(sites.SITE_FIELDS, columns)
        self.assertEqual(dict(SITE), dict(zip(columns, data)))

    def test_password_never_printed(self):
        # Even a server that echoes the password does not get it printed.
        self.client.sites.create.return_value = dict(SITE,
                                                     password='s3cret-pw')
        for fmt in ('table', 'json', 'yaml', 'value', 'shell'):
            out = self.output(sites.CreateSite, CREATE_ARGS + ['-f', fmt])
            self.assertIn('site-b', out)
            self.assertNotIn('s3cret-pw', out)
            self.assertNotIn('password', out)

    def test_required_options(self):
        self.assertRaises(fakes.ParserError, self.run_command,
                          sites.CreateSite, ['site-b'])


class TestListShowSite(fakes.TestCommand):

    def test_list_columns(self):
        self.client.sites.list.return_value = [SITE]
        columns, rows = self.run_command(sites.ListSite, [])
        self.assertEqual(
            ('ID', 'Name', 'Auth URL', 'Region', 'Local', 'Status'), columns)
        self.assertEqual([('c7e1', 'site-b', 'http://b:5000/v3',
                           'RegionOne', False, 'active')], rows)

    def test_show_json(self):
        self.client.sites.get.return_value = SITE
        out = self.json_output(sites.ShowSite, ['site-b'])
        self.client.sites.get.assert_called_once_with('site-b')
        self.assertEqual(SITE, out)


class TestSetDeleteSite(fakes.TestCommand):

    def test_set_sends_only_given_fields(self):
        result = self.run_command(sites.SetSite, [
            'site-b', '--password', 'new', '--description', 'moved'])
        self.assertIsNone(result)
        self.client.sites.update.assert_called_once_with(
            'site-b', password='new', description='moved')

    def test_set_without_options_calls_nothing(self):
        self.run_command(sites.SetSite, ['site-b'])
        self.client.sites.update.assert_not_called()

    def test_delete_one_raises_server_error(self):
        self.client.sites.delete.side_effect = exceptions.Conflict(
            'Site site-b is used by protection group web.')
        e = self.assertRaises(exceptions.Conflict, self.run_command,
                              sites.DeleteSite, ['site-b'])
        self.assertEqual('Site site-b is used by protection group web.',
                         str(e))

    def test_delete_many_reports_failures(self):
        self.client.sites.delete.side_effect = [
            None, exceptions.NotFound('Site x was not found.')]
        e = self.assertRaises(osc_exceptions.CommandError, self.run_command,
                              sites.DeleteSite, ['site-b', 'x'])
        self.assertEqual('1 of 2 sites failed to delete.', str(e))
        self.assertEqual(2, self.client.sites.delete.call_count)


class TestValidateSite(fakes.TestCommand):

    def test_failures_shown_not_raised(self):
        self.client.sites.validate.return_value = {
            'site': 'site-b', 'status': 'failed', 'checks': [
                {'check': 'keystone', 'result': 'passed', 'detail': 'ok'},
                {'check': 'array', 'result': 'failed',
                 'detail': 'FlashArray https://fa-b: timed out'}]}
        columns, rows = self.run_command(sites.ValidateSite, ['site-b'])
        self.assertEqual(('Check', 'Result', 'Detail'), columns)
        self.assertEqual([('keystone', 'passed', 'ok'),
                          ('array', 'failed',
                           'FlashArray https://fa-b: timed out')], rows)

    def test_volume_types(self):
        self.client.sites.list_volume_types.return_value = [
            {'id': 'vt1', 'name': 'pure-async', 'replication_type': 'async',
             'backend': 'pure'}]
        columns, rows = self.run_command(sites.ListSiteVolumeType,
                                         ['site-b'])
        self.assertEqual(('ID', 'Name', 'Replication Type', 'Backend'),
                         columns)
        self.assertEqual([('vt1', 'pure-async', 'async', 'pure')], rows)


class TestFormatting(fakes.TestCommand):

    def test_structured_values_stay_structured(self):
        site = dict(SITE, extra={'a': 'b'}, tags=['x', 'y'])
        self.client.sites.get.return_value = site
        columns, data = self.run_command(sites.ShowSite, ['site-b'])
        values = dict(zip(columns, data))
        self.assertIsInstance(values['extra'], format_columns.DictColumn)
        # Fields the client does not know come last, sorted.
        self.assertEqual(('extra', 'tags'), columns[-2:])
        out = self.json_output(sites.ShowSite, ['site-b'])
        self.assertEqual({'a': 'b'}, out['extra'])
        self.assertEqual(['x', 'y'], out['tags'])
