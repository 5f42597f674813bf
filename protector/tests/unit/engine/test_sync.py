"""One version history per group on both sites (protector.engine.sync)."""

import datetime

import fixtures
from oslo_utils import timeutils

from protector.common import context
from protector.db import api as db
from protector.engine import sync
from protector.tests.fake_drivers import cloud as fake_cloud
from protector.tests.fake_drivers import storage as fake_storage
from protector.tests.unit import base

MEMBER_A = base.member_of(base.PROJECT_A)

UNREACHABLE = (
    "Peer site 'site-b' is unreachable (connection refused). Changes to "
    "protection group 'web-tier' are refused so that the two sites cannot "
    "diverge. Start protector-api on site-b (check with 'openstack "
    "protector protection-group sync-status web-tier'), then retry.")


def out_of_sync(local, remote, why='different versions'):
    return ("Protection group 'web-tier' is out of sync: version %s on "
            "site-a, version %s on site-b (%s). Run 'openstack protector "
            "protection-group sync-force web-tier' on the site that holds "
            "the workload, then retry." % (local, remote, why))


class SyncTestCase(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.group = self.deployment()
        self.gid = self.group['id']

    def changes(self):
        """Every kind of change of a group, as (method, path, body)."""
        return [
            ('PUT', self.group_path('web-tier'),
             {'protection_group': {'description': 'changed'}}),
            ('POST', self.group_path('web-tier', '/members'),
             {'member': {'server': 'rhel7.2'}}),
            ('DELETE', self.group_path('web-tier', '/members/IIS-Demo'),
             None),
            ('PUT', self.group_path('web-tier', '/policy'),
             {'policy': {'rpo_minutes': 30}}),
            ('PUT', self.group_path('web-tier', '/mappings'),
             {'mappings': {'failover': {'network': {'a': 'b'}}}}),
            ('PUT', self.group_path('web-tier', '/plan'),
             {'plan': {'devices': {'IIS-Demo': {'rank': 1}}}}),
            ('DELETE', self.group_path('web-tier'), None),
        ]

    def sync_status(self, headers=MEMBER_A):
        return self.ok('GET', self.group_path('web-tier', '/sync-status'),
                       headers=headers)['sync_status']

    def sync_force(self, source=None, headers=MEMBER_A):
        body = {'sync_force': {'source': source}} if source else None
        return self.request('POST', self.group_path('web-tier',
                                                    '/sync-force'),
                            body, headers)


class TestRefusals(SyncTestCase):

    def setUp(self):
        super().setUp()
        self.add_member('web-tier', 'IIS-Demo')
        self.set_policy('web-tier')
        self.version = self.show_group('web-tier')['metadata_version']

    def test_every_change_is_refused_while_the_peer_is_unreachable(self):
        self.peer.go_down('connection refused')

        for method, path, body in self.changes():
            response = self.request(method, path, body, MEMBER_A)

            error = self.assertError(response, 409)
            self.assertEqual('peer_unreachable', error['error_code'])
            # The changes that may be made here alone name --local.
            may_be_local = path.endswith(('/policy', '/mappings', '/plan'))
            self.assertEqual(may_be_local, '--local' in error['message'],
                             path)
            if not may_be_local:
                self.assertEqual(UNREACHABLE, error['message'], path)
        self.peer.come_back()
        group = self.show_group('web-tier')
        self.assertEqual(self.version, group['metadata_version'])
        self.assertEqual('', group['description'])
        self.assertEqual(1, group['member_count'])

    def test_every_change_is_refused_when_the_peer_changed(self):
        remote = self.peer.change(self.gid, description='changed on b')

        for method, path, body in self.changes():
            response = self.request(method, path, body, MEMBER_A)

            error = self.assertError(response, 409)
            self.assertEqual(out_of_sync(self.version, remote),
                             error['message'], path)
        self.assertEqual(self.version,
                         self.show_group('web-tier')['metadata_version'])

    def test_refused_when_the_peer_lost_its_copy(self):
        del self.peer.documents[self.gid]

        response = self.request('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'x'}}, MEMBER_A)

        error = self.assertError(response, 409)
        self.assertEqual(out_of_sync(self.version, 'none',
                                     'the peer site has no copy'),
                         error['message'])


class TestPush(SyncTestCase):

    def test_each_change_bumps_the_version_by_one_on_both_sites(self):
        group = self.group_path('web-tier')
        steps = [
            ('PUT', group, {'protection_group': {'description': 'x'}}),
            ('POST', group + '/members', {'member': {'server': 'IIS-Demo'}}),
            ('POST', group + '/members', {'member': {'server': 'rhel7.2'}}),
            ('POST', group + '/policy', {'policy': {
                'primary_fa_url': 'https://fa-a.test',
                'primary_fa_token': base.PRIMARY_TOKEN,
                'secondary_fa_url': 'https://fa-b.test',
                'secondary_fa_token': base.SECONDARY_TOKEN,
                'rpo_minutes': 15}}),
            ('PUT', group + '/policy', {'policy': {'rpo_minutes': 30}}),
            ('PUT', group + '/mappings', {'mappings': {
                'failover': {'network': {'net-a': 'net-b'}}}}),
            ('PUT', group + '/plan', {'plan': {'devices': {
                'IIS-Demo': {'rank': 1}, 'rhel7.2': {'rank': 0}}}}),
            ('DELETE', group + '/members/IIS-Demo', None),
        ]

        for version, (method, path, body) in enumerate(steps, start=2):
            response = self.request(method, path, body, MEMBER_A)

            self.assertLess(response.status_int, 300, response.text)
            shown = self.show_group('web-tier')
            self.assertEqual(version, shown['metadata_version'], path)
            self.assertEqual(version, self.peer.version(self.gid), path)
            self.assertEqual('IN SYNC', shown['sync_status'])
        self.assertEqual(list(range(1, len(steps) + 2)),
                         [v for _id, v, _force in self.peer.pushes])
        self.assertFalse(any(force for _id, _v, force in self.peer.pushes))

    def test_failed_refusal_is_not_a_change(self):
        self.request('PUT', self.group_path('web-tier'), {
            'protection_group': {'replication_type': 'sync'}}, MEMBER_A)
        self.request('POST', self.group_path('web-tier', '/members'),
                     {'member': {'server': 'plain'}}, MEMBER_A)

        self.assertEqual(1, self.show_group('web-tier')['metadata_version'])
        self.assertEqual([1], [v for _id, v, _f in self.peer.pushes])

    def test_failed_push_leaves_the_group_out_of_sync(self):
        self.peer.pushes_fail = True

        group = self.ok('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'changed'}},
            MEMBER_A)['protection_group']

        self.assertEqual(2, group['metadata_version'])
        self.assertEqual('OUT OF SYNC', group['sync_status'])
        self.assertIn('protector-api answered HTTP 503',
                      group['last_sync_error'])
        self.assertEqual(1, self.peer.version(self.gid))

    def test_a_pending_version_goes_first_with_the_next_change(self):
        self.peer.pushes_fail = True
        self.ok('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'changed'}}, MEMBER_A)
        self.peer.come_back()

        self.ok('POST', self.group_path('web-tier', '/members'),
                {'member': {'server': 'IIS-Demo'}}, MEMBER_A, status=201)

        self.assertEqual([1, 2, 3], [v for _id, v, _f in self.peer.pushes])
        group = self.show_group('web-tier')
        self.assertEqual((3, 'IN SYNC'), (group['metadata_version'],
                                          group['sync_status']))

    def test_changes_are_refused_while_a_version_cannot_be_delivered(self):
        self.peer.pushes_fail = True
        self.ok('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'changed'}}, MEMBER_A)

        response = self.request('POST', self.group_path('web-tier',
                                                        '/members'),
                                {'member': {'server': 'IIS-Demo'}},
                                MEMBER_A)

        error = self.assertError(response, 409, "version 2 on site-a, "
                                                "version 1 on site-b (this "
                                                "site has not been able to "
                                                "send it: Peer site 'site-b' "
                                                "is unreachable")
        self.assertEqual('out_of_sync', error['error_code'])
        self.assertEqual(0, self.show_group('web-tier')['member_count'])
        status = self.sync_status()
        self.assertEqual('OUT OF SYNC', status['status'])
        self.assertIn('Version 2 has not reached the peer site yet',
                      status['detail'])


class TestOneHistory(SyncTestCase):
    """What a change does when the peer changes the group at once."""

    def test_a_change_the_peer_is_making_refuses_ours(self):
        self.peer.leases[self.gid] = 'site-b:its-own-change'

        response = self.request('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'A1'}}, MEMBER_A)

        error = self.assertError(response, 409, "is being changed on site "
                                                "'site-b'")
        self.assertEqual('change_in_progress', error['error_code'])
        group = self.show_group('web-tier')
        self.assertEqual((1, ''), (group['metadata_version'],
                                   group['description']))

    def test_while_we_change_the_group_the_peer_cannot(self):
        seen = {}
        original = fake_cloud.FakeCloudDriver.get_server_spec

        def capture(driver, project_id, server):
            seen['peer lease'] = self.peer.leases.get(self.gid)
            seen['our lease'] = db.group_get(self.context,
                                             self.gid).lease_holder
            return original(driver, project_id, server)
        self.useFixture(fixtures.MonkeyPatch(
            'protector.tests.fake_drivers.cloud.FakeCloudDriver.'
            'get_server_spec', capture))

        self.ok('POST', self.group_path('web-tier', '/members'),
                {'member': {'server': 'IIS-Demo'}}, MEMBER_A, status=201)

        self.assertTrue(seen['peer lease'].startswith('site-a:'))
        self.assertEqual(seen['peer lease'], seen['our lease'])
        self.assertIsNone(self.peer.leases.get(self.gid))
        self.assertIsNone(db.group_get(self.context, self.gid).lease_holder)

    def test_a_pushed_document_waits_for_our_change(self):
        holder = sync.new_holder()
        db.group_lease_take(self.context, self.gid, holder, 600)
        document = dict(self.peer.documents[self.gid], version=2)

        response = self.request(
            'PUT', '/v1/admin/sync/protection-groups/%s' % self.gid,
            {'metadata': {'version': 2, 'document': document,
                          'digest': self.peer.digest(self.gid),
                          'base': {'version': 1,
                                   'digest': self.peer.digest(self.gid)}}})

        self.assertError(response, 409, 'is being changed on site '
                                        "'site-a'")
        self.assertEqual(1, self.show_group('web-tier')['metadata_version'])

    def test_a_refused_push_undoes_the_change(self):
        self.set_policy('web-tier')
        volume = base.volume_id('IIS-Demo')
        client = self.peer.client
        version = self.show_group('web-tier')['metadata_version']

        def refusing(site):
            peer_client = client(site)
            push = peer_client.push

            def refused_push(document, *args, **kwargs):
                # The reservation expired and another change went first.
                self.peer.leases[self.gid] = 'site-b:took-over'
                return push(document, *args, **kwargs)
            peer_client.push = refused_push
            return peer_client
        self.useFixture(fixtures.MockPatch(
            'protector.engine.peer.PeerClient', new=refusing))

        response = self.request('POST', self.group_path('web-tier',
                                                        '/members'),
                                {'member': {'server': 'IIS-Demo'}},
                                MEMBER_A)

        self.assertError(response, 409, "Peer site 'site-b' refused "
                                        "version %d" % (version + 1))
        group = self.show_group('web-tier')
        self.assertEqual((version, 0, 'IN SYNC'),
                         (group['metadata_version'], group['member_count'],
                          group['sync_status']))
        array = fake_storage.array('https://fa-a.test')
        self.assertNotIn(volume, str(array.pgroups))
        cloud = fake_cloud.cloud('site-a')
        self.assertEqual([], [v for g in cloud.groups.values()
                              for v in g['volume_ids']])
        self.assertIsNone(db.group_get(self.context, self.gid).lease_holder)

    def test_an_unanswered_push_is_kept_and_sent_again(self):
        self.peer.answers_lost = True

        group = self.ok('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'A1'}},
            MEMBER_A)['protection_group']

        self.assertEqual((2, 'OUT OF SYNC'), (group['metadata_version'],
                                              group['sync_status']))
        self.assertIn('ReadTimeout', group['last_sync_error'])
        self.peer.come_back()
        self.assertEqual(0, sync.deliver_due(self.context))
        timeutils.set_time_override(timeutils.utcnow() +
                                    datetime.timedelta(seconds=5))
        self.addCleanup(timeutils.clear_time_override)

        self.assertEqual(1, sync.deliver_due(self.context))

        group = self.show_group('web-tier')
        self.assertEqual(('IN SYNC', None),
                         (group['sync_status'], group['last_sync_error']))
        self.assertEqual((2, 'A1'), (self.peer.version(self.gid),
                                     self.peer.documents[self.gid]['group'][
                                         'description']))

    def test_a_new_group_the_peer_did_not_confirm_is_sent_again(self):
        self.peer.pushes_fail = True

        group = self.create_group('db-tier')

        self.assertEqual('OUT OF SYNC', group['sync_status'])
        self.assertIsNone(self.peer.version(group['id']))
        self.peer.come_back()
        timeutils.set_time_override(timeutils.utcnow() +
                                    datetime.timedelta(seconds=5))
        self.addCleanup(timeutils.clear_time_override)
        self.assertEqual(1, sync.deliver_due(self.context))
        self.assertEqual(1, self.peer.version(group['id']))
        self.assertEqual('IN SYNC', self.show_group('db-tier')['sync_status'])

    def test_retries_back_off(self):
        self.peer.pushes_fail = True
        self.ok('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'A1'}}, MEMBER_A)
        delays = []
        for _attempt in range(4):
            group = db.group_get(self.context, self.gid)
            delays.append((group.push_next_at -
                           timeutils.utcnow()).total_seconds())
            timeutils.set_time_override(group.push_next_at)
            self.addCleanup(timeutils.clear_time_override)
            sync.deliver_due(self.context)

        self.assertEqual(4, len(delays))
        for earlier, later in zip(delays, delays[1:]):
            self.assertGreater(later, earlier * 1.3)
        self.assertEqual(5, db.group_get(self.context,
                                         self.gid).push_attempts)

    def test_a_change_that_lost_its_hold_is_refused(self):
        original = db.member_create

        def steal_then_create(ctx, group_id, values):
            timeutils.set_time_override(timeutils.utcnow() +
                                        datetime.timedelta(seconds=601))
            db.group_lease_take(context.get_admin_context(), group_id,
                                'site-a:another-change', 600)
            return original(ctx, group_id, values)
        self.addCleanup(timeutils.clear_time_override)
        self.useFixture(fixtures.MockPatch(
            'protector.db.api.member_create', side_effect=steal_then_create))

        response = self.request('POST', self.group_path('web-tier',
                                                        '/members'),
                                {'member': {'server': 'IIS-Demo'}},
                                MEMBER_A)

        self.assertError(response, 409, 'change another-change')
        self.assertEqual(0, self.show_group('web-tier')['member_count'])


class TestSyncStatus(SyncTestCase):

    def test_in_sync(self):
        group = self.show_group('web-tier')
        self.assertEqual({
            'protection_group': 'web-tier', 'local_site': 'site-a',
            'local_version': 1, 'local_digest': group['metadata_digest'],
            'remote_site': 'site-b', 'remote_version': 1,
            'remote_digest': group['metadata_digest'], 'status': 'IN SYNC',
            'detail': '',
        }, self.sync_status())

    def test_same_version_different_content_is_out_of_sync(self):
        self.peer.documents[self.gid]['group']['description'] = 'B1'

        status = self.sync_status()

        self.assertEqual('OUT OF SYNC', status['status'])
        self.assertEqual(status['local_version'], status['remote_version'])
        self.assertNotEqual(status['local_digest'], status['remote_digest'])
        self.assertIn('Same version, different content: digest %s here, '
                      '%s there' % (status['local_digest'][:12],
                                    status['remote_digest'][:12]),
                      status['detail'])
        self.assertIn('sync-force web-tier', status['detail'])
        response = self.request('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'x'}}, MEMBER_A)
        self.assertError(response, 409, 'same version, different content')

    def test_out_of_sync(self):
        self.peer.change(self.gid)

        status = self.sync_status()

        self.assertEqual('OUT OF SYNC', status['status'])
        self.assertEqual(1, status['local_version'])
        self.assertEqual(2, status['remote_version'])
        self.assertIn('sync-force web-tier', status['detail'])
        self.assertEqual('OUT OF SYNC',
                         self.show_group('web-tier')['sync_status'])

    def test_unreachable(self):
        self.peer.go_down()

        status = self.sync_status()

        self.assertEqual('UNREACHABLE', status['status'])
        self.assertIsNone(status['remote_version'])
        self.assertEqual(1, status['local_version'])
        self.assertEqual(UNREACHABLE, status['detail'])


class TestSyncForce(SyncTestCase):

    def _fail_a_push(self):
        self.peer.pushes_fail = True
        self.ok('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'made on site-a'}},
            MEMBER_A)
        self.peer.come_back()

    def test_local_newer_is_pushed(self):
        self._fail_a_push()

        response = self.sync_force()

        self.assertEqual(200, response.status_int, response.text)
        status = response.json_body['sync_status']
        self.assertEqual('IN SYNC', status['status'])
        self.assertEqual(2, status['local_version'])
        self.assertEqual(2, status['remote_version'])
        self.assertEqual((self.gid, 2, True), self.peer.pushes[-1])
        self.assertEqual('made on site-a', self.peer.documents[self.gid][
            'group']['description'])
        self.ok('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'allowed again'}},
            MEMBER_A)
        self.assertEqual(3, self.peer.version(self.gid))

    def test_peer_newer_is_pulled(self):
        self.peer.change(self.gid, description='made on site-b')
        self.peer.change(self.gid, failover_count=1)

        response = self.sync_force()

        self.assertEqual(200, response.status_int, response.text)
        status = response.json_body['sync_status']
        self.assertEqual('IN SYNC', status['status'])
        self.assertEqual(3, status['local_version'])
        group = self.show_group('web-tier')
        self.assertEqual('made on site-b', group['description'])
        self.assertEqual(1, group['failover_count'])
        self.assertEqual(base.PROJECT_A, group['project_id'])
        self.assertEqual(3, group['metadata_version'])
        self.assertEqual(3, self.peer.version(self.gid))

    def test_source_local_overrides_a_newer_peer(self):
        self.peer.change(self.gid, description='made on site-b')

        response = self.sync_force('local')

        self.assertEqual(200, response.status_int, response.text)
        self.assertEqual(1, self.peer.version(self.gid))
        self.assertEqual('', self.peer.documents[self.gid]['group'][
            'description'])
        self.assertEqual('', self.show_group('web-tier')['description'])

    def test_source_peer_needs_a_peer_copy(self):
        del self.peer.documents[self.gid]

        response = self.sync_force('peer')

        self.assertError(response, 409, "Peer site 'site-b' has no copy of "
                                        "protection group 'web-tier'")

    def test_peer_without_a_copy_gets_ours(self):
        del self.peer.documents[self.gid]

        response = self.sync_force()

        self.assertEqual('IN SYNC',
                         response.json_body['sync_status']['status'])
        self.assertEqual(1, self.peer.version(self.gid))

    def test_unreachable_peer(self):
        self._fail_a_push()
        self.peer.go_down()

        response = self.sync_force()

        error = self.assertError(response, 409)
        self.assertEqual(UNREACHABLE, error['message'])

    def test_unknown_source_is_400(self):
        response = self.sync_force('newest')

        self.assertError(response, 400, "Invalid field "
                                        "'sync_force.source'")


class TestUpgrade(SyncTestCase):

    def test_groups_stored_before_digests_get_theirs(self):
        group = db.group_get(self.context, self.gid)
        digest = group.metadata_digest
        with db.get_engine().begin() as connection:
            connection.exec_driver_sql(
                "UPDATE protection_groups SET metadata_digest = NULL, "
                "peer_digest = NULL")

        db.group_fill_digests(self.context)

        group = db.group_get(self.context, self.gid)
        self.assertEqual((digest, digest), (group.metadata_digest,
                                            group.peer_digest))
        self.assertEqual('IN SYNC', self.show_group('web-tier')['sync_status'])
