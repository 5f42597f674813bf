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

"""Where the lab lives: state directory, ports, names and passwords.

Ports (all on 127.0.0.1; fixed so that the lab's URLs never change):

=========  =====  =====================================================
range      port   what
=========  =====  =====================================================
shared     16500  PostgreSQL (one cluster, a database per service/site)
           16501  RabbitMQ AMQP (one node, a vhost per site)
           16502  RabbitMQ Erlang distribution
           16503  epmd of the lab's RabbitMQ node
           16504  ... 16513: rabbitmqctl's own distribution ports
site A     16600  Keystone          16603  Nova API
           16601  Placement         16604  Neutron API
           16602  Glance            16605  Cinder API
           16610  the site's FlashArray emulator (HTTPS, REST 1.x)
           16611  the site's etcd (clients; 16612 its peers), the
                  coordination service of the site's protector-engines
           16613  ... 16619: reserved for later lab services
site B     16700 ... 16719: the same layout as site A
protector  8788   site A's protector-api, 8789 site B's
           9788   metrics (Prometheus) of site A's protector-engine-1,
                  9798 of its protector-engine-2; 9789 and 9799 site B's
=========  =====  =====================================================

The functional tests use 25000, 25432, 24672, 28788 and 28789 (and random
free ports in 20000-40000); the lab stays below 20000 and out of the
kernel's ephemeral range (32768-60999).
"""

import json
import os
import secrets
import threading

DEFAULT_LAB_DIR = '/var/tmp/protector-lab'
LOOPBACK = '127.0.0.1'
REGION = 'RegionOne'
DOMAIN = 'Default'

POSTGRES_PORT = 16500
RABBIT_PORT = 16501
RABBIT_DIST_PORT = 16502
EPMD_PORT = 16503
RABBIT_CTL_PORTS = (16504, 16513)

# Offsets from a site's base port.
SERVICE_PORT_OFFSETS = {
    'keystone': 0,
    'placement': 1,
    'glance': 2,
    'nova-api': 3,
    'neutron-api': 4,
    'cinder-api': 5,
}
ARRAY_PORT_OFFSET = 10  # the FlashArray emulator of the site
ETCD_PORT_OFFSET = 11   # the site's etcd: clients (peers on the next)

# Where protector's API of each site listens.
PROTECTOR_PORTS = {'a': 8788, 'b': 8789}
# The protector-engines of each site (two, as a site runs them highly
# available) and where each serves its Prometheus metrics.
ENGINES = 2
METRICS_PORTS = {'a': (9788, 9798), 'b': (9789, 9799)}

TOOLS_LAB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# What the lab virtualenv gets from PyPI (lab-facts: these resolve together).
PIP_PACKAGES = ['keystone', 'nova', 'cinder', 'neutron',
                'openstack-placement', 'glance', 'python-openstackclient',
                'uwsgi', 'psycopg2-binary']


class Site(object):
    """One site: its name, letter, ports and directories."""

    def __init__(self, lab, letter, base_port):
        self.lab = lab
        self.letter = letter
        self.name = 'site-%s' % letter
        self.base_port = base_port
        self.dir = os.path.join(lab.dir, self.name)
        self.log_dir = os.path.join(self.dir, 'logs')
        self.etc_dir = os.path.join(self.dir, 'etc')
        # The files Cinder serves as volumes (and the array emulator too).
        self.volumes_dir = os.path.join(self.dir, 'volumes')
        # The OS host name of every Nova and Cinder service of the site.
        self.host = self.name

    def port(self, service):
        return self.base_port + SERVICE_PORT_OFFSETS[service]

    @property
    def array_port(self):
        return self.base_port + ARRAY_PORT_OFFSET

    @property
    def array_name(self):
        return '%s-array' % self.name

    @property
    def array_address(self):
        return '%s:%d' % (LOOPBACK, self.array_port)

    @property
    def array_url(self):
        return 'https://' + self.array_address

    @property
    def array_state_dir(self):
        # Outside volumes/: only volumes live there.
        return os.path.join(self.dir, 'array')

    @property
    def protector_port(self):
        return PROTECTOR_PORTS[self.letter]

    @property
    def protector_url(self):
        return 'http://%s:%d' % (LOOPBACK, self.protector_port)

    @property
    def etcd_port(self):
        return self.base_port + ETCD_PORT_OFFSET

    @property
    def metrics_ports(self):
        return METRICS_PORTS[self.letter]

    @property
    def metrics_url(self):
        """Of protector-engine-1; every engine shows the site's health."""
        return 'http://%s:%d/metrics' % (LOOPBACK, self.metrics_ports[0])

    def url(self, service):
        return 'http://%s:%d' % (LOOPBACK, self.port(service))

    @property
    def auth_url(self):
        return self.url('keystone') + '/v3'

    def etc(self, *parts):
        return os.path.join(self.etc_dir, *parts)

    def log(self, name):
        return os.path.join(self.log_dir, name + '.log')

    def db_name(self, service):
        """PostgreSQL database name, e.g. site_a_nova_api."""
        return '%s_%s' % (self.name.replace('-', '_'), service)

    def db_user(self, service):
        return '%s_%s' % (self.name.replace('-', '_'),
                          service.split('_')[0])

    def db_url(self, service):
        user = self.db_user(service)
        return 'postgresql+psycopg2://%s:%s@%s:%d/%s' % (
            user, self.lab.secret('db-' + user), LOOPBACK, POSTGRES_PORT,
            self.db_name(service))

    @property
    def rabbit_vhost(self):
        return self.name

    @property
    def rabbit_user(self):
        return self.name.replace('-', '_')

    @property
    def transport_url(self):
        return 'rabbit://%s:%s@%s:%d/%s' % (
            self.rabbit_user, self.lab.secret('mq-' + self.rabbit_user),
            LOOPBACK, RABBIT_PORT, self.rabbit_vhost)

    def password(self, user):
        """Keystone password of user (admin, demo, nova, ...) on the site."""
        return self.lab.secret('%s-%s' % (self.name, user))


class Lab(object):
    """The lab's state directory and both sites."""

    def __init__(self, lab_dir=None):
        self.dir = os.path.abspath(
            lab_dir or os.environ.get('PROTECTOR_LAB_DIR')
            or DEFAULT_LAB_DIR)
        self.venv = os.path.join(self.dir, 'venv')
        self.run_dir = os.path.join(self.dir, 'run')     # pid files
        self.state_dir = os.path.join(self.dir, 'state')  # step markers
        self.log_dir = os.path.join(self.dir, 'logs')
        self.secrets_path = os.path.join(self.dir, 'secrets.json')
        self.clouds_yaml = os.path.join(self.dir, 'clouds.yaml')
        self.sites = [Site(self, 'a', 16600), Site(self, 'b', 16700)]
        self._secrets = None
        self._secrets_lock = threading.Lock()

    def site(self, letter):
        for site in self.sites:
            if site.letter == letter or site.name == letter:
                return site
        raise KeyError(letter)

    def bin(self, name):
        return os.path.join(self.venv, 'bin', name)

    @property
    def python(self):
        return self.bin('python')

    def venv_etc(self, *parts):
        return os.path.join(self.venv, 'etc', *parts)

    def marker(self, name):
        return os.path.join(self.state_dir, name + '.done')

    def done(self, name):
        return os.path.exists(self.marker(name))

    def mark_done(self, name):
        os.makedirs(self.state_dir, exist_ok=True)
        with open(self.marker(name), 'w'):
            pass

    def secret(self, key):
        """A password of the lab, generated on first use and kept."""
        with self._secrets_lock:
            return self._secret(key)

    def _secret(self, key):
        if self._secrets is None:
            try:
                with open(self.secrets_path) as f:
                    self._secrets = json.load(f)
            except FileNotFoundError:
                self._secrets = {}
        if key not in self._secrets:
            # Hex only: no character needs quoting in URLs or configs.
            self._secrets[key] = secrets.token_hex(12)
            os.makedirs(self.dir, exist_ok=True)
            tmp = self.secrets_path + '.tmp'
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, 'w') as f:
                json.dump(self._secrets, f, indent=1, sort_keys=True)
            os.replace(tmp, self.secrets_path)
        return self._secrets[key]
