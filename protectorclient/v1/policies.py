"""Replication policy of a protection group: .../{pg}/policy."""

from protectorclient.v1 import base


class PolicyManager(base.Manager):

    def _path(self, group):
        return self.client.tenant_path('protection-groups', group, 'policy')

    def create(self, group, primary_fa_url, primary_fa_token,
               secondary_fa_url, secondary_fa_token, rpo_minutes,
               replication_interval=None, snapshot_retention=None,
               local=False):
        """Create the policy; ``local``: see ``Manager._change``."""
        policy = self._given(
            primary_fa_url=primary_fa_url,
            primary_fa_token=primary_fa_token,
            secondary_fa_url=secondary_fa_url,
            secondary_fa_token=secondary_fa_token,
            rpo_minutes=rpo_minutes,
            replication_interval=replication_interval,
            snapshot_retention=snapshot_retention)
        body = self._change('POST', self._path(group), {'policy': policy},
                            local)
        return self._unwrap(body, 'policy')

    def get(self, group):
        return self._unwrap(self.client.get(self._path(group)), 'policy')

    def update(self, group, local=False, **fields):
        """Change the given fields; ``local``: see ``Manager._change``."""
        body = self._change('PUT', self._path(group),
                            {'policy': self._given(**fields)}, local)
        return self._unwrap(body, 'policy')
