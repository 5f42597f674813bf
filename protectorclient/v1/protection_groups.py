"""Protection groups: /v1/{project_id}/protection-groups."""

from protectorclient.v1 import base


class ProtectionGroupManager(base.Manager):

    def _path(self, *parts):
        return self.client.tenant_path('protection-groups', *parts)

    def create(self, name, replication_type, primary_site, secondary_site,
               volume_type, secondary_volume_type=None, description=None):
        group = self._given(
            name=name, replication_type=replication_type,
            primary_site=primary_site, secondary_site=secondary_site,
            volume_type=volume_type,
            secondary_volume_type=secondary_volume_type,
            description=description)
        body = self.client.post(self._path(), {'protection_group': group})
        return self._unwrap(body, 'protection_group')

    def list(self, all_projects=False, limit=None, marker=None,
             sort_key=None, sort_dir=None):
        """Groups of the project (of all with ``all_projects``, admin).

        Every group unless ``limit``; see ``Manager._list``.  A site that
        serves 1.2 adds each group's RPO grade and readiness.
        """
        params = {'all_projects': 'true'} if all_projects else None
        return self._list(self._path(), 'protection_groups', params,
                          limit=limit, marker=marker, sort_key=sort_key,
                          sort_dir=sort_dir,
                          prefer_version=base.HEALTH_VERSION)

    def get(self, group):
        """A group, with whatever its site serves of it.

        Its RPO grade and readiness from a 1.2 site, its local-only changes
        from a 1.5 site.
        """
        body = self.client.get(self._path(group), prefer_version=(
            base.LOCAL_CHANGES_VERSION, base.HEALTH_VERSION))
        return self._unwrap(body, 'protection_group')

    def update(self, group, name=None, description=None):
        body = self.client.put(
            self._path(group),
            {'protection_group': self._given(name=name,
                                             description=description)})
        return self._unwrap(body, 'protection_group')

    def delete(self, group):
        self.client.delete(self._path(group))

    def sync_status(self, group):
        """Both copies compared; with local-only changes from 1.5."""
        body = self.client.get(self._path(group, 'sync-status'),
                               prefer_version=base.LOCAL_CHANGES_VERSION)
        return self._unwrap(body, 'sync_status')

    def sync_force(self, group, source=None):
        body = self.client.request(
            'POST', self._path(group, 'sync-force'),
            body={'sync_force': self._given(source=source)},
            prefer_version=base.LOCAL_CHANGES_VERSION)
        return self._unwrap(body, 'sync_status')

    def action(self, group, action, **options):
        """Start a DR operation; returns the operation (202).

        ``action`` is one of failover, failback, test_failover,
        test_cleanup, sync; ``options`` are its fields (None ones are
        left out).
        """
        body = self.client.post(
            self._path(group, 'action'),
            {action: self._given(**options)},
            min_version=base.OPERATIONS_VERSION)
        return self._unwrap(body, 'operation')
