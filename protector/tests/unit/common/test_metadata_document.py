"""The metadata document one site sends the other."""

import copy

from protector.common import crypto
from protector.common import exception
from protector.common import group_states
from protector.common import metadata_content
from protector.common import metadata_document
from protector.db import api as db
from protector.tests.unit import base


class TestMetadataDocument(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        group = self.deployment()
        self.add_member('web-tier', 'IIS-Demo')
        self.add_member('web-tier', 'rhel7.2')
        self.set_policy('web-tier')
        self.ok('PUT', self.group_path('web-tier', '/mappings'), {
            'mappings': {'failover': {'flavor': {'m1.small': 'm2.small'}}}},
            base.member_of(base.PROJECT_A))
        self.gid = group['id']

    def _export(self):
        group = db.group_get(self.context, self.gid)
        peer = db.site_get(self.context, 'site-b')
        return metadata_document.export(self.context, group, peer)

    def _as_received(self, document):
        """The document in this site's project, as the peer sends it."""
        document = copy.deepcopy(document)
        document['group']['project_id'] = base.PROJECT_A
        return document

    def _apply(self, document):
        return metadata_document.apply(
            self.context, document, metadata_content.digest(document),
            force=True)

    def test_export(self):
        document = self._export()

        self.assertEqual(1, document['format'])
        self.assertEqual(self.gid, document['id'])
        self.assertEqual(5, document['version'])
        group = document['group']
        self.assertEqual(base.PROJECT_A_ON_B, group['project_id'])
        self.assertEqual(('site-a', 'site-b', 'site-a'),
                         (group['primary_site'], group['secondary_site'],
                          group['current_primary_site']))
        self.assertEqual({'failover': {'flavor': {'m1.small': 'm2.small'}},
                          'failback': {}}, group['mappings'])
        self.assertEqual({'IIS-Demo', 'rhel7.2'},
                         {m['server_name'] for m in document['members']})
        self.assertEqual([base.volume_id('IIS-Demo')], [
            v['volume_id'] for m in document['members']
            if m['server_name'] == 'IIS-Demo' for v in m['spec']['volumes']])

    def test_tokens_travel_decrypted(self):
        policy = self._export()['policy']

        self.assertEqual(base.PRIMARY_TOKEN, policy['primary_fa_token'])
        self.assertEqual(base.SECONDARY_TOKEN, policy['secondary_fa_token'])
        self.assertEqual(15, policy['rpo_minutes'])
        self.assertNotIn('primary_fa_token_encrypted', policy)

    def test_round_trip(self):
        document = self._export()
        db.group_delete(self.context, self.gid)

        self._apply(self._as_received(document))

        self.assertEqual(document, self._export())
        group = self.show_group('web-tier')
        self.assertEqual(base.PROJECT_A, group['project_id'])
        self.assertEqual(5, group['metadata_version'])
        self.assertEqual('IN SYNC', group['sync_status'])
        self.assertEqual(2, group['member_count'])

    def test_the_digest_is_the_same_on_both_sites(self):
        document = self._export()
        group = db.group_get(self.context, self.gid)

        self.assertEqual(group.metadata_digest,
                         metadata_content.digest(document))
        self.assertEqual(64, len(group.metadata_digest))

    def test_every_change_changes_the_digest(self):
        digests = {db.group_get(self.context, self.gid).metadata_digest}
        for method, suffix, body in (
                ('PUT', '', {'protection_group': {'description': 'x'}}),
                ('PUT', '/policy', {'policy': {'rpo_minutes': 30}}),
                ('PUT', '/plan', {'plan': {'devices': {
                    'IIS-Demo': {'rank': 1}, 'rhel7.2': {'rank': 0}}}}),
                ('DELETE', '/members/rhel7.2', None)):
            self.ok(method, self.group_path('web-tier', suffix), body,
                    base.member_of(base.PROJECT_A),
                    status=204 if method == 'DELETE' else 200)
            digests.add(db.group_get(self.context, self.gid).metadata_digest)

        self.assertEqual(5, len(digests))

    def test_a_snapshot_restores_the_group_exactly(self):
        group = db.group_get(self.context, self.gid)
        snapshot = metadata_document.snapshot(self.context, group)
        self.ok('DELETE', self.group_path('web-tier', '/members/rhel7.2'),
                headers=base.member_of(base.PROJECT_A), status=204)

        metadata_document.restore(self.context, snapshot, 'site-a:undo')

        restored = db.group_get(self.context, self.gid)
        self.assertEqual((group.metadata_version, group.metadata_digest),
                         (restored.metadata_version,
                          restored.metadata_digest))
        self.assertEqual(2, self.show_group('web-tier')['member_count'])

    def test_tokens_are_encrypted_again_on_apply(self):
        document = self._export()
        document['version'] += 1
        before = db.policy_get(self.context, self.gid)

        self._apply(self._as_received(document))

        stored = db.policy_get(self.context, self.gid)
        for side, token in (('primary', base.PRIMARY_TOKEN),
                            ('secondary', base.SECONDARY_TOKEN)):
            encrypted = getattr(stored, '%s_fa_token_encrypted' % side)
            self.assertNotIn(token, encrypted)
            self.assertNotEqual(getattr(
                before, '%s_fa_token_encrypted' % side), encrypted)
            self.assertEqual(token, crypto.decrypt(encrypted))

    def test_the_peer_s_status_replaces_ours_whatever_it_was(self):
        # Not a move of this copy: the state machine does not apply.
        document = self._as_received(self._export())
        document['version'] += 1
        document['group']['status'] = group_states.FAILED_OVER_PARTIAL

        self._apply(document)

        self.assertEqual(group_states.FAILED_OVER_PARTIAL,
                         db.group_get(self.context, self.gid).status)

    def test_a_status_we_do_not_know_is_refused(self):
        document = self._as_received(self._export())
        document['version'] += 1
        document['group']['status'] = 'deleting'

        error = self.assertRaises(exception.InvalidInput, self._apply,
                                  document)

        self.assertIn("Invalid field 'group.status' of the metadata "
                      "document: 'deleting' is not a status of protection "
                      "groups", error.msg)
        self.assertEqual(group_states.ACTIVE,
                         db.group_get(self.context, self.gid).status)

    def test_document_without_policy_removes_it(self):
        document = self._as_received(self._export())
        document['policy'] = None

        self._apply(document)

        self.assertRaises(exception.NotFound, db.policy_get, self.context,
                          self.gid)

    def test_project_without_tenant_mapping(self):
        mapping = db.tenant_mapping_find(
            self.context, db.site_get(self.context, 'site-b').id,
            local_project_id=base.PROJECT_A)
        db.tenant_mapping_delete(self.context, mapping.id)

        error = self.assertRaises(exception.Conflict, self._export)

        self.assertIn("Project project-a has no tenant mapping to peer site "
                      "'site-b'", str(error))

    def test_unknown_site(self):
        document = self._as_received(self._export())
        document['group']['secondary_site'] = 'site-c'

        error = self.assertRaises(exception.Conflict,
                                  self._apply, document)

        self.assertIn("Site 'site-c' is not registered on this site",
                      str(error))
        self.assertEqual('site-b', self.show_group('web-tier')[
            'secondary_site'])

    def test_other_format(self):
        document = self._as_received(self._export())
        document['format'] = 2

        error = self.assertRaises(exception.InvalidInput,
                                  self._apply, document)

        self.assertIn('format 2 is not supported', str(error))

    def test_name_taken_by_another_group(self):
        self.create_group('db-tier')
        document = self._as_received(self._export())
        document['id'] = '7c1f3e55-5a4d-4d7a-9d8e-3b2a1c0f9e88'
        document['group']['name'] = 'db-tier'
        for member in document['members']:
            member['id'] = member['id'][:-4] + 'beef'

        error = self.assertRaises(exception.Conflict,
                                  self._apply, document)

        self.assertIn("Another protection group named 'db-tier' exists in "
                      "project project-a", str(error))
