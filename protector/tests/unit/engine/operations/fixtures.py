"""Two fake sites whose clouds and arrays are linked, with a protected
three-tier application on site-a.

Each site's fake Cinder is backed by the site's fake array
(``[fake_cloud] backend_arrays``), as Cinder joins them on a real site:
managing a backend object adopts the array volume (and renames it to the
Cinder name, as the Pure and the lab backends do) and deleting a Cinder
volume destroys its array volume.
"""

import base64

import fixtures as fx
from oslo_config import cfg
from oslo_config import fixture as config_fixture

from protector.common import crypto
from protector.common import driver_errors as errors
from protector.common import group_states
from protector.db import api as db
from protector.drivers.storage import base as storage_base
from protector.engine import sync
from protector.tests.fake_drivers import cloud as fake_cloud  # noqa
from protector.tests.fake_drivers import storage as fake_storage
from protector.tests.unit import base
from protector.tests.unit import fakes

ARRAY_URLS = {'site-a': 'https://fa-a.test', 'site-b': 'https://fa-b.test'}
PROJECTS = {'site-a': base.PROJECT_A, 'site-b': base.PROJECT_A_ON_B}
NETWORKS = (('net-web', '10.0.0.0/24'), ('net-db', '10.0.1.0/24'))
# name, rank, network, ip, data written on its boot volume
SERVERS = (('db-1', 0, 'net-db', '10.0.1.10', b'database bytes'),
           ('app-1', 1, 'net-db', '10.0.1.20', b'application bytes'),
           ('web-1', 2, 'net-web', '10.0.0.30', b'web server bytes'),
           ('web-2', 2, 'net-web', '10.0.0.31', b'second web bytes'))
VOLUME_SIZE = 4096


DOWN = set()


class LinkedCloudDriver(fake_cloud.FakeCloudDriver):
    """The fake cloud, of which a site in ``DOWN`` answers no call."""

    def __getattribute__(self, name):
        value = super().__getattribute__(name)
        if not name.startswith('_') and callable(value):
            site = super().__getattribute__('site')
            if site.name in DOWN:
                def unreachable(*args, **kwargs):
                    raise errors.CloudUnavailable(
                        site=site.name, resource='anything',
                        action=name.replace('_', ' '),
                        detail='connection refused', unprocessed=True)
                return unreachable
        return value


class TwoSites(fx.Fixture):
    """Sites, tenant mapping, clouds, arrays, a protected group."""

    def __init__(self, replication_type='async', local='site-a',
                 replicate=True):
        super().__init__()
        self.replication_type = replication_type
        self.local = local
        self.replicate = replicate

    def _setUp(self):
        fake_cloud.reset()
        fake_storage.reset()
        DOWN.clear()
        self.addCleanup(fake_cloud.reset)
        self.addCleanup(fake_storage.reset)
        self.addCleanup(DOWN.clear)
        self.useFixture(config_fixture.Config(cfg.CONF)).config(
            backend_arrays=ARRAY_URLS, group='fake_cloud')
        self.peer = fakes.FakePeer()
        self.useFixture(fx.MockPatch('protector.engine.peer.PeerClient',
                                     new=self.peer.client))
        self.keystone = fakes.FakeKeystone()
        self.useFixture(fx.MockPatch(
            'protector.common.keystone.site_session',
            new=self.keystone.session))
        self.useFixture(fx.MockPatch(
            'protector.drivers.loader.cloud_driver',
            new=LinkedCloudDriver))
        self.context = base.context.get_admin_context()
        self.sites = {}
        self.remote = 'site-b' if self.local == 'site-a' else 'site-a'
        for name in ('site-a', 'site-b'):
            is_local = name == self.local
            self.sites[name] = db.site_create(self.context, {
                'name': name, 'auth_url': 'http://%s:5000/v3' % name,
                'region_name': 'RegionOne', 'username': 'protector',
                'password_encrypted': crypto.encrypt('secret-%s' % name),
                'project_name': 'service', 'user_domain_name': 'Default',
                'project_domain_name': 'Default', 'is_local': is_local})
        db.tenant_mapping_create(self.context, {
            'local_project_id': PROJECTS[self.local],
            'remote_site_id': self.sites[self.remote].id,
            'remote_project_id': PROJECTS[self.remote]})
        self.peer.local_projects[PROJECTS[self.remote]] = \
            PROJECTS[self.local]
        fake_storage.connect(ARRAY_URLS['site-a'], ARRAY_URLS['site-b'])
        self.storage = fake_storage.FakeStorageDriver()
        self.networks = {site: {} for site in ARRAY_URLS}
        for site in ARRAY_URLS:
            cloud = self.cloud(site)
            for name, cidr in NETWORKS:
                net = cloud.add_network(PROJECTS[site], '%s-%s' % (
                    name, site))
                cloud.add_subnet(PROJECTS[site], net['id'], cidr,
                                 '%s-subnet' % name)
                self.networks[site][name] = net['id']
        self.group = self._group()

    # Helpers

    def cloud(self, site):
        return fake_cloud.cloud(site)

    def driver(self, site):
        return LinkedCloudDriver(self.sites[site], None)

    def array(self, site):
        return fake_storage.array(ARRAY_URLS[site])

    def array_ref(self, site):
        return storage_base.ArrayRef(ARRAY_URLS[site], 'token')

    def _server(self, name, network, ip, data):
        driver = self.driver('site-a')
        project = PROJECTS['site-a']
        volume = driver.create_volume(project, 1, name='%s-boot' % name,
                                      volume_type=self.volume_type)
        driver.set_volume_bootable(project, volume['id'])
        fake_storage.create_volume(ARRAY_URLS['site-a'],
                                   'volume-%s' % volume['id'], data,
                                   VOLUME_SIZE)
        port = driver.create_port(
            project, self.networks['site-a'][network],
            fixed_ips=[{'ip_address': ip}])
        server = driver.create_server(project, {
            'name': name, 'flavor': 'm1.small', 'ports': [
                {'port_id': port['id']}],
            'volumes': [{'volume_id': volume['id'], 'boot_index': 0,
                         'device': '/dev/vda'}],
            'metadata': {'tier': name},
            'user_data': base64.b64encode(b'#!/bin/sh').decode()})
        driver.wait_for_server(project, server['id'], 'ACTIVE', 1)
        return driver.get_server_spec(project, server['id']), volume['id']

    @property
    def volume_type(self):
        return ('replicated' if self.replication_type == 'async'
                else 'replicated-sync')

    def _group(self):
        ctx = self.context
        volume_type = self.volume_type
        cgs = {}
        for site in ARRAY_URLS:
            cgs[site] = self.driver(site).create_volume_group(
                PROJECTS[site], 'cg', [volume_type])['id']
        group = db.group_create(ctx, {
            'project_id': PROJECTS[self.local], 'name': 'three-tier',
            'description': '', 'replication_type': self.replication_type,
            'primary_site_id': self.sites['site-a'].id,
            'secondary_site_id': self.sites['site-b'].id,
            'current_primary_site_id': self.sites['site-a'].id,
            'volume_type': volume_type,
            'secondary_volume_type': volume_type,
            'status': group_states.ACTIVE,
            'failover_count': 0, 'metadata_version': 1,
            'consistency_groups': cgs, 'subnets': {},
            'mappings': {'failover': {'network': {
                self.networks['site-a'][n]: self.networks['site-b'][n]
                for n, _ in NETWORKS}}, 'failback': {'network': {
                    self.networks['site-b'][n]: self.networks['site-a'][n]
                    for n, _ in NETWORKS}}}})
        db.policy_set(ctx, group.id, {
            'primary_fa_url': ARRAY_URLS['site-a'],
            'primary_fa_token_encrypted': crypto.encrypt('token-a'),
            'secondary_fa_url': ARRAY_URLS['site-b'],
            'secondary_fa_token_encrypted': crypto.encrypt('token-b'),
            'rpo_minutes': 15, 'replication_interval': 300,
            'snapshot_retention': 24}, create=True)
        volumes = []
        self.members = {}
        for name, rank, network, ip, data in SERVERS:
            spec, volume_id = self._server(name, network, ip, data)
            volumes.append('volume-%s' % volume_id)
            self.members[name] = db.member_create(ctx, group.id, {
                'server_id': spec['id'], 'server_name': name,
                'status': 'protected', 'spec': spec, 'rank': rank,
                'boot_condition': None, 'overrides': {}})
        self.driver('site-a').add_volumes_to_group(
            PROJECTS['site-a'], cgs['site-a'],
            [v[len('volume-'):] for v in volumes])
        name = storage_base.replication_group_name(group.id)
        if self.replication_type == 'async':
            self.storage.ensure_replication_group(
                self.array_ref('site-a'), self.array_ref('site-b'), name,
                volumes, 300, 24)
            if self.replicate:
                self.storage.replicate_now(self.array_ref('site-a'), name)
        else:
            self.storage.ensure_pod(self.array_ref('site-a'),
                                    self.array_ref('site-b'), name,
                                    volumes)
        sync.push(ctx, group.id)
        return db.group_get(ctx, group.id)

    def servers(self, site):
        return sorted(s['name'] for s in self.cloud(site).servers.values()
                      if s['project_id'] == PROJECTS[site])

    def volumes(self, site):
        return sorted(v['name'] or '' for v in
                      self.cloud(site).volumes.values()
                      if v['project_id'] == PROJECTS[site])
