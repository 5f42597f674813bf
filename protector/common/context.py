"""Request context: who is asking, and the policy view of them."""

from oslo_context import context
from oslo_db.sqlalchemy import enginefacade


@enginefacade.transaction_context_provider
class RequestContext(context.RequestContext):
    """Security context of one request, passed to the engine over RPC."""

    def to_policy_values(self):
        values = super().to_policy_values()
        values['project_id'] = self.project_id
        return values


def get_admin_context():
    """A context for the service's own work (sync pushes, periodic tasks)."""
    return RequestContext(is_admin=True, roles=['admin'],
                          overwrite=False)
