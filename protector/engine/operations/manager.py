"""The engine's RPC endpoint for DR operations (namespace ``operations``).

protector-engine serves it next to ``protector.engine.manager``; the API
reaches it through ``protector.engine.operations.rpcapi``.  Starting an
operation answers once it is checked and recorded; the work goes on in
the engine (see ``runner``).
"""

import oslo_messaging as messaging

from protector.engine.operations import control
from protector.engine.operations import queries
from protector.engine.operations import runner

NAMESPACE = 'operations'


class OperationsManager(object):

    target = messaging.Target(namespace=NAMESPACE, version='1.0')

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

    @staticmethod
    def resume_running():
        """Continue what the engine was running when it stopped."""
        return runner.resume_all()
