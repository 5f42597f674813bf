"""The engine's RPC endpoint: every change of protection metadata, and
the DR operations.

protector-api reaches it through ``protector.common.rpcapi``, whose
version history this follows.

Each change of a protection group is a ``sync.GroupChange``: hold the
group here, reserve the peer's copy, change the database (which makes the
next version), push that version to the peer (see protector.engine.sync).

Starting a DR operation answers once it is checked and recorded; the work
goes on in the engine (see ``protector.engine.operations``).
"""

from oslo_log import log as logging
from oslo_utils import uuidutils
import oslo_messaging as messaging

from protector.common import exception
from protector.common import recovery_plan
from protector.db import api as db
from protector.engine import group_environment
from protector.engine.operations import control
from protector.engine.operations import queries
from protector.engine import peer as peer_api
from protector.engine import protection
from protector.engine import site_validation
from protector.engine import sync
from protector.engine import sync_status

LOG = logging.getLogger(__name__)


class EngineManager(object):

    # The version of protector.common.rpcapi.EngineAPI this serves.
    RPC_API_VERSION = '2.1'

    target = messaging.Target(version=RPC_API_VERSION)

    def ping(self, context):
        """protector-api asks before each call (see common.rpc.call)."""
        return True

    # Sites

    def site_validate(self, context, site_id):
        return site_validation.validate(context, db.site_get(context,
                                                             site_id))

    def site_volume_types(self, context, site_id):
        return site_validation.volume_types(context,
                                            db.site_get(context, site_id))

    # Protection groups

    def group_create(self, context, values):
        primary = db.site_get(context, values['primary_site_id'])
        secondary = db.site_get(context, values['secondary_site_id'])
        peer = sync.ensure_peer_reachable(context, values['name'])
        if peer.id not in (primary.id, secondary.id):
            raise exception.InvalidInput(
                reason="One of --primary-site and --secondary-site must be "
                       "the peer site '%s'." % peer.name)
        values['id'] = uuidutils.generate_uuid()
        env = group_environment.Environment(
            context, db.group_new(values), primary, secondary)
        # Refuse early when the group could never be synced.
        env.project(peer)
        created = protection.create_volume_groups(env)
        values['consistency_groups'] = created
        try:
            group = db.group_create(context, values)
        except Exception:
            protection.delete_volume_groups(env, created)
            raise
        try:
            # A new group: the peer stores it unless it cannot (a group of
            # that name there); no answer keeps it to be sent again.
            sync.send(context, group)
        except exception.ProtectorException:
            db.group_delete(context, group.id)
            protection.delete_volume_groups(env, created)
            raise
        LOG.info('Protection group %(id)s (%(name)s) created',
                 {'id': group.id, 'name': group.name})
        return group.id

    def group_update(self, context, group_id, values):
        with sync.GroupChange(context, group_id):
            db.group_update(context, group_id, values)
        return group_id

    def group_delete(self, context, group_id):
        with sync.GroupChange(context, group_id) as change:
            group = change.group
            env = group_environment.Environment.of_group(context, group)
            # Arrays and clouds first: deleting them again is harmless,
            # so a failure here can simply be retried.
            protection.delete_replication(env)
            protection.delete_volume_groups(env)
            peer_api.PeerClient(sync.peer_site(context)).delete(
                group.id, group.name, change.holder)
            db.group_delete(context, group_id)
            LOG.info('Protection group %s deleted on both sites', group_id)

    def sync_status(self, context, group_id):
        return sync_status.status(context, db.group_get(context, group_id))

    def sync_force(self, context, group_id, source='auto', holder=None):
        return sync_status.force(context, group_id, source, holder=holder)

    # Members

    def member_add(self, context, group_id, server):
        with sync.GroupChange(context, group_id) as change:
            group = change.group
            env = group_environment.Environment.of_group(context, group)
            spec = env.cloud(env.source).get_server_spec(
                env.project(env.source), server)
            self._check_volumes(group.name, env.volume_type(env.source),
                                spec)
            volume_ids = protection.volumes_of([spec])
            protection.protect_volumes(env, volume_ids)
            change.undo_with(protection.unprotect_volumes, env, volume_ids)
            member = db.member_create(context, group_id, {
                'server_id': spec['id'], 'server_name': spec['name'],
                'status': 'protected', 'spec': spec})
            LOG.info('Server %(server)s protected by group %(group)s',
                     {'server': spec['id'], 'group': group_id})
        return member.id

    @staticmethod
    def _check_volumes(group_name, volume_type, spec):
        if not spec.get('volumes'):
            raise exception.InvalidInput(
                reason="Server %s has no volumes; only servers booted from "
                       "replicated volumes can be protected." % spec['name'])
        if not any(v.get('boot_index') == 0 for v in spec['volumes']):
            raise exception.InvalidInput(
                reason="Server %s boots from an image, so its root disk is "
                       "not on a replicated volume and cannot be recreated "
                       "on the other site. Boot it from a volume of type "
                       "'%s' and add it again." % (spec['name'], volume_type))
        for volume in spec['volumes']:
            if volume.get('volume_type') != volume_type:
                raise exception.InvalidInput(
                    reason="Volume %s of server %s uses volume type '%s', "
                           "but protection group '%s' replicates volume "
                           "type '%s'. Retype the volume to '%s' (openstack "
                           "volume set --type %s --retype-policy on-demand "
                           "%s) and add the server again."
                           % (volume['volume_id'], spec['name'],
                              volume.get('volume_type'), group_name,
                              volume_type, volume_type, volume_type,
                              volume['volume_id']))

    def member_remove(self, context, group_id, member_id):
        with sync.GroupChange(context, group_id) as change:
            member = db.member_get(context, group_id, member_id)
            env = group_environment.Environment.of_group(context,
                                                         change.group)
            volume_ids = protection.volumes_of([member.spec])
            protection.unprotect_volumes(env, volume_ids)
            change.undo_with(protection.protect_volumes, env, volume_ids)
            db.member_delete(context, group_id, member_id)

    # Policy, mappings, plan: with ``local``, made on this site alone if
    # the peer is unreachable (see sync.PlanChange).

    def policy_set(self, context, group_id, values, create, local=False):
        with sync.PlanChange(context, group_id, local) as change:
            group = change.group
            previous = None
            try:
                previous = group_environment.policy_values(
                    db.policy_get(context, group_id))
            except exception.NotFound:
                if not create:
                    raise exception.NotFound(
                        kind='Replication policy of protection group',
                        ident=group.name)
            if create and previous is not None:
                raise exception.Duplicate(
                    reason='Protection group %r already has a replication '
                           'policy; change it with policy-set.' % group.name)
            merged = dict(previous or {})
            merged.update(values)
            env = group_environment.Environment.of_group(context, group,
                                                         policy=merged)
            protection.check_replication(env)
            volume_ids = protection.volumes_of(
                [m.spec for m in db.member_list(context, group_id)])
            protection.ensure_replication(env, volume_ids)
            if previous is None:
                change.undo_with(protection.delete_replication, env)
            else:
                change.undo_with(
                    protection.ensure_replication,
                    group_environment.Environment.of_group(
                        context, group, policy=previous), volume_ids)
            db.policy_set(context, group_id, values, create)

    def mappings_set(self, context, group_id, mappings, local=False):
        with sync.PlanChange(context, group_id, local):
            db.group_update(context, group_id, {'mappings': mappings})

    def plan_import(self, context, group_id, plan, local=False):
        with sync.PlanChange(context, group_id, local) as change:
            members = db.member_list(context, group_id)
            entries, subnets = recovery_plan.validate(plan, members,
                                                      change.group.name)
            db.plan_update(context, group_id, entries, subnets)

    # DR operations

    def start_operation(self, context, group_id, action, options):
        return control.start(context, group_id, action, options or {})

    def cancel_operation(self, context, operation_id):
        control.cancel(context, operation_id)

    def cleanup_operation(self, context, operation_id):
        return control.cleanup(context, operation_id)

    def list_recovery_points(self, context, group_id):
        return queries.recovery_points(context, group_id)

    def consistency_group(self, context, group_id):
        return queries.consistency_group(context, group_id)
