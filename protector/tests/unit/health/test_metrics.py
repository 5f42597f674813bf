"""The Prometheus metrics: what a scrape shows, read from the database."""

import datetime
import socket
import urllib.request

import fixtures
import prometheus_client
from prometheus_client import parser
import sqlalchemy as sa

from protector.db import api as db
from protector.health import metrics
from protector.tests.unit import base

NOW = datetime.datetime(2025, 3, 1, 12, 0, 0)
GROUP_LABELS = ('protection_group_id', 'protection_group', 'project_id',
                'site')


def scrape(collector=None):
    """``{(sample name, labels as sorted tuple): value}`` of one scrape."""
    registry = prometheus_client.CollectorRegistry()
    registry.register(collector or metrics.HealthCollector())
    text = prometheus_client.generate_latest(registry).decode()
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in parser.text_string_to_metric_families(text)
            for sample in family.samples}


class MetricsTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.site_a = self.site('site-a', is_local=True)
        self.site_b = self.site('site-b')

    def site(self, name, is_local=False):
        return db.site_create(self.context, {
            'name': name, 'auth_url': 'http://%s.test:5000/v3' % name,
            'region_name': 'RegionOne', 'username': 'protector',
            'password_encrypted': 'x', 'project_name': 'service',
            'user_domain_name': 'Default', 'project_domain_name': 'Default',
            'is_local': is_local})

    def group(self, name, project='project-a'):
        return db.group_create(self.context, {
            'project_id': project, 'name': name, 'replication_type': 'async',
            'primary_site_id': self.site_a.id,
            'secondary_site_id': self.site_b.id,
            'current_primary_site_id': self.site_a.id,
            'volume_type': 'replicated',
            'secondary_volume_type': 'replicated'})

    def look(self, group, rpo_seconds, grade, ready=True, transfers=(),
             target=900):
        """The watch's look at ``group``, stored as the watch stores it."""
        values = {'checked_at': NOW, 'rpo_seconds': rpo_seconds,
                  'rpo_target_seconds': target, 'sample_grade': grade,
                  'rpo_detail': '', 'failover_ready': ready, 'checks': [],
                  'newest_recovery_point': None,
                  'transfers': list(transfers), 'out_of_sync_since': None}
        db.health_record(self.context, {
            group.id: (values, lambda shown, previous: grade)})

    def labels(self, group, **extra):
        values = dict(zip(GROUP_LABELS, (group.id, group.name,
                                         group.project_id, 'site-a')))
        values.update(extra)
        return tuple(sorted(values.items()))


class TestGroupMetrics(MetricsTestCase):

    def test_a_group_as_the_watch_saw_it(self):
        web = self.group('web-tier')
        self.look(web, 700.0, 'warning', transfers=[
            {'name': 'pg.s2', 'created_at': '2025-03-01T11:58:00Z',
             'progress': 0.8},
            {'name': 'pg.s1', 'created_at': '2025-03-01T11:50:00Z',
             'progress': 0.25}])

        shown = scrape()

        labels = self.labels(web)
        self.assertEqual(700.0, shown[
            ('protector_protection_group_rpo_seconds', labels)])
        self.assertEqual(900.0, shown[
            ('protector_protection_group_rpo_target_seconds', labels)])
        self.assertEqual(1.0, shown[
            ('protector_protection_group_failover_ready', labels)])
        # The oldest transfer is the one whose landing moves the RPO.
        self.assertEqual(0.25, shown[
            ('protector_protection_group_replication_transfer_ratio',
             labels)])
        self.assertEqual(1.0, shown[
            ('protector_protection_group_rpo_grade_info',
             self.labels(web, grade='warning'))])
        self.assertEqual(NOW.replace(tzinfo=datetime.timezone.utc)
                         .timestamp(), shown[
            ('protector_protection_group_last_check_timestamp_seconds',
             labels)])
        self.assertEqual(1.0, shown[('protector_database_up', ())])

    def test_an_unmeasured_rpo_is_absent(self):
        db_tier = self.group('db-tier', project='project-b')
        self.look(db_tier, None, 'unknown', ready=False)

        shown = scrape()

        labels = self.labels(db_tier)
        self.assertNotIn(('protector_protection_group_rpo_seconds', labels),
                         shown)
        self.assertEqual(0.0, shown[
            ('protector_protection_group_failover_ready', labels)])
        self.assertEqual(1.0, shown[
            ('protector_protection_group_replication_transfer_ratio',
             labels)])
        self.assertEqual(1.0, shown[
            ('protector_protection_group_rpo_grade_info',
             self.labels(db_tier, grade='unknown'))])

    def test_only_groups_the_watch_looked_at_are_shown(self):
        web = self.group('web-tier')
        self.group('not-looked-at-yet')
        self.look(web, 10.0, 'ok')

        names = {dict(labels).get('protection_group')
                 for _name, labels in scrape()}

        self.assertEqual({None, 'web-tier'}, names)

    def test_the_latest_look_replaces_the_one_before(self):
        web = self.group('web-tier')
        self.look(web, 10.0, 'ok')
        self.look(web, 4000.0, 'critical', ready=False)

        shown = scrape()

        self.assertEqual(4000.0, shown[
            ('protector_protection_group_rpo_seconds', self.labels(web))])
        self.assertEqual(
            ['critical'],
            [dict(labels)['grade'] for name, labels in shown
             if name == 'protector_protection_group_rpo_grade_info'])

    def test_a_scrape_reads_the_same_queries_for_any_number_of_groups(self):
        statements = []

        def count(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith('SELECT'):
                statements.append(statement)
        engine = db.get_engine()
        sa.event.listen(engine, 'before_cursor_execute', count)
        self.addCleanup(sa.event.remove, engine, 'before_cursor_execute',
                        count)
        self.look(self.group('g-0'), 10.0, 'ok')
        del statements[:]
        scrape()
        one = len(statements)
        for index in range(1, 6):
            self.look(self.group('g-%d' % index), 10.0, 'ok')
        del statements[:]

        shown = scrape()

        self.assertEqual(one, len(statements))
        self.assertEqual(2, one)
        self.assertEqual(6, len([n for n, _ in shown if n ==
                                 'protector_protection_group_rpo_seconds']))

    def test_a_database_that_cannot_be_read_is_told(self):
        self.useFixture(fixtures.MockPatch(
            'protector.db.api.health_metrics',
            side_effect=Exception('database is locked')))

        shown = scrape()

        self.assertEqual({('protector_database_up', ()): 0.0}, shown)


class TestSiteMetrics(MetricsTestCase):

    def test_the_local_site_is_up_and_the_peer_as_the_watch_saw_it(self):
        self.assertEqual({'site-a': 1.0}, self.site_up())

        db.site_health_record(self.context, self.site_b.id, False,
                              'connection refused', NOW)
        self.assertEqual({'site-a': 1.0, 'site-b': 0.0}, self.site_up())

        db.site_health_record(self.context, self.site_b.id, True, '', NOW)
        db.site_health_record(self.context, self.site_b.id, True, '', NOW)
        self.assertEqual({'site-a': 1.0, 'site-b': 1.0}, self.site_up())

    def site_up(self):
        return {dict(labels)['site']: value
                for (name, labels), value in scrape().items()
                if name == 'protector_site_up'}


class TestTransferRatio(base.TestCase):

    def test_ratio(self):
        self.assertEqual(1.0, metrics.transfer_ratio([]))
        self.assertEqual(1.0, metrics.transfer_ratio(None))
        self.assertEqual(0.5, metrics.transfer_ratio([{'progress': 0.5}]))
        self.assertIsNone(metrics.transfer_ratio([{'name': 'pg.s1'}]))
        self.assertEqual(0.0, metrics.transfer_ratio([{'progress': -1}]))


class TestEndpoint(MetricsTestCase):
    """protector-engine's endpoint, as Prometheus scrapes it."""

    def test_get_metrics(self):
        web = self.group('web-tier')
        self.look(web, 120.0, 'ok')
        endpoint = metrics.Endpoint('127.0.0.1', 0)
        self.addCleanup(endpoint.stop)

        with urllib.request.urlopen('http://127.0.0.1:%d/metrics'
                                    % endpoint.port, timeout=10) as answer:
            status = answer.status
            kind = answer.headers['Content-Type']
            text = answer.read().decode()

        self.assertEqual(200, status)
        self.assertTrue(kind.startswith('text/plain'), kind)
        families = {f.name: f for f in
                    parser.text_string_to_metric_families(text)}
        rpo, = families['protector_protection_group_rpo_seconds'].samples
        self.assertEqual((120.0, 'web-tier'),
                         (rpo.value, rpo.labels['protection_group']))
        self.assertEqual('histogram', families[
            'protector_operation_duration_seconds'].type)
        self.assertIn('process_resident_memory_bytes', families)

    def test_stop_frees_the_port(self):
        endpoint = metrics.Endpoint('127.0.0.1', 0)
        port = endpoint.port

        endpoint.stop()

        with socket.socket() as again:
            again.bind(('127.0.0.1', port))
