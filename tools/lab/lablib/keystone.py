#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""A tiny Keystone v3 client on urllib: the lab's catalog and accounts."""

import json
import urllib.error
import urllib.parse
import urllib.request

from lablib import layout
from lablib import proc


class Client(object):
    """Admin (project-scoped) calls to one site's Keystone."""

    def __init__(self, site):
        self.site = site
        self.token = None

    def request(self, method, url, body=None, token=None, expected=(200,),
                timeout=30):
        data = json.dumps(body).encode() if body is not None else None
        headers = {'Content-Type': 'application/json',
                   'Accept': 'application/json', 'Connection': 'close'}
        if token or self.token:
            headers['X-Auth-Token'] = token or self.token
        req = urllib.request.Request(url, data=data, method=method,
                                     headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, raw, hdrs = resp.status, resp.read(), resp.headers
        except urllib.error.HTTPError as exc:
            status, raw, hdrs = exc.code, exc.read(), exc.headers
        if status not in expected:
            raise proc.LabError('%s %s returned %d: %s' % (
                method, url, status, raw[:400].decode('utf-8', 'replace')))
        return (json.loads(raw) if raw else None), hdrs

    def login(self, user='admin', project='admin'):
        body = {'auth': {
            'identity': {'methods': ['password'], 'password': {'user': {
                'name': user, 'domain': {'name': layout.DOMAIN},
                'password': self.site.password(user)}}},
            'scope': {'project': {'name': project,
                                  'domain': {'name': layout.DOMAIN}}}}}
        data, hdrs = self.request('POST', self.site.auth_url +
                                  '/auth/tokens', body, expected=(201,))
        self.token = hdrs['X-Subject-Token']
        return data['token']

    def _get(self, path, **query):
        url = self.site.auth_url + path
        if query:
            url += '?' + urllib.parse.urlencode(query)
        return self.request('GET', url)[0]

    def _find(self, collection, **query):
        found = self._get('/' + collection, **query)[collection]
        return found[0] if found else None

    def _ensure(self, collection, key, query, body):
        found = self._find(collection, **query)
        if found:
            return found
        return self.request('POST', self.site.auth_url + '/' + collection,
                            {key: body}, expected=(201,))[0][key]

    def ensure_project(self, name, description):
        return self._ensure('projects', 'project', {'name': name},
                            {'name': name, 'domain_id': 'default',
                             'description': description})['id']

    def ensure_user(self, name, project_id, roles):
        """User with the site's password for it and roles on project."""
        body = {'name': name, 'domain_id': 'default',
                'password': self.site.password(name),
                'default_project_id': project_id, 'enabled': True}
        found = self._find('users', name=name, domain_id='default')
        if found:
            self.request('PATCH', '%s/users/%s' % (
                self.site.auth_url, found['id']), {'user': body})
            user_id = found['id']
        else:
            user_id = self.request('POST', self.site.auth_url + '/users',
                                   {'user': body},
                                   expected=(201,))[0]['user']['id']
        for role in roles:
            role_id = self._ensure('roles', 'role', {'name': role},
                                   {'name': role})['id']
            self.request('PUT', '%s/projects/%s/users/%s/roles/%s' % (
                self.site.auth_url, project_id, user_id, role_id),
                expected=(204,))
        return user_id

    def ensure_endpoints(self, service_type, name, url,
                         interfaces=('public', 'internal')):
        service = self._ensure('services', 'service', {'type': service_type},
                               {'type': service_type, 'name': name,
                                'enabled': True})
        for interface in interfaces:
            found = self._find('endpoints', service_id=service['id'],
                               interface=interface,
                               region_id=layout.REGION)
            if found and found['url'] == url:
                continue
            if found:
                self.request('PATCH', '%s/endpoints/%s' % (
                    self.site.auth_url, found['id']),
                    {'endpoint': {'url': url}})
                continue
            self.request('POST', self.site.auth_url + '/endpoints',
                         {'endpoint': {'service_id': service['id'],
                                       'interface': interface,
                                       'region_id': layout.REGION,
                                       'url': url, 'enabled': True}},
                         expected=(201,))

    def catalog_url(self, service_type, token_data):
        for entry in token_data.get('catalog', []):
            if entry['type'] == service_type:
                for ep in entry['endpoints']:
                    if ep['interface'] == 'public':
                        return ep['url']
        return None
