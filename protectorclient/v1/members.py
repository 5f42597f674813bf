"""Members of a protection group: .../protection-groups/{pg}/members."""

from protectorclient.v1 import base


class MemberManager(base.Manager):

    def _path(self, group, *parts):
        return self.client.tenant_path('protection-groups', group, 'members',
                                       *parts)

    def add(self, group, server):
        """Protect a server (name or id) in the group."""
        body = self.client.post(self._path(group),
                                {'member': {'server': server}})
        return self._unwrap(body, 'member')

    def list(self, group, limit=None, marker=None, sort_key=None,
             sort_dir=None):
        return self._list(self._path(group), 'members', limit=limit,
                          marker=marker, sort_key=sort_key,
                          sort_dir=sort_dir)

    def get(self, group, member):
        """``member``: member id, server id or server name."""
        return self._unwrap(self.client.get(self._path(group, member)),
                            'member')

    def remove(self, group, member):
        self.client.delete(self._path(group, member))
