"""One protector site (protector-api + protector-engine) as processes."""

import os
import signal
import subprocess
import sys
import time

import requests

CONF_TEMPLATE = """\
[DEFAULT]
site_name = {name}
auth_strategy = keystone
state_path = {state}
transport_url = {transport_url}
debug = true

[api]
bind_host = 127.0.0.1
bind_port = {port}

[database]
connection = {db_url}

[drivers]
cloud = fake
storage = fake

[fake_cloud]
inventory_file = {inventory}
backend_arrays = {backend_arrays}

[fake_world]
state_file = {fake_world}

[engine]
peer_timeout = 5
rpc_timeout = 60

[health]
# The tests here count and pause each driver call of an engine; the
# health watch (tested on the lab) would add calls of its own.
interval = 86400

[keystone_authtoken]
www_authenticate_uri = {auth_url}
auth_url = {auth_url}
auth_type = password
username = protector
password = {service_password}
project_name = service
user_domain_name = Default
project_domain_name = Default
region_name = {region}
"""


# protector-api as etc/protector/protector-api-uwsgi.ini deploys it, on
# loopback (see ProtectorSite.serve_api_with_uwsgi).
UWSGI_TEMPLATE = """\
[uwsgi]
module = protector.wsgi.api:application
env = PROTECTOR_CONFIG_FILES={conf}
http-socket = 127.0.0.1:{port}
master = true
processes = {processes}
threads = {threads}
enable-threads = true
thunder-lock = true
listen = 1024
add-header = Connection: close
lazy-apps = true
need-app = true
buffer-size = 65535
die-on-term = true
disable-logging = true
log-4xx = true
log-5xx = true
"""


class ProtectorSite(object):
    """Writes protector.conf, migrates, starts and stops both services."""

    def __init__(self, base_dir, name, port, region, db_url, transport_url,
                 auth_url, service_password, inventory, fake_world,
                 backend_arrays):
        self.name = name
        self.db_url = db_url
        self.port = port
        self.region = region
        self.url = 'http://127.0.0.1:%d' % port
        self.dir = os.path.join(base_dir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.conf_path = os.path.join(self.dir, 'protector.conf')
        with open(self.conf_path, 'w') as conf:
            conf.write(CONF_TEMPLATE.format(
                name=name, state=self.dir, transport_url=transport_url,
                port=port, db_url=db_url, inventory=inventory,
                fake_world=fake_world, backend_arrays=','.join(
                    '%s:%s' % item for item in sorted(
                        backend_arrays.items())),
                auth_url=auth_url, service_password=service_password,
                region=region))
        self.procs = {}

    def _bin(self, name):
        return os.path.join(os.path.dirname(sys.executable), name)

    def _log(self, service):
        return os.path.join(self.dir, service + '.log')

    def sqlite_path(self):
        """The database file, for a site on SQLite."""
        assert self.db_url.startswith('sqlite:///'), self.db_url
        return self.db_url[len('sqlite:///'):]

    def manage(self, *args):
        return subprocess.run(
            [self._bin('protector-manage'), '--config-file', self.conf_path,
             '--log-file', self._log('manage')] + list(args),
            check=True, capture_output=True, text=True, timeout=120).stdout

    def start(self, service):
        """Start protector-api or protector-engine (idempotent)."""
        proc = self.procs.get(service)
        if proc is not None and proc.poll() is None:
            return
        self.procs[service] = subprocess.Popen(
            [self._bin(service), '--config-file', self.conf_path,
             '--log-file', self._log(service)],
            stdout=subprocess.DEVNULL, stderr=open(self._log(service) +
                                                   '.stderr', 'a'),
            start_new_session=True)
        if service == 'protector-api':
            self._wait_api()

    def serve_api_with_uwsgi(self, processes, threads):
        """Run protector-api under uWSGI from now on, as in production."""
        self.stop('protector-api')
        ini = os.path.join(self.dir, 'protector-api-uwsgi.ini')
        with open(ini, 'w') as ini_file:
            ini_file.write(UWSGI_TEMPLATE.format(
                conf=self.conf_path, port=self.port, processes=processes,
                threads=threads))
        with open(self._log('protector-api'), 'a') as log:
            self.procs['protector-api'] = subprocess.Popen(
                [self._bin('uwsgi'), '--ini', ini], stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_api()

    def pid(self, service):
        """The process id of a running service."""
        return self.procs[service].pid

    def _wait_api(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = self.procs['protector-api']
            if proc.poll() is not None:
                raise RuntimeError('protector-api of %s exited: %s'
                                   % (self.name, self.tail('protector-api')))
            try:
                if requests.get(self.url + '/', timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise RuntimeError('protector-api of %s did not answer in %d s: %s'
                           % (self.name, timeout,
                              self.tail('protector-api')))

    def stop(self, service, sig=signal.SIGTERM):
        proc = self.procs.pop(service, None)
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)

    def start_all(self):
        self.start('protector-engine')
        self.start('protector-api')

    def stop_all(self):
        for service in list(self.procs):
            self.stop(service)

    def tail(self, service, lines=40):
        path = self._log(service)
        if not os.path.exists(path):
            return '(no log)'
        with open(path, errors='replace') as log:
            return ''.join(log.readlines()[-lines:])

    def logs(self):
        text = ''
        for service in ('protector-api', 'protector-engine'):
            path = self._log(service)
            if os.path.exists(path):
                with open(path, errors='replace') as log:
                    text += log.read()
        return text
