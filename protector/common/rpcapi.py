"""Client side of the engine's RPC API, used by protector-api.

protector-api and protector-engine agree on this interface alone: the
client names the methods, their arguments and the version each needs, and
never imports the engine.  ``protector.engine.manager.EngineManager``
serves it; ``protector/tests/unit/common/test_rpcapi.py`` checks that the
two agree.

Every method is a blocking call: the API answers only once the engine has
done the work (or refused it with a typed error).  Starting a DR operation
answers once the operation is checked and recorded; the engine runs it
afterwards.
"""

from oslo_config import cfg

from protector.common import rpc

CONF = cfg.CONF


class EngineAPI(object):
    """Client side of the engine RPC API.

    API version history:

    * 1.0 - two interfaces on the engine topic: group changes, sites and
      sync in the default namespace, DR operations in namespace
      ``operations``.
    * 2.0 - one interface for group changes and DR operations

    Adding a method, or an argument to one, is a new minor version (2.1):
    raise ``RPC_API_VERSION`` here and in the manager, add a line above,
    and prepare the call with the version it needs.  An API node pinned
    with ``[upgrade_levels] engine`` then refuses to send what old engines
    would not understand.
    """

    RPC_API_VERSION = '2.0'

    def __init__(self):
        # Unpinned, the client sends up to the newest version it knows.
        cap = CONF.upgrade_levels.engine or self.RPC_API_VERSION
        self.client = rpc.get_client(CONF.engine.topic, '2.0',
                                     version_cap=cap)

    # Sites

    def site_validate(self, context, site_id):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'site_validate', site_id=site_id)

    def site_volume_types(self, context, site_id):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'site_volume_types',
                        site_id=site_id)

    # Protection groups

    def group_create(self, context, values):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'group_create', values=values)

    def group_update(self, context, group_id, values):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'group_update', group_id=group_id,
                        values=values)

    def group_delete(self, context, group_id):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'group_delete', group_id=group_id)

    def sync_status(self, context, group_id):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'sync_status', group_id=group_id)

    def sync_force(self, context, group_id, source='auto', holder=None):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'sync_force', group_id=group_id,
                        source=source, holder=holder)

    # Members

    def member_add(self, context, group_id, server):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'member_add', group_id=group_id,
                        server=server)

    def member_remove(self, context, group_id, member_id):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'member_remove', group_id=group_id,
                        member_id=member_id)

    # Policy, mappings, plan

    def policy_set(self, context, group_id, values, create):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'policy_set', group_id=group_id,
                        values=values, create=create)

    def mappings_set(self, context, group_id, mappings):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'mappings_set', group_id=group_id,
                        mappings=mappings)

    def plan_import(self, context, group_id, plan):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'plan_import', group_id=group_id,
                        plan=plan)

    # DR operations

    def start_operation(self, context, group_id, action, options):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'start_operation', group_id=group_id,
                        action=action, options=options)

    def cancel_operation(self, context, operation_id):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'cancel_operation',
                        operation_id=operation_id)

    def cleanup_operation(self, context, operation_id):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'cleanup_operation',
                        operation_id=operation_id)

    def list_recovery_points(self, context, group_id):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'list_recovery_points',
                        group_id=group_id)

    def consistency_group(self, context, group_id):
        cctxt = self.client.prepare(version='2.0')
        return rpc.call(cctxt, context, 'consistency_group',
                        group_id=group_id)
