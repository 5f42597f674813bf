"""The rules of a group's environment: project, array, volume type, cloud."""

from protector.common import crypto
from protector.common import exception
from protector.db import api as db
from protector.engine import group_environment
from protector.tests.unit.engine.operations import base
from protector.tests.unit.engine.operations import fixtures


class TestGroupEnvironment(base.OperationTestCase):

    def env(self, **kwargs):
        return group_environment.Environment.of_group(
            self.context, self.group_now(), **kwargs)

    def site(self, name):
        return self.sites.sites[name]

    def test_project_of_each_site_goes_through_the_tenant_mapping(self):
        env = self.env()
        self.assertEqual(fixtures.PROJECTS['site-a'],
                         env.project(self.site('site-a')))
        self.assertEqual(fixtures.PROJECTS['site-b'],
                         env.project(self.site('site-b')))

    def test_a_project_without_mapping_is_refused_with_the_fix(self):
        mapping = db.tenant_mapping_find(
            self.context, self.site('site-b').id,
            local_project_id=fixtures.PROJECTS['site-a'])
        db.tenant_mapping_delete(self.context, mapping.id)
        error = self.assertRaises(exception.Conflict, self.env().project,
                                  self.site('site-b'))
        self.assertIn("has no tenant mapping to peer site 'site-b'",
                      error.msg)
        self.assertIn('tenant-mapping create', error.msg)

    def test_arrays_follow_the_workload_across_a_failover(self):
        before = self.env()
        self.assertEqual(('site-a', 'site-b'),
                         (before.source.name, before.target.name))
        self.assertEqual((fixtures.ARRAY_URLS['site-a'],
                          fixtures.ARRAY_URLS['site-b']),
                         tuple(ref.url for ref in before.arrays()))
        self.assertEqual('token-b',
                         before.array(self.site('site-b')).api_token)

        self.assertCompleted(self.start('failover', type='planned'))

        after = self.env()
        self.assertEqual(('site-b', 'site-a'),
                         (after.source.name, after.target.name))
        self.assertEqual((fixtures.ARRAY_URLS['site-b'],
                          fixtures.ARRAY_URLS['site-a']),
                         tuple(ref.url for ref in after.arrays()))
        # Each site keeps its own array.
        self.assertEqual(fixtures.ARRAY_URLS['site-a'],
                         after.array(self.site('site-a')).url)

    def test_policy_values_not_yet_stored_name_the_arrays(self):
        values = dict(group_environment.policy_values(
            db.policy_get(self.context, self.group.id)),
            secondary_fa_url='https://fa-new.test',
            secondary_fa_token_encrypted=crypto.encrypt('token-new'),
            replication_interval=60)
        env = self.env(policy=values)
        self.assertEqual(('https://fa-new.test', 'token-new'),
                         tuple(env.array(self.site('site-b'))))
        self.assertEqual((60, 24), env.replication_settings())
        self.assertEqual(fixtures.ARRAY_URLS['site-b'],
                         self.env().array(self.site('site-b')).url)

    def test_a_group_without_policy_has_no_arrays(self):
        with db.main_context_manager.writer.using(self.context):
            self.context.session.query(db.models.ReplicationPolicy).delete()
        self.assertRaises(exception.NotFound, self.env().arrays)

    def test_volume_type_and_cinder_group_of_each_site(self):
        db.group_update(self.context, self.group.id,
                        {'secondary_volume_type': 'replicated-b'},
                        bump=False)
        env = self.env()
        self.assertEqual(('replicated', 'replicated-b'), (
            env.volume_type(self.site('site-a')),
            env.volume_type(self.site('site-b'))))
        self.assertEqual(self.group.consistency_groups['site-b'],
                         env.cinder_group(self.site('site-b')))

    def test_one_cloud_driver_per_site_and_environment(self):
        env = self.env()
        site = self.site('site-b')
        self.assertIs(env.cloud(site), env.cloud(site))
        self.assertIsNot(env.cloud(site), self.env().cloud(site))

    def test_a_group_not_yet_stored(self):
        values = {'id': 'new-group', 'project_id': fixtures.PROJECTS[
            'site-a'], 'primary_site_id': self.site('site-a').id,
            'volume_type': 'replicated', 'secondary_volume_type': 'other',
            'consistency_groups': {}}
        env = group_environment.Environment(
            self.context, db.group_new(values), self.site('site-a'),
            self.site('site-b'))
        self.assertEqual(fixtures.PROJECTS['site-b'],
                         env.project(self.site('site-b')))
        self.assertEqual('other', env.volume_type(self.site('site-b')))
        self.assertRaises(exception.NotFound, db.group_get, self.context,
                          'new-group')
