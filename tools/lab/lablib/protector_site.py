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

"""protector on each site, through the functions of devstack/lib/protector.

``lablib/protector.sh`` sources ``devstack/lib/protector`` and calls the
functions it is given with the ``PROTECTOR_*`` variables set here:
``install_protector`` (``pip install -e`` of this repository into the lab
virtualenv), ``configure_protector``, ``create_protector_accounts`` (the
service user and the catalog entries, with the ``openstack`` client),
``init_protector`` (``protector-manage db sync``) and ``start_protector``
(the site's etcd, protector-api under uWSGI, as devstack runs it, and two
protector-engines on that etcd).  The lab then records the PIDs the
library wrote (of protector-api: its uWSGI master, whose workers exit with
it), so that ``status``, ``stop`` and ``down`` treat them like every other
process of the lab; ``protector-engine`` names both engines of a site.
"""

import hashlib
import json
import os
import subprocess

from lablib import keystone
from lablib import layout
from lablib import proc

from protector.tests import processes

REPO_DIR = os.path.dirname(os.path.dirname(layout.TOOLS_LAB_DIR))
SCRIPT = os.path.join(layout.TOOLS_LAB_DIR, 'lablib', 'protector.sh')
ENGINES = tuple('protector-engine-%d' % n
                for n in range(1, layout.ENGINES + 1))
# In the order they start: the engines need the coordination service.
SERVICES = ('protector-etcd', 'protector-api') + ENGINES
SERVICE_USER = 'protector'
# What the storage drivers need besides protector's requirements.
EXTRA_PACKAGES = ['purestorage']


def _install_digest():
    digest = hashlib.sha256(REPO_DIR.encode())
    for name in ('setup.cfg', 'requirements.txt'):
        with open(os.path.join(REPO_DIR, name), 'rb') as f:
            digest.update(f.read())
    return digest.hexdigest()


def install(lab, say):
    """pip install -e of the repository (install_protector); True if done.

    Done again when setup.cfg or requirements.txt change (new entry points
    such as a storage driver appear only then) or for another clone.
    """
    marker = os.path.join(lab.venv, '.lab-protector')
    digest = _install_digest()
    try:
        with open(marker) as f:
            if f.read().strip() == digest:
                return False
    except FileNotFoundError:
        pass
    say('installing protector from %s into the lab virtualenv' % REPO_DIR)
    log = os.path.join(lab.log_dir, 'install.log')
    processes.run([lab.python, '-m', 'pip', 'install', '-q',
                   '--disable-pip-version-check'] + EXTRA_PACKAGES, log,
                  timeout=600,
                  what='pip install %s' % ' '.join(EXTRA_PACKAGES))
    ProtectorSite(lab.sites[0], say).script('install_protector',
                                            timeout=900)
    with open(marker, 'w') as f:
        f.write(digest + '\n')
    return True


def code_changed(lab, record=False):
    """True if protector's code changed since its services last started.

    With record, remember the code as it is now.
    """
    digest = hashlib.sha256()
    top = os.path.join(REPO_DIR, 'protector')
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in ('tests', '__pycache__'))
        for name in sorted(files):
            if name.endswith(('.py', '.ini', '.json', '.yaml')):
                path = os.path.join(root, name)
                digest.update(os.path.relpath(path, top).encode())
                with open(path, 'rb') as f:
                    digest.update(f.read())
    marker = os.path.join(lab.state_dir, 'protector-code.sha256')
    if record:
        os.makedirs(lab.state_dir, exist_ok=True)
        with open(marker, 'w') as f:
            f.write(digest.hexdigest() + '\n')
        return False
    return _read(marker) != digest.hexdigest() + '\n'


def storage_driver(lab):
    """``pure`` when protector offers that storage driver, else ``fake``."""
    code = ('from importlib.metadata import entry_points\n'
            'print(" ".join(e.name for e in entry_points('
            'group="protector.drivers.storage")))\n')
    out = subprocess.run([lab.python, '-c', code], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, check=False,
                         cwd=lab.dir).stdout.decode()
    return 'pure' if 'pure' in out.split() else 'fake'


def services(names):
    """The services ``names`` mean: ``protector-engine`` is every engine."""
    return [n for name in names for n in (
        ENGINES if name == 'protector-engine' else (name,))]


class ProtectorSite(object):
    """protector on one site: its etcd, protector-api, its engines."""

    def __init__(self, site, say):
        self.site = site
        self.lab = site.lab
        self.procs = proc.Processes(site.lab)
        self.say = lambda msg: say('%s: %s' % (site.name, msg))
        self.conf_dir = site.etc('protector')
        self.conf = os.path.join(self.conf_dir, 'protector.conf')
        self.uwsgi_conf = os.path.join(self.conf_dir,
                                       'protector-api-uwsgi.ini')
        self.state_path = os.path.join(site.dir, 'protector')
        self.storage = 'fake'

    def key(self, service):
        return '%s-%s' % (self.site.name, service)

    def _env(self):
        site, lab = self.site, self.lab
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(('OS_', 'PROTECTOR_'))
               and k != 'PYTHONPATH'}
        env.update({
            'PATH': '%s:%s' % (os.path.join(lab.venv, 'bin'),
                               env.get('PATH', '/usr/bin:/bin')),
            # create_protector_accounts: the site's admin, openstack CLI.
            'OS_CLIENT_CONFIG_FILE': lab.clouds_yaml,
            'OS_CLOUD': site.name + '-admin',
            'PROTECTOR_SITE_NAME': site.name,
            'PROTECTOR_CONF_DIR': self.conf_dir,
            'PROTECTOR_CONF': self.conf,
            'PROTECTOR_UWSGI_CONF': self.uwsgi_conf,
            'PROTECTOR_STATE_PATH': self.state_path,
            'PROTECTOR_LOG_DIR': site.log_dir,
            'PROTECTOR_DEBUG': 'False',
            'PROTECTOR_SERVICE_HOST': layout.LOOPBACK,
            'PROTECTOR_SERVICE_PORT': str(site.protector_port),
            'PROTECTOR_API_LISTEN_ADDRESS': layout.LOOPBACK,
            'PROTECTOR_REGION_NAME': layout.REGION,
            'PROTECTOR_DB_URL': site.db_url('protector'),
            'PROTECTOR_TRANSPORT_URL': site.transport_url,
            'PROTECTOR_AUTH_URL': site.auth_url,
            'PROTECTOR_SERVICE_USER': SERVICE_USER,
            'PROTECTOR_SERVICE_PASSWORD': site.password(SERVICE_USER),
            'PROTECTOR_SERVICE_PROJECT': 'service',
            'PROTECTOR_SERVICE_DOMAIN': layout.DOMAIN,
            'PROTECTOR_CLOUD_DRIVER': 'openstack',
            'PROTECTOR_STORAGE_DRIVER': self.storage,
            # The lab's Cinder backend and the array share volume-<id> files.
            'PROTECTOR_PURE_VOLUME_NAME_TEMPLATE': 'volume-%(id)s',
            # Two engines per site on the site's own etcd; all engines of
            # both sites on one host: a metrics port each.  A short health
            # interval, so that lab tests see a change in seconds.
            'PROTECTOR_ENGINES': str(layout.ENGINES),
            'PROTECTOR_ETCD_PORT': str(site.etcd_port),
            'PROTECTOR_METRICS_PORTS': ' '.join(map(str,
                                                    site.metrics_ports)),
            'PROTECTOR_HEALTH_INTERVAL': '3',
            'PROTECTOR_PYTHON': lab.python,
            'PROTECTOR_BIN_DIR': os.path.join(lab.venv, 'bin'),
            'PROTECTOR_SERVICE_TIMEOUT': '90',
            # The lab's mark: "down" finds any leftover by it.
            proc.OWNER_ENV: lab.dir,
        })
        return env

    def script(self, *functions, timeout=600):
        """Run functions of devstack/lib/protector (in a new session)."""
        site = self.site
        return processes.run(
            ['bash', SCRIPT] + list(functions), site.log('setup'),
            timeout=timeout, env=self._env(), cwd=site.dir,
            what='devstack/lib/protector %s' % ' '.join(functions),
            secrets=[site.password(SERVICE_USER), site.password('admin'),
                     self.lab.secret('db-' + site.db_user('protector')),
                     self.lab.secret('mq-' + site.rabbit_user)],
            new_session=True)

    def create_database(self, pg):
        site = self.site
        user = site.db_user('protector')
        pg.ensure_database(site.db_name('protector'), user,
                           self.lab.secret('db-' + user))

    def configure(self):
        """configure_protector; True if protector.conf or uWSGI ini changed."""
        before = [_read(self.conf), _read(self.uwsgi_conf)]
        self.script('configure_protector')
        return [_read(self.conf), _read(self.uwsgi_conf)] != before

    def storage_configured(self):
        return _conf_value(self.conf, 'storage')

    def running(self):
        return all(self.procs.pid(self.key(s)) for s in SERVICES)

    def start(self):
        """init_protector and start_protector unless both run."""
        if self.running():
            return False
        self.stop()
        self.script('init_protector', 'start_protector', timeout=300)
        for service in SERVICES:
            with open(os.path.join(self.state_path, service + '.pid')) as f:
                pid = int(f.read().strip())
            self.procs.adopt(self.key(service), pid,
                             self.site.log(service))
            if not self.procs.pid(self.key(service)):
                raise proc.LabError('%s exited at start\n%s' % (
                    self.key(service),
                    processes.tail(self.site.log(service))))
        return True

    def stop(self):
        self.procs.stop([self.key(s) for s in reversed(SERVICES)],
                        timeout=20)

    def api_ready(self):
        status = proc.http_status(self.site.protector_url + '/')
        return status is not None and status < 500

    def status(self):
        rows = []
        for service in SERVICES:
            pid = self.procs.pid(self.key(service))
            if not pid:
                rows.append((service, 'down', 'not running'))
            elif service == 'protector-etcd':
                rows.append((service, 'up', 'pid %d, http://%s:%d' % (
                    pid, layout.LOOPBACK, self.site.etcd_port)))
            elif service == 'protector-api':
                ok = self.api_ready()
                rows.append((service, 'up' if ok else 'down',
                             'pid %d, %s, %s%s' % (
                                 pid, self._server(), self.site.protector_url,
                                 '' if ok else ' not answering')))
            else:
                port = self.site.metrics_ports[ENGINES.index(service)]
                rows.append((service, 'up', 'pid %d, storage driver %s, '
                             'metrics http://%s:%d/metrics' % (
                                 pid, self.storage_configured() or
                                 'default', layout.LOOPBACK, port)))
        return rows

    def _server(self):
        """How protector-api is served, e.g. "uWSGI 2x8 threads"."""
        cmd = (self.procs.record(self.key('protector-api')) or {}).get(
            'cmd') or []
        if not any('uwsgi' in arg.lower() for arg in cmd):
            return 'console script'
        return 'uWSGI %sx%s threads' % (
            _conf_value(self.uwsgi_conf, 'processes') or '?',
            _conf_value(self.uwsgi_conf, 'threads') or '?')


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return None


def _conf_value(path, option):
    for line in (_read(path) or '').splitlines():
        key, sep, value = line.partition('=')
        if sep and key.strip() == option:
            return value.strip()
    return None


def _openstack(lab, cloud, *args, secrets=()):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('OS_') and k != 'PYTHONPATH'}
    env['OS_CLIENT_CONFIG_FILE'] = lab.clouds_yaml
    return processes.run([lab.bin('openstack'), '--os-cloud', cloud]
                         + list(args),
                         os.path.join(lab.log_dir, 'protector-register.log'),
                         timeout=120, env=env, secrets=secrets,
                         what='openstack %s' % ' '.join(args[:3]))


def register_sites(lab, site):
    """On site: both sites registered, the demo project mapped to the peer.

    With the openstack CLI as the site's admin: ``protector site create``
    with the service credentials protector has on each site's Keystone.
    """
    cloud = site.name + '-admin'
    have = json.loads(_openstack(lab, cloud, 'protector', 'site', 'list',
                                 '-f', 'json'))
    names = {s['Name'] for s in have}
    for other in lab.sites:
        if other.name in names:
            continue
        password = other.password(SERVICE_USER)
        _openstack(lab, cloud, 'protector', 'site', 'create', other.name,
                   '--auth-url', other.auth_url,
                   '--username', SERVICE_USER, '--password', password,
                   '--project-name', 'service',
                   '--region-name', layout.REGION,
                   '--description', 'protector lab %s' % other.name,
                   secrets=[password])
    peer = [s for s in lab.sites if s is not site][0]
    local_demo = _project_id(site, 'demo')
    peer_demo = _project_id(peer, 'demo')
    mappings = json.loads(_openstack(lab, cloud, 'protector',
                                     'tenant-mapping', 'list', '-f',
                                     'json'))
    if not any(m['Local Project'] == local_demo for m in mappings):
        _openstack(lab, cloud, 'protector', 'tenant-mapping', 'create',
                   '--local-project', local_demo, '--remote-site',
                   peer.name, '--remote-project', peer_demo,
                   '--description', 'protector lab demo tenant')


def delete_groups(lab, site):
    """Delete the demo project's protection groups on site (both sites').

    A group whose two copies differ (after an unplanned failover, say) is
    made whole with ``sync-force`` first, as an operator would.
    """
    ids = _openstack(lab, site.name, 'protector', 'protection-group', 'list',
                     '-f', 'value', '-c', 'ID').split()
    for group_id in ids:
        try:
            _openstack(lab, site.name, 'protector', 'protection-group',
                       'delete', group_id)
        except proc.LabError:
            _openstack(lab, site.name, 'protector', 'protection-group',
                       'sync-force', group_id)
            _openstack(lab, site.name, 'protector', 'protection-group',
                       'delete', group_id)
    return len(ids)


def _project_id(site, name):
    ks = keystone.Client(site)
    ks.login()
    return ks._find('projects', name=name)['id']
