"""Refusals before anything changes: state gates and pre-flight."""

from protector.common import exception
from protector.common import group_states
from protector.db import api as db
from protector.engine import sync
from protector.tests.unit.engine.operations import base
from protector.tests.unit.engine.operations import fixtures


class TestPreflight(base.OperationTestCase):

    def assertRefused(self, error_class, *fragments, **options):
        version = self.group_now().metadata_version
        error = self.assertRaises(error_class, self.start,
                                  options.pop('action', 'failover'),
                                  **options)
        for fragment in fragments:
            self.assertIn(fragment, error.msg)
        # Nothing changed: no operation, same group, nothing on site-b.
        self.assertEqual([], db.operation_list(self.context))
        self.assertEqual(group_states.ACTIVE, self.group_now().status)
        self.assertEqual(version, self.group_now().metadata_version)
        self.assertEqual({}, self.target_servers('site-b'))
        return error

    def drop_stored_network_mapping(self):
        db.group_update(self.context, self.group.id, {'mappings': {}},
                        bump=False)

    def test_incomplete_network_mapping_names_the_network(self):
        self.drop_stored_network_mapping()
        web = self.sites.networks['site-a']['net-web']
        db_net = self.sites.networks['site-a']['net-db']

        error = self.assertRefused(
            exception.BadRequest,
            'No network mapping for network %s (net-web-site-a) used by '
            'server web-1; add --network-mapping %s=<target network>'
            % (web, web), type='planned', network_mapping={
                db_net: self.sites.networks['site-b']['net-db']})
        self.assertEqual(400, error.code)
        self.assertNotIn(db_net + ' (', error.msg)

    def test_mappings_given_at_call_time_are_enough(self):
        self.drop_stored_network_mapping()

        operation = self.start('failover', type='planned', network_mapping={
            self.sites.networks['site-a'][n]: 'net-%s-site-b' % n[4:]
            for n, _ in fixtures.NETWORKS})

        self.assertCompleted(operation)
        self.assertEqual(self.sites.networks['site-b']['net-web'],
                         operation.parameters['mappings']['network'][
                             self.sites.networks['site-a']['net-web']] and
                         self.ports_of('site-b', self.target_servers(
                             'site-b')['web-1'])[0]['network_id'])

    def test_source_networks_may_be_named(self):
        self.drop_stored_network_mapping()

        operation = self.start('failover', type='planned', network_mapping={
            '%s-site-a' % n: '%s-site-b' % n for n, _ in fixtures.NETWORKS})

        self.assertCompleted(operation)
        port, = self.ports_of('site-b', self.target_servers('site-b')[
            'web-1'])
        self.assertEqual(self.sites.networks['site-b']['net-web'],
                         port['network_id'])

    def test_call_time_mappings_win_over_stored_ones(self):
        web = self.sites.networks['site-a']['net-web']
        operation = self.start('failover', type='planned', network_mapping={
            web: self.sites.networks['site-b']['net-db']})

        port, = self.ports_of('site-b', self.target_servers('site-b')[
            'web-1'])
        self.assertEqual(self.sites.networks['site-b']['net-db'],
                         port['network_id'])
        self.assertCompleted(operation)

    def test_a_mapped_network_must_exist(self):
        web = self.sites.networks['site-a']['net-web']
        self.assertRefused(exception.BadRequest,
                           "Network mapping %s=no-such-net: Network "
                           "'no-such-net' does not exist on site site-b"
                           % web, type='planned',
                           network_mapping={web: 'no-such-net'})

    def test_missing_flavor(self):
        for flavor in list(self.sites.cloud('site-b').flavors.values()):
            if flavor['name'] == 'm1.small':
                del self.sites.cloud('site-b').flavors[flavor['id']]

        self.assertRefused(exception.BadRequest, 'No flavor mapping for '
                           'flavor', '(m1.small) used by server db-1, and '
                           'site site-b has no flavor of that id or name; '
                           'add --flavor-mapping', type='planned')

    def test_flavor_mapping(self):
        cloud = self.sites.cloud('site-b')
        small = next(f for f in cloud.flavors.values()
                     if f['name'] == 'm1.small')
        del cloud.flavors[small['id']]
        source = self.member('db-1').spec['flavor']['id']

        operation = self.start('failover', type='planned',
                               flavor_mapping={source: 'm1.tiny'})

        self.assertCompleted(operation)
        server = self.target_servers('site-b')['db-1']
        self.assertEqual('m1.tiny', cloud.flavors[server['flavor_id']][
            'name'])

    def test_peer_unreachable(self):
        self.sites.peer.go_down('connection refused')

        self.assertRefused(exception.PeerUnreachable,
                           "Peer site 'site-b' is unreachable (connection "
                           "refused). Changes to protection group "
                           "'three-tier' are refused", type='planned')

    def test_out_of_sync(self):
        self.sites.peer.change(self.group.id)

        self.assertRefused(exception.OutOfSync,
                           "Protection group 'three-tier' is out of sync",
                           "sync-force three-tier", type='planned')

    def test_a_member_that_is_not_protected(self):
        db.member_update(self.context, self.member('app-1').id,
                         {'status': 'error'})

        self.assertRefused(exception.Conflict,
                           "Member app-1 (%s) of protection group "
                           "'three-tier' is error, not protected"
                           % self.member('app-1').server_id,
                           'member-remove three-tier app-1',
                           type='planned')

    def test_force_skips_the_checks_and_is_recorded(self):
        db.member_update(self.context, self.member('app-1').id,
                         {'status': 'error'})
        self.sites.peer.change(self.group.id)

        operation = self.start('failover', type='planned', force=True)

        self.assertTrue(operation.parameters['force'])
        self.assertEqual(['app-1'], operation.parameters['left_out_members'])
        self.assertEqual(['db-1', 'web-1', 'web-2'],
                         sorted(self.target_servers('site-b')))

    def test_target_site_not_answering(self):
        fixtures.DOWN.add('site-b')

        self.assertRefused(exception.Conflict,
                           "Site 'site-b' is not ready for a failover",
                           "openstack protector site validate site-b",
                           type='planned')

    def test_volume_type_missing_on_target(self):
        cloud = self.sites.cloud('site-b')
        for vtype in cloud.volume_types.values():
            if vtype['name'] == 'replicated':
                vtype['name'] = 'other'

        self.assertRefused(exception.Conflict, "Volume type 'replicated' of "
                           "protection group 'three-tier' is not a "
                           "replication-enabled volume type on site site-b",
                           type='planned')

    def test_security_group_missing_on_target(self):
        spec = dict(self.member('db-1').spec)
        spec['security_groups'] = [{'id': 'x', 'name': 'db-access'}]
        db.member_update(self.context, self.member('db-1').id,
                         {'spec': spec})

        self.assertRefused(exception.BadRequest, "Security group "
                           "'db-access' used by server db-1 does not exist "
                           "on site site-b", type='planned')

    def test_an_unknown_recovery_point(self):
        self.assertRefused(exception.BadRequest, "Recovery point 'nope' is "
                           "not a fully replicated snapshot of protection "
                           "group 'three-tier' on site site-b; list them "
                           "with 'openstack protector recovery-point list "
                           "three-tier'.", action='test_failover',
                           recovery_point='nope')

    def test_no_policy(self):
        with db.main_context_manager.writer.using(self.context):
            self.context.session.query(db.models.ReplicationPolicy).delete()

        self.assertRefused(exception.Conflict, "Protection group "
                           "'three-tier' has no replication policy; create "
                           "it with 'openstack protector protection-group "
                           "policy-create three-tier ...'", type='planned')

    def test_no_members(self):
        for member in db.member_list(self.context, self.group.id):
            db.member_delete(self.context, self.group.id, member.id)
        sync.push(self.context, self.group.id)

        error = self.assertRaises(exception.Conflict, self.start,
                                  'failover', type='planned')
        self.assertIn("has no members; add servers with 'openstack "
                      "protector protection-group member-add three-tier "
                      "<server>'", error.msg)

    def test_failback_needs_a_failed_over_group(self):
        self.assertRefused(exception.Conflict,
                           "Protection group 'three-tier' is active; a "
                           "failback starts only from failed_over or "
                           "failed_over_partial.", action='failback')


class TestNoSnapshotYet(base.OperationTestCase):

    replicate = False

    def test_refused_until_a_snapshot_landed(self):
        error = self.assertRaises(exception.Conflict, self.start,
                                  'test_failover')
        self.assertIn("No fully replicated snapshot of protection group "
                      "'three-tier' is on the array of site site-b "
                      "(https://fa-b.test) yet; run 'openstack protector "
                      "protection-group sync three-tier --wait', then "
                      "retry.", error.msg)

    def test_a_planned_failover_replicates_now_instead(self):
        operation = self.start('failover', type='planned')

        self.assertCompleted(operation)
        self.assertIn('final_replication_sync', operation.steps_completed)


class TestOneOperationAtATime(base.OperationTestCase):

    def test_a_second_request_names_the_running_one(self):
        running = db.operation_create(self.context, {
            'project_id': self.group.project_id,
            'protection_group_id': self.group.id,
            'operation_type': 'test_failover', 'status': 'running'})

        error = self.assertRaises(exception.Conflict, self.start,
                                  'failover', type='planned')
        self.assertEqual(409, error.code)
        self.assertIn('Operation %s (test_failover) is running on '
                      "protection group 'three-tier'" % running.id,
                      error.msg)
        self.assertIn('operation cancel %s' % running.id, error.msg)
