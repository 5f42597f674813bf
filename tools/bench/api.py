"""Benchmark: protector-api listing and showing 1,000 protection groups.

Run it with the Python of the functional tests (``tox -e functional``
installs Keystone and uwsgi there)::

    .tox/functional/bin/python tools/bench/api.py

It starts what the functional tests start (protector/tests/functional:
Keystone under uwsgi, PostgreSQL, RabbitMQ, and two protector sites, each
protector-api + protector-engine with the fake drivers) on free ports,
registers the sites, creates the groups through the API of site A, adds
members to them in site A's database, then measures, with real Keystone
tokens, ``GET .../protection-groups?limit=50&marker=<random group>`` and
``GET .../protection-groups/<random group>`` at 1, 8 and 32 concurrent
clients, and reads the memory of site A's protector-api and
protector-engine.  Progress goes to stderr, the figures to stdout.  See
README.rst.
"""

import argparse
import collections
import concurrent.futures
import configparser
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time

from oslo_utils import timeutils
from oslo_utils import uuidutils
import requests
import sqlalchemy as sa

from protector.db import models
from protector.tests.functional import infra
from protector.tests.functional import two_sites as lab

SITE = 'site-a'
USER = 'member-a'
_T0 = time.monotonic()


def say(message):
    sys.stderr.write('[%7.1f s] %s\n' % (time.monotonic() - _T0, message))
    sys.stderr.flush()


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--groups', type=int, default=1000,
                        help='protection groups on site A (default 1000)')
    parser.add_argument('--members', type=int, default=3,
                        help='members of each group (default 3)')
    parser.add_argument('--page', type=int, default=50,
                        help='page size of the list requests (default 50)')
    parser.add_argument('--clients', default='1,8,32',
                        help='concurrent clients, comma separated '
                             '(default 1,8,32)')
    parser.add_argument('--requests', type=int, default=400,
                        help='requests of each kind at each concurrency '
                             '(default 400)')
    parser.add_argument('--setup-threads', type=int, default=4,
                        help='concurrent creates while setting up '
                             '(default 4)')
    parser.add_argument('--server', choices=('uwsgi', 'console'),
                        default='uwsgi',
                        help="serve site A's protector-api under uWSGI as "
                             "devstack deploys it (default), or with the "
                             "protector-api console script")
    parser.add_argument('--api-processes', type=int, default=2,
                        help='uWSGI processes of protector-api (default 2)')
    parser.add_argument('--api-threads', type=int, default=8,
                        help='uWSGI threads of each process (default 8)')
    parser.add_argument('--code', metavar='DIR',
                        help='run protector-api and protector-engine from '
                             'the protector source tree DIR (to measure '
                             'another version, e.g. a git archive of an '
                             'older commit)')
    parser.add_argument('--debug', action='store_true',
                        help='keep the debug logging of the functional '
                             'test configuration (by default the services '
                             'log at INFO, as in production)')
    parser.add_argument('--keep', action='store_true',
                        help='keep the state directory (printed at the end)')
    return parser.parse_args(argv)


def use_free_ports():
    """Free ports for every service, so that the bench runs beside tests."""
    lab.PORTS.update({
        'keystone': infra.free_port(),
        'postgres': infra.free_port(),
        'rabbit': infra.free_port(infra.RabbitMQ.PORT_OFFSETS),
        'site-a': infra.free_port(),
        'site-b': infra.free_port(),
    })


class Api(object):
    """REST calls to one site with a Keystone token."""

    def __init__(self, env, site, user):
        self.url = env.sites[site].url
        self.token = env.keystone.token(user)

    def call(self, method, path, expected, session=requests, **kwargs):
        response = session.request(
            method, self.url + path, headers={'X-Auth-Token': self.token},
            timeout=120, **kwargs)
        if response.status_code != expected:
            raise RuntimeError('%s %s answered %d: %s' % (
                method, path, response.status_code, response.text[:300]))
        return response.json() if response.content else None


def register(env):
    """Both sites on both sites, and project A mapped on both."""
    project_a = env.projects['project-a']
    for site in ('site-a', 'site-b'):
        admin = Api(env, site, 'admin')
        for name in ('site-a', 'site-b'):
            admin.call('POST', '/v1/admin/sites', 201, json={'site': {
                'name': name, 'auth_url': env.keystone.auth_url,
                'username': 'protector',
                'password': env.keystone.PASSWORDS['protector'],
                'project_name': 'service',
                'region_name': lab.REGIONS[name]}})
        peer = 'site-b' if site == 'site-a' else 'site-a'
        admin.call('POST', '/v1/admin/tenant-mappings', 201,
                   json={'tenant_mapping': {
                       'local_project_id': project_a, 'remote_site': peer,
                       'remote_project_id': project_a}})


def create_groups(env, count, threads):
    """``count`` groups through site A's API; their ids in creation order."""
    api = Api(env, SITE, USER)
    path = '/v1/%s/protection-groups' % env.projects['project-a']
    local = threading.local()

    def create(index):
        if not hasattr(local, 'session'):
            local.session = requests.Session()
        body = {'protection_group': {
            'name': 'bench-%04d' % index, 'replication_type': 'async',
            'primary_site': 'site-a', 'secondary_site': 'site-b',
            'volume_type': lab.VOLUME_TYPE,
            'description': 'api benchmark group %d' % index}}
        return api.call('POST', path, 201, session=local.session,
                        json=body)['protection_group']

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        groups = []
        for group in pool.map(create, range(count)):
            groups.append(group)
            if len(groups) % 100 == 0:
                say('%d groups created' % len(groups))
    seconds = time.monotonic() - start
    groups.sort(key=lambda g: (g['created_at'], g['id']))
    return [g['id'] for g in groups], seconds


def member_spec(index):
    """A captured server as member-add stores it (about 1 KB)."""
    return {
        'id': uuidutils.generate_uuid(), 'name': 'server-%d' % index,
        'flavor': 'm1.small', 'image': None, 'availability_zone': 'nova',
        'key_name': 'bench-key', 'metadata': {'tier': 'web'},
        'server_group': None, 'security_groups': ['default'],
        'user_data': None,
        'ports': [{'port_id': uuidutils.generate_uuid(),
                   'network_id': 'net-a', 'mac_address': 'fa:16:3e:00:00:01',
                   'fixed_ips': [{'subnet_id': 'subnet-a',
                                  'ip_address': '10.0.%d.%d' % (
                                      index // 250 % 250, index % 250 + 1),
                                  'cidr': '10.0.0.0/16'}]}],
        'volumes': [{'volume_id': uuidutils.generate_uuid(),
                     'volume_type': lab.VOLUME_TYPE, 'size': 10,
                     'boot_index': 0, 'device': '/dev/vda',
                     'bootable': True}],
    }


def seed_members(env, group_ids, per_group):
    """Members straight into site A's database.

    member-add needs a server of the fake cloud per member; the list and
    the show read the rows only, so rows are what the bench needs.
    """
    conf = configparser.ConfigParser(interpolation=None)
    conf.read(env.sites[SITE].conf_path)
    engine = sa.create_engine(conf['database']['connection'])
    now = timeutils.utcnow()
    rows = []
    for group_id in group_ids:
        for rank in range(per_group):
            spec = member_spec(len(rows))
            rows.append({
                'id': uuidutils.generate_uuid(),
                'protection_group_id': group_id, 'server_id': spec['id'],
                'server_name': spec['name'], 'status': 'protected',
                'spec': spec, 'rank': rank, 'boot_condition': None,
                'overrides': {}, 'created_at': now})
    with engine.begin() as connection:
        connection.execute(models.Member.__table__.insert(), rows)
    engine.dispose()
    return len(rows)


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _family(pid):
    """A process and its children (uWSGI's workers)."""
    try:
        with open('/proc/%d/task/%d/children' % (pid, pid)) as children:
            return [pid] + [int(child) for child in children.read().split()]
    except OSError:
        return [pid]


def cpu_seconds(pid):
    """CPU time (user + system) a process and its children used so far."""
    total = 0
    for member in _family(pid):
        with open('/proc/%d/stat' % member) as stat:
            # The fields after the command name, which may hold spaces.
            fields = stat.read().rsplit(')', 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf('SC_CLK_TCK')


def listen_overflows():
    """Connections the kernel refused because an accept queue was full.

    Counted for the whole machine (TcpExt ListenOverflows): a client that
    meets a full queue waits about a second and tries again.
    """
    with open('/proc/net/netstat') as netstat:
        lines = [line.split() for line in netstat if line.startswith(
            'TcpExt:')]
    return int(dict(zip(lines[0], lines[1]))['ListenOverflows'])


def measure(api, paths, clients, count, server_pid):
    """GET ``count`` paths from ``paths()`` with ``clients`` threads.

    Also the CPU time the server (``server_pid``) spent per request.
    """
    latencies = []
    errors = collections.Counter()
    lock = threading.Lock()
    per_client = [count // clients + (1 if i < count % clients else 0)
                  for i in range(clients)]

    def client(requests_to_send):
        session = requests.Session()
        for _ in range(requests_to_send):
            path = paths()
            start = time.perf_counter()
            try:
                response = session.get(
                    api.url + path, timeout=120,
                    headers={'X-Auth-Token': api.token})
                response.content
                outcome = (None if response.status_code == 200
                           else 'HTTP %d' % response.status_code)
            except requests.RequestException as exc:
                outcome = type(exc).__name__
            elapsed = time.perf_counter() - start
            with lock:
                if outcome is None:
                    latencies.append(elapsed)
                else:
                    errors[outcome] += 1

    overflows = listen_overflows()
    cpu = cpu_seconds(server_pid)
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        for job in [pool.submit(client, n) for n in per_client if n]:
            job.result()
    wall = time.monotonic() - start
    cpu = cpu_seconds(server_pid) - cpu
    return {'ok': len(latencies), 'errors': dict(errors),
            'cpu': cpu * 1000 / count,
            'overflows': listen_overflows() - overflows,
            'load': os.getloadavg()[0],
            'p50': percentile(latencies, 0.50) * 1000 if latencies else None,
            'p99': percentile(latencies, 0.99) * 1000 if latencies else None,
            'mean': (statistics.mean(latencies) * 1000 if latencies
                     else None),
            'rate': len(latencies) / wall}


def memory(pid):
    """(RSS, peak RSS) of a process and its children, in MiB."""
    total = [0.0, 0.0]
    for member in _family(pid):
        with open('/proc/%d/status' % member) as status:
            for line in status:
                key, _, value = line.partition(':')
                if key in ('VmRSS', 'VmHWM'):
                    total[key == 'VmHWM'] += int(value.split()[0]) / 1024.0
    return tuple(total)


def report(args, figures, setup, page_bytes, memories):
    server = ('uWSGI, %d processes x %d threads' % (
        args.api_processes, args.api_threads) if args.server == 'uwsgi'
        else 'the protector-api console script')
    print('protector-api benchmark: %d protection groups of %d members on '
          '%s (PostgreSQL, Keystone tokens, fake drivers, %s); %d requests '
          'per row' % (args.groups, args.members, SITE, server,
                       args.requests))
    print('setup: %d groups created through the API in %.0f s (%.1f '
          'groups/s), %d members written to the database'
          % (args.groups, setup['seconds'], args.groups / setup['seconds'],
             setup['members']))
    print('one list page: %d bytes' % page_bytes)
    print()
    print('%-18s %7s %5s %7s %7s %7s %6s %6s %5s %5s  %s' % (
        'request', 'clients', 'ok', 'p50 ms', 'p99 ms', 'mean ms', 'req/s',
        'cpu ms', 'overf', 'load', 'errors'))

    def ms(value):
        return '%7.1f' % value if value is not None else '      -'
    for (kind, clients), result in figures:
        errors = ', '.join('%s: %d' % item for item in sorted(
            result['errors'].items())) or '-'
        print('%-18s %7d %5d %s %s %s %6.1f %6.1f %5d %5.1f  %s' % (
            kind, clients, result['ok'], ms(result['p50']),
            ms(result['p99']), ms(result['mean']), result['rate'],
            result['cpu'], result['overflows'], result['load'], errors))
    print('(cpu ms: CPU time of protector-api per request; overf: accept '
          'queue overflows on the machine during the row; load: 1-minute '
          'load average at its end; %d CPUs)' % os.cpu_count())
    print()
    for service, (when, rss, peak) in memories:
        print('%-17s RSS %6.1f MiB %s, peak %6.1f MiB'
              % (service, rss, when, peak))


def run(args, env):
    register(env)
    say('sites registered; creating %d groups' % args.groups)
    group_ids, seconds = create_groups(env, args.groups,
                                       args.setup_threads)
    members = seed_members(env, group_ids, args.members)
    say('%d members written to the database of %s' % (members, SITE))
    api = Api(env, SITE, USER)
    base = '/v1/%s/protection-groups' % env.projects['project-a']
    site = env.sites[SITE]
    if args.server == 'uwsgi':
        site.serve_api_with_uwsgi(args.api_processes, args.api_threads)
        say('%s protector-api under uWSGI, %d processes x %d threads'
            % (SITE, args.api_processes, args.api_threads))
    pids = {s: site.procs[s].pid for s in ('protector-api',
                                           'protector-engine')}
    idle = {s: memory(pid) for s, pid in pids.items()}
    # A marker from the groups that still have a full page after them.
    markers = group_ids[:max(1, len(group_ids) - args.page)]
    kinds = {
        'list (page of %d)' % args.page: lambda: '%s?limit=%d&marker=%s'
        % (base, args.page, random.choice(markers)),
        'show': lambda: '%s/%s' % (base, random.choice(group_ids)),
    }
    page_bytes = len(requests.get(
        api.url + kinds['list (page of %d)' % args.page](),
        headers={'X-Auth-Token': api.token}, timeout=120).content)
    figures = []
    for clients in [int(c) for c in args.clients.split(',')]:
        for kind, paths in kinds.items():
            measure(api, paths, min(clients, 4), min(8, args.requests),
                    pids['protector-api'])
            result = measure(api, paths, clients, args.requests,
                             pids['protector-api'])
            say('%s at %d clients: p50 %s ms, p99 %s ms, errors %s' % (
                kind, clients, result['p50'], result['p99'],
                result['errors'] or 'none'))
            figures.append(((kind, clients), result))
    memories = []
    for service, pid in pids.items():
        rss, peak = memory(pid)
        memories.append((service, ('after setup', idle[service][0],
                                   idle[service][1])))
        memories.append((service, ('after the bench', rss, peak)))
    report(args, figures, {'seconds': seconds, 'members': members},
           page_bytes, memories)


def main(argv=None):
    args = parse_args(argv)
    if args.code:
        # The services are child processes: they import protector from
        # DIR before the installed one.
        os.environ['PYTHONPATH'] = os.path.abspath(args.code)
    if not args.debug:
        # oslo.config reads OS_<GROUP>__<OPTION> before the config files.
        os.environ['OS_DEFAULT__DEBUG'] = 'false'
    use_free_ports()
    base_dir = tempfile.mkdtemp(prefix='protector-bench-api-')
    env = lab.TwoSites(base_dir)
    say('starting Keystone, PostgreSQL, RabbitMQ and two sites in %s'
        % base_dir)
    try:
        env.start()
        run(args, env)
    finally:
        env.stop()
        if args.keep:
            say('state kept in %s' % base_dir)
        else:
            shutil.rmtree(base_dir, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
