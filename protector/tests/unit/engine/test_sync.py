"""Both sites hold the same version of a group, or changes are refused."""

from protector.tests.unit import base

MEMBER_A = base.member_of(base.PROJECT_A)

UNREACHABLE = (
    "Peer site 'site-b' is unreachable (connection refused). Changes to "
    "protection group 'web-tier' are refused so that the two sites cannot "
    "diverge. Start protector-api on site-b (check with 'openstack "
    "protector protection-group sync-status web-tier'), then retry.")


def out_of_sync(local, remote):
    return ("Protection group 'web-tier' is out of sync: version %s on "
            "site-a, version %s on site-b. Run 'openstack protector "
            "protection-group sync-force web-tier' on the site that holds "
            "the workload, then retry." % (local, remote))


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

    def sync_status(self):
        return self.ok('GET', self.group_path('web-tier', '/sync-status'),
                       headers=MEMBER_A)['sync_status']

    def sync_force(self, source=None):
        body = {'sync_force': {'source': source}} if source else None
        return self.request('POST', self.group_path('web-tier',
                                                    '/sync-force'),
                            body, MEMBER_A)


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
        self.assertEqual(out_of_sync(self.version, 'none'), error['message'])


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

    def test_after_a_failed_push_changes_are_refused(self):
        self.peer.pushes_fail = True
        self.ok('PUT', self.group_path('web-tier'), {
            'protection_group': {'description': 'changed'}}, MEMBER_A)
        self.peer.come_back()

        response = self.request('POST', self.group_path('web-tier',
                                                        '/members'),
                                {'member': {'server': 'IIS-Demo'}},
                                MEMBER_A)

        error = self.assertError(response, 409)
        self.assertEqual(out_of_sync(2, 1), error['message'])
        self.assertEqual(0, self.show_group('web-tier')['member_count'])
        status = self.sync_status()
        self.assertEqual('OUT OF SYNC', status['status'])
        self.assertEqual("Run 'openstack protector protection-group "
                         "sync-force web-tier'.", status['detail'])


class TestSyncStatus(SyncTestCase):

    def test_in_sync(self):
        self.assertEqual({
            'protection_group': 'web-tier', 'local_site': 'site-a',
            'local_version': 1, 'remote_site': 'site-b',
            'remote_version': 1, 'status': 'IN SYNC', 'detail': '',
        }, self.sync_status())

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
