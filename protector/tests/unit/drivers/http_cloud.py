"""A site's OpenStack APIs on requests-mock, for the real driver's tests.

Keystone issues a token per scope: ``token-service`` for the service
user's own project, ``token-<project id>`` for a tenant project, so a test
can see which session made a call (``calls``).  Version documents of Nova,
Cinder, Neutron and Glance are served; a test registers the API answers it
needs with ``on(method, url, ...)``.
"""

import json
import os
import types

import fixtures
from keystoneauth1 import fixture as ks_fixture
from oslo_config import fixture as config_fixture
from requests_mock.contrib import fixture as rm_fixture

from protector.common import crypto
from protector.common import keystone
from protector import conf
from protector.drivers.cloud import openstack as openstack_driver

AUTH_URL = 'http://keystone.test/v3'
NOVA = 'http://nova.test/v2.1'
CINDER = 'http://cinder.test/v3'
NEUTRON = 'http://neutron.test'
GLANCE = 'http://glance.test'
SERVICE_PROJECT = 'service-project'
USER_ID = 'protector-user'
PASSWORD = 'Sup3r-s3cret-pw'


def _versions(url, version, min_version, key='versions'):
    doc = {'id': 'v%s' % min_version.split('.')[0] + '.0'
           if key == 'versions' else 'v2.1', 'status': 'CURRENT',
           'version': version, 'min_version': min_version,
           'links': [{'href': url + '/', 'rel': 'self'}]}
    return {key: [doc]} if key == 'versions' else {key: doc}


def nova_versions(newest):
    """Nova's version document, serving microversions up to ``newest``."""
    return _versions(NOVA, newest, '2.1', 'version')


class HttpCloud(fixtures.Fixture):

    def _setUp(self):
        state = self.useFixture(fixtures.TempDir()).path
        self.conf = self.useFixture(config_fixture.Config(conf.CONF))
        conf.CONF([], project='protector', default_config_files=[])
        self.conf.config(key_file=os.path.join(state, 'secret.key'),
                         group='crypto')
        self.conf.config(retry_interval=0, poll_interval=0.1,
                         group='openstack_cloud')
        crypto.reset()
        self.addCleanup(crypto.reset)
        keystone.reset()
        self.addCleanup(keystone.reset)
        self.mock = self.useFixture(rm_fixture.Fixture())
        self.site = types.SimpleNamespace(
            id='site-a-id', name='site-a', updated_at=None,
            auth_url=AUTH_URL, username='protector',
            password_encrypted=crypto.encrypt(PASSWORD),
            project_name='service', user_domain_name='Default',
            project_domain_name='Default', region_name='RegionOne')
        self.mock.post(AUTH_URL + '/auth/tokens', json=self._token,
                       status_code=201)
        self.mock.get(NOVA, json=nova_versions('2.96'))
        self.mock.get(CINDER + '/', json=_versions(CINDER, '3.71', '3.0'))
        self.mock.get(NEUTRON, json={'versions': [{
            'id': 'v2.0', 'status': 'CURRENT',
            'links': [{'href': NEUTRON + '/v2.0/', 'rel': 'self'}]}]})
        self.mock.get(GLANCE, json={'versions': [{
            'id': 'v2.16', 'status': 'CURRENT',
            'links': [{'href': GLANCE + '/v2/', 'rel': 'self'}]}]})
        self.mock.get(AUTH_URL, json={'version': {
            'id': 'v3.14', 'status': 'stable',
            'links': [{'href': AUTH_URL + '/', 'rel': 'self'}]}})
        self.scopes = []

    def _token(self, request, context):
        body = json.loads(request.body)
        scope = body['auth'].get('scope', {}).get('project', {})
        project_id = scope.get('id', SERVICE_PROJECT)
        self.scopes.append(project_id)
        name = 'service' if project_id == SERVICE_PROJECT else project_id
        context.headers['X-Subject-Token'] = 'token-%s' % name
        token = ks_fixture.V3Token(project_id=project_id, user_id=USER_ID)
        for service_type, url in (('compute', NOVA),
                                  ('block-storage', CINDER),
                                  ('network', NEUTRON), ('image', GLANCE),
                                  ('identity', AUTH_URL)):
            service = token.add_service(service_type)
            service.add_standard_endpoints(public=url, region='RegionOne')
        return token

    def on(self, method, url, responses=None, **kwargs):
        """Answer ``method url`` (``json=``, ``status_code=``, ...).

        ``responses``, a list of such dicts, are given one after the other.
        """
        if responses is not None:
            return self.mock.register_uri(method, url, responses)
        return self.mock.register_uri(method, url, **kwargs)

    def grant(self, project_id, held=False):
        """Keystone answers for the role grant in ``project_id``."""
        self.on('GET', AUTH_URL + '/projects/%s' % project_id,
                json={'project': {'id': project_id}})
        self.on('GET', AUTH_URL + '/roles?name=member',
                json={'roles': [{'id': 'role-member', 'name': 'member'}]})
        path = AUTH_URL + '/projects/%s/users/%s/roles/role-member' % (
            project_id, USER_ID)
        self.on('HEAD', path, status_code=204 if held else 404)
        return self.on('PUT', path, status_code=204)

    def calls(self, method, url_part):
        """``(token, body)`` of each call to a URL containing the part."""
        return [(r.headers.get('X-Auth-Token'),
                 r.json() if r.body else None)
                for r in self.mock.request_history
                if r.method == method and url_part in r.url]

    def driver(self):
        return openstack_driver.OpenStackCloudDriver(
            self.site, keystone.site_session(self.site))
