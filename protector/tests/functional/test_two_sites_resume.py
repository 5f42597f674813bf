"""Failover and failback on the fakes, site A's engine killed at every step
boundary in turn.

Both sites' engines act on one fake world (every site's cloud and array,
in a state file).  Three servers of project-a on site A, booted from
volumes whose bytes are on site A's fake array, are protected in an async
group; each run is a planned failover to site B and a failback to site A,
both started on site A through the real API.

Where the engine dies is chosen, not guessed: site A's engine is paused
(``fake_world.pause``), so that each of its driver calls waits until the
test lets it go.  The test lets the calls go one at a time and, at each
waiting call, reads ``steps_completed`` of the operation through the API.
A waiting call made after a new step was recorded stands at the boundary
between that step and the next: the step is saved (in taskflow's state
and in the operation record) and the engine has not yet acted on the next
one.  Run *k* kills the engine (SIGKILL) at the *k*-th such boundary of
the failover and of the failback, starts it again, lets the resumed
operation run and checks, in the fake world, that the workload is on the
target exactly once and nothing is left anywhere else.  The runs stop at
the first *k* that no operation reaches: that last run is a clean one.

A step that makes no driver call (``create_dr_record``,
``recreate_instances_rank_0``, ``verify_instances``, ``sync_metadata``)
shares its boundary with the step after it: the kill lands after both.
"""

import signal
import threading
import time

from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
import pytest

from protector.drivers.storage import base as storage_base
from protector.tests.fake_drivers import cloud as fake_cloud
from protector.tests.fake_drivers import storage as fake_storage
from protector.tests.fake_drivers import world as fake_world
from protector.tests.functional import two_sites as lab
from protectorclient import client as protector_client

GROUP = 'kill-resume'
SERVERS = {'kill-db': '10.20.0.11', 'kill-app': '10.20.0.12',
           'kill-web': '10.20.0.13'}
NETWORK = 'kill-net'
TOKENS = {'site-a': 'KILL-TOKEN-A', 'site-b': 'KILL-TOKEN-B'}
ENGINE = 'protector-engine'
# Bounds, in seconds, of what must never take long on the fakes.
CALL_WAIT = 60
OPERATION_WAIT = 120


class Site(object):
    """What the fake cloud driver reads of a site."""

    def __init__(self, name):
        self.id = self.name = name
        self.region_name = lab.REGIONS[name]


def _client(env, user, project, site):
    auth = v3.Password(auth_url=env.keystone.auth_url, username=user,
                       password=env.keystone.PASSWORDS[user],
                       project_name=project, user_domain_name='Default',
                       project_domain_name='Default')
    return protector_client.Client(ks_session.Session(auth=auth),
                                   region_name=lab.REGIONS[site],
                                   api_version='1.1')


def _register(env):
    """Both sites and project-a's mapping on each (if not there yet)."""
    project_a = env.projects['project-a']
    for here, peer in (('site-a', 'site-b'), ('site-b', 'site-a')):
        admin = _client(env, 'admin', 'admin', here)
        known = {s['name'] for s in admin.sites.list()}
        for name in ('site-a', 'site-b'):
            if name not in known:
                admin.sites.create(
                    name, env.keystone.auth_url, 'protector',
                    env.keystone.PASSWORDS['protector'], 'service',
                    user_domain_name='Default',
                    project_domain_name='Default',
                    region_name=lab.REGIONS[name])
        if not any(m['local_project_id'] == project_a
                   for m in admin.tenant_mappings.list()):
            admin.tenant_mappings.create(project_a, peer, project_a)


def _application(env):
    """The servers on site A, their volumes' bytes on its array."""
    project = env.projects['project-a']
    drivers = {name: fake_cloud.FakeCloudDriver(Site(name), None)
               for name in ('site-a', 'site-b')}
    for driver in drivers.values():
        network = driver.create_network(project, NETWORK)
        driver.create_subnet(project, network['id'], '10.20.0.0/24')
    driver = drivers['site-a']
    network = driver.list_networks(project, name=NETWORK)[0]
    for name, address in sorted(SERVERS.items()):
        volume = driver.create_volume(project, 1, name='%s-boot' % name,
                                      volume_type=lab.VOLUME_TYPE)
        driver.set_volume_bootable(project, volume['id'])
        fake_storage.create_volume(lab.ARRAYS['site-a'],
                                   'volume-%s' % volume['id'],
                                   _bytes_of(name), 4096)
        port = driver.create_port(project, network['id'],
                                  fixed_ips=[{'ip_address': address}],
                                  name='%s-port' % name)
        server = driver.create_server(project, {
            'name': name, 'flavor': 'm1.small',
            'ports': [{'port_id': port['id']}],
            'volumes': [{'volume_id': volume['id'], 'boot_index': 0,
                         'device': '/dev/vda'}]})
        driver.wait_for_server(project, server['id'], 'ACTIVE', 1)


def _bytes_of(server):
    return ('%s bytes' % server).encode()


@pytest.fixture(scope='module')
def protected(two_sites):
    """GROUP on site A with its three servers, replicated to site B."""
    _register(two_sites)
    with two_sites.world() as world:
        baseline = {url: set(world.arrays[url].volumes)
                    if url in world.arrays else set()
                    for url in lab.ARRAYS.values()}
    _application(two_sites)
    member = _client(two_sites, 'member-a', 'project-a', 'site-a')
    member.protection_groups.create(GROUP, 'async', 'site-a', 'site-b',
                                    lab.VOLUME_TYPE)
    for name in sorted(SERVERS):
        member.members.add(GROUP, name)
    member.policies.create(GROUP, lab.ARRAYS['site-a'], TOKENS['site-a'],
                           lab.ARRAYS['site-b'], TOKENS['site-b'],
                           rpo_minutes=15)
    member.mappings.update(GROUP, {
        direction: {'network': {NETWORK: NETWORK}}
        for direction in ('failover', 'failback')})
    yield {'client': member, 'group': member.protection_groups.get(GROUP),
           'baseline': baseline, 'project': two_sites.projects['project-a']}
    member.protection_groups.delete(GROUP)


class Run(object):
    """One operation, its engine killed at boundary ``kill_at``."""

    def __init__(self, env, protected, action, kill_at):
        self.client = protected['client']
        self.group_id = protected['group']['id']
        self.action = action
        self.kill_at = kill_at
        self.site = env.sites['site-a']
        self.operation_id = None
        self.killed_after = None
        self.killed_at_call = None

    def _request(self):
        """Ask for the operation, in a thread of its own.

        The request waits for the pre-flight, whose driver calls wait for
        this test to let them go.
        """
        answer = {}

        def request():
            answer['operation'] = self.client.protection_groups.action(
                GROUP, self.action)
        thread = threading.Thread(target=request)
        thread.start()
        return thread, answer

    def _operation_id(self, answer):
        if self.operation_id is None:
            if 'operation' in answer:
                self.operation_id = answer['operation']['id']
            else:
                running = self.client.operations.list(
                    protection_group=self.group_id, status='running')
                if running:
                    self.operation_id = running[0]['id']
        return self.operation_id

    def _ended(self):
        return self.operation_id is not None and self.client.operations.get(
            self.operation_id)['status'] != 'running'

    def run(self):
        """Step the engine to the boundary, kill it there, restart it."""
        pid = self.site.pid(ENGINE)
        fake_world.pause(pid)
        thread, answer = self._request()
        boundary, steps = -1, None
        deadline = time.monotonic() + CALL_WAIT
        try:
            while True:
                assert time.monotonic() < deadline, (
                    'site A engine made no call for %d s: %s' % (
                        CALL_WAIT, self.site.tail(ENGINE)))
                waiting = fake_world.waiting(pid)
                if not waiting:
                    if not thread.is_alive() and self._operation_id(
                            answer) and self._ended():
                        break
                    time.sleep(0.01)
                    continue
                deadline = time.monotonic() + CALL_WAIT
                ticket, label = waiting[0]
                if self._operation_id(answer) is not None:
                    done = self.client.operations.get(
                        self.operation_id)['steps_completed']
                    if done != steps:
                        new = done[len(steps or []):]
                        boundary, steps = boundary + 1, done
                        if boundary == self.kill_at:
                            thread.join(CALL_WAIT)
                            self.site.stop(ENGINE, sig=signal.SIGKILL)
                            self.killed_after = new or ['nothing']
                            self.killed_at_call = label
                            break
                # Returns once the call ran: what the engine does next is
                # the next waiting call.
                fake_world.let_go(pid, ticket, timeout=CALL_WAIT)
        finally:
            fake_world.unpause(pid)
        thread.join(CALL_WAIT)
        assert 'operation' in answer, 'the %s was not accepted' % self.action
        if self.killed_after is not None:
            self.site.start(ENGINE)
        return self.wait()

    def wait(self):
        deadline = time.monotonic() + OPERATION_WAIT
        while True:
            operation = self.client.operations.get(self.operation_id)
            if operation['status'] != 'running':
                return operation
            assert time.monotonic() < deadline, (
                'operation %s still running after %d s: %s' % (
                    self.operation_id, OPERATION_WAIT,
                    self.site.tail(ENGINE)))
            time.sleep(0.2)


def _on_site(world, site, project):
    """The application's servers, volumes and ports on ``site``."""
    cloud = world.clouds[site]
    network_ids = {n['id'] for n in cloud.networks.values()
                   if n['name'] == NETWORK and n['project_id'] == project}
    return {
        'servers': [s for s in cloud.servers.values()
                    if s['project_id'] == project and s['name'] in SERVERS],
        'volumes': [v for v in cloud.volumes.values()
                    if v['project_id'] == project and
                    (v['name'] or '').startswith('kill-')],
        'ports': [p for p in cloud.ports.values()
                  if p['network_id'] in network_ids],
    }


def _assert_runs_on(env, protected, target):
    """The application is on ``target`` exactly once, nowhere else."""
    other = 'site-a' if target == 'site-b' else 'site-b'
    project = protected['project']
    pg_name = storage_base.replication_group_name(protected['group']['id'])
    with env.world() as world:
        here = _on_site(world, target, project)
        there = _on_site(world, other, project)
        cloud = world.clouds[target]
        assert sorted(s['name'] for s in here['servers']) == sorted(SERVERS)
        assert {s['status'] for s in here['servers']} == {'ACTIVE'}
        server_ids = {s['id'] for s in here['servers']}
        assert len(here['volumes']) == len(SERVERS), here['volumes']
        attached = {v['id']: [a['server_id'] for a in v['attachments']]
                    for v in here['volumes']}
        assert sorted(s for ids in attached.values() for s in ids) == \
            sorted(server_ids), attached
        assert len(here['ports']) == len(SERVERS), here['ports']
        assert {p['device_id'] for p in here['ports']} == server_ids
        assert {ip['fixed_ips'][0]['ip_address'] for ip in here['ports']} \
            == set(SERVERS.values())
        assert there == {'servers': [], 'volumes': [], 'ports': []}, there
        cinder_group = cloud.groups[protected['group']['consistency_groups'][
            target]]
        assert sorted(cinder_group['volume_ids']) == sorted(attached)
        assert world.clouds[other].groups[protected['group'][
            'consistency_groups'][other]]['volume_ids'] == []
        # The arrays: the target holds the volumes Cinder knows, with the
        # application's bytes; the other array holds none of them.
        array = world.arrays[lab.ARRAYS[target]]
        names = {'volume-%s' % v for v in attached}
        assert set(array.volumes) - protected['baseline'][
            lab.ARRAYS[target]] == names
        for server in here['servers']:
            [mapping] = server['volumes']
            data = bytes(array.volumes['volume-%s' % mapping['volume_id']])
            assert data.startswith(_bytes_of(server['name'])), server
        other_array = world.arrays[lab.ARRAYS[other]]
        assert set(other_array.volumes) == protected['baseline'][
            lab.ARRAYS[other]]
        pgroup = array.pgroups[pg_name]
        assert pgroup['replicate_enabled'] and not pgroup['destroyed']
        assert sorted(pgroup['volumes']) == sorted(names)
        assert not other_array.pgroups[pg_name]['replicate_enabled']


def _assert_completed(env, operation):
    assert operation['status'] == 'completed', operation
    assert operation['progress'] == 100
    assert operation['steps_failed'] == [], operation['steps_failed']
    assert {m['status'] for m in operation['members']} == {'active'}


def test_failover_and_failback_resume_at_every_step_boundary(
        two_sites, protected):
    started = time.monotonic()
    tried = []
    kill_at = 0
    while True:
        killed = False
        for action, target in (('failover', 'site-b'),
                               ('failback', 'site-a')):
            run = Run(two_sites, protected, action, kill_at)
            operation = run.run()
            _assert_completed(two_sites, operation)
            _assert_runs_on(two_sites, protected, target)
            shown = protected['client'].protection_groups.get(GROUP)
            assert shown['current_primary_site'] == target
            if run.killed_after is not None:
                killed = True
                tried.append((action, '+'.join(run.killed_after),
                              run.killed_at_call[:50]))
        if not killed:
            break
        kill_at += 1
    print('\n%d kill points (%d failover and failback runs) in %.0f s:'
          % (len(tried), 2 * (kill_at + 1), time.monotonic() - started))
    for action, after, call in tried:
        print('  %s: killed after %s, at %s' % (action, after, call))
    # planned async failover: validate, shutdown, final sync, snapshot,
    # copies, manage, rank, update, reverse, cleanup -> 9 boundaries
    # followed by a driver call, plus the start.
    assert kill_at >= 9, tried
