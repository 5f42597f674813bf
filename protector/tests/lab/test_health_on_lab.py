"""The health watch on the lab: RPO grades, readiness, alerts, metrics.

The lab's engines look at their groups every few seconds (``[health]
interval``), send notifications to their site's RabbitMQ and serve
Prometheus metrics.  The demo application's db server is protected in
its own group with an RPO of one minute, and the tests below run in
order:

1. Replicated just now: grade ok, every readiness check passes.
2. Site B's array stops: the grade becomes violated, then critical; one
   ``protection_group.rpo.violated`` arrives on site A's RabbitMQ, and
   the metrics show the RPO rising.  The array comes back: the grade
   returns to ok with exactly one ``rpo.restored``.
3. A new volume attached to db: readiness fails naming it.
4. The tenant's volume quota on site B below the group's need:
   readiness fails naming the quota, and a failover is refused at
   pre-flight with nothing changed.
5. Site B's protector-api stops: site A reports the peer unreachable.
"""

import os
import re
import threading
import time
import urllib.request

import pytest

from protector.tests.lab import lab

lab.require_lab()
openstack = pytest.importorskip('openstack')
messaging = pytest.importorskip('oslo_messaging')

GROUP = 'health-watch'
SERVER = 'db'
MAPPING = ['--network-mapping', 'demo-db=demo-db']
# Seconds: the RPO of the group, and the array's replication interval.
RPO = 60
INTERVAL = 60


def health(cloud='site-a'):
    return lab.cli_json('protection-group', 'health', GROUP, cloud=cloud)


def checks(shown):
    return {c['name']: c for c in shown['checks']}


def wait_health(predicate, what, timeout=lab.WAIT):
    def look():
        shown = health()
        return shown if predicate(shown) else None
    return lab.wait_for(look, what, timeout=timeout, interval=2)


class Notifications(object):
    """Every notification site A's engine sends, from now on."""

    def __init__(self):
        from oslo_config import cfg
        conf = cfg.ConfigOpts()
        conf([], project='protector-lab-test')
        transport = messaging.get_notification_transport(
            conf, url=os.environ['PROTECTOR_LAB_TRANSPORT_A_URL'])
        self.received = []
        self._lock = threading.Lock()
        # A pool of our own: a queue of ours, the operators' untouched.
        self.listener = messaging.get_notification_listener(
            transport, [messaging.Target(topic='protector_notifications',
                                         exchange='protector')],
            [self], executor='threading', pool='lab-health-test')
        self.listener.start()

    def _keep(self, ctxt, publisher_id, event_type, payload, metadata):
        with self._lock:
            self.received.append((event_type, payload))

    info = warn = error = _keep

    def of(self, event_type):
        with self._lock:
            return [p['protector_object.data'] for e, p in self.received
                    if e == event_type and
                    p['protector_object.data'].get('name') in (GROUP,
                                                               'site-b')]

    def stop(self):
        self.listener.stop()
        self.listener.wait()


def rpo_metric():
    text = urllib.request.urlopen(
        os.environ['PROTECTOR_LAB_METRICS_A_URL'], timeout=10).read().decode()
    for line in text.splitlines():
        if line.startswith('protector_protection_group_rpo_seconds{') and \
                'protection_group="%s"' % GROUP in line:
            return float(line.rsplit(' ', 1)[1])
    return None


def _start_clean():
    """No group holds the demo servers: reset the lab if one cannot go."""
    names = lab.cli('protection-group', 'list', '-f', 'value', '-c',
                    'Name').split()
    if any(lab.run('protection-group', 'delete', name, check=False)[0]
           for name in names):
        lab.labctl('reset')
        lab.labctl('up')


@pytest.fixture(scope='module')
def watched():
    _start_clean()
    listener = Notifications()
    lab.cli('protection-group', 'create', GROUP, '--replication-type',
            'async', '--primary-site', 'site-a', '--secondary-site',
            'site-b', '--volume-type', 'replicated-async')
    lab.cli('protection-group', 'member-add', GROUP, SERVER)
    options = lab.policy_options()
    options[options.index('--rpo-minutes') + 1] = str(RPO // 60)
    options[options.index('--replication-interval') + 1] = str(INTERVAL)
    lab.cli('protection-group', 'policy-create', GROUP, *options,
            '--snapshot-retention', '20')
    lab.cli('protection-group', 'mapping-set', GROUP, '--network',
            'demo-db=demo-db')
    try:
        yield listener
    finally:
        listener.stop()
        lab.labctl('up')
        lab.run('protection-group', 'delete', GROUP, check=False)


def test_1_replicated_group_is_ok_and_ready(watched):
    lab.cli('protection-group', 'sync', GROUP, '--wait')

    shown = wait_health(lambda h: h['rpo_grade'] == 'ok' and
                        h['failover_ready'], 'grade ok and ready')

    assert shown['rpo_target_seconds'] == RPO
    assert 0 <= shown['rpo_seconds'] < 0.75 * RPO
    assert all(c['status'] == 'pass' for c in shown['checks']), \
        shown['checks']
    assert {'peer_site', 'metadata_sync', 'servers', 'volume_drift',
            'volume_groups', 'mappings', 'target_quota', 'adoption_quota',
            'recovery_point', 'target_array', 'array_link'} <= \
        set(checks(shown))
    listed = {g['Name']: g for g in lab.cli_json('protection-group',
                                                 'list')}
    assert (listed[GROUP]['RPO'], listed[GROUP]['Ready']) == ('ok', True)


def test_2_replication_stops_and_comes_back(watched):
    lab.labctl('stop', 'site-b', 'array')
    try:
        violated = wait_health(lambda h: h['rpo_grade'] == 'violated',
                               'grade violated', timeout=3 * RPO)
        assert checks(violated)['target_array']['status'] == 'fail'
        assert not violated['failover_ready']
        first = rpo_metric()
        critical = wait_health(lambda h: h['rpo_grade'] == 'critical',
                               'grade critical', timeout=6 * RPO)
        assert critical['rpo_seconds'] > 4 * RPO
        assert rpo_metric() > first > RPO
        lab.wait_for(lambda: watched.of('protection_group.rpo.violated'),
                     'an rpo.violated notification', timeout=30)
        sent = watched.of('protection_group.rpo.violated')
        assert sent[0]['rpo_grade'] in ('violated', 'critical'), sent
        assert sent[0]['rpo_target_seconds'] == RPO
    finally:
        lab.labctl('up')

    wait_health(lambda h: h['rpo_grade'] == 'ok', 'grade ok again',
                timeout=4 * INTERVAL)
    lab.wait_for(lambda: watched.of('protection_group.rpo.restored'),
                 'an rpo.restored notification', timeout=30)
    time.sleep(10)
    assert len(watched.of('protection_group.rpo.restored')) == 1


def test_3_a_new_volume_on_db_is_drift(watched):
    cloud = openstack.connect(cloud='site-a')
    server = cloud.compute.find_server(SERVER, ignore_missing=False)
    volume = cloud.block_storage.create_volume(size=1, name='health-drift')
    cloud.block_storage.wait_for_status(volume, 'available', wait=120)
    cloud.compute.create_volume_attachment(server, volume_id=volume.id)
    cloud.block_storage.wait_for_status(volume, 'in-use', wait=120)
    try:
        shown = wait_health(
            lambda h: checks(h)['volume_drift']['status'] == 'fail',
            'the drift found')
        detail = checks(shown)['volume_drift']['detail']
        assert 'health-drift (%s) attached to db' % volume.id in detail
        assert not shown['failover_ready']
    finally:
        cloud.compute.delete_volume_attachment(server, volume.id)
        cloud.block_storage.wait_for_status(volume, 'available', wait=120)
        cloud.block_storage.delete_volume(volume)
    wait_health(lambda h: checks(h)['volume_drift']['status'] == 'pass',
                'no drift once the volume is gone')


def test_4_too_little_quota_on_site_b_refuses_the_failover(watched):
    admin = openstack.connect(cloud='site-b-admin')
    demo = openstack.connect(cloud='site-b')
    project = demo.current_project_id
    quota = admin.block_storage.get_quota_set(project, usage=True)
    in_use = quota.usage['volumes']
    limit = quota.volumes
    admin.block_storage.update_quota_set(project, volumes=in_use + 1)
    try:
        shown = wait_health(
            lambda h: checks(h)['target_quota']['status'] == 'fail',
            'the quota found short')
        quota_check = checks(shown)['target_quota']
        assert 'volumes needs 2, free 1' in quota_check['detail'], \
            quota_check
        assert project in quota_check['detail']
        assert 'openstack quota set --volumes' in quota_check['fix']
        before = lab.cli_json('protection-group', 'show', GROUP)
        operations = lab.cli_json('operation', 'list', '--protection-group',
                                  GROUP)

        rc, _, err = lab.run('protection-group', 'failover', GROUP,
                             *MAPPING, check=False)

        assert rc != 0
        assert 'Traceback' not in err
        assert 'volumes needs 2, free 1' in err, err
        after = lab.cli_json('protection-group', 'show', GROUP)
        assert (before['status'], before['metadata_version']) == \
            (after['status'], after['metadata_version'])
        assert operations == lab.cli_json('operation', 'list',
                                          '--protection-group', GROUP)
    finally:
        admin.block_storage.update_quota_set(project, volumes=limit)
    wait_health(lambda h: checks(h)['target_quota']['status'] == 'pass',
                'the quota enough again')


def test_5_site_b_api_down_is_reported(watched):
    lab.labctl('stop', 'site-b', 'protector-api')
    try:
        shown = wait_health(
            lambda h: checks(h)['peer_site']['status'] == 'fail',
            'the peer unreachable')
        assert 'site-b' in checks(shown)['peer_site']['detail']
        lab.wait_for(lambda: watched.of('site.unreachable'),
                     'a site.unreachable notification', timeout=30)
        summary = lab.cli_json('health', 'summary', cloud='site-a-admin')
        sites = {s['name']: s for s in summary['sites']}
        assert sites['site-b']['reachable'] is False
    finally:
        lab.labctl('up')
    wait_health(lambda h: checks(h)['peer_site']['status'] == 'pass',
                'the peer back')
    assert re.match(r'\d', str(rpo_metric()))
