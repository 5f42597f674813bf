"""Sites (admin): /v1/admin/sites."""

from protectorclient.v1 import base


class SiteManager(base.Manager):

    def create(self, name, auth_url, username, password, project_name,
               user_domain_name=None, project_domain_name=None,
               region_name=None, description=None):
        site = self._given(
            name=name, auth_url=auth_url, username=username,
            password=password, project_name=project_name,
            user_domain_name=user_domain_name,
            project_domain_name=project_domain_name,
            region_name=region_name, description=description)
        body = self.client.post(self.client.admin_path('sites'),
                                {'site': site})
        return self._unwrap(body, 'site')

    def list(self, limit=None, marker=None, sort_key=None, sort_dir=None):
        """Sites; every one unless ``limit`` (see ``Manager._list``)."""
        return self._list(self.client.admin_path('sites'), 'sites',
                          limit=limit, marker=marker, sort_key=sort_key,
                          sort_dir=sort_dir)

    def get(self, site):
        body = self.client.get(self.client.admin_path('sites', site))
        return self._unwrap(body, 'site')

    def update(self, site, **fields):
        """Change any of description, auth_url, username, password, ..."""
        body = self.client.put(self.client.admin_path('sites', site),
                               {'site': self._given(**fields)})
        return self._unwrap(body, 'site')

    def delete(self, site):
        self.client.delete(self.client.admin_path('sites', site))

    def validate(self, site):
        body = self.client.post(
            self.client.admin_path('sites', site, 'validate'))
        return self._unwrap(body, 'validation')

    def list_volume_types(self, site, limit=None, marker=None,
                          sort_key=None, sort_dir=None):
        return self._list(
            self.client.admin_path('sites', site, 'volume-types'),
            'volume_types', limit=limit, marker=marker, sort_key=sort_key,
            sort_dir=sort_dir)
