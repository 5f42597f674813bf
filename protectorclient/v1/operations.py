"""Operations: /v1/{project_id}/operations."""

from protectorclient.v1 import base


class OperationManager(base.Manager):

    def list(self, protection_group=None, status=None, limit=None,
             marker=None, sort_key=None, sort_dir=None):
        """Operations of the project; a 1.3 site adds their engine."""
        params = self._given(protection_group=protection_group,
                             status=status)
        return self._list(self.client.tenant_path('operations'),
                          'operations', params, limit=limit, marker=marker,
                          sort_key=sort_key, sort_dir=sort_dir,
                          prefer_version=base.ENGINE_VERSION)

    def get(self, operation_id):
        """An operation; with the engine that runs it from a 1.3 site."""
        body = self.client.get(
            self.client.tenant_path('operations', operation_id),
            prefer_version=base.ENGINE_VERSION)
        return self._unwrap(body, 'operation')

    def cancel(self, operation_id):
        """Cancel a running test failover; returns the operation."""
        body = self.client.post(
            self.client.tenant_path('operations', operation_id, 'cancel'),
            min_version=base.OPERATIONS_VERSION)
        return self._unwrap(body, 'operation')

    def cleanup(self, operation_id):
        """Run again the cleanup an operation could not finish."""
        body = self.client.post(
            self.client.tenant_path('operations', operation_id, 'cleanup'),
            min_version=base.OPERATIONS_VERSION)
        return self._unwrap(body, 'operation')
