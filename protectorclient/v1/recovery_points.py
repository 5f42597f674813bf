"""Recovery points: .../protection-groups/{pg}/recovery-points."""

from protectorclient.v1 import base


class RecoveryPointManager(base.Manager):

    def list(self, group, limit=None, marker=None, sort_key=None,
             sort_dir=None):
        """Replicated snapshots of a group on the array of its standby."""
        return self._list(
            self.client.tenant_path('protection-groups', group,
                                    'recovery-points'),
            'recovery_points', limit=limit, marker=marker,
            sort_key=sort_key, sort_dir=sort_dir,
            min_version=base.OPERATIONS_VERSION)
