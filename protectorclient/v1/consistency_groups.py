"""Consistency group: .../protection-groups/{pg}/consistency-group."""

from protectorclient.v1 import base


class ConsistencyGroupManager(base.Manager):

    def get(self, group):
        """Cinder groups per site, the array group and its replication."""
        body = self.client.get(
            self.client.tenant_path('protection-groups', group,
                                    'consistency-group'),
            min_version=base.OPERATIONS_VERSION)
        return self._unwrap(body, 'consistency_group')
