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

"""Real PostgreSQL, RabbitMQ and Keystone on loopback for functional tests.

Every service keeps all of its state below the base directory given by the
caller, listens on 127.0.0.1 only, is started as a child process whose PID
is kept and is stopped by that PID (plus its own process group, which
``start_new_session`` gives it, to reap helpers such as erl_child_setup;
postgres backends, which call setsid() themselves, exit on their own within
about 2 s when their postmaster dies).  ``stop()`` is idempotent; a later
``start()`` on the same base directory and ports reuses the state.

Typical session fixture::

    pg = Postgres(base_dir, processes.free_port())
    pg.start()
    db_url = pg.create_database('protector_a', 'protector_a', 'secret')
    ...
    pg.stop()

Smoke check (also prints start-up and token latency figures)::

    /opt/pdev/bin/python -m protector.tests.functional.infra
"""

import argparse
import concurrent.futures
import json
import logging
import os
import pwd
import secrets
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time
import urllib.parse

import requests

from protector.tests import processes

LOG = logging.getLogger(__name__)

LOOPBACK = processes.LOOPBACK


# One error for the services and the primitives they use.
ServiceError = processes.ProcessError


def _stop(proc, sig, timeout, what):
    """Stop a Popen of ours (see processes.stop), then reap it."""
    if proc is not None:
        processes.stop([proc.pid], sig, timeout, what)
        proc.wait(10)


# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

class Postgres(object):
    """A private PostgreSQL 15 cluster on 127.0.0.1:port.

    State lives in ``<base_dir>/postgres`` (data directory, log, unix
    socket).  When running as root the server runs as OS user ``os_user``
    (initdb and postgres refuse to run as root).
    """

    BIN_DIR = '/usr/lib/postgresql/15/bin'
    SUPERUSER = 'postgres'  # database role created by initdb

    def __init__(self, base_dir, port, os_user='postgres', bin_dir=None):
        self.port = int(port)
        self.bin_dir = bin_dir or self.BIN_DIR
        self.dir = os.path.join(os.path.abspath(base_dir), 'postgres')
        self.data_dir = os.path.join(self.dir, 'data')
        self.socket_dir = self.dir
        self.log_path = os.path.join(self.dir, 'postgres.log')
        self._proc = None
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam(os_user)
            except KeyError:
                raise ServiceError(
                    'Postgres: OS user %r does not exist (create it, or '
                    'install the postgresql-15 package which does)'
                    % os_user)
            self._user, self._uid, self._gid = os_user, pw.pw_uid, pw.pw_gid
        else:
            self._user = self._uid = self._gid = None
        socket_path = os.path.join(self.socket_dir,
                                   '.s.PGSQL.%d' % self.port)
        if len(socket_path) > 107:
            raise ServiceError('Postgres: unix socket path %s is longer '
                               'than 107 bytes; use a shorter base_dir'
                               % socket_path)

    def _bin(self, name):
        return os.path.join(self.bin_dir, name)

    @property
    def running(self):
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self):
        return self._proc.pid if self.running else None

    def _prepare_dir(self):
        os.makedirs(self.dir, exist_ok=True)
        if self._uid is not None:
            processes.make_traversable(os.path.dirname(self.dir))
            os.chown(self.dir, self._uid, self._gid)
        os.chmod(self.dir, 0o700)
        # The server writes to this file through an inherited descriptor.
        with open(self.log_path, 'a'):
            pass

    def _initdb(self, timeout):
        try:
            processes.run([self._bin('initdb'), '-D', self.data_dir,
                           '-U', self.SUPERUSER, '-E', 'UTF8', '--locale=C',
                           # Superuser over the unix socket only (directory
                           # is 0700); TCP clients must give a password.
                           '--auth-local=trust', '--auth-host=scram-sha-256',
                           '--no-sync'],
                          self.log_path, timeout, what='Postgres initdb',
                          cwd=self.dir, user=self._user, group=self._gid)
        except ServiceError:
            # Never leave a half-made cluster for the next start().
            shutil.rmtree(self.data_dir, ignore_errors=True)
            raise
        # Port, socket directory and address are given at each start.
        settings = {
            'fsync': 'off',
            'synchronous_commit': 'off',
            'full_page_writes': 'off',
            'max_connections': '300',
            'logging_collector': 'off',
            'log_min_messages': 'warning',
            'log_line_prefix': "'%m [%p] %q%u@%d '",
        }
        with open(os.path.join(self.data_dir, 'postgresql.conf'), 'a') as f:
            f.write('\n# protector functional test cluster\n')
            for key, value in settings.items():
                f.write('%s = %s\n' % (key, value))

    def _connect(self, dbname='postgres'):
        import psycopg2  # only needed by the tests that use PostgreSQL
        conn = psycopg2.connect(host=self.socket_dir, port=self.port,
                                user=self.SUPERUSER, dbname=dbname,
                                connect_timeout=2)
        conn.autocommit = True
        return conn

    def _ready(self):
        self._connect().close()
        return True

    def start(self, timeout=60):
        """initdb (first time only), start the server, wait until ready."""
        if self.running:
            return
        processes.require(self._bin('postgres'), 'Postgres',
                          'install the Debian package postgresql-15')
        processes.check_ports_free('Postgres', [self.port])
        self._prepare_dir()
        if not os.path.exists(os.path.join(self.data_dir, 'PG_VERSION')):
            self._initdb(timeout)
        self._proc = processes.spawn(
            [self._bin('postgres'), '-D', self.data_dir,
             '-p', str(self.port), '-k', self.socket_dir,
             '-c', 'listen_addresses=' + LOOPBACK],
            self.log_path, cwd=self.dir, user=self._user, group=self._gid)
        LOG.info('Postgres started, pid %d, port %d', self._proc.pid,
                 self.port)
        try:
            processes.wait_for(self._ready, timeout, 'Postgres',
                               [self.log_path], pid=self._proc.pid)
        except Exception:
            self.stop()
            raise

    def create_database(self, name, user, password):
        """Create (or reuse) a role and a database owned by it.

        Returns ``postgresql+psycopg2://user:password@127.0.0.1:port/name``.
        The role's password is (re)set each time.
        """
        from psycopg2 import sql
        if not self.running:
            raise ServiceError('Postgres is not running')
        conn = self._connect()
        try:
            with conn.cursor() as cur:
                cur.execute('SELECT 1 FROM pg_roles WHERE rolname = %s',
                            (user,))
                verb = 'ALTER' if cur.fetchone() else 'CREATE'
                cur.execute(sql.SQL('{} ROLE {} LOGIN PASSWORD {}').format(
                    sql.SQL(verb), sql.Identifier(user),
                    sql.Literal(password)))
                cur.execute('SELECT 1 FROM pg_database WHERE datname = %s',
                            (name,))
                if not cur.fetchone():
                    cur.execute(sql.SQL(
                        'CREATE DATABASE {} OWNER {} ENCODING {}').format(
                            sql.Identifier(name), sql.Identifier(user),
                            sql.Literal('UTF8')))
        finally:
            conn.close()
        return 'postgresql+psycopg2://%s:%s@%s:%d/%s' % (
            urllib.parse.quote(user, safe=''),
            urllib.parse.quote(password, safe=''),
            LOOPBACK, self.port, urllib.parse.quote(name, safe=''))

    def stop(self, timeout=30):
        """Fast shutdown (SIGINT) of the postmaster; idempotent."""
        # SIGINT = "fast" shutdown: roll back sessions, exit cleanly.
        _stop(self._proc, signal.SIGINT, timeout, 'Postgres')
        self._proc = None


# ---------------------------------------------------------------------------
# MariaDB
# ---------------------------------------------------------------------------

class MariaDB(object):
    """A private MariaDB server on 127.0.0.1:port (Debian mariadb-server).

    State lives in ``<base_dir>/mariadb``.  As root the server runs as OS
    user ``mysql``; root connects over the unix socket without a password.
    """

    def __init__(self, base_dir, port, os_user='mysql'):
        self.port = int(port)
        self.dir = os.path.join(os.path.abspath(base_dir), 'mariadb')
        self.data_dir = os.path.join(self.dir, 'data')
        self.socket = os.path.join(self.dir, 'mariadb.sock')
        self.log_path = os.path.join(self.dir, 'mariadb.log')
        self._os_user = os_user
        self._proc = None

    @property
    def running(self):
        return self._proc is not None and self._proc.poll() is None

    def _client(self, statement, timeout=30):
        processes.run(['mariadb', '--no-defaults', '-S', self.socket,
                       '-u', 'root', '-e', statement], self.log_path,
                      timeout, what='MariaDB client')

    def _ready(self):
        self._client('SELECT 1')
        return True

    def start(self, timeout=60):
        if self.running:
            return
        processes.require('/usr/sbin/mariadbd', 'MariaDB',
                          'install the Debian package mariadb-server')
        processes.check_ports_free('MariaDB', [self.port])
        pw = pwd.getpwnam(self._os_user)
        os.makedirs(self.dir, exist_ok=True)
        processes.make_traversable(os.path.dirname(self.dir))
        os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        with open(self.log_path, 'a'):
            pass
        os.chown(self.log_path, pw.pw_uid, pw.pw_gid)
        if not os.path.isdir(os.path.join(self.data_dir, 'mysql')):
            processes.run(['mariadb-install-db', '--no-defaults',
                           '--datadir=' + self.data_dir,
                           '--user=' + self._os_user,
                           '--auth-root-authentication-method=socket',
                           '--skip-test-db'], self.log_path, timeout,
                          what='MariaDB install-db')
        self._proc = processes.spawn(
            ['/usr/sbin/mariadbd', '--no-defaults',
             '--datadir=' + self.data_dir, '--socket=' + self.socket,
             '--port=%d' % self.port, '--bind-address=' + LOOPBACK,
             '--user=' + self._os_user, '--skip-log-bin',
             '--innodb-flush-log-at-trx-commit=0',
             '--log-error=' + self.log_path], self.log_path, cwd=self.dir)
        try:
            processes.wait_for(self._ready, timeout, 'MariaDB',
                               [self.log_path], pid=self._proc.pid)
        except Exception:
            self.stop()
            raise

    def create_database(self, name, user, password):
        """Returns ``mysql+pymysql://user:password@127.0.0.1:port/name``."""
        self._client(
            "CREATE DATABASE IF NOT EXISTS `%s` CHARACTER SET utf8mb4; "
            "CREATE USER IF NOT EXISTS '%s'@'127.0.0.1' IDENTIFIED BY "
            "'%s'; GRANT ALL ON `%s`.* TO '%s'@'127.0.0.1';"
            % (name, user, password, name, user))
        return 'mysql+pymysql://%s:%s@%s:%d/%s?charset=utf8mb4' % (
            user, password, LOOPBACK, self.port, name)

    def stop(self, timeout=30):
        _stop(self._proc, signal.SIGTERM, timeout, 'MariaDB')
        self._proc = None


# ---------------------------------------------------------------------------
# RabbitMQ
# ---------------------------------------------------------------------------

class RabbitMQ(object):
    """A private RabbitMQ node on 127.0.0.1:port, next to any system node.

    Isolation from a system node (rabbit@<host>, ports 5672/25672/4369,
    cookie in /var/lib/rabbitmq): own node name, own AMQP and distribution
    ports, own epmd on its own port (started and stopped by us, so no epmd
    is left behind), own Erlang cookie (HOME points into the state
    directory), own config, env and enabled-plugins files (no management
    plugin), and the CLI's own distribution port range.
    Default ports: dist = port + 20000, epmd = dist + 1, CLI = dist + 2 ..
    dist + 11.
    """

    # Trap: /usr/sbin/rabbitmq-server is Debian's wrapper which "su"s to
    # the rabbitmq user and cds into /var/lib/rabbitmq; call the real
    # scripts directly.
    SBIN_DIR = '/usr/lib/rabbitmq/bin'
    EPMD = 'epmd'

    # Offsets from the AMQP port of every port the defaults use.
    PORT_OFFSETS = (0,) + tuple(range(20000, 20012))

    def __init__(self, base_dir, port, dist_port=None, epmd_port=None):
        self.port = int(port)
        self.dist_port = int(dist_port or self.port + 20000)
        self.epmd_port = int(epmd_port or self.dist_port + 1)
        self.ctl_port_min = self.dist_port + 2
        self.ctl_port_max = self.dist_port + 11
        if self.ctl_port_max > 65535:
            raise ServiceError('RabbitMQ: port %d too high for the default '
                               'distribution ports; pass dist_port and '
                               'epmd_port' % self.port)
        self.nodename = 'protector-test-%d@localhost' % self.port
        self.dir = os.path.join(os.path.abspath(base_dir), 'rabbitmq')
        self.log_dir = os.path.join(self.dir, 'log')
        self.log_path = os.path.join(self.log_dir, 'server-stdout.log')
        self.node_log_path = os.path.join(self.log_dir,
                                          '%s.log' % self.nodename)
        self.ctl_log_path = os.path.join(self.log_dir, 'rabbitmqctl.log')
        self.epmd_log_path = os.path.join(self.log_dir, 'epmd.log')
        self.pid_file = os.path.join(self.dir, 'rabbitmq.pid')
        self._proc = None
        self._epmd = None

    @property
    def running(self):
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self):
        return self._proc.pid if self.running else None

    def _env(self):
        dist_args = '-kernel inet_dist_use_interface {127,0,0,1}'
        env = dict(os.environ)
        env.update({
            # Own Erlang cookie: $HOME/.erlang.cookie.
            'HOME': os.path.join(self.dir, 'home'),
            'RABBITMQ_NODENAME': self.nodename,
            'RABBITMQ_NODE_IP_ADDRESS': LOOPBACK,
            'RABBITMQ_NODE_PORT': str(self.port),
            'RABBITMQ_DIST_PORT': str(self.dist_port),
            'RABBITMQ_MNESIA_BASE': os.path.join(self.dir, 'mnesia'),
            'RABBITMQ_LOG_BASE': self.log_dir,
            'RABBITMQ_PID_FILE': self.pid_file,
            'RABBITMQ_CONFIG_FILE': os.path.join(self.dir, 'rabbitmq.conf'),
            'RABBITMQ_ADVANCED_CONFIG_FILE': os.path.join(
                self.dir, 'advanced.config'),
            # A non-existent env file: do not source the system's one.
            'RABBITMQ_CONF_ENV_FILE': os.path.join(self.dir,
                                                   'rabbitmq-env.conf'),
            'RABBITMQ_ENABLED_PLUGINS_FILE': os.path.join(
                self.dir, 'enabled_plugins'),
            'RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS': dist_args,
            # Trap: the CLI's own distribution ports default to the fixed
            # range 35672-35682 whatever the node uses.
            'RABBITMQ_CTL_DIST_PORT_MIN': str(self.ctl_port_min),
            'RABBITMQ_CTL_DIST_PORT_MAX': str(self.ctl_port_max),
            'ERL_EPMD_PORT': str(self.epmd_port),
            'ERL_EPMD_ADDRESS': LOOPBACK,
            'ERL_CRASH_DUMP': os.path.join(self.log_dir, 'erl_crash.dump'),
            # With RABBITMQ_ALLOW_INPUT the script execs erl directly, so
            # the PID we get from Popen is the Erlang VM itself (otherwise
            # it is a shell that waits on a background VM); -noinput then
            # keeps the Erlang shell away from stdin.
            'RABBITMQ_ALLOW_INPUT': 'true',
            'RABBITMQ_SERVER_START_ARGS': '-noinput',
        })
        for key in ('RABBITMQ_ENABLED_PLUGINS', 'RABBITMQ_MNESIA_DIR',
                    'RABBITMQ_LOGS', 'RABBITMQ_USE_LONGNAME'):
            env.pop(key, None)
        return env

    def _prepare_dir(self):
        home = os.path.join(self.dir, 'home')
        for d in (self.dir, home, self.log_dir,
                  os.path.join(self.dir, 'mnesia')):
            os.makedirs(d, exist_ok=True)
        os.chmod(self.dir, 0o700)
        cookie = os.path.join(home, '.erlang.cookie')
        if not os.path.exists(cookie):
            value = ''.join(secrets.choice(string.ascii_uppercase)
                            for _ in range(20))
            fd = os.open(cookie, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
            with os.fdopen(fd, 'w') as f:
                f.write(value)
        with open(os.path.join(self.dir, 'rabbitmq.conf'), 'w') as f:
            f.write('listeners.tcp.default = %s:%d\n'
                    'log.console = false\n'
                    'log.file.level = info\n'
                    'disk_free_limit.absolute = 50MB\n'
                    % (LOOPBACK, self.port))
        with open(os.path.join(self.dir, 'enabled_plugins'), 'w') as f:
            f.write('[].\n')

    def ctl(self, *args, timeout=60, secret_values=()):
        """Run ``rabbitmqctl -n NODE args...`` against this node."""
        return processes.run([os.path.join(self.SBIN_DIR, 'rabbitmqctl'),
                              '-s', '-n', self.nodename] + list(args),
                             self.ctl_log_path, timeout,
                             what='rabbitmqctl %s' % args[0],
                             env=self._env(), cwd=self.dir,
                             secrets=secret_values)

    def _epmd_ready(self):
        return processes.port_in_use(self.epmd_port)

    def _node_ready(self):
        # await_startup fails at once while the node is not yet registered
        # with epmd, so it is polled; each call costs ~1 s of CLI start-up.
        self.ctl('await_startup', '--timeout', '10', timeout=20)
        return True

    def start(self, timeout=90):
        """Start epmd and the node; wait for ``await_startup``."""
        if self.running:
            return
        processes.require(os.path.join(self.SBIN_DIR, 'rabbitmq-server'),
                          'RabbitMQ',
                          'install the Debian package rabbitmq-server')
        if not shutil.which(self.EPMD):
            raise ServiceError('RabbitMQ: epmd not found in PATH; install '
                               'the Debian package erlang-base')
        processes.check_ports_free('RabbitMQ', [self.port, self.dist_port,
                                                self.epmd_port])
        self._prepare_dir()
        env = self._env()
        try:
            self._epmd = processes.spawn(
                [self.EPMD, '-port', str(self.epmd_port),
                 '-address', LOOPBACK],
                self.epmd_log_path, env=env, cwd=self.dir)
            processes.wait_for(self._epmd_ready, 10, 'epmd',
                               [self.epmd_log_path], pid=self._epmd.pid,
                               interval=0.05)
            self._proc = processes.spawn(
                [os.path.join(self.SBIN_DIR, 'rabbitmq-server')],
                self.log_path, env=env, cwd=self.dir)
            LOG.info('RabbitMQ node %s started, pid %d, port %d',
                     self.nodename, self._proc.pid, self.port)
            processes.wait_for(self._node_ready, timeout, 'RabbitMQ',
                               [self.log_path, self.node_log_path,
                                self.ctl_log_path], pid=self._proc.pid,
                               interval=0.5)
        except Exception:
            self.stop()
            raise

    def add_vhost(self, vhost, user, password):
        """Create vhost and user (or reset its password), grant all.

        Returns ``rabbit://user:password@127.0.0.1:port/vhost``.  Avoid
        "/" in the password: oslo.messaging re-quotes it unescaped for
        kombu, which then fails to parse the URL.
        """
        if not self.running:
            raise ServiceError('RabbitMQ is not running')
        if vhost not in self.ctl('list_vhosts', 'name').split():
            self.ctl('add_vhost', vhost)
        users = [line.split('\t')[0] for line in
                 self.ctl('list_users').splitlines()]
        if user in users:
            self.ctl('change_password', user, password,
                     secret_values=[password])
        else:
            self.ctl('add_user', user, password, secret_values=[password])
        self.ctl('set_permissions', '-p', vhost, user, '.*', '.*', '.*')
        return 'rabbit://%s:%s@%s:%d/%s' % (
            urllib.parse.quote(user, safe=''),
            urllib.parse.quote(password, safe=''),
            LOOPBACK, self.port, urllib.parse.quote(vhost, safe=''))

    def stop(self, timeout=60):
        """rabbitmqctl stop, make sure the VM is gone, stop epmd."""
        if self.running:
            try:
                self.ctl('stop', timeout=timeout)
            except ServiceError as exc:
                LOG.warning('rabbitmqctl stop failed, signalling pid %d: '
                            '%s', self._proc.pid, exc)
        # SIGTERM makes the VM shut down gracefully if it is still there.
        _stop(self._proc, signal.SIGTERM, timeout, 'RabbitMQ')
        self._proc = None
        _stop(self._epmd, signal.SIGTERM, 10, 'epmd')
        self._epmd = None


# ---------------------------------------------------------------------------
# etcd
# ---------------------------------------------------------------------------

class Etcd(object):
    """A one-member etcd on loopback: the engines' coordination service.

    Debian's etcd-server package (tools/install-deps installs it); tooz
    and taskflow reach it through its gRPC gateway (``url``).
    """

    PORT_OFFSETS = (0, 1)   # clients, peers

    def __init__(self, base_dir, port, binary='/usr/bin/etcd'):
        processes.require(binary, 'etcd', 'install the Debian package '
                          'etcd-server (tools/install-deps)')
        self.dir = os.path.join(base_dir, 'etcd')
        self.port = port
        self.binary = binary
        self.log_path = os.path.join(base_dir, 'etcd.log')
        self.url = 'etcd3+http://%s:%d' % (LOOPBACK, port)
        self._proc = None

    def _ready(self):
        answer = requests.get('http://%s:%d/health' % (LOOPBACK, self.port),
                              timeout=2)
        return answer.json().get('health') == 'true'

    def start(self, timeout=30):
        processes.check_ports_free(
            'etcd', [self.port + o for o in self.PORT_OFFSETS])
        os.makedirs(self.dir, exist_ok=True)
        clients = 'http://%s:%d' % (LOOPBACK, self.port)
        peers = 'http://%s:%d' % (LOOPBACK, self.port + 1)
        self._proc = processes.spawn([
            self.binary, '--name', 'protector', '--data-dir', self.dir,
            '--listen-client-urls', clients,
            '--advertise-client-urls', clients,
            '--listen-peer-urls', peers,
            '--initial-advertise-peer-urls', peers,
            '--initial-cluster', 'protector=' + peers,
            '--log-level', 'warn'], self.log_path)
        processes.wait_for(self._ready, timeout, 'etcd', [self.log_path],
                           pid=self._proc.pid)
        return self

    def stop(self, timeout=30):
        _stop(self._proc, signal.SIGTERM, timeout, 'etcd')
        self._proc = None


# ---------------------------------------------------------------------------
# Keystone
# ---------------------------------------------------------------------------

KEYSTONE_CONF = """\
[DEFAULT]
debug = false
log_file = {dir}/keystone.log

[database]
connection = sqlite:///{dir}/keystone.db

[token]
provider = fernet

[fernet_tokens]
key_repository = {dir}/fernet-keys

[credential]
key_repository = {dir}/credential-keys

[identity]
# bcrypt's minimum: a token costs ~0.5 s with the default of 12 rounds.
password_hash_rounds = 4

[cache]
# In-process cache; consistent because uwsgi runs a single process.
enabled = true
backend = oslo_cache.dict
"""


class Keystone(object):
    """A real Keystone (fernet, SQLite) under uwsgi on 127.0.0.1:port."""

    DOMAIN = 'Default'
    REGION = 'RegionOne'
    PASSWORDS = {
        'admin': 'admin-password',
        'protector': 'protector-secret',
        'member-a': 'member-a-secret',
        'member-b': 'member-b-secret',
        'reader-a': 'reader-a-secret',
    }
    # user -> (project, role) created by setup_cloud (admin by bootstrap).
    ASSIGNMENTS = {
        'admin': ('admin', 'admin'),
        'protector': ('service', 'admin'),
        'member-a': ('project-a', 'member'),
        'member-b': ('project-b', 'member'),
        'reader-a': ('project-a', 'reader'),
    }
    PROJECTS = ('admin', 'service', 'project-a', 'project-b')
    # clouds.yaml entry -> (user, region)
    CLOUDS = {
        'admin': ('admin', 'RegionOne'),
        'member-a': ('member-a', 'RegionOne'),
        'member-b': ('member-b', 'RegionOne'),
        'reader-a': ('reader-a', 'RegionOne'),
        'admin-b': ('admin', 'RegionTwo'),
        'member-a-b': ('member-a', 'RegionTwo'),
    }

    def __init__(self, base_dir, port, python=None, processes=1,
                 threads=4):
        self.port = int(port)
        self.python = python or sys.executable
        self.bin_dir = os.path.dirname(self.python)
        self.processes = processes
        self.threads = threads
        self.dir = os.path.join(os.path.abspath(base_dir), 'keystone')
        self.conf_path = os.path.join(self.dir, 'keystone.conf')
        self.log_path = os.path.join(self.dir, 'uwsgi.log')
        self.keystone_log_path = os.path.join(self.dir, 'keystone.log')
        self.manage_log_path = os.path.join(self.dir, 'keystone-manage.log')
        self.url = 'http://%s:%d' % (LOOPBACK, self.port)
        self.auth_url = self.url + '/v3'
        self._proc = None
        self._session = requests.Session()

    @property
    def running(self):
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self):
        return self._proc.pid if self.running else None

    def _logs(self):
        return [self.log_path, self.keystone_log_path, self.manage_log_path]

    def _manage(self, *args, timeout=180, secret_values=()):
        return processes.run([os.path.join(self.bin_dir, 'keystone-manage'),
                              '--config-file', self.conf_path] + list(args),
                             self.manage_log_path, timeout,
                             what='keystone-manage %s' % args[0],
                             cwd=self.dir, secrets=secret_values)

    def _setup(self):
        """Create the config, database, key repositories and admin."""
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o700)
        with open(self.conf_path, 'w') as f:
            f.write(KEYSTONE_CONF.format(dir=self.dir))
        marker = os.path.join(self.dir, '.bootstrapped')
        if os.path.exists(marker):
            return
        me = pwd.getpwuid(os.geteuid())
        owner = ['--keystone-user', me.pw_name,
                 '--keystone-group', str(me.pw_gid)]
        # The key repositories do not need the database: build them while
        # db_sync runs (each keystone-manage costs seconds of imports).
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            jobs = [pool.submit(self._manage, 'db_sync'),
                    pool.submit(self._manage, 'fernet_setup', *owner),
                    pool.submit(self._manage, 'credential_setup', *owner)]
            for job in jobs:
                job.result()
        password = self.PASSWORDS['admin']
        self._manage('bootstrap', '--bootstrap-password', password,
                     '--bootstrap-username', 'admin',
                     '--bootstrap-project-name', 'admin',
                     '--bootstrap-role-name', 'admin',
                     '--bootstrap-region-id', self.REGION,
                     '--bootstrap-public-url', self.auth_url,
                     '--bootstrap-internal-url', self.auth_url,
                     secret_values=[password])
        with open(marker, 'w'):
            pass

    def _venv_prefix(self):
        return subprocess.check_output(
            [self.python, '-c', 'import sys; print(sys.prefix)'],
            text=True).strip()

    def _ready(self):
        resp = requests.get(self.auth_url, timeout=5)
        if resp.status_code != 200:
            raise ServiceError('GET /v3 returned %d' % resp.status_code)
        # Trap (lab facts): uwsgi's http-socket closes the connection after
        # each response but answers HTTP/1.1 without saying so; clients
        # reusing the pooled connection get ConnectionResetError(104).
        # Every response must carry "Connection: close".
        if resp.headers.get('Connection', '').lower() != 'close':
            raise ServiceError('Keystone answered without '
                               '"Connection: close"')
        return True

    def start(self, timeout=90):
        """Set up Keystone (first time only), run uwsgi, wait for /v3."""
        if self.running:
            return
        for name in ('keystone-manage', 'uwsgi'):
            processes.require(os.path.join(self.bin_dir, name), 'Keystone',
                              'pip install keystone uwsgi into the '
                              'virtualenv of ' + self.python)
        processes.check_ports_free('Keystone', [self.port])
        self._setup()
        env = dict(os.environ)
        env.update({'OS_KEYSTONE_CONFIG_DIR': self.dir,
                    'OS_KEYSTONE_CONFIG_FILES': 'keystone.conf'})
        env.pop('PYTHONHOME', None)
        cmd = [
            os.path.join(self.bin_dir, 'uwsgi'),
            '--master',
            # Trap: without it, SIGTERM makes uwsgi 2.0 reload, not exit.
            '--die-on-term',
            '--need-app',
            '--strict',
            '--http-socket', '%s:%d' % (LOOPBACK, self.port),
            '--add-header', 'Connection: close',
            '--module', 'keystone.wsgi.api:application',
            '--virtualenv', self._venv_prefix(),
            '--chdir', self.dir,
            # Load the app in each worker, after fork: no SQLite connection
            # or lock is inherited from the master.
            '--lazy-apps',
            '--processes', str(self.processes),
            '--threads', str(self.threads),
            # Room for big headers (tokens, long query strings).
            '--buffer-size', '65535',
            '--disable-logging',
            '--log-4xx',
            '--log-5xx',
        ]
        self._proc = processes.spawn(cmd, self.log_path, env=env, cwd=self.dir)
        LOG.info('Keystone (uwsgi) started, pid %d, %s', self._proc.pid,
                 self.auth_url)
        try:
            processes.wait_for(self._ready, timeout, 'Keystone',
                               self._logs(), pid=self._proc.pid)
        except Exception:
            self.stop()
            raise

    # -- REST helpers -----------------------------------------------------

    def _request(self, method, path, token, expected=(200,), **kwargs):
        resp = self._session.request(
            method, self.auth_url + path,
            headers={'X-Auth-Token': token}, timeout=30, **kwargs)
        if resp.status_code not in expected:
            raise ServiceError('Keystone %s %s returned %d: %s'
                               % (method, path, resp.status_code,
                                  resp.text[:500]))
        return resp.json() if resp.content else None

    def _auth(self, user, scope):
        body = {'auth': {
            'identity': {'methods': ['password'], 'password': {'user': {
                'name': user, 'domain': {'name': self.DOMAIN},
                'password': self.PASSWORDS[user]}}},
            'scope': scope}}
        resp = self._session.post(self.auth_url + '/auth/tokens', json=body,
                                  timeout=30)
        if resp.status_code != 201:
            raise ServiceError('Keystone: token for %s failed with %d: %s'
                               % (user, resp.status_code, resp.text[:500]))
        return resp.headers['X-Subject-Token']

    def token(self, user, project=None):
        """A project-scoped token (the X-Subject-Token value) for user.

        ``project`` is a project name in the Default domain; by default the
        project in which setup_cloud gives the user its role.
        """
        project = project or self.ASSIGNMENTS[user][0]
        return self._auth(user, {'project': {
            'name': project, 'domain': {'name': self.DOMAIN}}})

    def system_token(self):
        """A system-scoped admin token (works whatever enforce_scope)."""
        return self._auth('admin', {'system': {'all': True}})

    def _find(self, token, collection, key, **filters):
        query = urllib.parse.urlencode(filters)
        found = self._request('GET', '/%s?%s' % (collection, query),
                              token)[collection]
        return found[0] if found else None

    def _ensure(self, token, collection, key, filters, body):
        found = self._find(token, collection, key, **filters)
        if found:
            return found
        return self._request('POST', '/' + collection, token, (201,),
                             json={key: body})[key]

    def _ensure_endpoint(self, token, service_id, interface, region, url):
        found = self._find(token, 'endpoints', 'endpoint',
                           service_id=service_id, interface=interface,
                           region_id=region)
        if found and found['url'] == url:
            return
        if found:
            self._request('PATCH', '/endpoints/' + found['id'], token,
                          json={'endpoint': {'url': url}})
            return
        self._request('POST', '/endpoints', token, (201,), json={
            'endpoint': {'service_id': service_id, 'interface': interface,
                         'region_id': region, 'url': url,
                         'enabled': True}})

    def setup_cloud(self, protector_endpoints):
        """Regions, endpoints, projects, users and roles for the tests.

        ``protector_endpoints`` maps region -> protector URL, e.g.
        ``{"RegionOne": "http://127.0.0.1:8788",
        "RegionTwo": "http://127.0.0.1:8789"}``.  Idempotent.
        Returns ``{project name: project id}`` for admin, service,
        project-a and project-b.
        """
        token = self.system_token()
        domain_id = self._find(token, 'domains', 'domain',
                               name=self.DOMAIN)['id']
        identity = self._find(token, 'services', 'service',
                              type='identity')
        protector = self._ensure(
            token, 'services', 'service', {'type': 'protector'},
            {'type': 'protector', 'name': 'protector', 'enabled': True,
             'description': 'Protector DR service'})
        for region, url in sorted(protector_endpoints.items()):
            self._ensure_region(token, region)
            for interface in ('public', 'internal'):
                self._ensure_endpoint(token, identity['id'], interface,
                                      region, self.auth_url)
                self._ensure_endpoint(token, protector['id'], interface,
                                      region, url)
        projects = {}
        for name in self.PROJECTS:
            projects[name] = self._ensure(
                token, 'projects', 'project',
                {'name': name, 'domain_id': domain_id},
                {'name': name, 'domain_id': domain_id,
                 'description': 'protector functional tests'})['id']
        roles = {}
        for user, (project, role) in sorted(self.ASSIGNMENTS.items()):
            if role not in roles:
                roles[role] = self._find(token, 'roles', 'role',
                                         name=role)['id']
            body = {'name': user, 'domain_id': domain_id,
                    'password': self.PASSWORDS[user],
                    'default_project_id': projects[project],
                    'enabled': True}
            found = self._find(token, 'users', 'user', name=user,
                               domain_id=domain_id)
            if found:
                if user != 'admin':
                    self._request('PATCH', '/users/' + found['id'], token,
                                  json={'user': body})
                user_id = found['id']
            else:
                user_id = self._request('POST', '/users', token, (201,),
                                        json={'user': body})['user']['id']
            self._request('PUT', '/projects/%s/users/%s/roles/%s'
                          % (projects[project], user_id, roles[role]),
                          token, (204,))
        return projects

    def _ensure_region(self, token, region):
        resp = self._session.get(self.auth_url + '/regions/' + region,
                                 headers={'X-Auth-Token': token},
                                 timeout=30)
        if resp.status_code == 200:
            return
        self._request('POST', '/regions', token, (201,),
                      json={'region': {'id': region}})

    def clouds_yaml(self, path):
        """Write a clouds.yaml for the test users; return its path."""
        lines = ['clouds:']
        for cloud, (user, region) in sorted(self.CLOUDS.items()):
            values = [
                ('auth', None),
                ('  auth_url', self.auth_url),
                ('  username', user),
                ('  password', self.PASSWORDS[user]),
                ('  project_name', self.ASSIGNMENTS[user][0]),
                ('  user_domain_name', self.DOMAIN),
                ('  project_domain_name', self.DOMAIN),
                ('region_name', region),
                ('interface', 'public'),
                ('identity_api_version', '3'),
            ]
            lines.append('  %s:' % json.dumps(cloud))
            for key, value in values:
                if value is None:
                    lines.append('    %s:' % key)
                else:
                    # A JSON string is a valid YAML double-quoted scalar.
                    lines.append('    %s: %s' % (key, json.dumps(value)))
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        return path

    def stop(self, timeout=30):
        """SIGTERM the uwsgi master (with --die-on-term); idempotent."""
        _stop(self._proc, signal.SIGTERM, timeout, 'Keystone')
        self._proc = None
        self._session.close()


# ---------------------------------------------------------------------------
# Smoke check
# ---------------------------------------------------------------------------

def _timed(func, *args):
    start = time.monotonic()
    func(*args)
    return time.monotonic() - start


def main(argv=None):
    parser = argparse.ArgumentParser(
        description='Start PostgreSQL, RabbitMQ and Keystone, check them, '
                    'stop them.')
    parser.add_argument('--base-dir', help='state directory (default: a '
                        'new temporary directory, removed afterwards)')
    parser.add_argument('--pg-port', type=int, help='default: a free one')
    parser.add_argument('--rabbit-port', type=int,
                        help='default: a free one (+20000..20011 free too)')
    parser.add_argument('--keystone-port', type=int,
                        help='default: a free one')
    parser.add_argument('--parallel', action='store_true',
                        help='start the three services at once (no gain '
                        'on 2 cores)')
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO,
                        format='%(asctime)s %(levelname)s %(message)s')
    base_dir = args.base_dir or tempfile.mkdtemp(prefix='protector-infra-')
    os.makedirs(base_dir, exist_ok=True)
    pg = Postgres(base_dir, args.pg_port or processes.free_port())
    rabbit = RabbitMQ(base_dir, args.rabbit_port
                      or processes.free_port(RabbitMQ.PORT_OFFSETS))
    keystone = Keystone(base_dir,
                        args.keystone_port or processes.free_port())
    services = [pg, rabbit, keystone]
    try:
        start = time.monotonic()
        if args.parallel:
            with concurrent.futures.ThreadPoolExecutor(3) as pool:
                jobs = [pool.submit(_timed, s.start) for s in services]
                times = [job.result() for job in jobs]
        else:
            times = [_timed(s.start) for s in services]
        total = time.monotonic() - start
        print('started in %.1fs (postgres %.1fs, rabbitmq %.1fs, '
              'keystone %.1fs, %s)'
              % (total, times[0], times[1], times[2],
                 'parallel' if args.parallel else 'sequential'))
        print('database: %s' % pg.create_database(
            'protector_a', 'protector_a', 'protector-db-secret'))
        print('transport: %s' % rabbit.add_vhost(
            'site-a', 'protector_a', 'protector-mq-secret'))
        projects = keystone.setup_cloud(
            {'RegionOne': 'http://127.0.0.1:8788',
             'RegionTwo': 'http://127.0.0.1:8789'})
        print('keystone: %s, projects %s' % (keystone.auth_url,
                                             json.dumps(projects)))
        clouds = keystone.clouds_yaml(os.path.join(base_dir, 'clouds.yaml'))
        print('clouds.yaml: %s' % clouds)
        samples = []
        for _ in range(10):
            t0 = time.monotonic()
            token = keystone.token('member-a')
            samples.append(time.monotonic() - t0)
        print('token for member-a: %d characters; issue latency min %.0f '
              'ms, median %.0f ms, max %.0f ms (10 requests)'
              % (len(token), min(samples) * 1000,
                 sorted(samples)[len(samples) // 2] * 1000,
                 max(samples) * 1000))
    finally:
        for service in reversed(services):
            service.stop()
        if not args.base_dir:
            shutil.rmtree(base_dir, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
