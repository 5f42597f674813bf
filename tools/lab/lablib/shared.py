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

"""The services both sites share: one PostgreSQL cluster, one RabbitMQ node.

The ideas are those of ``protector/tests/functional/infra.py`` (private
cluster and node on loopback, own Erlang cookie, epmd and CLI ports), and
so are the primitives (``protector/tests/processes.py``), but the
processes are known by pid files, because ``labctl`` exits while they run
on.
"""

import os
import pwd
import secrets
import signal
import string

from lablib import layout
from lablib import proc

from protector.tests import processes

PG_BIN = '/usr/lib/postgresql/15/bin'
RABBIT_SBIN = '/usr/lib/rabbitmq/bin'


class Postgres(object):
    """PostgreSQL 15 cluster in <lab>/postgres, port 16500, fsync off."""

    NAME = 'postgres'

    def __init__(self, lab):
        self.lab = lab
        self.procs = proc.Processes(lab)
        self.dir = os.path.join(lab.dir, 'postgres')
        self.data_dir = os.path.join(self.dir, 'data')
        self.log_path = os.path.join(lab.log_dir, 'postgres.log')
        self.port = layout.POSTGRES_PORT

    @property
    def uid(self):
        return pwd.getpwnam('postgres').pw_uid

    @property
    def gid(self):
        return pwd.getpwnam('postgres').pw_gid

    def _as_postgres(self):
        # initdb and postgres refuse to run as root.
        if os.geteuid() == 0:
            return {'user': 'postgres', 'group': self.gid}
        return {}

    def pid(self):
        return self.procs.pid(self.NAME)

    def start(self):
        if self.pid():
            return
        os.makedirs(self.dir, exist_ok=True)
        os.makedirs(self.lab.log_dir, exist_ok=True)
        if os.geteuid() == 0:
            processes.make_traversable(self.lab.dir)
            os.chown(self.dir, self.uid, self.gid)
            with open(self.log_path, 'a'):
                pass
            os.chown(self.log_path, self.uid, self.gid)
        os.chmod(self.dir, 0o700)
        if not os.path.exists(os.path.join(self.data_dir, 'PG_VERSION')):
            processes.run([os.path.join(PG_BIN, 'initdb'), '-D',
                           self.data_dir, '-U', 'postgres', '-E', 'UTF8',
                           '--locale=C', '--auth-local=trust',
                           '--auth-host=scram-sha-256', '--no-sync'],
                          self.log_path, cwd=self.dir, what='initdb',
                          **self._as_postgres())
            with open(os.path.join(self.data_dir, 'postgresql.conf'),
                      'a') as f:
                f.write('\n# protector lab\nfsync = off\n'
                        'synchronous_commit = off\nfull_page_writes = off\n'
                        'max_connections = 400\nshared_buffers = 64MB\n'
                        'log_min_messages = warning\n')
        processes.check_ports_free('PostgreSQL', [self.port])
        pid = self.procs.spawn(
            self.NAME, [os.path.join(PG_BIN, 'postgres'), '-D',
                        self.data_dir, '-p', str(self.port), '-k', self.dir,
                        '-c', 'listen_addresses=' + layout.LOOPBACK],
            self.log_path, cwd=self.dir, **self._as_postgres())
        processes.wait_for(lambda: self._psql('SELECT 1') is not None, 60,
                           'PostgreSQL', [self.log_path], pid=pid,
                           interval=0.2)

    def _psql(self, sql, db='postgres', secrets=()):
        return processes.run([os.path.join(PG_BIN, 'psql'), '-h', self.dir,
                              '-p', str(self.port), '-U', 'postgres',
                              '-d', db, '-X', '-q', '-t', '-A',
                              '-v', 'ON_ERROR_STOP=1', '-c', sql],
                             os.path.join(self.lab.log_dir, 'psql.log'),
                             what='psql', secrets=secrets)

    def ensure_database(self, name, user, password):
        """Role user (password reset each time) owning database name."""
        exists = self._psql("SELECT 1 FROM pg_roles WHERE rolname = '%s'"
                            % user).strip()
        verb = 'ALTER' if exists else 'CREATE'
        self._psql("%s ROLE %s LOGIN PASSWORD '%s'" % (verb, user, password),
                   secrets=[password])
        if not self._psql("SELECT 1 FROM pg_database WHERE datname = '%s'"
                          % name).strip():
            self._psql("CREATE DATABASE %s OWNER %s ENCODING 'UTF8'"
                       % (name, user))

    def stop(self):
        # SIGINT: "fast" shutdown.
        self.procs.stop([self.NAME], signal.SIGINT, timeout=30)


class RabbitMQ(object):
    """RabbitMQ node protector-lab@localhost on 127.0.0.1:16501."""

    NAME = 'rabbitmq'
    EPMD_NAME = 'rabbitmq-epmd'
    NODENAME = 'protector-lab@localhost'

    def __init__(self, lab):
        self.lab = lab
        self.procs = proc.Processes(lab)
        self.dir = os.path.join(lab.dir, 'rabbitmq')
        self.log_dir = os.path.join(lab.log_dir, 'rabbitmq')
        self.log_path = os.path.join(self.log_dir, 'server.log')

    def _env(self):
        env = dict(os.environ)
        env.update({
            'HOME': os.path.join(self.dir, 'home'),  # own Erlang cookie
            'RABBITMQ_NODENAME': self.NODENAME,
            'RABBITMQ_NODE_IP_ADDRESS': layout.LOOPBACK,
            'RABBITMQ_NODE_PORT': str(layout.RABBIT_PORT),
            'RABBITMQ_DIST_PORT': str(layout.RABBIT_DIST_PORT),
            'RABBITMQ_MNESIA_BASE': os.path.join(self.dir, 'mnesia'),
            'RABBITMQ_LOG_BASE': self.log_dir,
            'RABBITMQ_PID_FILE': os.path.join(self.dir, 'rabbitmq.pid'),
            'RABBITMQ_CONFIG_FILE': os.path.join(self.dir, 'rabbitmq.conf'),
            'RABBITMQ_ADVANCED_CONFIG_FILE': os.path.join(
                self.dir, 'advanced.config'),
            'RABBITMQ_CONF_ENV_FILE': os.path.join(self.dir, 'rabbitmq-env'),
            'RABBITMQ_ENABLED_PLUGINS_FILE': os.path.join(
                self.dir, 'enabled_plugins'),
            'RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS':
                '-kernel inet_dist_use_interface {127,0,0,1}',
            'RABBITMQ_CTL_DIST_PORT_MIN': str(layout.RABBIT_CTL_PORTS[0]),
            'RABBITMQ_CTL_DIST_PORT_MAX': str(layout.RABBIT_CTL_PORTS[1]),
            'ERL_EPMD_PORT': str(layout.EPMD_PORT),
            'ERL_EPMD_ADDRESS': layout.LOOPBACK,
            'ERL_CRASH_DUMP': os.path.join(self.log_dir, 'erl_crash.dump'),
            # exec erl directly: the PID we record is the Erlang VM.
            'RABBITMQ_ALLOW_INPUT': 'true',
            'RABBITMQ_SERVER_START_ARGS': '-noinput',
        })
        for key in ('RABBITMQ_ENABLED_PLUGINS', 'RABBITMQ_MNESIA_DIR',
                    'RABBITMQ_LOGS', 'RABBITMQ_USE_LONGNAME'):
            env.pop(key, None)
        return env

    def _prepare(self):
        home = os.path.join(self.dir, 'home')
        for d in (self.dir, home, self.log_dir):
            os.makedirs(d, exist_ok=True)
        os.chmod(self.dir, 0o700)
        cookie = os.path.join(home, '.erlang.cookie')
        if not os.path.exists(cookie):
            fd = os.open(cookie, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
            with os.fdopen(fd, 'w') as f:
                f.write(''.join(secrets.choice(string.ascii_uppercase)
                                for _ in range(20)))
        with open(os.path.join(self.dir, 'rabbitmq.conf'), 'w') as f:
            f.write('listeners.tcp.default = %s:%d\nlog.console = false\n'
                    'log.file.level = warning\n'
                    'disk_free_limit.absolute = 50MB\n'
                    % (layout.LOOPBACK, layout.RABBIT_PORT))
        with open(os.path.join(self.dir, 'enabled_plugins'), 'w') as f:
            f.write('[].\n')

    def pid(self):
        return self.procs.pid(self.NAME)

    def start(self):
        if self.pid():
            return
        self._prepare()
        env = self._env()
        if not self.procs.pid(self.EPMD_NAME):
            processes.check_ports_free('epmd of the lab', [layout.EPMD_PORT])
            epmd = self.procs.spawn(
                self.EPMD_NAME, ['epmd', '-port', str(layout.EPMD_PORT),
                                 '-address', layout.LOOPBACK],
                os.path.join(self.log_dir, 'epmd.log'), env=env,
                cwd=self.dir)
            processes.wait_for(
                lambda: processes.port_in_use(layout.EPMD_PORT), 10, 'epmd',
                pid=epmd, interval=0.05)
        processes.check_ports_free('RabbitMQ', [layout.RABBIT_PORT,
                                                layout.RABBIT_DIST_PORT])
        pid = self.procs.spawn(
            self.NAME, [os.path.join(RABBIT_SBIN, 'rabbitmq-server')],
            self.log_path, env=env, cwd=self.dir)
        # The AMQP listener opens once the node has booted.
        processes.wait_for(lambda: processes.port_in_use(layout.RABBIT_PORT),
                           120, 'RabbitMQ', [self.log_path], pid=pid,
                           interval=0.3)

    def ctl(self, *args, secrets=()):
        return processes.run([os.path.join(RABBIT_SBIN, 'rabbitmqctl'),
                              '-s', '-n', self.NODENAME] + list(args),
                             os.path.join(self.log_dir, 'rabbitmqctl.log'),
                             timeout=120, env=self._env(), cwd=self.dir,
                             what='rabbitmqctl %s' % args[0],
                             secrets=secrets)

    def ensure_vhost(self, vhost, user, password):
        if vhost not in self.ctl('list_vhosts', 'name').split():
            self.ctl('add_vhost', vhost)
        users = [line.split('\t')[0] for line in
                 self.ctl('list_users').splitlines()]
        if user in users:
            self.ctl('change_password', user, password, secrets=[password])
        else:
            self.ctl('add_user', user, password, secrets=[password])
        self.ctl('set_permissions', '-p', vhost, user, '.*', '.*', '.*')

    def stop(self):
        # SIGTERM makes the Erlang VM stop the node gracefully.
        self.procs.stop([self.NAME], timeout=60)
        self.procs.stop([self.EPMD_NAME], timeout=10)
