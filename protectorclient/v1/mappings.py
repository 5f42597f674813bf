"""Resource mappings of a protection group: .../{pg}/mappings.

The document is ``{"failover": {"network": {src: dst}, "subnet": {},
"flavor": {}, "security_group": {}, "image": {}}, "failback": {...}}``.
"""

from protectorclient.v1 import base

DIRECTIONS = ('failover', 'failback')
RESOURCE_TYPES = ('network', 'subnet', 'flavor', 'security_group', 'image')


class MappingManager(base.Manager):

    def _path(self, group):
        return self.client.tenant_path('protection-groups', group,
                                       'mappings')

    def get(self, group):
        return self._unwrap(self.client.get(self._path(group)), 'mappings')

    def update(self, group, mappings, local=False):
        """Store the whole mappings document.

        ``local``: see ``Manager._change``.
        """
        body = self._change('PUT', self._path(group), {'mappings': mappings},
                            local)
        return self._unwrap(body, 'mappings')
