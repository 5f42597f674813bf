"""Client side of the engine's RPC API, used by protector-api.

Every method is a blocking call: the API answers only once the engine has
done the work (or refused it with a typed error).
"""

from oslo_config import cfg

from protector.common import rpc

CONF = cfg.CONF


class EngineAPI(object):

    def __init__(self):
        self.client = rpc.get_client(CONF.engine.topic)

    def _call(self, context, method, **kwargs):
        return rpc.call(self.client, context, method, **kwargs)

    def site_validate(self, context, site_id):
        return self._call(context, 'site_validate', site_id=site_id)

    def site_volume_types(self, context, site_id):
        return self._call(context, 'site_volume_types', site_id=site_id)

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

    def member_add(self, context, group_id, server):
        return self._call(context, 'member_add', group_id=group_id,
                          server=server)

    def member_remove(self, context, group_id, member_id):
        return self._call(context, 'member_remove', group_id=group_id,
                          member_id=member_id)

    def policy_set(self, context, group_id, values, create):
        return self._call(context, 'policy_set', group_id=group_id,
                          values=values, create=create)

    def mappings_set(self, context, group_id, mappings):
        return self._call(context, 'mappings_set', group_id=group_id,
                          mappings=mappings)

    def plan_import(self, context, group_id, plan):
        return self._call(context, 'plan_import', group_id=group_id,
                          plan=plan)
