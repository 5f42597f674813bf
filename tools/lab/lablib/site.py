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

"""One site of the lab: its services, its one-time set-up, its status.

A site is Keystone, Placement, Glance, Nova (api, conductor, scheduler,
compute), Neutron (API only) and Cinder (api, scheduler, volume).  The
APIs run under uwsgi, the others as their console scripts; all of them
come from the lab virtualenv.  One-time steps leave a marker in
``<lab>/state`` so that a later ``up`` skips them.
"""

import calendar
import concurrent.futures
import os
import subprocess
import time

from lablib import configs
from lablib import keystone
from lablib import layout
from lablib import proc

from protector.tests import processes


class Service(object):
    """A long-running process of a site."""

    def __init__(self, site, name, cmd, env=None, url=None, ready=None):
        self.site = site
        self.name = name                      # e.g. nova-compute
        self.key = '%s-%s' % (site.name, name)  # pid file name
        self.cmd = cmd
        self.env = env or {}
        self.url = url                        # for APIs
        self.ready_path = ready
        self.log = site.log(name)

    def http_ready(self):
        status = proc.http_status(self.url + (self.ready_path or '/'))
        return status is not None and status < 500


def _uwsgi(site, module, port, threads=4, pyargv=None):
    lab = site.lab
    cmd = [lab.bin('uwsgi'),
           '--master',
           # Without it SIGTERM makes uwsgi 2.0 reload, not exit.
           '--die-on-term',
           '--need-app',
           '--http-socket', '%s:%d' % (layout.LOOPBACK, port),
           # lab-facts: uwsgi closes the connection after each answer but
           # says HTTP/1.1; clients reusing it get ECONNRESET.
           '--add-header', 'Connection: close',
           '--module', module,
           '--virtualenv', lab.venv,
           '--lazy-apps',
           '--processes', '1',
           '--threads', str(threads),
           '--enable-threads',
           '--thunder-lock',
           '--buffer-size', '65535',
           '--worker-reload-mercy', '10',
           '--disable-logging', '--log-4xx', '--log-5xx']
    if pyargv:
        cmd += ['--pyargv', pyargv]
    return cmd


def services(site):
    """The site's services, in start order."""
    lab = site.lab
    etc = site.etc
    nova_env = {'OS_NOVA_CONFIG_DIR': etc('nova'),
                'OS_NOVA_CONFIG_FILES': 'api-paste.ini;nova.conf'}
    return [
        Service(site, 'keystone',
                _uwsgi(site, 'keystone.wsgi.api:application',
                       site.port('keystone')),
                env={'OS_KEYSTONE_CONFIG_DIR': etc('keystone'),
                     'OS_KEYSTONE_CONFIG_FILES': 'keystone.conf'},
                url=site.url('keystone'), ready='/v3'),
        Service(site, 'placement',
                _uwsgi(site, 'placement.wsgi.api:application',
                       site.port('placement'), threads=2),
                env={'OS_PLACEMENT_CONFIG_DIR': etc('placement')},
                url=site.url('placement')),
        Service(site, 'glance',
                _uwsgi(site, 'glance.wsgi.api:application',
                       site.port('glance'), threads=2),
                env={'OS_GLANCE_CONFIG_DIR': etc('glance')},
                url=site.url('glance'), ready='/versions'),
        Service(site, 'nova-api',
                _uwsgi(site, 'nova.wsgi.osapi_compute:application',
                       site.port('nova-api')),
                env=nova_env, url=site.url('nova-api')),
        Service(site, 'neutron-api',
                _uwsgi(site, 'neutron.wsgi.api:application',
                       site.port('neutron-api')),
                env={'OS_NEUTRON_CONFIG_DIR': etc('neutron'),
                     'OS_NEUTRON_CONFIG_FILES': 'neutron.conf;ml2_conf.ini'},
                url=site.url('neutron-api')),
        Service(site, 'cinder-api',
                _uwsgi(site, 'cinder.wsgi.api:application',
                       site.port('cinder-api'),
                       pyargv='--config-file ' + etc('cinder',
                                                     'cinder.conf')),
                url=site.url('cinder-api')),
        Service(site, 'nova-conductor',
                [lab.bin('nova-conductor'), '--config-file',
                 etc('nova', 'nova.conf')]),
        Service(site, 'nova-scheduler',
                [lab.bin('nova-scheduler'), '--config-file',
                 etc('nova', 'nova.conf')]),
        Service(site, 'nova-compute',
                [lab.bin('lab-nova-compute'), '--config-file',
                 etc('nova', 'nova-compute.conf')]),
        Service(site, 'cinder-scheduler',
                [lab.bin('cinder-scheduler'), '--config-file',
                 etc('cinder', 'cinder.conf')]),
        Service(site, 'cinder-volume',
                [lab.bin('cinder-volume'), '--config-file',
                 etc('cinder', 'cinder.conf')]),
    ]


# Services whose state the Nova and Cinder service lists also report.
REPORTED_BINARIES = {
    'nova-conductor': ('nova-api', '/v2.1/os-services', 'nova-conductor'),
    'nova-scheduler': ('nova-api', '/v2.1/os-services', 'nova-scheduler'),
    'nova-compute': ('nova-api', '/v2.1/os-services', 'nova-compute'),
    'cinder-scheduler': ('cinder-api', '/v3/os-services',
                         'cinder-scheduler'),
    'cinder-volume': ('cinder-api', '/v3/os-services', 'cinder-volume'),
}


class SiteRunner(object):
    """Set up, start, check and stop the services of one site."""

    def __init__(self, site, postgres, say):
        self.site = site
        self.lab = site.lab
        self.pg = postgres
        self.procs = proc.Processes(site.lab)
        self.say = lambda msg: say('%s: %s' % (site.name, msg))
        self.services = services(site)

    # -- helpers ----------------------------------------------------------

    def _env(self, extra=None):
        env = dict(os.environ)
        for key in list(env):
            if key.startswith('OS_') or key == 'PYTHONPATH':
                env.pop(key)
        env['PATH'] = '%s:%s' % (os.path.join(self.lab.venv, 'bin'),
                                 env.get('PATH', '/usr/bin:/bin'))
        env.update(extra or {})
        return env

    def _manage(self, name, *args, timeout=600, secrets=()):
        return processes.run([self.lab.bin(name)] + list(args),
                             self.site.log('setup'), timeout=timeout,
                             env=self._env(),
                             what='%s %s' % (name, args[-1]),
                             secrets=secrets)

    def _once(self, step, func):
        marker = '%s-%s' % (self.site.name, step)
        if self.lab.done(marker):
            return
        started = time.monotonic()
        func()
        self.lab.mark_done(marker)
        self.say('%s done (%.0fs)' % (step, time.monotonic() - started))

    # -- one-time set-up --------------------------------------------------

    def create_databases(self):
        site = self.site
        for db in ('keystone', 'placement', 'glance', 'nova_api',
                   'nova_cell0', 'nova_cell1', 'neutron', 'cinder'):
            user = site.db_user(db)
            self.pg.ensure_database(site.db_name(db), user,
                                    self.lab.secret('db-' + user))

    def _keystone_setup(self):
        conf = self.site.etc('keystone', 'keystone.conf')
        me = ['--keystone-user', 'root', '--keystone-group', 'root']
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            jobs = [pool.submit(self._manage, 'keystone-manage',
                                '--config-file', conf, 'db_sync'),
                    pool.submit(self._manage, 'keystone-manage',
                                '--config-file', conf, 'fernet_setup', *me),
                    pool.submit(self._manage, 'keystone-manage',
                                '--config-file', conf, 'credential_setup',
                                *me)]
            for job in jobs:
                job.result()
        password = self.site.password('admin')
        processes.run([self.lab.bin('keystone-manage'),
                       '--config-file', conf, 'bootstrap',
                       '--bootstrap-password', password,
                       '--bootstrap-username', 'admin',
                       '--bootstrap-project-name', 'admin',
                       '--bootstrap-role-name', 'admin',
                       '--bootstrap-service-name', 'keystone',
                       '--bootstrap-region-id', layout.REGION,
                       '--bootstrap-public-url', self.site.auth_url,
                       '--bootstrap-internal-url', self.site.auth_url],
                      self.site.log('setup'), env=self._env(),
                      what='keystone-manage bootstrap', secrets=[password])

    def _nova_cells(self):
        conf = ['--config-file', self.site.etc('nova', 'nova.conf')]
        self._manage('nova-manage', *conf, 'api_db', 'sync')
        self._manage('nova-manage', *conf, 'cell_v2', 'map_cell0',
                     '--database_connection',
                     self.site.db_url('nova_cell0'),
                     secrets=[self.site.db_url('nova_cell0')])
        out = self._manage('nova-manage', *conf, 'cell_v2', 'list_cells')
        if ' cell1 ' not in out:
            self._manage('nova-manage', *conf, 'cell_v2', 'create_cell',
                         '--name', 'cell1', '--verbose')
        self._manage('nova-manage', *conf, 'db', 'sync')

    def _neutron_schema(self):
        # lab-facts: migration d553edeb540f is MySQL-only; create the
        # schema from the models, then stamp the heads.
        script = ('import sys, sqlalchemy\n'
                  'from neutron.db.migration.models import head\n'
                  'engine = sqlalchemy.create_engine(sys.argv[1])\n'
                  'head.get_metadata().create_all(engine)\n')
        processes.run([self.lab.python, '-c', script,
                       self.site.db_url('neutron')], self.site.log('setup'),
                      env=self._env(), what='neutron schema from models',
                      secrets=[self.site.db_url('neutron')])
        self._manage('neutron-db-manage', '--config-file',
                     self.site.etc('neutron', 'neutron.conf'),
                     '--config-file', self.site.etc('neutron', 'ml2_conf.ini'),
                     'stamp', 'heads')

    def sync_databases(self):
        """Schema of every service but Keystone (two at a time)."""
        etc = self.site.etc
        steps = [
            ('nova-db', self._nova_cells),
            ('neutron-db', self._neutron_schema),
            ('cinder-db', lambda: self._manage(
                'cinder-manage', '--config-file',
                etc('cinder', 'cinder.conf'), 'db', 'sync')),
            ('placement-db', lambda: self._manage(
                'placement-manage', '--config-file',
                etc('placement', 'placement.conf'), 'db', 'sync')),
            ('glance-db', lambda: self._manage(
                'glance-manage', '--config-file',
                etc('glance', 'glance-api.conf'), 'db_sync')),
        ]
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            jobs = [pool.submit(self._once, name, func)
                    for name, func in steps]
            for job in jobs:
                job.result()

    def register(self):
        """Catalog, service users, the demo project and user."""
        site = self.site
        ks = keystone.Client(site)
        ks.login()
        service_id = ks.ensure_project('service', 'OpenStack services')
        for user in configs.SERVICE_USERS:
            ks.ensure_user(user, service_id, ['admin', 'service'])
        demo_id = ks.ensure_project('demo', 'protector lab demo tenant')
        ks.ensure_user('demo', demo_id, ['member'])
        ks.ensure_endpoints('compute', 'nova', site.url('nova-api') +
                            '/v2.1')
        ks.ensure_endpoints('placement', 'placement', site.url('placement'))
        ks.ensure_endpoints('image', 'glance', site.url('glance'))
        ks.ensure_endpoints('network', 'neutron', site.url('neutron-api'))
        for stype, name in (('block-storage', 'cinder'),
                            ('volumev3', 'cinderv3')):
            ks.ensure_endpoints(stype, name, site.url('cinder-api') + '/v3')

    # -- mounts -----------------------------------------------------------

    def mount(self):
        """Bind-mount volumes/ where the NFS driver expects its share."""
        target = configs.mount_point(self.site)
        os.makedirs(self.site.volumes_dir, exist_ok=True)
        os.makedirs(target, exist_ok=True)
        if not _is_mount_point(target):
            processes.run(['mount', '--bind', self.site.volumes_dir, target],
                          self.site.log('setup'), what='mount --bind')

    def unmount(self):
        target = configs.mount_point(self.site)
        for _ in range(5):
            if not _is_mount_point(target):
                return
            res = subprocess.run(['umount', target],
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT)
            if res.returncode != 0:
                time.sleep(1)
        if _is_mount_point(target):
            subprocess.run(['umount', '-l', target])

    # -- processes --------------------------------------------------------

    def start(self, names=None):
        """Start the services not running; return the ones started."""
        started = []
        for svc in self.services:
            if names is not None and svc.name not in names:
                continue
            if self.procs.pid(svc.key):
                continue
            if svc.url and proc.http_status(svc.url) is not None:
                raise proc.LabError('%s: port of %s is taken by a process '
                                    'the lab did not start' % (svc.key,
                                                               svc.url))
            self.procs.spawn(svc.key, svc.cmd, svc.log,
                             env=self._env(svc.env),
                             cwd=os.path.join(self.site.dir, 'logs'))
            started.append(svc)
        return started

    def wait_apis(self, timeout=240, names=None):
        for svc in self.services:
            if not svc.url or (names is not None and svc.name not in names):
                continue
            processes.wait_for(svc.http_ready, timeout, svc.key, [svc.log],
                               pid=self.procs.pid(svc.key), interval=0.5)

    def service_states(self, fresh=False):
        """{binary: 'up'|'down'} from the Nova and Cinder service lists.

        With fresh, a service only counts as up once it has reported
        since its process started (a restarted service's old record still
        looks up for a minute).
        """
        states = {}
        ks = keystone.Client(self.site)
        try:
            ks.login()
        except Exception:
            return states
        for api, path in (('nova-api', '/v2.1/os-services'),
                          ('cinder-api', '/v3/os-services')):
            try:
                data = ks.request('GET', self.site.url(api) + path,
                                  timeout=10)[0]
            except Exception:
                continue
            for svc in data.get('services', []):
                if svc.get('host', '').split('@')[0] != self.site.host:
                    continue
                up = svc.get('state') == 'up' and svc.get('status') in (
                    'enabled', None)
                binary = svc['binary']
                if fresh and up:
                    up = self._reported_since_start(binary,
                                                    svc.get('updated_at'))
                # Several backends (host@backend): all must be up.
                states[binary] = ('up' if up and states.get(binary, 'up')
                                  == 'up' else 'down')
        return states

    def _reported_since_start(self, binary, updated_at):
        rec = self.procs.record('%s-%s' % (self.site.name, binary))
        if not rec or not updated_at or 'started_at' not in rec:
            return True
        stamp = calendar.timegm(time.strptime(updated_at[:19],
                                              '%Y-%m-%dT%H:%M:%S'))
        return stamp >= int(rec['started_at'])

    def wait_workers(self, timeout=240):
        """Until Nova and Cinder report every worker service up."""
        wanted = set(REPORTED_BINARIES)
        logs = [self.site.log(n) for n in sorted(wanted)]

        def check():
            states = self.service_states(fresh=True)
            for binary in wanted:
                if not self.procs.pid('%s-%s' % (self.site.name, binary)):
                    raise proc.LabError('%s-%s is not running'
                                        % (self.site.name, binary))
            return all(states.get(b) == 'up' for b in wanted)
        processes.wait_for(check, timeout, '%s services' % self.site.name,
                           logs, interval=2)

    def discover_hosts(self):
        self._manage('nova-manage', '--config-file',
                     self.site.etc('nova', 'nova.conf'), 'cell_v2',
                     'discover_hosts', '--verbose')

    def status(self):
        """[(service, 'up'|'down', detail)] for every service."""
        states = None
        rows = []
        for svc in self.services:
            pid = self.procs.pid(svc.key)
            if not pid:
                rows.append((svc.name, 'down', 'not running'))
                continue
            if svc.url:
                ok = svc.http_ready()
                rows.append((svc.name, 'up' if ok else 'down',
                             'pid %d, %s%s' % (pid, svc.url,
                                               '' if ok else
                                               ' not answering')))
                continue
            if states is None:
                states = self.service_states()
            state = states.get(svc.name)
            rows.append((svc.name, 'up' if state == 'up' else 'down',
                         'pid %d, reported %s' % (pid, state or 'unknown')))
        target = configs.mount_point(self.site)
        mounted = _is_mount_point(target)
        rows.append(('volumes-mount', 'up' if mounted else 'down',
                     '%s on %s' % (self.site.volumes_dir, target)))
        return rows

    def stop(self):
        self.procs.stop([svc.key for svc in reversed(self.services)],
                        timeout=30)


def _is_mount_point(path):
    """True if path is a mount point (bind mounts included).

    os.path.ismount misses a bind mount of a directory of the same file
    system (same device, different inode), so read the mount table.
    """
    path = os.path.realpath(path)
    with open('/proc/self/mounts') as f:
        for line in f:
            fields = line.split()
            if len(fields) > 1 and _unescape(fields[1]) == path:
                return True
    return False


def _unescape(field):
    # /proc/mounts escapes space, tab, newline and backslash as \ooo.
    return (field.replace('\\040', ' ').replace('\\011', '\t')
            .replace('\\012', '\n').replace('\\134', '\\'))
