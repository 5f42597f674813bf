"""In-memory cloud for tests: its inventory comes from a JSON file.

The file maps a site name to ``{"services": {"compute": true, ...},
"volume_types": [...], "servers": [{..., "project_id": ...}]}``.
"""

import copy
import json

from oslo_config import cfg

from protector.common import exception
from protector.drivers.cloud import base

CONF = cfg.CONF
SERVICES = ('compute', 'block-storage', 'network')


class FakeCloudDriver(base.CloudDriver):

    def __init__(self, site, session):
        super().__init__(site, session)
        path = CONF.fake_cloud.inventory_file
        inventory = {}
        if path:
            with open(path) as inventory_file:
                inventory = json.load(inventory_file)
        self.inventory = inventory.get(site.name, {})

    def check_services(self):
        services = self.inventory.get('services', {})
        checks = []
        for service in SERVICES:
            if services.get(service, False):
                checks.append({'check': service, 'result': 'passed',
                               'detail': 'fake %s answers' % service})
            else:
                checks.append({'check': service, 'result': 'failed',
                               'detail': 'no %s endpoint in the fake '
                                         'inventory of %s'
                                         % (service, self.site.name)})
        return checks

    def list_replicated_volume_types(self):
        return copy.deepcopy(self.inventory.get('volume_types', []))

    def get_server_spec(self, project_id, server):
        for spec in self.inventory.get('servers', []):
            if (spec.get('project_id') == project_id
                    and server in (spec['id'], spec['name'])):
                spec = copy.deepcopy(spec)
                spec.pop('project_id', None)
                return spec
        raise exception.NotFound(
            kind='Server', ident='%s in project %s on site %s'
            % (server, project_id, self.site.name))
