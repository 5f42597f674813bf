from unittest import mock

from protectorclient.osc import common
from protectorclient.osc.v1 import protection_groups as pg
from protectorclient.tests.unit.osc import fakes

GROUP = {
    'id': 'a1b2', 'name': 'prod-web-app', 'description': '',
    'project_id': 'p1', 'replication_type': 'async',
    'primary_site': 'site-a', 'secondary_site': 'site-b',
    'current_primary_site': 'site-a', 'volume_type': 'pure-async',
    'secondary_volume_type': None, 'status': 'active',
    'rpo_grade': 'warning', 'failover_ready': True, 'failover_count': 0,
    'last_failover_at': None,
    'last_replication_at': None, 'metadata_version': 7,
    'metadata_digest': 'c' * 64, 'local_changes': None,
    'consistency_groups': {'site-a': 'cg-a', 'site-b': 'cg-b'},
    'member_count': 2, 'created_at': '2025-06-01T09:00:00Z',
    'updated_at': None,
}
HELD = {'site': 'site-a', 'since': '2026-12-07T10:00:00Z',
        'first_version': 6, 'last_version': 7, 'peer_version': 5,
        'peer_digest': 'b' * 64}
SYNC = {'protection_group': 'prod-web-app', 'local_site': 'site-a',
        'local_version': 7, 'local_digest': 'a' * 64,
        'local_changes': HELD, 'remote_site': 'site-b',
        'remote_version': 6, 'remote_digest': 'b' * 64,
        'remote_local_changes': None, 'status': 'OUT OF SYNC',
        'detail': 'site-b is behind'}


class TestCreateProtectionGroup(fakes.TestCommand):

    def test_create(self):
        self.client.protection_groups.create.return_value = GROUP
        columns, data = self.run_command(pg.CreateProtectionGroup, [
            'prod-web-app', '--replication-type', 'async',
            '--primary-site', 'site-a', '--secondary-site', 'site-b',
            '--volume-type', 'pure-async', '--description', 'web tier'])
        self.client.protection_groups.create.assert_called_once_with(
            name='prod-web-app', replication_type='async',
            primary_site='site-a', secondary_site='site-b',
            volume_type='pure-async', secondary_volume_type=None,
            description='web tier')
        self.assertEqual(pg.GROUP_FIELDS, columns)

    def test_replication_type_choices(self):
        self.assertRaises(fakes.ParserError, self.run_command,
                          pg.CreateProtectionGroup, [
                              'x', '--replication-type', 'nearline',
                              '--primary-site', 'a', '--secondary-site',
                              'b', '--volume-type', 'v'])


class TestListShowProtectionGroup(fakes.TestCommand):

    def test_list(self):
        self.client.protection_groups.list.return_value = [GROUP]
        columns, rows = self.run_command(pg.ListProtectionGroup, [])
        self.client.protection_groups.list.assert_called_once_with(
            all_projects=False, **fakes.NO_PAGE)
        self.assertEqual(('ID', 'Name', 'Status', 'Replication Type',
                          'Current Primary Site', 'Members', 'RPO',
                          'Ready'), columns)
        self.assertEqual([('a1b2', 'prod-web-app', 'active', 'async',
                           'site-a', 2, common.GradeColumn('warning'),
                           common.ReadyColumn(True))], rows)

    def test_list_health_columns(self):
        # Not watched by this site; then a site older than API 1.2.
        self.client.protection_groups.list.return_value = [
            dict(GROUP, rpo_grade=None, failover_ready=None),
            {k: v for k, v in GROUP.items()
             if k not in ('rpo_grade', 'failover_ready')},
            dict(GROUP, failover_ready=False)]

        out = self.output(pg.ListProtectionGroup, ['-c', 'RPO', '-c',
                                                   'Ready'])
        listed = self.json_output(pg.ListProtectionGroup, [])

        self.assertEqual(['| -       | -     |', '| -       | -     |',
                          '| warning | no    |'],
                         out.splitlines()[3:6])
        self.assertEqual([(None, None), (None, None), ('warning', False)],
                         [(g['RPO'], g['Ready']) for g in listed])

    def test_list_all_projects_adds_project(self):
        self.client.protection_groups.list.return_value = [GROUP]
        columns, rows = self.run_command(pg.ListProtectionGroup,
                                         ['--all-projects'])
        self.client.protection_groups.list.assert_called_once_with(
            all_projects=True, **fakes.NO_PAGE)
        self.assertEqual('Project', columns[2])
        self.assertEqual('p1', rows[0][2])

    def test_show_json_keeps_structure(self):
        self.client.protection_groups.get.return_value = GROUP
        out = self.json_output(pg.ShowProtectionGroup, ['prod-web-app'])
        self.assertEqual(GROUP, out)

    def test_show_table(self):
        self.client.protection_groups.get.return_value = GROUP
        out = self.output(pg.ShowProtectionGroup, ['prod-web-app'])
        self.assertIn("| current_primary_site  | site-a", out)
        self.assertIn("site-a='cg-a', site-b='cg-b'", out)

    def test_show_local_changes(self):
        self.client.protection_groups.get.return_value = dict(
            GROUP, local_changes=HELD)

        out = self.output(pg.ShowProtectionGroup, ['prod-web-app'])
        shown = self.json_output(pg.ShowProtectionGroup, ['prod-web-app'])

        self.assertIn('| local_changes         | versions 6 to 7 made on '
                      'site-a alone since 2026-12-07T10:00:00Z ', out)
        self.assertEqual(HELD, shown['local_changes'])
        self.assertIsNone(GROUP['local_changes'])


class TestSetDeleteProtectionGroup(fakes.TestCommand):

    def test_set(self):
        self.run_command(pg.SetProtectionGroup,
                         ['web', '--name', 'web2'])
        self.client.protection_groups.update.assert_called_once_with(
            'web', name='web2', description=None)

    def test_set_nothing(self):
        self.run_command(pg.SetProtectionGroup, ['web'])
        self.client.protection_groups.update.assert_not_called()

    def test_delete_many(self):
        self.run_command(pg.DeleteProtectionGroup, ['web', 'db'])
        self.assertEqual(
            [mock.call('web'), mock.call('db')],
            self.client.protection_groups.delete.call_args_list)


class TestSync(fakes.TestCommand):

    COLUMNS = ('Protection Group', 'Local Site', 'Local Version',
               'Local Digest', 'Local Changes', 'Remote Site',
               'Remote Version', 'Remote Digest', 'Remote Local Changes',
               'Sync Status', 'Detail')

    def test_sync_status(self):
        self.client.protection_groups.sync_status.return_value = SYNC
        columns, data = self.run_command(pg.ShowSyncStatus,
                                         ['prod-web-app'])
        self.client.protection_groups.sync_status.assert_called_once_with(
            'prod-web-app')
        self.assertEqual(self.COLUMNS, columns)
        self.assertEqual(('prod-web-app', 'site-a', 7, 'a' * 12,
                          common.LocalChangesColumn(HELD), 'site-b', 6,
                          'b' * 12, common.LocalChangesColumn(None),
                          'OUT OF SYNC', 'site-b is behind'), data)
        self.assertEqual('versions 6 to 7 made on site-a alone since '
                         '2026-12-07T10:00:00Z', data[4].human_readable())
        self.assertEqual('', data[8].human_readable())

    def test_sync_status_value_format(self):
        self.client.protection_groups.sync_status.return_value = dict(
            SYNC, status='IN SYNC', remote_version=7)
        out = self.output(pg.ShowSyncStatus, [
            'prod-web-app', '-f', 'value', '-c', 'Sync Status'])
        self.assertEqual('IN SYNC\n', out)

    def test_unreachable_has_no_remote_version(self):
        self.client.protection_groups.sync_status.return_value = dict(
            SYNC, status='UNREACHABLE', remote_version=None)
        out = self.json_output(pg.ShowSyncStatus, ['prod-web-app'])
        self.assertEqual('UNREACHABLE', out['Sync Status'])
        self.assertIsNone(out['Remote Version'])

    def test_sync_force(self):
        self.client.protection_groups.sync_force.return_value = dict(
            SYNC, status='IN SYNC', remote_version=7)
        columns, data = self.run_command(pg.ForceSync, ['prod-web-app'])
        self.client.protection_groups.sync_force.assert_called_once_with(
            'prod-web-app', source=None)
        self.assertEqual(self.COLUMNS, columns)
        self.assertEqual('IN SYNC', data[9])

    def test_sync_force_from_local(self):
        self.client.protection_groups.sync_force.return_value = SYNC
        self.run_command(pg.ForceSync, ['web', '--source', 'local'])
        self.client.protection_groups.sync_force.assert_called_once_with(
            'web', source='local')

    def test_sync_force_from_the_peer(self):
        self.client.protection_groups.sync_force.return_value = SYNC
        self.run_command(pg.ForceSync, ['web', '--source', 'peer'])
        self.client.protection_groups.sync_force.assert_called_once_with(
            'web', source='peer')

    def test_unreachable_has_no_remote_digest(self):
        self.client.protection_groups.sync_status.return_value = dict(
            SYNC, status='UNREACHABLE', remote_version=None,
            remote_digest=None)
        out = self.json_output(pg.ShowSyncStatus, ['prod-web-app'])
        self.assertIsNone(out['Remote Digest'])
