"""The health watch over two linked fake sites."""

import datetime

import fixtures as fx
from oslo_utils import timeutils

from protector.common import exception
from protector.common import group_states
from protector.db import api as db
from protector.drivers.storage import base as storage_base
from protector.health import watch
from protector.tests.fake_drivers import cloud as fake_cloud
from protector.tests.fake_drivers import storage as fake_storage
from protector.tests.fake_drivers import world as fake_world
from protector.tests.unit.engine.operations import base
from protector.tests.unit.engine.operations import fixtures

RPO = 15 * 60


class WatchTestCase(base.OperationTestCase):

    def setUp(self):
        super().setUp()
        self.sent = []
        self.useFixture(fx.MockPatch(
            'protector.common.notifications.notify',
            new=lambda context, event, name, data, priority='info':
            self.sent.append((event, name, data, priority))))

    def look(self, after_seconds=0):
        """One cycle, ``after_seconds`` after now; the group's health."""
        now = timeutils.utcnow() + datetime.timedelta(seconds=after_seconds)
        watch.Cycle(self.context, now=now).run()
        return db.health_get(self.context, self.group.id)

    def checks(self, health):
        return {c['name']: c for c in health.checks}

    def events(self, event_type):
        return [data for event, _, data, _ in self.sent
                if event == event_type]


class TestReadyGroup(WatchTestCase):

    def test_replicated_group_is_ok_and_ready(self):
        health = self.look()

        self.assertEqual('ok', health.rpo_grade)
        self.assertLess(health.rpo_seconds, 60)
        self.assertEqual(RPO, health.rpo_target_seconds)
        self.assertTrue(health.failover_ready, health.checks)
        self.assertEqual(
            {'peer_site', 'metadata_sync', 'servers', 'volume_drift',
             'recovery_point', 'target_array', 'array_link',
             'volume_groups', 'mappings', 'target_quota',
             'adoption_quota'}, set(self.checks(health)))
        self.assertEqual([], self.sent)
        [sample] = db.health_history(self.context, self.group.id)
        self.assertEqual(('ok', True, []), (
            sample.rpo_grade, sample.failover_ready, sample.failing_checks))

    def test_calls_do_not_grow_with_members(self):
        fake_world.reset_call_counts()
        self.look()
        counts = fake_world.call_counts()
        # One overview per array; servers and volumes of the project
        # here; quota, flavors, networks of the project there, and the
        # service project's quota.
        self.assertEqual(2, counts.pop('replication_overview'))
        self.assertEqual({'list_servers': 1, 'list_volumes': 1,
                          'get_quota_usage': 2, 'list_flavors': 1,
                          'list_networks': 1, 'service_project_id': 1},
                         counts)

    def test_a_group_whose_workload_left_is_no_longer_reported(self):
        self.look()
        db.group_update(self.context, self.group.id, {
            'current_primary_site_id': self.sites.sites['site-b'].id},
            bump=False)
        self.look()
        self.assertIsNone(db.health_get(self.context, self.group.id))


class TestWatchShared(WatchTestCase):
    """With several engines, each looks only at its share of the groups."""

    def share(self, *owned):
        class Coordinator(object):
            def share(self):
                return lambda key: key in owned
        self.useFixture(fx.MockPatch(
            'protector.common.coordination.get', new=Coordinator))

    def test_a_group_of_another_engine_is_not_looked_at(self):
        self.share('site:%s' % self.sites.sites['site-b'].id)
        fake_world.reset_call_counts()
        self.look()
        self.assertIsNone(db.health_get(self.context, self.group.id))
        self.assertNotIn('list_servers', fake_world.call_counts())

    def test_its_own_group_is_looked_at(self):
        self.share(self.group.id)
        self.assertEqual('ok', self.look().rpo_grade)
        self.assertEqual([], db.site_health_list(self.context))

    def test_the_peer_is_looked_at_by_its_owner(self):
        self.share('site:%s' % self.sites.sites['site-b'].id)
        self.look()
        self.assertEqual([self.sites.sites['site-b'].id],
                         [r.site_id for r in db.site_health_list(
                             self.context)])


class TestRPO(WatchTestCase):

    def test_breach_is_told_once_and_its_end_once(self):
        self.look()
        fake_storage.set_reachable(fixtures.ARRAY_URLS['site-b'], False)

        first = self.look(after_seconds=1.5 * RPO)
        # One slow look does not change the grade.
        self.assertEqual(('ok', 'violated'), (first.rpo_grade,
                                              first.sample_grade))
        second = self.look(after_seconds=1.5 * RPO + 60)
        self.assertEqual('violated', second.rpo_grade)
        self.assertEqual('fail',
                         self.checks(second)['target_array']['status'])
        self.assertFalse(second.failover_ready)
        critical = [self.look(after_seconds=5 * RPO + s) for s in (0, 60)]
        self.assertEqual(['violated', 'critical'],
                         [h.rpo_grade for h in critical])
        violated = self.events('protection_group.rpo.violated')
        self.assertEqual([('ok', 'violated'), ('violated', 'critical')],
                         [(e['previous_rpo_grade'], e['rpo_grade'])
                          for e in violated])
        self.assertEqual(RPO, violated[0]['rpo_target_seconds'])

        fake_storage.set_reachable(fixtures.ARRAY_URLS['site-b'], True)
        self.sites.storage.replicate_now(
            self.sites.array_ref('site-a'),
            storage_base.replication_group_name(self.group.id))
        self.look(), self.look()
        self.assertEqual('ok', self.look().rpo_grade)
        restored = self.events('protection_group.rpo.restored')
        self.assertEqual(1, len(restored))
        self.assertEqual(('critical', 'ok'), (
            restored[0]['previous_rpo_grade'], restored[0]['rpo_grade']))

    def test_source_measures_while_the_target_is_away(self):
        fake_storage.set_reachable(fixtures.ARRAY_URLS['site-b'], False)
        health = self.look(after_seconds=600)
        self.assertGreaterEqual(health.rpo_seconds, 600)
        self.assertEqual('ok', health.rpo_grade)


class TestReadiness(WatchTestCase):

    def test_a_volume_attached_after_member_add_is_named(self):
        self.look()
        driver = self.sites.driver('site-a')
        project = fixtures.PROJECTS['site-a']
        volume = driver.create_volume(project, 1, name='logs')
        driver.attach_volume(project, self.sites.members['db-1'].server_id,
                             volume['id'])

        health = self.look()

        drift = self.checks(health)['volume_drift']
        self.assertEqual('fail', drift['status'])
        self.assertIn('volume logs (%s) attached to db-1' % volume['id'],
                      drift['detail'])
        self.assertFalse(health.failover_ready)
        [changed] = self.events('protection_group.readiness.changed')
        self.assertEqual(['volume_drift'],
                         [c['name'] for c in changed['failing_checks']])
        # The failover pre-flight runs the same check.
        error = self.assertRaises(exception.Conflict, self.start,
                                  'failover', type='planned')
        self.assertIn('volume logs (%s) attached to db-1' % volume['id'],
                      error.msg)
        self.assertIn('--force', error.msg)
        self.assertEqual([], db.operation_list(self.context))

    def test_quota_short_on_the_target_names_it_and_refuses_failover(self):
        fake_cloud.set_quota('site-b', fixtures.PROJECTS['site-b'],
                             volumes=2)

        health = self.look()

        quota = self.checks(health)['target_quota']
        self.assertEqual('fail', quota['status'])
        self.assertIn('volumes needs 4, free 2 of 2', quota['detail'])
        self.assertIn(fixtures.PROJECTS['site-b'], quota['detail'])
        self.assertEqual("On site site-b: 'openstack quota set --volumes 4 "
                         "%s'." % fixtures.PROJECTS['site-b'], quota['fix'])
        version = self.group_now().metadata_version
        error = self.assertRaises(exception.QuotaInsufficient, self.start,
                                  'failover', type='planned')
        self.assertIn('volumes needs 4, free 2 of 2', error.msg)
        self.assertEqual([], db.operation_list(self.context))
        self.assertEqual((group_states.ACTIVE, version), (
            self.group_now().status, self.group_now().metadata_version))
        self.assertEqual({}, self.target_servers('site-b'))

    def test_the_adopting_service_project_counts_too(self):
        fake_cloud.set_quota('site-b', fake_cloud.ADMIN_PROJECT,
                             gigabytes=1)
        quota = self.checks(self.look())['adoption_quota']
        self.assertEqual('fail', quota['status'])
        self.assertIn('gigabytes needs 4, free 1 of 1', quota['detail'])

    def test_peer_down_is_told_after_two_looks(self):
        self.look()
        self.sites.peer.go_down('connection refused')

        health = self.look()
        self.assertEqual('fail', self.checks(health)['peer_site']['status'])
        self.assertIn('connection refused',
                      self.checks(health)['peer_site']['detail'])
        self.assertEqual('unknown',
                         self.checks(health)['metadata_sync']['status'])
        self.assertEqual([], self.events('site.unreachable'))
        self.look()
        [down] = self.events('site.unreachable')
        self.assertEqual(('site-b', False), (down['name'],
                                             down['reachable']))
        self.sites.peer.come_back()
        self.look(), self.look()
        self.assertEqual(1, len(self.events('site.reachable')))

    def test_unmapped_network_fails(self):
        db.group_update(self.context, self.group.id, {'mappings': {}},
                        bump=False)
        mappings = self.checks(self.look())['mappings']
        self.assertEqual('fail', mappings['status'])
        self.assertIn('has no mapping to site site-b', mappings['detail'])


class TestSyncPod(WatchTestCase):

    replication_type = 'sync'

    def test_a_pod_in_sync_has_no_lag(self):
        health = self.look()
        self.assertEqual(0.0, health.rpo_seconds)
        self.assertEqual('ok', health.rpo_grade)
        self.assertEqual('pass',
                         self.checks(health)['volume_groups']['status'],
                         health.checks)


class TestHistory(WatchTestCase):

    def record(self, when):
        values = {'checked_at': when, 'rpo_seconds': 10.0,
                  'rpo_target_seconds': RPO, 'sample_grade': 'ok',
                  'rpo_detail': '', 'failover_ready': True, 'checks': [],
                  'newest_recovery_point': None, 'transfers': [],
                  'out_of_sync_since': None}
        db.health_record(self.context, {self.group.id: (
            values, lambda shown, previous: 'ok')})

    def test_old_samples_are_thinned(self):
        now = timeutils.utcnow()
        day = datetime.timedelta(days=1)
        # Three hours of five-minute looks at each age.
        for age in (day / 2, 3 * day, 10 * day, 16 * day):
            start = now - age
            for minutes in range(0, 180, 5):
                self.record(start + datetime.timedelta(minutes=minutes))

        db.health_thin(self.context, now, 14)

        ages = (day / 2, 3 * day, 10 * day, 16 * day)
        kept = dict.fromkeys(ages, 0)
        for sample in db.health_history(self.context, self.group.id):
            age = next(a for a in ages if now - a <= sample.checked_at)
            kept[age] += 1
        # All of the last day, one per 10 minutes to a week, one per hour
        # to 14 days, none before.
        self.assertEqual(36, kept[day / 2])
        self.assertIn(kept[3 * day], (18, 19))
        self.assertIn(kept[10 * day], (3, 4))
        self.assertEqual(0, kept[16 * day])

    def test_since(self):
        now = timeutils.utcnow()
        for hours in (30, 20, 1):
            self.record(now - datetime.timedelta(hours=hours))
        self.assertEqual(2, len(db.health_history(
            self.context, self.group.id,
            since=now - datetime.timedelta(hours=24))))
