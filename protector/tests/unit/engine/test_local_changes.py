"""Changing the plan while the peer is unreachable: ``"local": true``."""

import datetime

from oslo_utils import timeutils

from protector.db import api as db
from protector.engine import sync
from protector.tests.unit.api import test_sync_receiver
from protector.tests.unit import base
from protector.tests.unit.engine import test_sync

V15 = {'OpenStack-API-Version': 'protector 1.5'}
MEMBER_A = dict(test_sync.MEMBER_A, **V15)

UNREACHABLE_TRY_LOCAL = (
    "Peer site 'site-b' is unreachable (connection refused). Changes to "
    "protection group 'web-tier' are refused so that the two sites cannot "
    "diverge. To change the recovery plan, the mappings or the policy on "
    "this site alone while site-b is down, add --local (API: \"local\": "
    "true); when it is back, run 'openstack protector protection-group "
    "sync-force web-tier' on this site. Otherwise start protector-api on "
    "site-b (check with 'openstack protector protection-group sync-status "
    "web-tier'), then retry.")


def held_here(first, last):
    """The detail of sync-status once site-b is back."""
    versions = ('Version %d was' % first if first == last
                else 'Versions %d to %d were' % (first, last))
    return ("%s changed on site 'site-a' while site 'site-b' was "
            "unreachable (--local); when 'site-b' is back run 'openstack "
            "protector protection-group sync-force web-tier' on site "
            "'site-a'." % versions)


class LocalTestCase(test_sync.SyncTestCase):

    def setUp(self):
        super().setUp()
        self.add_member('web-tier', 'IIS-Demo')
        self.set_policy('web-tier')
        self.group = self.show_group('web-tier')
        self.version = self.group['metadata_version']

    def plan(self, rank=1, local=True, headers=MEMBER_A):
        body = {'plan': {'devices': {'IIS-Demo': {'rank': rank}}}}
        if local is not None:
            body['local'] = local
        return self.request('PUT', self.group_path('web-tier', '/plan'),
                            body, headers)

    def mapping(self, target='net-b', local=True):
        return self.request('PUT', self.group_path('web-tier', '/mappings'),
                            {'mappings': {'failover': {'network': {
                                'net-a': target}}}, 'local': local},
                            MEMBER_A)

    def policy(self, rpo_minutes=30, local=True):
        return self.request('PUT', self.group_path('web-tier', '/policy'),
                            {'policy': {'rpo_minutes': rpo_minutes},
                             'local': local}, MEMBER_A)

    def shown(self):
        return self.ok('GET', self.group_path('web-tier'),
                       headers=MEMBER_A)['protection_group']

    def change_alone(self):
        """A plan change and a mapping change made while site-b is down."""
        self.peer.go_down()
        self.ok('PUT', self.group_path('web-tier', '/plan'), {
            'plan': {'devices': {'IIS-Demo': {'rank': 3}}}, 'local': True},
            MEMBER_A)
        self.ok('PUT', self.group_path('web-tier', '/mappings'), {
            'mappings': {'failover': {'network': {'net-a': 'net-b'}}},
            'local': True}, MEMBER_A)


class TestWithoutLocal(LocalTestCase):

    def test_the_refusal_names_local_for_the_changes_that_take_it(self):
        self.peer.go_down()

        refused = (self.plan(local=None), self.mapping(local=False),
                   self.policy(local=False))
        for response in refused:
            error = self.assertError(response, 409)
            self.assertEqual('peer_unreachable', error['error_code'])
            self.assertEqual(UNREACHABLE_TRY_LOCAL, error['message'])
        self.peer.come_back()
        shown = self.shown()
        self.assertEqual((self.version, None), (shown['metadata_version'],
                                                shown['local_changes']))

    def test_other_changes_do_not_take_the_flag(self):
        requests = [
            ('PUT', self.group_path('web-tier'),
             {'protection_group': {'description': 'x'}, 'local': True}),
            ('POST', self.group_path('web-tier', '/members'),
             {'member': {'server': 'rhel7.2'}, 'local': True}),
            ('POST', self.groups_path(),
             {'protection_group': {'name': 'db-tier'}, 'local': True}),
            ('POST', self.group_path('web-tier', '/sync-force'),
             {'sync_force': {}, 'local': True}),
        ]
        for method, path, body in requests:
            response = self.request(method, path, body, MEMBER_A)

            error = self.assertError(
                response, 400, "Invalid field 'local': only changes of the "
                               "recovery plan (PUT .../plan, plan-import), "
                               "the resource mappings (PUT .../mappings, "
                               "mapping-set) and the replication policy")
            self.assertEqual('invalid_request', error['error_code'])
        self.assertEqual(self.version, self.shown()['metadata_version'])

    def test_the_flag_needs_microversion_1_4(self):
        self.peer.go_down()

        response = self.plan(headers=test_sync.MEMBER_A)

        self.assertError(response, 400, "Invalid field 'local': it needs "
                                        "\"OpenStack-API-Version: protector "
                                        "1.5\" or newer.")

    def test_a_peer_that_answers_gets_the_change_as_usual(self):
        response = self.plan()

        self.assertEqual(200, response.status_int, response.text)
        self.assertIsNone(response.json_body['local_changes'])
        self.assertEqual(self.version + 1, self.peer.version(self.gid))
        self.assertEqual('IN SYNC', self.shown()['sync_status'])


class TestChangedAlone(LocalTestCase):

    def test_a_plan_change_is_made_here_alone(self):
        before = self.peer.documents[self.gid]
        self.peer.go_down()

        response = self.plan()

        self.assertEqual(200, response.status_int, response.text)
        held = response.json_body['local_changes']
        self.assertEqual(
            {'site': 'site-a', 'first_version': self.version + 1,
             'last_version': self.version + 1, 'peer_version': self.version,
             'peer_digest': self.group['metadata_digest']},
            {k: v for k, v in held.items() if k != 'since'})
        self.assertEqual(1, response.json_body['plan']['devices'][
            'IIS-Demo']['rank'])
        shown = self.shown()
        self.assertEqual(held, shown['local_changes'])
        self.assertEqual((self.version + 1, 'OUT OF SYNC'),
                         (shown['metadata_version'], shown['sync_status']))
        listed, = self.ok('GET', self.groups_path(),
                          headers=MEMBER_A)['protection_groups']
        self.assertEqual(held, listed['local_changes'])
        self.assertIs(before, self.peer.documents[self.gid])
        self.assertEqual(self.version, self.peer.version(self.gid))

    def test_mappings_and_policy_too_and_the_versions_add_up(self):
        self.peer.go_down()

        for response in (self.mapping(), self.policy(), self.plan()):
            self.assertEqual(200, response.status_int, response.text)

        held = response.json_body['local_changes']
        self.assertEqual((self.version + 1, self.version + 3),
                         (held['first_version'], held['last_version']))
        self.assertEqual(30, self.ok('GET', self.group_path(
            'web-tier', '/policy'), headers=MEMBER_A)['policy'][
                'rpo_minutes'])
        status = self.sync_status(MEMBER_A)
        self.assertEqual('UNREACHABLE', status['status'])
        self.assertEqual(held, status['local_changes'])
        self.assertTrue(status['detail'].startswith(
            test_sync.UNREACHABLE + ' '), status['detail'])
        self.assertTrue(status['detail'].endswith(
            held_here(self.version + 1, self.version + 3)), status['detail'])

    def test_a_new_policy_too(self):
        self.ok('DELETE', self.group_path('web-tier'), headers=MEMBER_A,
                status=204)
        self.create_group()
        self.peer.go_down()

        response = self.request(
            'POST', self.group_path('web-tier', '/policy'),
            {'policy': {'primary_fa_url': 'https://fa-a.test',
                        'primary_fa_token': base.PRIMARY_TOKEN,
                        'secondary_fa_url': 'https://fa-b.test',
                        'secondary_fa_token': base.SECONDARY_TOKEN,
                        'rpo_minutes': 15}, 'local': True}, MEMBER_A)

        self.assertEqual(201, response.status_int, response.text)
        self.assertEqual(2, response.json_body['local_changes'][
            'first_version'])

    def test_nothing_is_sent_by_itself(self):
        # A version the peer never confirmed is pending first.
        self.peer.pushes_fail = True
        self.ok('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'pending'}}, MEMBER_A)
        self.peer.go_down()
        self.peer.pushes_fail = False

        self.assertEqual(200, self.plan().status_int)

        group = db.group_get(self.context, self.gid)
        self.assertIsNone(group.push_next_at)
        self.peer.come_back()
        timeutils.set_time_override(timeutils.utcnow() +
                                    datetime.timedelta(seconds=600))
        self.addCleanup(timeutils.clear_time_override)
        self.assertEqual(0, sync.deliver_due(self.context))
        self.assertFalse(sync.push(self.context, self.gid))
        self.assertEqual(self.version, self.peer.version(self.gid))
        self.assertIn("Not sent: this site holds changes made while the "
                      "peer site was unreachable (--local)",
                      self.shown()['last_sync_error'])

    def test_older_microversions_show_no_local_changes(self):
        self.change_alone()
        self.peer.come_back()

        self.assertNotIn('local_changes', self.show_group('web-tier'))
        self.assertNotIn('local_changes', self.sync_status(test_sync.MEMBER_A))
        self.assertIn('local_changes', self.sync_status(MEMBER_A))


class TestPeerBack(LocalTestCase):

    def setUp(self):
        super().setUp()
        self.change_alone()
        self.peer.come_back()
        self.held = self.shown()['local_changes']

    def test_sync_status_says_where_to_run_sync_force(self):
        status = self.sync_status(MEMBER_A)

        self.assertEqual('OUT OF SYNC', status['status'])
        self.assertEqual((self.version + 2, self.version),
                         (status['local_version'], status['remote_version']))
        self.assertEqual(self.held, status['local_changes'])
        self.assertIsNone(status['remote_local_changes'])
        self.assertEqual(held_here(self.version + 1, self.version + 2),
                         status['detail'])

    def test_other_changes_are_refused_until_sync_force(self):
        for local in (None, True):
            body = {'plan': {'devices': {}}}
            if local:
                body['local'] = local
            response = self.request('PUT', self.group_path(
                'web-tier', '/plan'), body, MEMBER_A)

            error = self.assertError(
                response, 409, "Protection group 'web-tier' holds changes "
                               "made on site 'site-a' alone while the other "
                               "site was unreachable (versions %d to %d, "
                               "since %s)" % (self.version + 1,
                                              self.version + 2,
                                              self.held['since']),
                "Run 'openstack protector protection-group sync-force "
                "web-tier' on site 'site-a'")
            self.assertEqual('local_changes_held', error['error_code'])
        self.assertEqual(self.version + 2, self.shown()['metadata_version'])

    def test_sync_force_sends_our_copy_and_clears_the_record(self):
        response = self.sync_force(headers=MEMBER_A)

        self.assertEqual(200, response.status_int, response.text)
        status = response.json_body['sync_status']
        self.assertEqual(('IN SYNC', None, None),
                         (status['status'], status['local_changes'],
                          status['remote_local_changes']))
        self.assertEqual((self.gid, self.version + 2, True),
                         self.peer.pushes[-1])
        self.assertEqual(3, self.peer.documents[self.gid]['members'][0][
            'rank'])
        shown = self.shown()
        self.assertEqual((None, 'IN SYNC'), (shown['local_changes'],
                                             shown['sync_status']))
        self.ok('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'both sites again'}},
            MEMBER_A)
        self.assertEqual(self.version + 3, self.peer.version(self.gid))

    def test_auto_refuses_when_the_peer_changed_too(self):
        remote = self.peer.change(self.gid, description='failed over on b')
        remote = self.peer.change(self.gid, failover_count=1)

        response = self.sync_force(headers=MEMBER_A)

        error = self.assertError(
            response, 409,
            "Protection group 'web-tier' was changed on both sites apart: "
            "version %d (digest %s) on site-a, version %d (digest %s) on "
            "site-b; versions %d to %d were made on site 'site-a' alone "
            "(--local) while site 'site-b' held version %d, and the copy of "
            "site 'site-b' has changed since."
            % (self.version + 2, self.shown()['metadata_digest'][:12],
               remote, self.peer.digest(self.gid)[:12], self.version + 1,
               self.version + 2, self.version),
            "sync-force web-tier --source local' on the site whose copy is "
            "right")
        self.assertEqual('copies_diverged', error['error_code'])
        self.assertEqual(remote, self.peer.version(self.gid))
        self.assertEqual(self.held, self.shown()['local_changes'])
        self.assertEqual(error['message'],
                         self.sync_status(MEMBER_A)['detail'])

    def test_auto_refuses_the_same_version_changed_on_the_peer(self):
        # By versions alone, the copy of the site holding the workload
        # (this one) would win and the peer's change be lost.
        self.peer.change(self.gid, status='failed_over')
        self.peer.change(self.gid, failover_count=1)

        self.assertError(self.sync_force(headers=MEMBER_A), 409,
                         'changed on both sites apart')

    def test_an_explicit_source_decides(self):
        self.peer.change_alone(self.gid, description='changed on b alone')
        self.peer.change_alone(self.gid, failover_count=1)
        self.peer.change_alone(self.gid, failover_count=2)
        self.assertError(self.sync_force(headers=MEMBER_A), 409,
                         'changed on both sites apart')

        response = self.sync_force('local', MEMBER_A)

        self.assertEqual(200, response.status_int, response.text)
        self.assertEqual('IN SYNC',
                         response.json_body['sync_status']['status'])
        self.assertEqual(self.version + 2, self.peer.version(self.gid))
        self.assertNotIn(self.gid, self.peer.local_changes)
        self.assertIsNone(self.shown()['local_changes'])


class TestPeerChangedAlone(LocalTestCase):

    def setUp(self):
        super().setUp()
        self.remote = self.peer.change_alone(self.gid, description='on b')

    def test_sync_status_names_the_peer(self):
        status = self.sync_status(MEMBER_A)

        self.assertEqual('OUT OF SYNC', status['status'])
        self.assertIsNone(status['local_changes'])
        self.assertEqual(self.version + 1,
                         status['remote_local_changes']['first_version'])
        self.assertEqual(
            "Version %d was changed on site 'site-b' while site 'site-a' "
            "was unreachable (--local); when 'site-a' is back run "
            "'openstack protector protection-group sync-force web-tier' on "
            "site 'site-b'." % self.remote, status['detail'])

    def test_changes_here_are_refused_naming_the_peer(self):
        response = self.plan()

        error = self.assertError(response, 409, "holds changes made on site "
                                                "'site-b' alone")
        self.assertEqual('local_changes_held', error['error_code'])

    def test_auto_takes_the_peer_copy(self):
        response = self.sync_force(headers=MEMBER_A)

        self.assertEqual(200, response.status_int, response.text)
        shown = self.shown()
        self.assertEqual((self.remote, 'on b'), (shown['metadata_version'],
                                                 shown['description']))
        self.assertNotIn(self.gid, self.peer.local_changes)


class TestReceiving(LocalTestCase):
    """This site holds local-only changes; the peer pushes its copy."""

    def setUp(self):
        super().setUp()
        self.change_alone()
        self.peer.come_back()
        self.stored = db.group_get(self.context, self.gid)
        self.document = test_sync_receiver.document(
            version=self.stored.metadata_version + 1,
            name='web-tier', project_id=base.PROJECT_A,
            primary_site='site-a', secondary_site='site-b',
            current_primary_site='site-a')
        self.document['id'] = self.gid

    def push(self, force=None):
        body = test_sync_receiver.push_body(self.document, force=force)
        body['metadata']['base'] = {
            'version': self.stored.metadata_version,
            'digest': self.stored.metadata_digest}
        return self.request('PUT', test_sync_receiver.SYNC + self.gid, body)

    def test_a_push_that_follows_our_version_is_refused(self):
        error = self.assertError(self.push(), 409,
                                 "holds changes made on site 'site-a' alone")

        self.assertEqual('local_changes_held', error['error_code'])
        self.assertEqual(self.stored.metadata_version,
                         self.shown()['metadata_version'])

    def test_only_a_forced_copy_replaces_them(self):
        response = self.push(force=True)

        self.assertEqual(200, response.status_int, response.text)
        shown = self.shown()
        self.assertEqual((self.document['version'], None),
                         (shown['metadata_version'], shown['local_changes']))
