"""Tenant mappings (admin): /v1/admin/tenant-mappings."""

from protectorclient.v1 import base


class TenantMappingManager(base.Manager):

    def create(self, local_project_id, remote_site, remote_project_id,
               description=None):
        mapping = self._given(
            local_project_id=local_project_id, remote_site=remote_site,
            remote_project_id=remote_project_id, description=description)
        body = self.client.post(self.client.admin_path('tenant-mappings'),
                                {'tenant_mapping': mapping})
        return self._unwrap(body, 'tenant_mapping')

    def list(self, limit=None, marker=None, sort_key=None, sort_dir=None):
        return self._list(self.client.admin_path('tenant-mappings'),
                          'tenant_mappings', limit=limit, marker=marker,
                          sort_key=sort_key, sort_dir=sort_dir)

    def get(self, mapping_id):
        body = self.client.get(
            self.client.admin_path('tenant-mappings', mapping_id))
        return self._unwrap(body, 'tenant_mapping')

    def delete(self, mapping_id):
        self.client.delete(
            self.client.admin_path('tenant-mappings', mapping_id))
