"""Two real protector sites on loopback, started once per test run.

Keystone (one, with RegionOne for site-a and RegionTwo for site-b),
PostgreSQL (site-a's database), SQLite (site-b's) and RabbitMQ (a vhost
per site) are real
processes; so are both sites' protector-api and protector-engine.  The
cloud and storage drivers are the fakes, selected by configuration, and
both sites' engines act on one fake world (every site's cloud and array)
kept in a state file, which the tests inspect and change directly
(``TwoSites.world()``).  Each site's fake Cinder is backed by its array of
``ARRAYS``.
"""

import contextlib
import json
import os
import subprocess
import sys

from oslo_config import cfg
import requests

from protector.tests.fake_drivers import cloud as fake_cloud  # noqa
from protector.tests.fake_drivers import world as fake_world
from protector.tests.functional import infra
from protector.tests.functional import protector_site

PORTS = {
    'keystone': int(os.environ.get('PROTECTOR_FUNCTIONAL_KEYSTONE_PORT',
                                   25000)),
    'postgres': int(os.environ.get('PROTECTOR_FUNCTIONAL_PG_PORT', 25432)),
    'rabbit': int(os.environ.get('PROTECTOR_FUNCTIONAL_RABBIT_PORT', 24672)),
    'site-a': int(os.environ.get('PROTECTOR_FUNCTIONAL_SITE_A_PORT', 28788)),
    'site-b': int(os.environ.get('PROTECTOR_FUNCTIONAL_SITE_B_PORT', 28789)),
}
REGIONS = {'site-a': 'RegionOne', 'site-b': 'RegionTwo'}
ARRAYS = {'site-a': 'https://array-a.test', 'site-b': 'https://array-b.test'}
VOLUME_TYPE = 'replicated-async'


def inventory(projects):
    """What the fake cloud driver pretends each site holds."""
    project_a = projects['project-a']
    services = {'compute': True, 'block-storage': True, 'network': True}
    volume_types = [{'id': 'vt-async', 'name': VOLUME_TYPE,
                     'replication_type': 'async', 'backend': 'lab'}]

    def server(index, name, volume_type=VOLUME_TYPE):
        uid = '00000000-0000-4000-8000-%012d' % index
        return {
            'id': uid, 'name': name, 'project_id': project_a,
            'flavor': 'm1.small', 'image': None,
            'availability_zone': 'nova', 'key_name': 'demo-key',
            'metadata': {'tier': name}, 'server_group': None,
            'security_groups': ['default'], 'user_data': None,
            'ports': [{'port_id': 'port-%d' % index, 'network_id': 'net-a',
                       'mac_address': 'fa:16:3e:00:00:%02x' % index,
                       'fixed_ips': [{'subnet_id': 'subnet-a',
                                      'ip_address': '10.0.0.%d' % index,
                                      'cidr': '10.0.0.0/24'}]}],
            'volumes': [{'volume_id': 'vol-%d' % index,
                         'volume_type': volume_type, 'size': 1,
                         'boot_index': 0, 'device': '/dev/vda',
                         'bootable': True}],
        }

    return {
        'site-a': {'services': services, 'volume_types': volume_types,
                   'servers': [server(11, 'web'), server(12, 'app'),
                               server(13, 'db'),
                               server(14, 'scratch', 'plain')]},
        'site-b': {'services': services, 'volume_types': volume_types,
                   'servers': []},
    }


# Site A keeps its metadata in PostgreSQL, site B in SQLite (the embedded
# default): every test runs against both, and site B's SQLite is written by
# its API, its engine and site A's pushes at once.
DATABASES = {'site-a': 'postgresql', 'site-b': 'sqlite'}
# The options that make this process see the fake world of the sites.
WORLD_OPTIONS = (('fake_world', 'state_file'),
                 ('fake_cloud', 'inventory_file'),
                 ('fake_cloud', 'backend_arrays'))


class TwoSites(object):
    """Handles on everything the tests talk to."""

    def __init__(self, base_dir, databases=None):
        self.base_dir = base_dir
        self.databases = dict(databases or DATABASES)
        self.keystone = infra.Keystone(base_dir, PORTS['keystone'])
        self.postgres = infra.Postgres(base_dir, PORTS['postgres'])
        self.rabbit = infra.RabbitMQ(base_dir, PORTS['rabbit'])
        self.sites = {}
        self.outputs = []

    def start(self):
        if 'postgresql' in self.databases.values():
            self.postgres.start()
        self.rabbit.start()
        self.keystone.start()
        self.projects = self.keystone.setup_cloud({
            REGIONS[name]: 'http://127.0.0.1:%d' % PORTS[name]
            for name in ('site-a', 'site-b')})
        self.clouds_yaml = self.keystone.clouds_yaml(
            os.path.join(self.base_dir, 'clouds.yaml'))
        inventory_path = os.path.join(self.base_dir, 'inventory.json')
        with open(inventory_path, 'w') as inventory_file:
            json.dump(inventory(self.projects), inventory_file)
        self.world_path = os.path.join(self.base_dir, 'fake-world')
        self.inventory_path = inventory_path
        self.share_world()
        for name in ('site-a', 'site-b'):
            key = name.replace('-', '_')
            if self.databases[name] == 'postgresql':
                db_url = self.postgres.create_database(
                    'protector_' + key, 'protector_' + key, 'db-' + key)
            else:
                db_url = 'sqlite:///%s/%s.db' % (self.base_dir, key)
            site = protector_site.ProtectorSite(
                self.base_dir, name, PORTS[name], REGIONS[name],
                db_url=db_url,
                transport_url=self.rabbit.add_vhost(
                    key, 'protector_' + key, 'mq-' + key),
                auth_url=self.keystone.auth_url,
                service_password=self.keystone.PASSWORDS['protector'],
                inventory=inventory_path, fake_world=self.world_path,
                backend_arrays=ARRAYS)
            site.manage('db', 'sync')
            site.start_all()
            self.sites[name] = site

    def share_world(self):
        """This process sees the clouds and arrays the engines see."""
        values = (self.world_path, self.inventory_path, ARRAYS)
        for (group, name), value in zip(WORLD_OPTIONS, values):
            cfg.CONF.set_override(name, value, group=group)

    @staticmethod
    def unshare_world():
        """This process keeps clouds and arrays of its own in memory."""
        for group, name in WORLD_OPTIONS:
            cfg.CONF.clear_override(name, group=group)

    @contextlib.contextmanager
    def world(self):
        """The fake world of both sites, for one transaction."""
        with fake_world.transaction() as world:
            yield world

    def stop(self):
        for site in self.sites.values():
            site.stop_all()
        self.keystone.stop()
        self.rabbit.stop()
        self.postgres.stop()

    # Clients

    def cli(self, cloud, *args, check=True):
        """Run the real ``openstack`` CLI; keep its output for scanning."""
        env = dict(os.environ, OS_CLIENT_CONFIG_FILE=self.clouds_yaml)
        for key in [k for k in env if k.startswith('OS_')
                    and k != 'OS_CLIENT_CONFIG_FILE']:
            env.pop(key)
        command = [os.path.join(os.path.dirname(sys.executable),
                                'openstack'), '--os-cloud', cloud,
                   'protector'] + list(args)
        result = subprocess.run(command, capture_output=True, text=True,
                                env=env, timeout=120)
        self.outputs.append(result.stdout + result.stderr)
        if check and result.returncode != 0:
            raise AssertionError('%s failed (%d): %s%s' % (
                ' '.join(args), result.returncode, result.stdout,
                result.stderr))
        return result

    def cli_json(self, cloud, *args):
        return json.loads(self.cli(cloud, *(list(args) + ['-f', 'json']))
                          .stdout)

    def _site_args(self, name):
        return [name, '--auth-url', self.keystone.auth_url,
                '--username', 'protector',
                '--password', self.keystone.PASSWORDS['protector'],
                '--project-name', 'service',
                '--region-name', REGIONS[name]]

    @contextlib.contextmanager
    def registered(self, project):
        """Both sites registered on both, ``project`` mapped, in the block.

        What was missing (a site, the mapping of ``project`` to itself on
        the peer) is added, and removed again at the end: a module that
        uses it leaves the sites as it found them, so the order of the
        modules does not matter.
        """
        sites, mappings = [], []
        try:
            for cloud in ('admin', 'admin-b'):
                known = {s['Name'] for s in self.cli_json(cloud, 'site',
                                                          'list')}
                for name in ('site-a', 'site-b'):
                    if name not in known:
                        self.cli(cloud, 'site', 'create',
                                 *self._site_args(name))
                        sites.append((cloud, name))
            for cloud, peer in (('admin', 'site-b'), ('admin-b', 'site-a')):
                known = self.cli_json(cloud, 'tenant-mapping', 'list')
                if not any(m['Local Project'] == project and
                           m['Remote Site'] == peer for m in known):
                    mapping = self.cli_json(
                        cloud, 'tenant-mapping', 'create',
                        '--local-project', project, '--remote-site', peer,
                        '--remote-project', project)
                    mappings.append((cloud, mapping['id']))
            yield
        finally:
            for cloud, mapping_id in mappings:
                self.cli(cloud, 'tenant-mapping', 'delete', mapping_id)
            for cloud, name in sites:
                self.cli(cloud, 'site', 'delete', name)

    def rest(self, method, site, path, user, project=None, **kwargs):
        """Plain REST with a real token; keep the body for scanning."""
        token = self.keystone.token(user, project)
        headers = {'X-Auth-Token': token}
        headers.update(kwargs.pop('headers', {}))
        response = requests.request(method, self.sites[site].url + path,
                                    headers=headers, timeout=60, **kwargs)
        self.outputs.append(response.text)
        return response

    def register_sites(self):
        """Both sites registered on each other, project A mapped on each.

        Whatever a module before did of it already is kept.
        """
        project = self.projects['project-a']
        for site, peer in (('site-a', 'site-b'), ('site-b', 'site-a')):
            known = {s['name'] for s in self.rest(
                'GET', site, '/v1/admin/sites', 'admin', 'admin').json()[
                    'sites']}
            for name in sorted({'site-a', 'site-b'} - known):
                response = self.rest('POST', site, '/v1/admin/sites',
                                     'admin', 'admin', json={'site': {
                                         'name': name,
                                         'auth_url': self.keystone.auth_url,
                                         'username': 'protector',
                                         'password': self.keystone.PASSWORDS[
                                             'protector'],
                                         'project_name': 'service',
                                         'region_name': REGIONS[name]}})
                assert response.status_code == 201, response.text
            mappings = self.rest('GET', site, '/v1/admin/tenant-mappings',
                                 'admin', 'admin').json()['tenant_mappings']
            if not mappings:
                response = self.rest(
                    'POST', site, '/v1/admin/tenant-mappings', 'admin',
                    'admin', json={'tenant_mapping': {
                        'local_project_id': project, 'remote_site': peer,
                        'remote_project_id': project}})
                assert response.status_code == 201, response.text
