"""One protector site (protector-api + protector-engine) as processes.

They are started, waited for and stopped with protector/tests/processes.py,
like the other services of the functional tests (infra.py) and the lab.
"""

import os
import signal
import sys

import requests

from protector.tests import processes

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
    """Writes protector.conf, migrates, starts and stops both services.

    Each service logs to ``<dir>/<service>.log`` (its --log-file); what it
    writes to standard error (a crash before logging is set up) goes to
    ``<service>.log.stderr``.
    """

    API = 'protector-api'

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
        # Service name -> Popen (tests signal them by .pid).
        self.procs = {}

    def _bin(self, name):
        return os.path.join(os.path.dirname(sys.executable), name)

    def _log(self, service):
        return os.path.join(self.dir, service + '.log')

    def _what(self, service):
        return '%s of %s' % (service, self.name)

    def sqlite_path(self):
        """The database file, for a site on SQLite."""
        assert self.db_url.startswith('sqlite:///'), self.db_url
        return self.db_url[len('sqlite:///'):]

    def manage(self, *args):
        """Run protector-manage; return its output."""
        return processes.run(
            [self._bin('protector-manage'), '--config-file', self.conf_path,
             '--log-file', self._log('manage')] + list(args),
            self._log('manage') + '.out', timeout=120,
            what='protector-manage of %s' % self.name)

    def _running(self, service):
        proc = self.procs.get(service)
        return proc is not None and proc.poll() is None

    def start(self, service):
        """Start protector-api or protector-engine (idempotent)."""
        if self._running(service):
            return
        if service == self.API:
            processes.check_ports_free(self._what(service), [self.port])
        # Standard output stays unread, as before: the service logs to
        # its --log-file.
        self.procs[service] = processes.spawn(
            [self._bin(service), '--config-file', self.conf_path,
             '--log-file', self._log(service)],
            self._log(service) + '.stderr', stdout=False)
        if service == self.API:
            self._wait_api([self._log(service),
                            self._log(service) + '.stderr'])

    def serve_api_with_uwsgi(self, uwsgi_processes, threads):
        """Run protector-api under uWSGI from now on, as in production."""
        self.stop(self.API)
        ini = os.path.join(self.dir, 'protector-api-uwsgi.ini')
        with open(ini, 'w') as ini_file:
            ini_file.write(UWSGI_TEMPLATE.format(
                conf=self.conf_path, port=self.port, processes=uwsgi_processes,
                threads=threads))
        processes.check_ports_free(self._what(self.API), [self.port])
        self.procs[self.API] = processes.spawn(
            [self._bin('uwsgi'), '--ini', ini], self._log(self.API))
        self._wait_api([self._log(self.API)])

    def pid(self, service):
        """The process id of a running service."""
        return self.procs[service].pid

    def _wait_api(self, logs, timeout=60):
        """Wait until protector-api answers; fail at once if it died."""
        def answers():
            return requests.get(self.url + '/', timeout=2).ok
        try:
            processes.wait_for(answers, timeout, self._what(self.API), logs,
                               pid=self.pid(self.API), interval=0.2)
        except Exception:
            self.stop(self.API)
            raise

    def stop(self, service, sig=signal.SIGTERM, timeout=30):
        """Stop a service with sig (then SIGKILL after timeout seconds).

        Idempotent; what it left in its process group is killed too.
        """
        proc = self.procs.pop(service, None)
        # Reaped already, its PID may name another process by now; not
        # reaped, even dead, it holds its PID and its group is cleaned up.
        if proc is None or proc.returncode is not None:
            return
        processes.stop([proc.pid], sig, timeout, self._what(service))
        proc.wait(10)

    def start_all(self):
        self.start('protector-engine')
        self.start(self.API)

    def stop_all(self):
        for service in list(self.procs):
            self.stop(service)

    def tail(self, service, lines=40):
        """The last lines of a service's log, for an error message."""
        return processes.tail(self._log(service), lines)

    def logs(self):
        text = ''
        for service in (self.API, 'protector-engine'):
            path = self._log(service)
            if os.path.exists(path):
                with open(path, errors='replace') as log:
                    text += log.read()
        return text
