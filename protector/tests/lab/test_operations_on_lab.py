"""DR operations end to end on the lab's demo application.

Run (after ``eval "$(tools/lab/labctl env)"``, as a user that may write
the lab's volume files)::

    python -m pytest -v protector/tests/lab/test_operations_on_lab.py

The demo tenant's web, app and db servers (booted from replicated
volumes, each with a data volume) are protected in the group
``three-tier`` with a recovery plan (db, then app, then web), and the
tests below run in order, each from where the one before left the group.
Known bytes are written into the volume files, as the servers would
write them, and read back from the files of the volumes on the other
site: every check is made on the clouds and arrays, never on protector's
own records alone.

1. An incomplete network mapping is refused at pre-flight; nothing
   changes.
2. Test failover: the copies on site B hold the bytes of the recovery
   point, production is untouched; test cleanup leaves nothing on either
   site or array.
3. Planned failover, with the engine of site A that claimed it killed
   (SIGKILL) at 30 % or more: site A's other engine takes it over and
   completes it; the bytes written just before it are on site B (no
   data loss); exactly the servers, volumes, ports and array volumes of
   the application are new on site B; the servers are ACTIVE on B on the
   mapped networks with their fixed IPs, in rank order; the group is
   failed over once.
4. Failback with site A's engine killed (SIGKILL) in the middle (a second
   operation meanwhile is refused, naming it): after a restart it resumes
   and completes; the bytes written on B are on A, and
   there are no duplicate servers or volumes.
5. Unplanned failover: site A's protector and Nova stop; site B recovers
   from the newest replicated snapshot; site A comes back stale,
   ``sync-force`` repairs it, ``operation cleanup`` removes the old
   servers, and a failback brings the application home.
6. A drill of the failback: after a planned failover to site B, a test
   failover boots copies on site A from the recovery point that reverse
   replication left on array A; production on site B runs on untouched;
   test cleanup leaves nothing on site A and the group failed over.
7. A second disaster: site B's protector and Nova stop; site A takes the
   application back from its own array (the bytes of the newest recovery
   point replicated from B) and the group is active on site A again; site
   B comes back stale, ``sync-force`` from site A repairs it, and
   ``operation cleanup`` removes the servers left on site B.
"""

import json
import tempfile
import uuid

import pytest

from protector.tests.lab import lab

lab.require_lab()
openstack = pytest.importorskip('openstack')

GROUP = 'three-tier'
SERVERS = ('web', 'app', 'db')
NETWORKS = ('demo-web', 'demo-app', 'demo-db')
MAPPING = ['--network-mapping'] + ['%s=%s' % (n, n) for n in NETWORKS]
PLAN = {'devices': {'db': {'rank': 0},
                    'app': {'rank': 1, 'boot_condition': {
                        'type': 'wait', 'delay_seconds': 2}},
                    'web': {'rank': 2}}}
# Where the tests write into each volume (clear of the image's blocks).
OFFSET = 512 << 20
MARK = 160
NAPP_VOLUMES = 2 * len(SERVERS)


def connection(site):
    return openstack.connect(cloud=site)


def app_servers(site):
    """The application's servers on ``site``, by name."""
    return {s.name: s for s in connection(site).compute.servers()
            if s.name in SERVERS}


def volume_ids(server):
    return sorted(v['id'] for v in server.attached_volumes)


def fixed_ips(server):
    return sorted((network, a['addr'])
                  for network, addresses in server.addresses.items()
                  for a in addresses if a.get('OS-EXT-IPS:type') != 'floating')


def write_marks(site, what):
    """Write a new mark into every volume of the application on site."""
    marks = {}
    for server in app_servers(site).values():
        for volume_id in volume_ids(server):
            mark = ('%s %s %s %s' % (what, server.name, volume_id,
                                     uuid.uuid4().hex)).encode()
            lab.write(site, volume_id, OFFSET, mark.ljust(MARK, b'\0'))
            marks[(server.name, volume_id)] = mark
    assert len(marks) == NAPP_VOLUMES, marks
    return marks


def marks_on(site):
    """What the application's volumes on site hold where marks go."""
    found = {}
    for server in app_servers(site).values():
        for volume_id in volume_ids(server):
            found.setdefault(server.name, []).append(
                lab.read(site, volume_id, OFFSET, MARK).rstrip(b'\0'))
    return found


def assert_marks(site, marks):
    """The volumes on site hold exactly the marks written (per server)."""
    wanted = {}
    for (name, _), mark in marks.items():
        wanted.setdefault(name, []).append(mark)
    found = marks_on(site)
    assert {n: sorted(m) for n, m in wanted.items()} == \
        {n: sorted(m) for n, m in found.items()}


def group(cloud='site-a'):
    return lab.cli_json('protection-group', 'show', GROUP, cloud=cloud)


def operate(*args, cloud='site-a'):
    """Run an operation with --wait; the operation as it ended."""
    operation = lab.cli_json('protection-group', *(list(args) + ['--wait']),
                             cloud=cloud)
    assert operation['status'] == 'completed', operation
    return operation


def project_volumes(site):
    return sorted(v.id for v in connection(site).block_storage.volumes())


def array_volumes(letter):
    return sorted(v['name'] for v in lab.array(letter).list_volumes())


def _start_clean():
    """The application on site A and no group: reset the lab if needed."""
    names = lab.cli('protection-group', 'list', '-f', 'value', '-c',
                    'Name').split()
    if GROUP in names and lab.run('protection-group', 'delete', GROUP,
                                  check=False)[0]:
        lab.labctl('reset')
        lab.labctl('up')
    servers = app_servers('site-a')
    if sorted(servers) != sorted(SERVERS) or app_servers('site-b') or \
            any(s.status != 'ACTIVE' for s in servers.values()):
        lab.labctl('reset')
        lab.labctl('up')


@pytest.fixture(scope='module')
def protected():
    """The demo application protected in GROUP, replicated to site B."""
    _start_clean()
    lab.cli('protection-group', 'create', GROUP, '--replication-type',
            'async', '--primary-site', 'site-a', '--secondary-site',
            'site-b', '--volume-type', 'replicated-async')
    for name in SERVERS:
        lab.cli('protection-group', 'member-add', GROUP, name)
    lab.cli('protection-group', 'policy-create', GROUP,
            *lab.policy_options())
    with tempfile.NamedTemporaryFile('w', suffix='.json') as plan:
        json.dump(PLAN, plan)
        plan.flush()
        lab.cli('protection-group', 'plan-import', GROUP, plan.name)
    state = {'servers_a': app_servers('site-a'),
             'volumes_a': project_volumes('site-a'),
             'array_a': array_volumes('A')}
    yield state


def test_1_incomplete_network_mapping_is_refused(protected):
    before = group()

    rc, out, err = lab.run('protection-group', 'failover', GROUP,
                           '--network-mapping', 'demo-web=demo-web',
                           check=False)

    assert rc != 0
    assert 'Traceback' not in err
    for network in ('demo-app', 'demo-db'):
        assert '(%s) used by server' % network in err, err
    assert '(demo-web)' not in err
    assert 'add --network-mapping' in err
    assert [] == lab.cli_json('operation', 'list', '--protection-group',
                              GROUP)
    after = group()
    assert (before['status'], before['metadata_version']) == \
        (after['status'], after['metadata_version'])
    assert {} == app_servers('site-b')


def test_2_test_failover_then_cleanup(protected):
    marks = write_marks('site-a', 'drill')
    lab.cli('protection-group', 'sync', GROUP, '--wait')
    written_later = write_marks('site-a', 'after the drill point')
    volumes_b, array_b = project_volumes('site-b'), array_volumes('B')

    operation = operate('test-failover', GROUP, *MAPPING)

    assert group()['status'] == 'testing'
    copies = app_servers('site-b')
    assert sorted(copies) == sorted(SERVERS)
    assert all(s.status == 'ACTIVE' for s in copies.values())
    assert_marks('site-b', marks)
    # Production is untouched: same servers, running, with the new bytes.
    servers_a = app_servers('site-a')
    assert {n: s.id for n, s in servers_a.items()} == \
        {n: s.id for n, s in protected['servers_a'].items()}
    assert all(s.status == 'ACTIVE' for s in servers_a.values())
    assert_marks('site-a', written_later)
    assert operation['recovery_point']['age_seconds'] >= 0

    operate('test-cleanup', GROUP)

    assert group()['status'] == 'active'
    assert {} == app_servers('site-b')
    assert volumes_b == project_volumes('site-b')
    assert array_b == array_volumes('B')
    assert protected['volumes_a'] == project_volumes('site-a')
    assert protected['array_a'] == array_volumes('A')


def ports(site):
    return sorted(p.id for p in connection(site).network.ports(
        device_owner='compute:nova'))


def running_engine(operation_id, progress):
    """The operation at ``progress`` %, its engine, the others' pids."""
    def far_enough():
        shown = lab.cli_json('operation', 'show', operation_id)
        assert shown['status'] == 'running', shown
        return shown if shown['progress'] >= progress else None
    shown = lab.wait_for(far_enough, 'the operation at %d %%' % progress,
                         interval=0.2)
    names = {pid: name for name, pid in lab.engine_pids('site-a').items()}
    running = names.pop(shown['engine']['pid'])
    return shown, running, sorted(names)


def test_3_planned_failover_survives_its_engine(protected):
    ips = {n: fixed_ips(s) for n, s in app_servers('site-a').items()}
    ports_a = sum(len(list(connection('site-a').network.ports(
        device_id=s.id))) for s in app_servers('site-a').values())
    before = {'volumes': project_volumes('site-b'),
              'array': array_volumes('B'), 'ports': ports('site-b')}
    marks = write_marks('site-a', 'just before the failover')

    started = lab.cli_json('protection-group', 'failover', GROUP, *MAPPING)
    shown, victim, others = running_engine(started['operation_id'], 30)
    lab.labctl('stop', 'site-a', victim, '--kill')

    def ended():
        shown = lab.cli_json('operation', 'show', started['operation_id'])
        return shown if shown['status'] != 'running' else None
    operation = lab.wait_for(ended, 'the failover after the kill')
    # Site A's engines again as before (up restarts all of them).
    lab.labctl('up')
    assert operation['status'] == 'completed', operation
    assert operation['engine']['pid'] in others, (operation['engine'],
                                                  others)
    assert operation['engine']['claims'] == 2, operation['engine']

    assert sorted(s.name for s in connection('site-b').compute.servers()
                  if s.name in SERVERS) == sorted(SERVERS)
    servers = app_servers('site-b')
    assert all(s.status == 'ACTIVE' for s in servers.values())
    assert_marks('site-b', marks)
    assert ips == {n: fixed_ips(s) for n, s in servers.items()}
    # The recovery plan's ranks: db, then app, then web.
    created = {n: s.created_at for n, s in servers.items()}
    assert created['db'] < created['app'] < created['web'], created
    assert all(m['status'] == 'active' and m['seconds_to_active'] > 0
               for m in operation['members']), operation['members']
    shown = group()
    assert (shown['status'], shown['current_primary_site'],
            shown['failover_count']) == ('failed_over', 'site-b', 1)
    assert {} == app_servers('site-a')
    assert group(cloud='site-b')['metadata_version'] == \
        shown['metadata_version']
    # Nothing made twice by the two engines: exactly the application's.
    after = {'volumes': project_volumes('site-b'),
             'array': array_volumes('B'), 'ports': ports('site-b')}
    for kind, count in (('volumes', NAPP_VOLUMES), ('array', NAPP_VOLUMES),
                        ('ports', ports_a)):
        assert set(before[kind]) <= set(after[kind]), kind
        assert len(after[kind]) - len(before[kind]) == count, (
            kind, before[kind], after[kind])


def test_4_failback_resumes_after_the_engine_is_killed(protected):
    marks = write_marks('site-b', 'written on site B')
    started = lab.cli_json('protection-group', 'failback', GROUP, *MAPPING)
    operation_id = started['operation_id']
    # One operation per group at a time; the refusal names the running one.
    rc, _, err = lab.run('protection-group', 'sync', GROUP, check=False)
    assert rc != 0 and operation_id in err, err

    def recreating():
        shown = lab.cli_json('operation', 'show', operation_id)
        assert shown['status'] == 'running', shown
        return shown['progress'] >= 60
    lab.wait_for(recreating, 'failback past its volumes', interval=0.2)
    lab.labctl('stop', 'site-a', 'protector-engine', '--kill')
    lab.labctl('up')

    def ended():
        shown = lab.cli_json('operation', 'show', operation_id)
        return shown if shown['status'] not in ('running',) else None
    operation = lab.wait_for(ended, 'the failback after the restart')

    assert operation['status'] == 'completed', operation
    servers = app_servers('site-a')
    assert sorted(s.name for s in connection('site-a').compute.servers()
                  if s.name in SERVERS) == sorted(SERVERS)
    assert all(s.status == 'ACTIVE' for s in servers.values())
    assert_marks('site-a', marks)
    assert len(project_volumes('site-a')) == NAPP_VOLUMES
    assert len(array_volumes('A')) == NAPP_VOLUMES
    assert {} == app_servers('site-b')
    shown = group()
    assert (shown['status'], shown['current_primary_site']) == \
        ('active', 'site-a')


def test_5_unplanned_failover_while_site_a_is_down(protected):
    marks = write_marks('site-a', 'replicated before the disaster')
    lab.cli('protection-group', 'sync', GROUP, '--wait')
    write_marks('site-a', 'lost in the disaster')
    count = group()['failover_count']
    lab.labctl('stop', 'site-a', 'protector-api', 'protector-engine',
               'nova-api', 'nova-compute')
    try:
        operation = operate('failover', GROUP, '--type', 'unplanned',
                            *MAPPING, cloud='site-b')
        servers = app_servers('site-b')
        assert sorted(servers) == sorted(SERVERS)
        assert all(s.status == 'ACTIVE' for s in servers.values())
        assert_marks('site-b', marks)
        assert operation['recovery_point']['age_seconds'] >= 0
        shown = group(cloud='site-b')
        assert (shown['status'], shown['current_primary_site'],
                shown['failover_count']) == ('failed_over', 'site-b',
                                             count + 1)
    finally:
        lab.labctl('up')

    # Site A is back with its old copy of the group: stale, and refused.
    stale = group(cloud='site-a')
    assert stale['current_primary_site'] == 'site-a'
    rc, _, err = lab.run('protection-group', 'set', GROUP, '--description',
                         'changed on the stale site', check=False)
    assert rc != 0 and 'sync-force' in err, err
    lab.cli('protection-group', 'sync-force', GROUP, cloud='site-b')
    repaired = group(cloud='site-a')
    assert (repaired['current_primary_site'], repaired['status'],
            repaired['sync_status']) == ('site-b', 'failed_over', 'IN SYNC')

    # The old servers on site A go only when the operator says so.
    assert sorted(app_servers('site-a')) == sorted(SERVERS)
    lab.cli('operation', 'cleanup', operation['operation_id'], '--wait',
            cloud='site-b')
    assert {} == app_servers('site-a')

    operate('failback', GROUP, *MAPPING, cloud='site-b')
    assert sorted(app_servers('site-a')) == sorted(SERVERS)
    assert_marks('site-a', marks)
    assert {} == app_servers('site-b')


def test_6_a_drill_of_the_failback_on_site_a(protected):
    operate('failover', GROUP, *MAPPING)
    marks = write_marks('site-b', 'the drill point, on site B')
    lab.cli('protection-group', 'sync', GROUP, '--wait', cloud='site-b')
    written_later = write_marks('site-b', 'after the drill point')
    production = {n: s.id for n, s in app_servers('site-b').items()}
    before_a = {'volumes': project_volumes('site-a'),
                'array': array_volumes('A'), 'ports': ports('site-a')}

    operation = operate('test-failover', GROUP, *MAPPING, cloud='site-b')

    assert (operation['source_site'], operation['target_site']) == \
        ('site-b', 'site-a')
    shown = group(cloud='site-b')
    assert (shown['status'], shown['current_primary_site']) == \
        ('testing', 'site-b')
    copies = app_servers('site-a')
    assert sorted(copies) == sorted(SERVERS)
    assert all(s.status == 'ACTIVE' for s in copies.values())
    assert_marks('site-a', marks)
    servers_b = app_servers('site-b')
    assert production == {n: s.id for n, s in servers_b.items()}
    assert all(s.status == 'ACTIVE' for s in servers_b.values())
    assert_marks('site-b', written_later)

    operate('test-cleanup', GROUP, cloud='site-b')

    assert group(cloud='site-b')['status'] == 'failed_over'
    assert group()['status'] == 'failed_over'
    assert {} == app_servers('site-a')
    assert before_a == {'volumes': project_volumes('site-a'),
                        'array': array_volumes('A'),
                        'ports': ports('site-a')}
    assert production == {n: s.id for n, s in app_servers('site-b').items()}


def test_7_a_second_disaster_brings_the_application_home(protected):
    marks = write_marks('site-b', 'replicated before the second disaster')
    lab.cli('protection-group', 'sync', GROUP, '--wait', cloud='site-b')
    write_marks('site-b', 'lost in the second disaster')
    count = group()['failover_count']
    lab.labctl('stop', 'site-b', 'protector-api', 'protector-engine',
               'nova-api', 'nova-compute')
    try:
        operation = operate('failover', GROUP, '--type', 'unplanned',
                            *MAPPING)
        assert (operation['source_site'], operation['target_site']) == \
            ('site-b', 'site-a')
        servers = app_servers('site-a')
        assert sorted(servers) == sorted(SERVERS)
        assert all(s.status == 'ACTIVE' for s in servers.values())
        assert_marks('site-a', marks)
        shown = group()
        assert (shown['status'], shown['current_primary_site'],
                shown['failover_count']) == ('active', 'site-a', count + 1)
    finally:
        lab.labctl('up')

    # Site B is back with its old copy of the group: stale, and refused.
    assert group(cloud='site-b')['current_primary_site'] == 'site-b'
    rc, _, err = lab.run('protection-group', 'set', GROUP, '--description',
                         'changed on the stale site', check=False,
                         cloud='site-b')
    assert rc != 0 and 'sync-force' in err, err
    lab.cli('protection-group', 'sync-force', GROUP)
    repaired = group(cloud='site-b')
    assert (repaired['current_primary_site'], repaired['status'],
            repaired['sync_status']) == ('site-a', 'active', 'IN SYNC')

    # The servers left on site B go only when the operator says so.
    assert sorted(app_servers('site-b')) == sorted(SERVERS)
    lab.cli('operation', 'cleanup', operation['operation_id'], '--wait')
    assert {} == app_servers('site-b')
    assert len(array_volumes('A')) == NAPP_VOLUMES
    # Protected again: site A replicates to site B.
    lab.cli('protection-group', 'sync', GROUP, '--wait')
