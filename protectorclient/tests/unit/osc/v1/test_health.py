import datetime

import yaml

from protectorclient.osc import common
from protectorclient.osc.v1 import health
from protectorclient.tests.unit.osc import fakes

HEALTH = {
    'protection_group_id': 'a1b2', 'rpo_seconds': 252.4,
    'rpo_target_seconds': 900, 'rpo_grade': 'ok', 'rpo_detail': '',
    'failover_ready': False,
    'checks': [
        {'name': 'peer_site', 'status': 'pass',
         'detail': "Peer site 'site-b' answers.", 'fix': None},
        {'name': 'target_quota', 'status': 'fail',
         'detail': 'Project p1-b on site-b lacks 4 cores.',
         'fix': 'Raise the cores quota of p1-b on site-b.'}],
    'newest_recovery_point': {'name': 'array-a:pg-1.s42',
                              'created_at': '2026-12-07T09:55:48Z'},
    'transfers': [{'name': 'array-a:pg-1.s43',
                   'created_at': '2026-12-07T09:59:00Z', 'progress': 0.4,
                   'data_transferred': 1024}],
    'last_checked_at': '2026-12-07T10:00:00Z', 'watched_by': 'site-a',
}
ON_PEER = dict(
    HEALTH, rpo_seconds=None, rpo_target_seconds=None,
    rpo_grade='unknown', failover_ready=None, checks=[],
    newest_recovery_point=None, transfers=[], last_checked_at=None,
    watched_by='site-b',
    rpo_detail="The workload of this group runs on site 'site-b', whose "
               "health watch looks at it; ask that site.")
SAMPLES = [
    {'checked_at': '2026-12-07T09:00:00Z', 'rpo_seconds': 100.0,
     'rpo_target_seconds': 900, 'rpo_grade': 'ok',
     'failover_ready': True, 'failing_checks': []},
    {'checked_at': '2026-12-07T10:00:00Z', 'rpo_seconds': 3700.0,
     'rpo_target_seconds': 900, 'rpo_grade': 'critical',
     'failover_ready': False, 'failing_checks': ['recovery_point',
                                                 'array_link']}]
COUNTS = {'ok': 1, 'warning': 0, 'violated': 1, 'critical': 0,
          'unknown': 1, 'not_watched_here': 2}
SUMMARY = {
    'projects': [{'project_id': 'p1', 'groups': 5, 'by_grade': COUNTS,
                  'failover_ready': 1, 'not_ready': 1}],
    'not_ready': [{'id': 'g2', 'name': 'db-tier', 'project_id': 'p1',
                   'rpo_grade': 'violated',
                   'failing_checks': ['target_quota', 'mappings']}],
    'sites': [{'id': 's2', 'name': 'site-b', 'reachable': False,
               'detail': 'connection refused',
               'checked_at': '2026-12-07T10:00:00Z'}],
}


class TestShowHealth(fakes.TestCommand):

    def test_summary_then_checks(self):
        self.client.health.get.return_value = HEALTH

        out = self.output(health.ShowHealth, ['web'])

        self.client.health.get.assert_called_once_with('web')
        summary, checks = out.split('\n\n')
        for line in ('| RPO Grade             | ok ',
                     '| Achieved RPO          | 4m 12s ',
                     '| RPO Target            | 15m ',
                     '| Failover Ready        | no ',
                     '| Newest Recovery Point | array-a:pg-1.s42 '
                     '(2026-12-07T09:55:48Z) ',
                     '| Transfers             | array-a:pg-1.s43 40% ',
                     '| Last Checked          | 2026-12-07T10:00:00Z ',
                     '| Watched By            | site-a '):
            self.assertIn(line, summary)
        self.assertIn('| Check        | Status | Detail', checks)
        self.assertIn('| target_quota | fail   | Project p1-b on site-b '
                      'lacks 4 cores. | Raise the cores quota of p1-b on '
                      'site-b. |', checks)

    def test_rows_are_the_checks(self):
        self.client.health.get.return_value = HEALTH

        columns, rows = self.run_command(health.ShowHealth, ['web'])

        self.assertEqual(('Check', 'Status', 'Detail', 'Fix'), columns)
        self.assertEqual([('peer_site', 'pass', "Peer site 'site-b' "
                           "answers.", ''),
                          ('target_quota', 'fail', 'Project p1-b on '
                           'site-b lacks 4 cores.', 'Raise the cores '
                           'quota of p1-b on site-b.')], rows)

    def test_json_and_yaml_are_the_whole_document(self):
        self.client.health.get.return_value = HEALTH

        self.assertEqual(HEALTH, self.json_output(health.ShowHealth,
                                                  ['web']))
        self.assertEqual(HEALTH, yaml.safe_load(self.output(
            health.ShowHealth, ['web', '-f', 'yaml'])))

    def test_value_format_is_the_checks_only(self):
        self.client.health.get.return_value = HEALTH

        out = self.output(health.ShowHealth,
                          ['web', '-f', 'value', '-c', 'Check', '-c',
                           'Status'])

        self.assertEqual('peer_site pass\ntarget_quota fail\n', out)

    def test_watched_by_the_peer_says_where_to_ask(self):
        self.client.health.get.return_value = ON_PEER

        out = self.output(health.ShowHealth, ['web'])

        self.assertIn('| RPO Grade             | unknown ', out)
        self.assertIn('| Watched By            | site-b ', out)
        self.assertIn("runs on site 'site-b'", out)
        self.assertIn('| Failover Ready        | - ', out)
        self.assertTrue(out.endswith('+\n'), out)
        self.assertNotIn('| Check ', out)


class TestHealthHistory(fakes.TestCommand):

    def test_list(self):
        self.client.health.history.return_value = SAMPLES

        columns, rows = self.run_command(health.ListHealthHistory, ['web'])

        self.client.health.history.assert_called_once_with(
            'web', since=None, limit=None)
        self.assertEqual(('Checked At', 'RPO Grade', 'Achieved RPO',
                          'RPO Target', 'Ready', 'Failing Checks'), columns)
        self.assertEqual(('2026-12-07T10:00:00Z', 'critical', '1h 01m',
                          '15m', 'no', 'recovery_point, array_link'),
                         tuple(c.human_readable() if hasattr(
                             c, 'human_readable') else c for c in rows[1]))

    def test_json_keeps_numbers_and_booleans(self):
        self.client.health.history.return_value = SAMPLES

        out = self.json_output(health.ListHealthHistory, ['web'])

        self.assertEqual({'Checked At': '2026-12-07T10:00:00Z',
                          'RPO Grade': 'critical', 'Achieved RPO': 3700.0,
                          'RPO Target': 900, 'Ready': False,
                          'Failing Checks': ['recovery_point',
                                             'array_link']}, out[1])

    def test_since_and_limit(self):
        self.client.health.history.return_value = []

        self.run_command(health.ListHealthHistory, [
            'web', '--since', '2026-12-06T00:00:00Z', '--limit', '10'])

        self.client.health.history.assert_called_once_with(
            'web', since='2026-12-06T00:00:00Z', limit=10)

    def test_since_how_long_ago(self):
        now = datetime.datetime(2026, 12, 7, 10, 0,
                                tzinfo=datetime.timezone.utc)

        self.assertEqual('2026-12-07T09:30:00Z',
                         health.since_time('30m', now))
        self.assertEqual('2026-12-07T04:00:00Z', health.since_time('6h', now))
        self.assertEqual('2026-12-05T10:00:00Z', health.since_time('2d', now))
        self.assertEqual('yesterday', health.since_time('yesterday', now))


class TestHealthSummary(fakes.TestCommand):

    def test_projects_then_not_ready_groups_then_sites(self):
        self.client.health.summary.return_value = SUMMARY

        out = self.output(health.ShowHealthSummary, [])

        projects, not_ready, sites = out.split('\n\n')
        self.assertIn('| Project | Groups | OK | Warning | Violated | '
                      'Critical | Unknown | Not Watched Here | Ready | '
                      'Not Ready |', projects)
        self.assertIn('| p1      |      5 |  1 |       0 |        1 |  '
                      '      0 |       1 |                2 |     1 |'
                      '         1 |', projects)
        self.assertIn('| g2 | db-tier | p1      | violated  | '
                      'target_quota, mappings |', not_ready)
        self.assertIn('| site-b | no        | connection refused |',
                      sites)

    def test_no_group_to_list_shows_no_empty_table(self):
        self.client.health.summary.return_value = dict(
            SUMMARY, not_ready=[], sites=[])

        out = self.output(health.ShowHealthSummary, [])

        self.assertNotIn('\n\n', out)
        self.assertIn('| p1 ', out)

    def test_json_is_the_whole_document(self):
        self.client.health.summary.return_value = SUMMARY

        self.assertEqual(SUMMARY, self.json_output(
            health.ShowHealthSummary, []))


class TestColumns(fakes.TestCommand):

    def test_durations(self):
        for seconds, shown in ((None, '-'), (0, '0s'), (59.6, '1m'),
                               (252.4, '4m 12s'), (3600, '1h'),
                               (3900, '1h 05m'),
                               (47 * 3600 + 59 * 60, '47h 59m'),
                               (48 * 3600, '2d'), (50 * 3600, '2d 2h')):
            self.assertEqual(shown, common.duration(seconds), seconds)

    def test_ready_and_grade(self):
        self.assertEqual(['yes', 'no', '-', '-'], [
            common.ReadyColumn(v).human_readable()
            for v in (True, False, None, '')])
        self.assertEqual([True, None], [
            common.ReadyColumn(v).machine_readable() for v in (True, '')])
        self.assertEqual(['ok', '-'], [
            common.GradeColumn(v).human_readable() for v in ('ok', None)])
