"""Protection health (API 1.2): what a site's health watch saw.

A site watches the groups whose workload runs there; asked about a group
whose workload runs on the other site, it answers grade ``unknown`` and
names that site in ``watched_by``.
"""

from protectorclient.v1 import base


class HealthManager(base.Manager):

    def _path(self, group, *parts):
        return self.client.tenant_path('protection-groups', group, 'health',
                                       *parts)

    def get(self, group):
        """Achieved RPO, its grade and the failover readiness checks."""
        body = self.client.get(self._path(group),
                               min_version=base.HEALTH_VERSION)
        return self._unwrap(body, 'health')

    def history(self, group, since=None, limit=None):
        """Samples of a group, oldest first (the last day by default).

        ``since``: an ISO 8601 time.
        """
        params = self._given(since=since, limit=limit)
        body = self.client.get(self._path(group, 'history'),
                               params=params or None,
                               min_version=base.HEALTH_VERSION)
        return self._unwrap(body, 'samples')

    def summary(self):
        """Groups per project by grade, those not ready, the peer (admin)."""
        body = self.client.get(self.client.admin_path('health'),
                               min_version=base.HEALTH_VERSION)
        return self._unwrap(body, 'health')
