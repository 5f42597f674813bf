"""Recovery points: .../protection-groups/{pg}/recovery-points."""

from protectorclient.v1 import base


class RecoveryPointManager(base.Manager):

    def list(self, group):
        """Replicated snapshots of a group on the array of its standby."""
        body = self.client.get(
            self.client.tenant_path('protection-groups', group,
                                    'recovery-points'),
            min_version=base.OPERATIONS_VERSION)
        return self._unwrap(body, 'recovery_points')
