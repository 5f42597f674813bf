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

from protector.common import exception
from protector.common import rpc

CONF = cfg.CONF


class EngineAPI(object):
    """Client side of the engine RPC API.

    API version history:

    * 1.0 - two interfaces on the engine topic: group changes, sites and
      sync in the default namespace, DR operations in namespace
      ``operations``.
    * 2.0 - one interface for group changes and DR operations
    * 2.1 - ``local`` for policy_set, mappings_set and plan_import: made
      on the engine's site alone if the peer is unreachable

    Adding a method, or an argument to one, is a new minor version (2.2):
    raise ``RPC_API_VERSION`` here and in the manager, add a line above,
    and prepare the call with the version it needs.  An API node pinned
    with ``[upgrade_levels] engine`` then refuses to send what old engines
    would not understand.
    """

    RPC_API_VERSION = '2.1'

    def __init__(self):
        # Unpinned, the client sends up to the newest version it knows.
        cap = CONF.upgrade_levels.engine or self.RPC_API_VERSION
        self.client = rpc.get_client(CONF.engine.topic, '2.0',
                                     version_cap=cap)

    def _call(self, context, method, version='2.0', **kwargs):
        """Call ``method`` of the engine with the version it needs.

        Every method of 2.0 needs 2.0; a method (or an argument) added later
        names its own.
        """
        return rpc.call(self.client.prepare(version=version), context,
                        method, **kwargs)

    # Sites

    def site_validate(self, context, site_id):
        return self._call(context, 'site_validate', site_id=site_id)

    def site_volume_types(self, context, site_id):
        return self._call(context, 'site_volume_types',
                          site_id=site_id)

    # Protection groups

    def group_create(self, context, values):
        return self._call(context, 'group_create', values=values)

    def group_update(self, context, group_id, values):
        return self._call(context, 'group_update', group_id=group_id,
                          values=values)

    def group_delete(self, context, group_id):
        return self._call(context, 'group_delete', group_id=group_id)

    def sync_status(self, context, group_id):
        return self._call(context, 'sync_status', group_id=group_id)

    def sync_force(self, context, group_id, source='auto', holder=None):
        return self._call(context, 'sync_force', group_id=group_id,
                          source=source, holder=holder)

    # Members

    def member_add(self, context, group_id, server):
        return self._call(context, 'member_add', group_id=group_id,
                          server=server)

    def member_remove(self, context, group_id, member_id):
        return self._call(context, 'member_remove', group_id=group_id,
                          member_id=member_id)

    # Policy, mappings, plan

    def _plan_change(self, context, method, local, **kwargs):
        """Only a change asked with ``local`` needs an engine of 2.1."""
        if not local:
            return self._call(context, method, **kwargs)
        if not self.client.can_send_version('2.1'):
            raise exception.ServiceUnavailable(
                reason="A change made on this site alone (--local) needs "
                       "protector-engine of RPC API 2.1, but protector-api "
                       "is pinned to %s ([upgrade_levels] engine) while "
                       "older engines run. Finish upgrading protector-"
                       "engine on this site and remove the pin, or make "
                       "the change without --local."
                       % CONF.upgrade_levels.engine)
        return self._call(context, method, version='2.1', local=local,
                          **kwargs)

    def policy_set(self, context, group_id, values, create, local=False):
        return self._plan_change(context, 'policy_set', local,
                                 group_id=group_id, values=values,
                                 create=create)

    def mappings_set(self, context, group_id, mappings, local=False):
        return self._plan_change(context, 'mappings_set', local,
                                 group_id=group_id, mappings=mappings)

    def plan_import(self, context, group_id, plan, local=False):
        return self._plan_change(context, 'plan_import', local,
                                 group_id=group_id, plan=plan)

    # DR operations

    def start_operation(self, context, group_id, action, options):
        return self._call(context, 'start_operation', group_id=group_id,
                          action=action, options=options)

    def cancel_operation(self, context, operation_id):
        return self._call(context, 'cancel_operation',
                          operation_id=operation_id)

    def cleanup_operation(self, context, operation_id):
        return self._call(context, 'cleanup_operation',
                          operation_id=operation_id)

    def list_recovery_points(self, context, group_id):
        return self._call(context, 'list_recovery_points',
                          group_id=group_id)

    def consistency_group(self, context, group_id):
        return self._call(context, 'consistency_group',
                          group_id=group_id)
