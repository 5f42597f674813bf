"""/v1/admin/sync/protection-groups: what the peer site's engine calls."""

import datetime

from oslo_utils import timeutils

from protector.common import crypto
from protector.common import group_states
from protector.common import metadata_content
from protector.db import api as db
from protector.tests.unit import acura_seed
from protector.tests.unit import base

GROUP_ID = '3f0c6a7e-1d2b-4c5d-8e9f-0a1b2c3d4e5f'
SYNC = '/v1/admin/sync/protection-groups/'
MEMBER_A = base.member_of(base.PROJECT_A)


def captured(server_id, name, **fields):
    """A server's spec as a cloud driver captures it."""
    spec = base.server(server_id, name)
    spec.update(flavor={'id': 'f-1', 'name': spec['flavor'], 'vcpus': 1,
                        'ram': 2048, 'disk': 20},
                image={'id': 'i-1', 'name': spec['image']},
                security_groups=[{'id': 'sg-1', 'name': 'default'}],
                key_pair=None, **fields)
    return spec


def document(version=1, **group_fields):
    """A group created on site-b, sent in this site's project."""
    group = {
        'name': 'erp', 'description': 'ERP on site-b',
        'replication_type': 'sync', 'volume_type': 'replicated-b',
        'secondary_volume_type': 'replicated', 'status': group_states.ACTIVE,
        'failover_count': 1, 'consistency_groups': {'site-b': 'cg-1'},
        'mappings': {'failover': {'network': {'net-b': 'net-a'}}},
        'subnets': {}, 'last_failover_at': '2026-11-01T10:00:00',
        'last_replication_at': None, 'project_id': base.PROJECT_A,
        'primary_site': 'site-b', 'secondary_site': 'site-a',
        'current_primary_site': 'site-b',
    }
    group.update(group_fields)
    return {
        'format': 1, 'id': GROUP_ID, 'version': version, 'group': group,
        'members': [{
            'id': '9b1e2c3d-0000-4000-8000-000000000001',
            'server_id': 'c7d9a1f0-0000-4000-8000-000000000002',
            'server_name': 'erp-app', 'status': 'protected',
            'spec': captured('c7d9a1f0-0000-4000-8000-000000000002',
                             'erp-app'),
            'rank': 2, 'boot_condition': {'type': 'active'},
            'overrides': {'flavor': 'm1.large'}}],
        'policy': {
            'primary_fa_url': 'https://fa-b.test',
            'primary_fa_token': base.PRIMARY_TOKEN,
            'secondary_fa_url': 'https://fa-a.test',
            'secondary_fa_token': base.SECONDARY_TOKEN,
            'rpo_minutes': 5, 'replication_interval': 300,
            'snapshot_retention': 24},
    }


def digest(doc):
    return metadata_content.digest(doc)


def push_body(doc, base=None, holder=None, force=None, claimed=None):
    """What the peer's engine sends; ``base`` is a document or None."""
    metadata = {'version': doc['version'], 'document': doc,
                'digest': claimed or digest(doc),
                'base': None if base is None else {
                    'version': base['version'], 'digest': digest(base)}}
    if holder is not None:
        metadata['holder'] = holder
    if force is not None:
        metadata['force'] = force
    return {'metadata': metadata}


def reservation(doc, holder='site-b:change-1', seconds=600):
    return {'reservation': {'holder': holder, 'version': doc['version'],
                            'digest': digest(doc), 'seconds': seconds}}


class ReceiverTestCase(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.register_sites()
        self.map_project()

    def _put(self, doc, base=None, **kwargs):
        return self.request('PUT', SYNC + doc['id'],
                            push_body(doc, base, **kwargs))

    def _reserve(self, doc, **kwargs):
        return self.request('POST', SYNC + doc['id'] + '/reserve',
                            reservation(doc, **kwargs))

    def _stored(self):
        return self.ok('GET', SYNC + GROUP_ID)['metadata']


class TestReceive(ReceiverTestCase):

    def test_new_group_is_stored_with_its_sites_resolved(self):
        response = self._put(document())

        self.assertEqual(200, response.status_int, response.text)
        self.assertEqual({'metadata': {'id': GROUP_ID, 'version': 1,
                                       'digest': digest(document()),
                                       'lease': None}},
                         response.json_body)
        group = self.show_group(GROUP_ID)
        self.assertEqual('erp', group['name'])
        self.assertEqual(base.PROJECT_A, group['project_id'])
        self.assertEqual('site-b', group['primary_site'])
        self.assertEqual('site-a', group['secondary_site'])
        self.assertEqual('site-b', group['current_primary_site'])
        self.assertEqual('sync', group['replication_type'])
        self.assertEqual(1, group['failover_count'])
        self.assertEqual('2026-11-01T10:00:00Z', group['last_failover_at'])
        self.assertEqual({'site-b': 'cg-1'}, group['consistency_groups'])
        self.assertEqual(1, group['metadata_version'])
        self.assertEqual(digest(document()), group['metadata_digest'])
        self.assertEqual('IN SYNC', group['sync_status'])
        self.assertEqual(1, group['member_count'])

    def test_a_group_of_many_servers_is_not_too_large(self):
        doc = document()
        doc['members'] = []
        for i in range(4):
            server_id = 'c7d9a1f0-0000-4000-8000-%012d' % i
            spec = captured(server_id, 'erp-%d' % i, user_data='x' * 60000)
            doc['members'].append({
                'id': '9b1e2c3d-0000-4000-8000-%012d' % i,
                'server_id': server_id, 'server_name': 'erp-%d' % i,
                'status': 'protected', 'spec': spec, 'rank': 0,
                'boot_condition': None, 'overrides': {}})

        response = self._put(doc)

        self.assertEqual(200, response.status_int, response.text)

    def test_the_peer_limit_is_its_own(self):
        self.conf.config(max_peer_document_size=1000, group='api')

        response = self._put(document())

        self.assertEqual(413, response.status_int)
        self.assertIn('max_peer_document_size (1000 bytes)',
                      response.json_body['error']['message'])

    def test_tenant_requests_keep_the_usual_limit(self):
        response = self.request('POST', '/v1/%s/protection-groups'
                                % base.PROJECT_A, raw=b'x' * 200000,
                                headers=MEMBER_A)

        self.assertEqual(413, response.status_int)

    def test_members_policy_and_mappings_are_stored(self):
        self._put(document())

        member = self.ok('GET', self.group_path(GROUP_ID,
                                                '/members/erp-app'),
                         headers=MEMBER_A)['member']
        self.assertEqual(2, member['rank'])
        self.assertEqual({'type': 'active'}, member['boot_condition'])
        self.assertEqual({'flavor': 'm1.large'}, member['overrides'])
        policy = self.ok('GET', self.group_path(GROUP_ID, '/policy'),
                         headers=MEMBER_A)['policy']
        self.assertTrue(policy['primary_fa_token_set'])
        self.assertEqual(5, policy['rpo_minutes'])
        self.assertEqual({'network': {'net-b': 'net-a'}}, self.ok(
            'GET', self.group_path(GROUP_ID, '/mappings'),
            headers=MEMBER_A)['mappings']['failover'])

    def test_a_plan_in_the_acura_format_is_stored_as_it_came(self):
        doc = document(subnets=acura_seed.full()['subnets'])
        overrides = dict(acura_seed.table_examples()['devices']['rhel7.2'],
                         device_name='erp-app')
        del overrides['rank']
        doc['members'][0]['overrides'] = overrides

        response = self._put(doc)

        self.assertEqual(200, response.status_int, response.text)
        plan = self.ok('GET', self.group_path(GROUP_ID, '/plan'),
                       headers=MEMBER_A)['plan']
        self.assertEqual(acura_seed.full()['subnets'], plan['subnets'])
        device = dict(overrides, rank=2, boot_condition={'type': 'active'})
        del device['device_name']
        self.assertEqual({'erp-app': device}, plan['devices'])

    def test_tokens_are_encrypted_again(self):
        self._put(document())

        stored = db.policy_get(self.context, GROUP_ID)
        self.assertNotIn(base.PRIMARY_TOKEN,
                         stored.primary_fa_token_encrypted)
        self.assertEqual(base.PRIMARY_TOKEN,
                         crypto.decrypt(stored.primary_fa_token_encrypted))
        self.assertEqual(base.SECONDARY_TOKEN, crypto.decrypt(
            stored.secondary_fa_token_encrypted))

    def test_show_reports_the_stored_version_and_digest(self):
        self._put(document(version=4))

        self.assertEqual({'id': GROUP_ID, 'version': 4,
                          'digest': digest(document(version=4)),
                          'lease': None}, self._stored())

    def test_show_unknown_is_404(self):
        self.assertError(self.request('GET', SYNC + GROUP_ID), 404,
                         GROUP_ID)

    def test_next_version_replaces_the_copy(self):
        first = document()
        self._put(first)
        newer = document(version=2, name='erp-renamed')
        newer['members'] = []
        newer['policy'] = None

        response = self._put(newer, base=first)

        self.assertEqual(200, response.status_int, response.text)
        group = self.show_group(GROUP_ID)
        self.assertEqual('erp-renamed', group['name'])
        self.assertEqual(2, group['metadata_version'])
        self.assertEqual(0, group['member_count'])
        self.assertError(self.request('GET', self.group_path(
            GROUP_ID, '/policy'), headers=MEMBER_A), 404)

    def test_a_version_that_does_not_follow_the_stored_one_is_refused(self):
        self._put(document(version=3))

        for doc, base_doc in (
                (document(version=4, name='stale'), document(version=2)),
                (document(version=4, name='stale'),
                 document(version=3, description='other content')),
                (document(version=3, name='stale'), document(version=2)),
                (document(version=2, name='stale'), document(version=1)),
                (document(version=5, name='stale'), None)):
            response = self._put(doc, base=base_doc)

            error = self.assertError(response, 409, 'Protection group erp '
                                                    'is at version 3')
            self.assertEqual('version_conflict', error['error_code'])
        self.assertEqual('erp', self.show_group(GROUP_ID)['name'])
        self.assertEqual(digest(document(version=3)),
                         self._stored()['digest'])

    def test_never_two_contents_under_one_version(self):
        first = document()
        self._put(first)
        self._put(document(version=2, description='changed on site-b'),
                  base=first)

        response = self._put(document(version=2,
                                      description='changed on site-c'),
                             base=first)

        self.assertError(response, 409, 'is at version 2')
        self.assertEqual('changed on site-b',
                         self.show_group(GROUP_ID)['description'])

    def test_the_same_version_sent_again_changes_nothing(self):
        first = document()
        self._put(first)
        second = document(version=2, description='second')
        self._put(second, base=first)

        response = self._put(second, base=first)

        self.assertEqual(200, response.status_int, response.text)
        self.assertEqual(2, self._stored()['version'])

    def test_force_takes_any_version(self):
        self._put(document(version=3))

        response = self._put(document(version=2, name='restored'),
                             force=True)

        self.assertEqual(200, response.status_int, response.text)
        group = self.show_group(GROUP_ID)
        self.assertEqual('restored', group['name'])
        self.assertEqual(2, group['metadata_version'])

    def test_a_digest_that_differs_from_what_is_stored_shows(self):
        self._put(document(), claimed='0' * 64)

        group = self.show_group(GROUP_ID)
        self.assertEqual(digest(document()), group['metadata_digest'])
        self.assertEqual('OUT OF SYNC', group['sync_status'])

    def test_unregistered_site_is_refused(self):
        response = self._put(document(secondary_site='site-c'))

        self.assertError(response, 409, "Site 'site-c' is not registered "
                                        "on this site",
                         "'openstack protector site create site-c ...'")
        self.assertError(self.request('GET', SYNC + GROUP_ID), 404)

    def test_other_document_format_is_refused(self):
        doc = document()
        doc['format'] = 2

        response = self._put(doc)

        self.assertError(response, 400,
                         "Invalid field 'metadata.document.format'",
                         'upgrade protector on both sites', '(got 2)')

    def test_id_and_version_must_match(self):
        doc = document()
        response = self.request('PUT', SYNC + 'another-id', push_body(doc))
        self.assertError(response, 400, 'must match')

        body = push_body(doc)
        body['metadata']['version'] = 2
        response = self.request('PUT', SYNC + GROUP_ID, body)
        self.assertError(response, 400, 'must match')

    def test_bad_bodies_name_the_field(self):
        doc = document()
        del doc['members']
        for change, fragment in (
                ({'document': doc},
                 "Invalid field 'metadata.document.members'"),
                ({'version': '1'}, "Invalid field 'metadata.version'"),
                ({'force': 'yes'}, "Invalid field 'metadata.force'"),
                ({'digest': 'not hex'}, "Invalid field 'metadata.digest'"),
                ({'base': {'version': 1}},
                 "Invalid field 'metadata.base.digest'")):
            body = push_body(document())
            body['metadata'].update(change)
            response = self.request('PUT', SYNC + GROUP_ID, body)

            self.assertError(response, 400, fragment)
        body = push_body(document())
        del body['metadata']['version']
        self.assertError(self.request('PUT', SYNC + GROUP_ID, body), 400,
                         "Invalid field 'metadata.version'")
        self.assertError(self.request('GET', SYNC + GROUP_ID), 404)

    def test_delete(self):
        self._put(document())

        response = self.request('DELETE', SYNC + GROUP_ID)

        self.assertEqual(204, response.status_int, response.text)
        self.assertError(self.request('GET', SYNC + GROUP_ID), 404)
        self.assertError(self.request('GET', self.group_path(GROUP_ID),
                                      headers=MEMBER_A), 404)

    def test_delete_unknown_is_404(self):
        self.assertError(self.request('DELETE', SYNC + GROUP_ID), 404)

    def test_admin_only(self):
        self._put(document())
        member = base.member_of(base.PROJECT_A)

        for method, suffix, body in (
                ('GET', '', None), ('DELETE', '', None),
                ('PUT', '', push_body(document(version=9), force=True)),
                ('POST', '/reserve', reservation(document())),
                ('POST', '/release', {'reservation': {'holder': 'x'}})):
            response = self.request(method, SYNC + GROUP_ID + suffix, body,
                                    member)

            self.assertError(response, 403, 'protector:sync:push')
        self.assertEqual(1, self.show_group(GROUP_ID)['metadata_version'])

    def test_every_copy_in_one_call_from_1_2(self):
        self._put(document(version=3))
        path = SYNC.rstrip('/')
        v12 = dict(base.ADMIN, **{'OpenStack-API-Version': 'protector 1.2'})

        self.assertEqual({'metadata': [{
            'id': GROUP_ID, 'version': 3,
            'digest': digest(document(version=3))}]},
            self.ok('GET', path, headers=v12))
        for version in ('protector 1.0', 'protector 1.1'):
            response = self.request('GET', path, headers=dict(
                base.ADMIN, **{'OpenStack-API-Version': version}))
            self.assertError(response, 404, 'protector 1.2')
        response = self.request('GET', path, headers=dict(
            base.member_of(base.PROJECT_A),
            **{'OpenStack-API-Version': 'protector 1.2'}))
        self.assertError(response, 403, 'protector:sync:push')

    def test_no_answer_carries_a_token(self):
        first = document()
        responses = [self._put(first),
                     self.request('GET', SYNC + GROUP_ID),
                     self._reserve(first),
                     self._put(document(version=2), base=first,
                               holder='site-b:change-1')]

        for response in responses:
            self.assertNotIn(base.PRIMARY_TOKEN, response.text)
            self.assertNotIn(base.SECONDARY_TOKEN, response.text)


class TestReservation(ReceiverTestCase):
    """The peer holds this copy while it makes a change."""

    def setUp(self):
        super().setUp()
        self.first = document()
        self._put(self.first)

    def test_reserved_copy_takes_only_the_change_that_holds_it(self):
        self.assertEqual(200, self._reserve(self.first).status_int)
        second = document(version=2, description='second')

        refused = self._put(second, base=self.first, holder='site-b:other')
        taken = self._put(second, base=self.first, holder='site-b:change-1')

        error = self.assertError(refused, 409, "is being changed on site "
                                               "'site-b'")
        self.assertEqual('change_in_progress', error['error_code'])
        self.assertEqual(200, taken.status_int, taken.text)
        self.assertIsNone(self._stored()['lease'])

    def test_a_reservation_needs_the_same_version_and_content(self):
        for doc in (document(version=2),
                    document(description='other content')):
            error = self.assertError(self._reserve(doc), 409,
                                     'is at version 1')
            self.assertEqual('version_conflict', error['error_code'])
        self.assertIsNone(self._stored()['lease'])

    def test_one_reservation_at_a_time(self):
        self._reserve(self.first)

        response = self._reserve(self.first, holder='site-b:change-2')

        error = self.assertError(response, 409, 'change change-1')
        self.assertEqual('change_in_progress', error['error_code'])

    def test_release_and_expiry_free_the_copy(self):
        self._reserve(self.first)
        self.ok('POST', SYNC + GROUP_ID + '/release',
                {'reservation': {'holder': 'site-b:change-1'}})
        self.assertEqual(200, self._reserve(
            self.first, holder='site-b:change-2').status_int)

        timeutils.set_time_override(timeutils.utcnow() +
                                    datetime.timedelta(seconds=601))
        self.addCleanup(timeutils.clear_time_override)

        self.assertEqual(200, self._reserve(
            self.first, holder='site-b:change-3').status_int)

    def test_releasing_what_another_holds_changes_nothing(self):
        self._reserve(self.first)

        self.ok('POST', SYNC + GROUP_ID + '/release',
                {'reservation': {'holder': 'site-b:someone-else'}})

        self.assertEqual('site-b:change-1',
                         self._stored()['lease']['holder'])

    def test_no_reservation_while_an_operation_runs(self):
        db.operation_create(self.context, {
            'project_id': base.PROJECT_A, 'protection_group_id': GROUP_ID,
            'operation_type': 'test_failover', 'status': 'running'})

        response = self._reserve(self.first)

        error = self.assertError(response, 409, 'is running on protection '
                                                "group 'erp'")
        self.assertEqual('operation_running', error['error_code'])

    def test_reserving_an_unknown_group_is_404(self):
        response = self.request('POST', SYNC + base.WEB_ID + '/reserve',
                                reservation(document()))

        self.assertError(response, 404, base.WEB_ID)

    def test_delete_passes_only_with_the_holder(self):
        self._reserve(self.first)

        refused = self.request('DELETE', SYNC + GROUP_ID + '?holder=other')
        deleted = self.request('DELETE', SYNC + GROUP_ID +
                               '?holder=site-b:change-1')

        self.assertError(refused, 409, 'is being changed')
        self.assertEqual(204, deleted.status_int, deleted.text)


class TestPushBack(base.ScenarioTestCase):
    """The peer asks for our copy: our engine pushes it, forced."""

    def setUp(self):
        super().setUp()
        self.group = self.deployment()

    def _push_back(self, group_id, headers=None):
        return self.request('POST', SYNC + group_id + '/push-back',
                            {'reservation': {'holder': 'site-b:sync'}},
                            headers)

    def test_our_copy_is_forced_onto_the_peer(self):
        self.peer.documents[self.group['id']]['version'] = 7
        self.peer.leases[self.group['id']] = 'site-b:sync'

        response = self._push_back(self.group['id'])

        self.assertEqual(200, response.status_int, response.text)
        self.assertEqual('IN SYNC', response.json_body['sync_status'][
            'status'])
        self.assertEqual(1, self.peer.version(self.group['id']))
        self.assertEqual((self.group['id'], 1, True), self.peer.pushes[-1])

    def test_unknown_group_is_404(self):
        self.assertError(self._push_back(GROUP_ID), 404, GROUP_ID)

    def test_admin_only(self):
        response = self._push_back(self.group['id'], MEMBER_A)

        self.assertError(response, 403, 'protector:sync:push')


class TestNameClash(base.ScenarioTestCase):

    def test_group_named_like_a_local_group_is_refused(self):
        self.deployment()

        response = self.request('PUT', SYNC + GROUP_ID,
                                push_body(document(name='web-tier')))

        self.assertError(response, 409, "Another protection group named "
                                        "'web-tier' exists in project "
                                        "project-a on this site")
        self.assertError(self.request('GET', SYNC + GROUP_ID), 404)
