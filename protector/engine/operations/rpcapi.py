"""Client side of the operations RPC API, used by protector-api."""

from oslo_config import cfg

from protector.common import rpc
from protector.engine.operations import manager

CONF = cfg.CONF


class OperationsAPI(object):

    def __init__(self):
        self.client = rpc.get_client(CONF.engine.topic,
                                     namespace=manager.NAMESPACE)

    def _call(self, context, method, **kwargs):
        return rpc.call(self.client, context, method, **kwargs)

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
        return self._call(context, 'consistency_group', group_id=group_id)
