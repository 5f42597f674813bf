"""Protection health (microversion 1.2): a group's look, its history, the
admin summary, and the grade and readiness in group bodies.

The looks are stored as the engine's health watch stores them
(``db.health_record``); these tests read them through the API.
"""

import datetime
import json
import os

import jsonschema
from oslo_utils import timeutils

from protector.api import endpoint
from protector.api.handlers import health
from protector.db import api as db
from protector.tests.unit.api import test_protection_groups
from protector.tests.unit import base

V12 = {'OpenStack-API-Version': 'protector 1.2'}
V11 = {'OpenStack-API-Version': 'protector 1.1'}
ADMIN = dict(base.ADMIN, **V12)
MEMBER_A = dict(base.member_of(base.PROJECT_A), **V12)
READER_A = dict(base.member_of(base.PROJECT_A, 'reader'), **V12)
MEMBER_B = dict(base.member_of(base.PROJECT_B), **V12)
NOW = datetime.datetime(2026, 12, 7, 10, 0, 0)
SAMPLES = os.path.join(os.path.dirname(__file__), *[os.pardir] * 4,
                       'api-ref', 'source', 'samples')


def check(name, status='pass', detail='Fine.', fix=None):
    return {'name': name, 'status': status, 'detail': detail, 'fix': fix}


PASSING = [check('peer_site'), check('metadata_sync'), check('servers')]
FAILING = [check('peer_site'),
           check('target_quota', 'fail', 'Not enough cores on site-b.',
                 'Raise the cores quota of project-a-on-site-b.'),
           check('mappings', 'unknown', 'Could not check: timeout')]


class HealthTestCase(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.group = self.deployment()

    def look(self, group_id, grade='ok', checks=PASSING, at=None,
             **values):
        """Store one look of the watch at a group, shown as ``grade``."""
        values = dict({
            'checked_at': at or timeutils.utcnow(), 'rpo_seconds': 120.0,
            'rpo_target_seconds': 900, 'sample_grade': grade,
            'rpo_detail': '', 'checks': checks,
            'failover_ready': all(c['status'] == 'pass' for c in checks),
            'newest_recovery_point': {
                'name': 'array-a:pg-1.s42',
                'created_at': '2026-12-07T09:58:00Z'},
            'transfers': [], 'out_of_sync_since': None}, **values)
        db.health_record(self.context, {group_id: (
            values, lambda shown, previous: grade)})

    def move_workload(self, group_id, site):
        """As a failover leaves it: the workload runs on ``site``."""
        db.group_update(self.context, group_id, {
            'current_primary_site_id': db.site_get(self.context, site).id},
            bump=False)

    def health_path(self, group='web-tier', suffix='',
                    project=base.PROJECT_A):
        return self.group_path(group, '/health' + suffix, project)

    def answer(self, handler, path, headers=MEMBER_A):
        """The body of a 200, checked against its declared schema."""
        body = self.ok('GET', path, headers=headers)
        jsonschema.validate(body, endpoint.of(handler).response)
        return body


class TestShow(HealthTestCase):

    def test_the_latest_look(self):
        self.look(self.group['id'], 'warning', checks=FAILING,
                  rpo_seconds=700.5, transfers=[{
                      'name': 'array-a:pg-1.s43',
                      'created_at': '2026-12-07T09:59:00Z',
                      'progress': 0.4, 'data_transferred': 1024}],
                  at=NOW)

        body = self.answer(health.show, self.health_path())['health']

        self.assertEqual({
            'protection_group_id': self.group['id'],
            'rpo_seconds': 700.5, 'rpo_target_seconds': 900,
            'rpo_grade': 'warning', 'rpo_detail': '',
            'failover_ready': False, 'checks': FAILING,
            'newest_recovery_point': {
                'name': 'array-a:pg-1.s42',
                'created_at': '2026-12-07T09:58:00Z'},
            'transfers': [{'name': 'array-a:pg-1.s43',
                           'created_at': '2026-12-07T09:59:00Z',
                           'progress': 0.4, 'data_transferred': 1024}],
            'last_checked_at': '2026-12-07T10:00:00Z',
            'watched_by': 'site-a'}, body)

    def test_by_id_and_for_a_reader(self):
        self.look(self.group['id'])

        body = self.answer(health.show, self.health_path(self.group['id']),
                           READER_A)['health']

        self.assertEqual('ok', body['rpo_grade'])
        self.assertIs(True, body['failover_ready'])

    def test_not_checked_yet(self):
        self.conf.config(interval=45, group='health')

        body = self.answer(health.show, self.health_path())['health']

        self.assertEqual('unknown', body['rpo_grade'])
        self.assertIsNone(body['failover_ready'])
        self.assertEqual([], body['checks'])
        self.assertIsNone(body['last_checked_at'])
        self.assertEqual('site-a', body['watched_by'])
        self.assertEqual('Not checked yet; the first look comes within 45 '
                         'seconds ([health] interval).', body['rpo_detail'])

    def test_workload_on_the_peer_points_there(self):
        # A look from before the failover is stale: site-b watches now.
        self.look(self.group['id'], 'critical')
        self.move_workload(self.group['id'], 'site-b')

        body = self.answer(health.show, self.health_path())['health']

        self.assertEqual('unknown', body['rpo_grade'])
        self.assertIsNone(body['failover_ready'])
        self.assertEqual([], body['checks'])
        self.assertEqual('site-b', body['watched_by'])
        self.assertEqual(
            "The workload of this group runs on site 'site-b', whose health "
            "watch looks at it; ask that site: 'openstack --os-region-name "
            "RegionOne protector protection-group health web-tier' (or "
            "--os-cloud with the clouds.yaml entry of site 'site-b').",
            body['rpo_detail'])

    def test_another_projects_group_is_not_found(self):
        self.map_project(base.PROJECT_B, base.PROJECT_B_ON_B)
        other = self.create_group('db-tier', project=base.PROJECT_B)
        self.look(other['id'])

        for suffix in ('', '/history'):
            response = self.request('GET', self.health_path(
                other['id'], suffix), headers=MEMBER_A)
            self.assertError(response, 404, other['id'])
            response = self.request('GET', self.health_path(
                suffix=suffix), headers=MEMBER_B)
            self.assertError(response, 403, 'protector:health:show')

    def test_needs_microversion_1_2(self):
        self.look(self.group['id'])
        for version in ({}, V11):
            for path in (self.health_path(), self.health_path(
                    suffix='/history'), '/v1/admin/health'):
                response = self.request('GET', path,
                                        headers=dict(base.ADMIN, **version))
                self.assertError(response, 404, 'protector 1.2')


class TestHistory(HealthTestCase):

    def setUp(self):
        super().setUp()
        now = timeutils.utcnow()
        self.times = [now - datetime.timedelta(hours=h)
                      for h in (30, 3, 2, 1)]
        for at, grade, checks in zip(self.times,
                                     ('ok', 'ok', 'violated', 'violated'),
                                     (PASSING, PASSING, FAILING, FAILING)):
            self.look(self.group['id'], grade, checks, at=at)

    def history(self, query='', headers=MEMBER_A):
        return self.answer(health.history, self.health_path(
            suffix='/history' + query), headers)['samples']

    def test_the_last_day_oldest_first(self):
        samples = self.history()

        self.assertEqual([t.isoformat() + 'Z' for t in self.times[1:]],
                         [s['checked_at'] for s in samples])
        self.assertEqual({
            'checked_at': self.times[2].isoformat() + 'Z',
            'rpo_seconds': 120.0, 'rpo_target_seconds': 900,
            'rpo_grade': 'violated', 'failover_ready': False,
            'failing_checks': ['target_quota', 'mappings']}, samples[1])
        self.assertEqual([], samples[0]['failing_checks'])

    def test_since_and_limit(self):
        since = (self.times[0] - datetime.timedelta(minutes=1))

        samples = self.history('?since=%sZ&limit=2' % since.isoformat())

        self.assertEqual([t.isoformat() + 'Z' for t in self.times[:2]],
                         [s['checked_at'] for s in samples])

    def test_since_with_an_offset(self):
        # 01:30 at UTC+02:00 is 23:30 UTC the day before.
        since = self.times[2] + datetime.timedelta(hours=2, minutes=-1)

        samples = self.history('?since=%s%%2B02:00' % since.strftime(
            '%Y-%m-%dT%H:%M:%S'))

        self.assertEqual([t.isoformat() + 'Z' for t in self.times[2:]],
                         [s['checked_at'] for s in samples])

    def test_history_stays_after_the_workload_moved(self):
        self.move_workload(self.group['id'], 'site-b')

        self.assertEqual(3, len(self.history()))

    def test_bad_since_is_400_naming_the_format(self):
        for value in ('yesterday', '2026-13-01T00:00:00Z', '12/07/2026',
                      '2026-12-07', '2026-12-07T25:00Z'):
            response = self.request('GET', self.health_path(
                suffix='/history?since=' + value), headers=MEMBER_A)

            error = self.assertError(
                response, 400, "Invalid query parameter 'since'",
                'expected an ISO 8601 time such as 2026-12-07T09:30:00Z',
                '(got "%s")' % value)
            self.assertEqual('invalid_query_parameter', error['error_code'])

    def test_bad_limit_is_400(self):
        for value in ('0', 'many', '100001', '1' * 30):
            response = self.request('GET', self.health_path(
                suffix='/history?limit=' + value), headers=MEMBER_A)

            error = self.assertError(response, 400,
                                     "Invalid query parameter 'limit'")
            self.assertEqual('invalid_query_parameter', error['error_code'])


class TestSummary(HealthTestCase):

    def setUp(self):
        super().setUp()
        self.map_project(base.PROJECT_B, base.PROJECT_B_ON_B)
        ready = self.group
        failing = self.create_group('db-tier')
        self.create_group('new-tier')
        moved = self.create_group('erp', project=base.PROJECT_B)
        self.look(ready['id'], 'ok')
        self.look(failing['id'], 'violated', FAILING)
        # Failed over to site-b, whose watch looks at it now.
        self.look(moved['id'], 'critical', FAILING)
        self.move_workload(moved['id'], 'site-b')
        self.failing = failing

    def summary(self, headers=ADMIN):
        return self.answer(health.summary, '/v1/admin/health',
                           headers)['health']

    def test_projects_not_ready_groups_and_sites(self):
        db.site_health_record(self.context, self.site_b['id'], False,
                              'connection refused', NOW)

        body = self.summary()

        counts = dict.fromkeys(('ok', 'warning', 'violated', 'critical',
                                'unknown', 'not_watched_here'), 0)
        self.assertEqual([
            {'project_id': base.PROJECT_A, 'groups': 3,
             'by_grade': dict(counts, ok=1, violated=1, unknown=1),
             'failover_ready': 1, 'not_ready': 1},
            {'project_id': base.PROJECT_B, 'groups': 1,
             'by_grade': dict(counts, not_watched_here=1),
             'failover_ready': 0, 'not_ready': 0}], body['projects'])
        self.assertEqual([{
            'id': self.failing['id'], 'name': 'db-tier',
            'project_id': base.PROJECT_A, 'rpo_grade': 'violated',
            'failing_checks': ['target_quota', 'mappings']}],
            body['not_ready'])
        self.assertEqual([{
            'id': self.site_b['id'], 'name': 'site-b', 'reachable': False,
            'detail': 'connection refused',
            'checked_at': '2026-12-07T10:00:00Z'}], body['sites'])

    def test_projects_with_groups_not_ready_come_first(self):
        self.create_group('billing', project=base.PROJECT_B)
        for name in ('erp', 'billing'):
            group = db.group_get(self.context, name,
                                 project_id=base.PROJECT_B)
            self.move_workload(group.id, 'site-a')
            self.look(group.id, 'critical', FAILING)

        body = self.summary()

        self.assertEqual([base.PROJECT_B, base.PROJECT_A],
                         [p['project_id'] for p in body['projects']])
        self.assertEqual(['billing', 'erp', 'db-tier'],
                         [g['name'] for g in body['not_ready']])

    def test_peer_not_checked_yet(self):
        self.assertEqual([{
            'id': self.site_b['id'], 'name': 'site-b', 'reachable': None,
            'detail': 'Not checked yet.', 'checked_at': None}],
            self.summary()['sites'])

    def test_only_for_administrators(self):
        for headers in (MEMBER_A, READER_A):
            response = self.request('GET', '/v1/admin/health',
                                    headers=headers)

            self.assertError(response, 403, 'protector:health:summary')


class TestGroupBodies(HealthTestCase):

    def test_grade_and_readiness_from_1_2(self):
        self.create_group('db-tier')
        self.look(self.group['id'], 'warning')

        groups = self.ok('GET', self.groups_path(),
                         headers=MEMBER_A)['protection_groups']
        shown = self.ok('GET', self.group_path('web-tier'),
                        headers=MEMBER_A)['protection_group']

        fields = test_protection_groups.GROUP_FIELDS | {'rpo_grade',
                                                        'failover_ready'}
        self.assertEqual([('web-tier', 'warning', True),
                          ('db-tier', None, None)],
                         [(g['name'], g['rpo_grade'], g['failover_ready'])
                          for g in groups])
        self.assertEqual(fields, set(shown))
        self.assertEqual(('warning', True),
                         (shown['rpo_grade'], shown['failover_ready']))

    def test_create_and_update_show_them_too(self):
        created = self.create_group('db-tier', headers=MEMBER_A)
        self.look(created['id'], 'critical', FAILING)
        updated = self.ok('PUT', self.group_path('db-tier'), {
            'protection_group': {'description': 'x'}}, MEMBER_A)

        self.assertIsNone(created['rpo_grade'])
        self.assertEqual(('critical', False), (
            updated['protection_group']['rpo_grade'],
            updated['protection_group']['failover_ready']))

    def test_not_below_1_2(self):
        self.look(self.group['id'])
        for version in ({}, V11):
            headers = dict(base.member_of(base.PROJECT_A), **version)

            groups = self.ok('GET', self.groups_path(),
                             headers=headers)['protection_groups']
            shown = self.ok('GET', self.group_path('web-tier'),
                            headers=headers)['protection_group']

            self.assertEqual(test_protection_groups.GROUP_FIELDS,
                             set(groups[0]))
            self.assertEqual(test_protection_groups.GROUP_FIELDS,
                             set(shown))

    def test_null_when_the_peer_watches_the_group(self):
        self.look(self.group['id'], 'ok')
        self.move_workload(self.group['id'], 'site-b')

        shown = self.ok('GET', self.group_path('web-tier'),
                        headers=MEMBER_A)['protection_group']

        self.assertIsNone(shown['rpo_grade'])
        self.assertIsNone(shown['failover_ready'])


class TestAPIReferenceSamples(base.TestCase):
    """The samples of the API reference have the shape served."""

    def test_samples_follow_the_declared_schemas(self):
        for name, handler in (
                ('health-show-response.json', health.show),
                ('health-show-peer-response.json', health.show),
                ('health-history-response.json', health.history),
                ('health-summary-response.json', health.summary)):
            with open(os.path.join(SAMPLES, name)) as sample:
                jsonschema.validate(json.load(sample),
                                    endpoint.of(handler).response)
