"""Benchmark: a planned failover of N servers on the two-site lab.

Run it with the lab's Python after ``eval "$(tools/lab/labctl env)"``::

    /var/tmp/protector-lab/venv/bin/python tools/bench/failover.py \\
        --members 10,50,100

For each N it makes N servers on site A (each booted from its own 1 GiB
``replicated-async`` volume, spread over the demo networks), protects them
in the group ``bench-<N>`` with a recovery plan of four ranks, replicates,
restarts site A's protector-engine, fails the group over to site B and
measures; then it removes everything it made on both sites.  Progress
goes to stderr, the table of figures to stdout.  See README.rst.
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import warnings

from keystoneauth1 import exceptions as ks_exc
import openstack
from protectorclient import client as protector_client
from protectorclient import exceptions as protector_exc
import purestorage

LAB_DIR = os.environ.get('PROTECTOR_LAB_DIR', '/var/tmp/protector-lab')
LABCTL = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      os.pardir, 'lab', 'labctl')
# Site A's protector-engines (the lab runs two; either may run the
# failover, and the other takes it over if it dies).
ENGINES = ('protector-engine-1', 'protector-engine-2')
ENGINE_PIDS = [os.path.join(LAB_DIR, 'run', 'site-a-%s.pid' % e)
               for e in ENGINES]
ENGINE_LOGS = [os.path.join(LAB_DIR, 'site-a', 'logs', '%s.log' % e)
               for e in ENGINES]
# The quotas as they were before the bench raised them, until restored.
QUOTA_FILE = os.path.join(LAB_DIR, 'bench-failover-quotas.json')
NETWORKS = ('demo-web', 'demo-app', 'demo-db')
RANKS = 4
FLAVOR = 'm1.tiny'
VOLUME_TYPE = 'replicated-async'
RUNNING = ('running', 'cancelling')
# Quotas of the demo project: enough for N bench servers next to the rest.
QUOTA_MARGIN = 50
_T0 = time.monotonic()


def say(message):
    sys.stderr.write('[%7.1f s] %s\n' % (time.monotonic() - _T0, message))
    sys.stderr.flush()


def wait_for(predicate, what, timeout, interval=1.0):
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise RuntimeError('%s: not within %d s' % (what, timeout))
        time.sleep(interval)


def parse_time(value):
    return datetime.datetime.fromisoformat(value.rstrip('Z'))


class Site(object):
    """The demo project's clouds and protector on one site."""

    def __init__(self, name):
        self.name = name
        self.conn = openstack.connect(cloud=name)
        self.admin = openstack.connect(cloud=name + '-admin')
        self.protector = protector_client.Client(session=self.conn.session)
        self.project_id = self.conn.current_project_id
        # protector manages the volumes it adopts in its own project
        # ("service") first, then transfers them into the tenant's.
        self.service_project_id = self.admin.identity.find_project(
            'service', domain_id='default', ignore_missing=False).id

    def servers(self, prefix):
        return [s for s in self.conn.compute.servers()
                if s.name.startswith(prefix)]

    def volumes(self, prefix):
        return [v for v in self.conn.block_storage.volumes()
                if (v.name or '').startswith(prefix)]

    def groups(self):
        return {g['name']: g for g in self.protector.protection_groups.list()}


# Quotas

COMPUTE_QUOTAS = ('instances', 'cores', 'ram')
VOLUME_QUOTAS = ('volumes', 'gigabytes')
NETWORK_QUOTAS = ('ports',)


def quotas_now(site):
    compute = site.admin.get_compute_quotas(site.project_id)
    volume = site.admin.get_volume_quotas(site.project_id)
    network = site.admin.get_network_quotas(site.project_id)
    service = site.admin.get_volume_quotas(site.service_project_id)
    return {'compute': {k: compute[k] for k in COMPUTE_QUOTAS},
            'volume': {k: volume[k] for k in VOLUME_QUOTAS},
            'network': {k: network[k] for k in NETWORK_QUOTAS},
            'service volume': {k: service[k] for k in VOLUME_QUOTAS}}


def set_quotas(site, quotas):
    site.admin.set_compute_quotas(site.project_id, **quotas['compute'])
    site.admin.set_volume_quotas(site.project_id, **quotas['volume'])
    site.admin.set_network_quotas(site.project_id, **quotas['network'])
    site.admin.set_volume_quotas(site.service_project_id,
                                 **quotas['service volume'])


def original_quotas(sites):
    """The quotas before the bench (a run that was cut short kept them)."""
    if os.path.exists(QUOTA_FILE):
        with open(QUOTA_FILE) as f:
            return json.load(f)
    original = {site.name: quotas_now(site) for site in sites}
    with open(QUOTA_FILE, 'w') as f:
        json.dump(original, f)
    return original


def restore_quotas(sites):
    """Set the quotas back (Cinder refuses while bench volumes remain)."""
    if not os.path.exists(QUOTA_FILE):
        return
    with open(QUOTA_FILE) as f:
        original = json.load(f)
    restored = True
    for site in sites:
        try:
            set_quotas(site, original[site.name])
            say('quotas restored on %s: %s'
                % (site.name, original[site.name]))
        except Exception as exc:
            restored = False
            say('QUOTAS NOT RESTORED on %s (%s): %s; run again with '
                '--cleanup-only' % (site.name, original[site.name], exc))
    if restored:
        os.unlink(QUOTA_FILE)


def raise_quotas(site, original, members):
    """Quotas that fit ``members`` more servers (never lower ones).

    The service project needs room for every volume an operation adopts
    at the same time (they pass through it on their way to the tenant).
    """
    flavor = site.conn.compute.find_flavor(FLAVOR, ignore_missing=False)
    count = members + QUOTA_MARGIN

    def at_least(current, wanted):
        return current if current < 0 or current >= wanted else wanted
    wanted = {
        'compute': {'instances': count, 'cores': count * flavor.vcpus,
                    'ram': count * flavor.ram},
        'volume': {'volumes': 2 * count, 'gigabytes': 2 * count},
        'network': {'ports': 2 * count},
        'service volume': {'volumes': count, 'gigabytes': count}}
    set_quotas(site, {kind: {k: at_least(original[kind][k], v)
                             for k, v in values.items()}
                      for kind, values in wanted.items()})


# Setup

def make_server(site, flavor, networks, n, i):
    """Server bench-<n>-<i> booted from a new bootable volume."""
    storage, compute = site.conn.block_storage, site.conn.compute
    name = 'bench-%d-%d' % (n, i)
    volume = storage.create_volume(name=name + '-boot', size=1,
                                   volume_type=VOLUME_TYPE)
    volume = storage.wait_for_status(volume, 'available', failures=['error'],
                                     interval=1, wait=600)
    storage.set_volume_bootable_status(volume, True)
    server = compute.create_server(
        name=name, flavor_id=flavor.id,
        networks=[{'uuid': networks[i % len(networks)].id}],
        block_device_mapping=[{
            'boot_index': 0, 'uuid': volume.id, 'source_type': 'volume',
            'destination_type': 'volume', 'delete_on_termination': False}])
    return compute.wait_for_server(server, status='ACTIVE',
                                   failures=['ERROR'], interval=2, wait=900)


def _unavailable(exc):
    """Whether protector-api is down or restarting (worth waiting for)."""
    return isinstance(exc, ks_exc.ConnectionError) or (
        isinstance(exc, protector_exc.HttpError) and (exc.code or 0) >= 500)


def wait_operation(site, operation, timeout, interval=1.0):
    """The operation once it ended; waits out a restart of the API."""
    def ended():
        try:
            shown = site.protector.operations.get(operation['id'])
        except Exception as exc:
            if not _unavailable(exc):
                raise
            say('protector-api of %s does not answer (%s); waiting'
                % (site.name, type(exc).__name__))
            time.sleep(5)
            return None
        return shown if shown['status'] not in RUNNING else None
    return wait_for(ended, 'operation %s' % operation['id'], timeout,
                    interval)


def plan(n, delay):
    return {'devices': {
        'bench-%d-%d' % (n, i): {
            'rank': i % RANKS,
            'boot_condition': {'type': 'wait', 'delay_seconds': delay}}
        for i in range(n)}}


def setup(a, n, args, state):
    started = time.monotonic()
    flavor = a.conn.compute.find_flavor(FLAVOR, ignore_missing=False)
    networks = [a.conn.network.find_network(name, ignore_missing=False)
                for name in NETWORKS]
    say('N=%d: %d servers booted from new volumes (%d threads)'
        % (n, n, args.threads))
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        servers = list(pool.map(
            lambda i: make_server(a, flavor, networks, n, i), range(n)))
    say('N=%d: servers ACTIVE (%.0f s)' % (n, time.monotonic() - started))
    pc = a.protector
    group = pc.protection_groups.create(
        'bench-%d' % n, 'async', 'site-a', 'site-b', VOLUME_TYPE)
    state['group_id'] = group['id']
    say('N=%d: protection group bench-%d is %s' % (n, n, group['id']))
    mark = time.monotonic()
    for server in servers:
        pc.members.add(group['id'], server.id)
    say('N=%d: %d members added (%.0f s)' % (n, n, time.monotonic() - mark))
    pc.policies.create(
        group['id'],
        os.environ['PROTECTOR_LAB_ARRAY_A_URL'],
        os.environ['PROTECTOR_LAB_ARRAY_A_TOKEN'],
        os.environ['PROTECTOR_LAB_ARRAY_B_URL'],
        os.environ['PROTECTOR_LAB_ARRAY_B_TOKEN'],
        rpo_minutes=15, replication_interval=300)
    pc.plans.update(group['id'], plan(n, args.boot_delay))
    mark = time.monotonic()
    operation = pc.protection_groups.action(group['id'], 'sync')
    state['operations'].append(operation['id'])
    operation = wait_operation(a, operation, 3600)
    if operation['status'] != 'completed':
        raise RuntimeError('sync %s: %s' % (operation['status'],
                                            operation['steps_failed']))
    say('N=%d: replicated (sync %.0f s); setup took %.0f s'
        % (n, time.monotonic() - mark, time.monotonic() - started))
    return time.monotonic() - started


# The engine

def labctl(*args):
    subprocess.run([LABCTL] + list(args), check=True, timeout=900,
                   stdout=subprocess.DEVNULL)


def running_operations(sites):
    return [o for site in sites
            for o in site.protector.operations.list(status='running')]


def restart_engines(sites):
    """Restart site A's engines, once no operation runs on either site."""
    wait_for(lambda: not running_operations(sites),
             'no operation running on either site', 3600, interval=5)
    labctl('stop', 'site-a', 'protector-engine')
    labctl('up')
    pids = []
    for path in ENGINE_PIDS:
        with open(path) as f:
            pids.append(json.load(f)['pid'])
    say('site-a protector-engines restarted: pids %s'
        % ' '.join(map(str, pids)))
    return pids


def _status(pid):
    values = {}
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                key, _, value = line.partition(':')
                if key in ('VmHWM', 'VmRSS', 'PPid'):
                    values[key] = int(value.split()[0])
    except OSError:
        pass
    return values


def _children(pid):
    found = []
    for entry in os.listdir('/proc'):
        if entry.isdigit() and _status(int(entry)).get('PPid') == pid:
            found.append(int(entry))
    return found


class MemorySampler(threading.Thread):
    """Each engine's peak memory: VmHWM of it and of its children."""

    def __init__(self, engines, interval=0.5):
        super().__init__(daemon=True)
        self.engines = engines
        self.interval = interval
        self.peaks = {engine: {} for engine in engines}
        self.stopped = threading.Event()

    def sample(self):
        for engine in self.engines:
            pids, todo = [], [engine]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo.extend(_children(pid))
            peaks = self.peaks[engine]
            for pid in pids:
                hwm = _status(pid).get('VmHWM')
                if hwm:
                    peaks[pid] = max(peaks.get(pid, 0), hwm)

    def run(self):
        while not self.stopped.wait(self.interval):
            self.sample()

    def stop(self):
        """MiB and processes of the engine that peaked highest."""
        self.stopped.set()
        self.join()
        self.sample()
        top = max(self.peaks.values(), key=lambda p: sum(p.values()))
        return sum(top.values()) / 1024.0, len(top)


# The failover

LOG_LINE = re.compile(
    r'^(\S+ \S+) (\d+) (?:INFO|WARNING) \S+ \[[^]]*\] (.*)$')


def log_offsets():
    return [os.path.getsize(path) for path in ENGINE_LOGS]


def engine_log(offsets, operation_id, pid=None):
    """(time, message) of the engines' lines about an operation.

    ``pid``: of that engine only.
    """
    lines = []
    for path, offset in zip(ENGINE_LOGS, offsets):
        with open(path, errors='replace') as f:
            f.seek(offset)
            for line in f:
                match = LOG_LINE.match(line)
                if match and operation_id in match.group(3) and \
                        pid in (None, int(match.group(2))):
                    lines.append((datetime.datetime.strptime(
                        match.group(1), '%Y-%m-%d %H:%M:%S.%f'),
                        match.group(3)))
    return sorted(lines)


CALLS = re.compile(r'\) made (\d+) cloud API calls \(([^)]*)\)')
STEP = re.compile(r': (\S+) done \(')
FAILED_STEP = re.compile(r'^Operation \S+: ([a-z_0-9]+): ')
END = re.compile(r'^Operation \S+ (completed\S*|failed|cancelled)\b')


def api_calls(offset, operation_id):
    def found():
        for _, message in engine_log(offset, operation_id):
            match = CALLS.search(message)
            if match and '(failover)' in message:
                return int(match.group(1)), match.group(2)
    try:
        return wait_for(found, 'the API call count in the engine log', 30)
    except RuntimeError as exc:
        say(str(exc))
        return None, ''


def step_times(offset, operation_id):
    """Seconds of each step of the operation, from the engine log.

    A step's time runs from the line of the step before (the first one's
    from the operation's start); a failed step shows as FAILED, and the
    revert that follows a failure as the time to the operation's end.
    """
    lines = engine_log(offset, operation_id)
    if not lines:
        return []
    times, previous = [], lines[0][0]
    for when, message in lines:
        for pattern, label in ((STEP, '%s'),
                               (FAILED_STEP, '%s FAILED, then the revert'),
                               (END, 'until %s')):
            match = pattern.search(message)
            if match:
                times.append((label % match.group(1),
                              (when - previous).total_seconds()))
                previous = when
                break
    return times


def rank_times(operation):
    """The members' seconds_to_active, by rank (member i is in i % 4)."""
    ranks = {}
    for member in operation['members']:
        if member.get('seconds_to_active') is not None:
            index = int(member['server_name'].rsplit('-', 1)[1])
            ranks.setdefault(index % RANKS, []).append(
                member['seconds_to_active'])
    return ranks


def critical_path(operation, n, delay):
    """Sum over ranks of the slowest member's seconds to ACTIVE + delay."""
    slowest = [max(seconds) + delay
               for seconds in rank_times(operation).values()]
    return sum(slowest) if slowest else None


def failover(a, b, n, args, state):
    sampler = MemorySampler(restart_engines((a, b)))
    sampler.sample()
    sampler.start()
    offset = log_offsets()
    say('N=%d: planned failover of bench-%d' % (n, n))
    started = time.monotonic()
    try:
        operation = a.protector.protection_groups.action(
            state['group_id'], 'failover', type='planned',
            network_mapping={name: name for name in NETWORKS})
        state['operations'].append(operation['id'])
        operation = wait_operation(a, operation, 7200)
    finally:
        seen = time.monotonic() - started
        peak, processes = sampler.stop()
    wall = (parse_time(operation['completed_at']) -
            parse_time(operation['started_at'])).total_seconds()
    path = critical_path(operation, n, args.boot_delay)
    calls, by_site = api_calls(offset, operation['id'])
    others = [o['id'] for o in a.protector.operations.list()
              if o['id'] != operation['id'] and o.get('started_at') and
              parse_time(o['started_at']) < parse_time(
                  operation['completed_at']) and
              (not o.get('completed_at') or parse_time(o['completed_at']) >
               parse_time(operation['started_at']))]
    say('N=%d: failover %s in %.1f s (bench saw %.1f s), critical path '
        '%s s, %s API calls (%s), engine peak %.0f MiB (%d process%s)'
        % (n, operation['status'], wall, seen,
           '-' if path is None else '%.1f' % path, calls, by_site, peak,
           processes, '' if processes == 1 else 'es'))
    say('N=%d: RTO (rto_seconds, measured at verify_instances) %s s'
        % (n, operation.get('rto_seconds')))
    for rank, seconds in sorted(rank_times(operation).items()):
        say('    rank %d: %d members, seconds_to_active median %.1f, '
            'max %.1f' % (rank, len(seconds), statistics.median(seconds),
                          max(seconds)))
    for step, seconds in step_times(offset, operation['id']):
        say('    %-34s %7.1f s' % (step, seconds))
    if others:
        say('N=%d: other operations ran on site A meanwhile (their API '
            'calls are in the count): %s' % (n, ', '.join(others)))
    if operation['status'] != 'completed':
        for failure in operation.get('steps_failed') or []:
            say('  step %s failed: %s' % (failure.get('step'),
                                          failure.get('reason')))
        say('  error: %s' % operation.get('error_message'))
    return {'n': n, 'wall': wall, 'seen': seen, 'path': path,
            'calls': calls, 'peak': peak, 'status': operation['status']}


# Cleanup

def delete_group(sites, group_id):
    """``protection-group delete``; returns whether the group is gone."""
    for site in sites:
        try:
            site.protector.protection_groups.delete(group_id)
            say('group deleted through %s' % site.name)
            return True
        except Exception as exc:
            say('group delete through %s: %s' % (site.name,
                                                 str(exc)[:300]))
    return False


def arrays():
    return [purestorage.FlashArray(
        os.environ['PROTECTOR_LAB_ARRAY_%s_URL' % letter].split('://')[-1],
        api_token=os.environ['PROTECTOR_LAB_ARRAY_%s_TOKEN' % letter])
        for letter in 'AB']


def eradicate_pgroups(group_id):
    """Eradicate every array protection group of the (deleted) group.

    ``protection-group delete`` destroys them, and an array keeps a
    destroyed group and its snapshots for a day (the emulator keeps their
    files). A group still live is a leak of the delete: it is said, and
    destroyed (the source group first, then the replicas) and eradicated.
    """
    count = 0
    for replicas in (False, True):
        for array in arrays():
            for pgroup in array.list_pgroups():
                name = pgroup['name']
                if group_id in name and (':' in name) == replicas:
                    say('cleanup arrays: %s left live by the group delete'
                        % name)
                    array.destroy_pgroup(name)
    for array in arrays():
        for pgroup in array.list_pgroups(pending_only=True):
            if group_id in pgroup['name']:
                array.eradicate_pgroup(pgroup['name'])
                count += 1
    return count


def _delete_servers(site, prefix):
    servers = site.servers(prefix)
    for server in servers:
        site.conn.compute.delete_server(server, ignore_missing=True)
    for server in servers:
        site.conn.compute.wait_for_delete(server, interval=2, wait=600)
    return len(servers)


def _delete_ports(site, operation_ids):
    prefixes = tuple('protector-op%s-' % o.replace('-', '')[:8]
                     for o in operation_ids)
    if not prefixes:
        return 0
    ports = [p for p in site.conn.network.ports()
             if (p.name or '').startswith(prefixes) and not p.device_id]
    for port in ports:
        site.conn.network.delete_port(port, ignore_missing=True)
    return len(ports)


def _delete_volumes(site, prefix):
    storage = site.conn.block_storage
    volumes = site.volumes(prefix)
    for volume in volumes:
        wait_for(lambda: storage.get_volume(volume).status not in (
            'in-use', 'attaching', 'detaching', 'creating', 'managing'),
            'volume %s detached' % volume.name, 300)
        storage.delete_volume(volume, ignore_missing=True)
    for volume in volumes:
        storage.wait_for_delete(volume, interval=1, wait=600)
    return len(volumes)


def _attempt(problems, what, call):
    """``call()``; a failure is noted in ``problems``, never raised."""
    try:
        return call()
    except Exception as exc:
        problems.append('%s: %s: %s' % (what, type(exc).__name__, exc))


def _left(sites, n, group_id):
    prefix = 'bench-%d-' % n
    left = []
    for site in sites:
        if 'bench-%d' % n in site.groups():
            left.append('group bench-%d on %s' % (n, site.name))
        left += ['server %s (%s) on %s' % (x.name, x.status, site.name)
                 for x in site.servers(prefix)]
        left += ['volume %s (%s) on %s' % (x.name, x.status, site.name)
                 for x in site.volumes(prefix)]
    if group_id:
        for array in arrays():
            left += ['array group %s' % p['name']
                     for p in array.list_pgroups(pending=True)
                     if group_id in p['name']]
    return left


def cleanup(sites, n, state):
    """Delete what the bench made for ``n`` on both sites.

    An operation of the group still running (the bench stopped waiting
    for it) is waited for first. Every part runs whatever the others did.
    """
    started = time.monotonic()
    prefix = 'bench-%d-' % n
    problems = []
    group = _attempt(problems, 'find the group',
                     lambda: sites[0].groups().get('bench-%d' % n))
    group_id = state.get('group_id') or (group or {}).get('id')
    operations = list(state.get('operations') or [])
    if group_id:
        listed = _attempt(
            problems, 'list the operations',
            lambda: sites[0].protector.operations.list(
                protection_group=group_id)) or []
        operations += [o['id'] for o in listed
                       if o['id'] not in operations]
        for operation in listed:
            if operation['status'] in RUNNING:
                say('cleanup waits for operation %s (%s)'
                    % (operation['id'], operation['status']))
                _attempt(problems, 'wait for %s' % operation['id'],
                         lambda: wait_operation(sites[0], operation, 3600))
        _attempt(problems, 'delete the group',
                 lambda: delete_group(sites, group_id))
        _attempt(problems, 'arrays', lambda: say(
            'cleanup arrays: %d destroyed protection groups eradicated'
            % eradicate_pgroups(group_id)))
    for site in sites:
        for what, call in (
                ('servers', lambda: _delete_servers(site, prefix)),
                ('ports', lambda: _delete_ports(site, operations)),
                ('volumes', lambda: _delete_volumes(site, prefix))):
            _attempt(problems, '%s %s' % (site.name, what), lambda: say(
                'cleanup %s: %d %s deleted' % (site.name, call(), what)))
    left = _attempt(problems, 'check', lambda: _left(sites, n, group_id))
    if left:
        problems.append('left: %s' % ', '.join(left))
    for problem in problems:
        say('CLEANUP PROBLEM: %s' % problem)
    say('N=%d: cleanup took %.0f s' % (n, time.monotonic() - started))
    return time.monotonic() - started


# Main

def table(rows):
    head = ('N', 'ranks', 'wall s', 'critical path s', 'ratio',
            'API calls/member', 'engine peak MiB', 'status', 'bench s',
            'setup s', 'cleanup s')
    lines = []
    for r in rows:
        def fmt(value, spec):
            return '-' if value is None else spec % value
        lines.append((
            str(r['n']), str(RANKS), fmt(r.get('wall'), '%.1f'),
            fmt(r.get('path'), '%.1f'),
            fmt(r['wall'] / r['path'] if r.get('wall') and r.get('path')
                else None, '%.2f'),
            fmt(r['calls'] / r['n'] if r.get('calls') else None, '%.1f'),
            fmt(r.get('peak'), '%.0f'), r.get('status', '-'),
            fmt(r.get('seen'), '%.1f'), fmt(r.get('setup'), '%.0f'),
            fmt(r.get('cleanup'), '%.0f')))
    widths = [max(len(h), *(len(line[i]) for line in lines))
              for i, h in enumerate(head)]
    out = ['  '.join(h.rjust(w) for h, w in zip(head, widths)),
           '  '.join('-' * w for w in widths)]
    out += ['  '.join(c.rjust(w) for c, w in zip(line, widths))
            for line in lines]
    return '\n'.join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--members', default='10,50,100',
                        help='comma-separated group sizes (default '
                             '10,50,100)')
    parser.add_argument('--threads', type=int, default=8,
                        help='parallel server creations in the setup')
    parser.add_argument('--boot-delay', type=int, default=0,
                        help='delay_seconds of every member\'s boot '
                             'condition (default 0)')
    parser.add_argument('--keep', action='store_true',
                        help='leave the servers, volumes, group and quotas '
                             'in place (no cleanup)')
    parser.add_argument('--cleanup-only', action='store_true',
                        help='only delete what an earlier run (--keep, or '
                             'interrupted) left for each N of --members, '
                             'and set the quotas back')
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.members.split(',') if n.strip()]
    warnings.filterwarnings('ignore', message='Unverified HTTPS request')
    for name in ('OS_CLIENT_CONFIG_FILE', 'PROTECTOR_LAB_ARRAY_A_URL',
                 'PROTECTOR_LAB_ARRAY_A_TOKEN', 'PROTECTOR_LAB_ARRAY_B_URL',
                 'PROTECTOR_LAB_ARRAY_B_TOKEN'):
        if not os.environ.get(name):
            parser.error('%s is not set: run eval "$(tools/lab/labctl '
                         'env)" first' % name)
    a, b = Site('site-a'), Site('site-b')
    if args.cleanup_only:
        for n in sizes:
            cleanup((a, b), n, {})
        restore_quotas((a, b))
        return 0
    for n in sizes:
        for site in (a, b):
            if 'bench-%d' % n in site.groups() or site.servers(
                    'bench-%d-' % n) or site.volumes('bench-%d-' % n):
                parser.error('bench-%d is left from an earlier run on %s: '
                             'run again with --cleanup-only' % (n, site.name))
    original = original_quotas((a, b))
    rows = []
    try:
        for n in sizes:
            row = {'n': n}
            rows.append(row)
            state = {'operations': []}
            for site in (a, b):
                raise_quotas(site, original[site.name], n)
            try:
                row['setup'] = setup(a, n, args, state)
                row.update(failover(a, b, n, args, state))
            except Exception as exc:
                row['status'] = 'bench error'
                say('N=%d: FAILED: %s: %s' % (n, type(exc).__name__, exc))
            finally:
                if not args.keep:
                    row['cleanup'] = cleanup((a, b), n, state)
    finally:
        if not args.keep:
            restore_quotas((a, b))
        print(table(rows))
    return 0 if all(r.get('status') == 'completed' for r in rows) else 1


if __name__ == '__main__':
    sys.exit(main())
