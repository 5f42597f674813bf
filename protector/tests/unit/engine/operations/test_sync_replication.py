"""Failover and failback of a group replicated synchronously (a pod)."""

from protector.common import group_states
from protector.drivers.storage import base as storage_base
from protector.tests.fake_drivers import storage as fake_storage
from protector.tests.unit.engine.operations import base
from protector.tests.unit.engine.operations import fixtures


class TestPodFailover(base.OperationTestCase):

    replication_type = 'sync'

    def pod(self):
        return storage_base.replication_group_name(self.group.id)

    def test_planned_failover_and_failback(self):
        volume = self.member('db-1').spec['volumes'][0]['volume_id']
        fake_storage.write_volume(fixtures.ARRAY_URLS['site-a'],
                                  '%s::volume-%s' % (self.pod(), volume), 0,
                                  b'SYNCED')

        operation = self.start('failover', type='planned')

        self.assertCompleted(operation)
        self.assertNotIn('final_replication_sync',
                         [f['step'] for f in operation.steps_failed])
        self.assertEqual(group_states.FAILED_OVER, self.group_now().status)
        self.assertEqual(4, len(self.target_servers('site-b')))
        new = self.member('db-1').spec['volumes'][0]['volume_id']
        data = self.sites.array('site-b').volumes['%s::volume-%s' % (
            self.pod(), new)]
        self.assertEqual(b'SYNCED', bytes(data[:6]))
        # The pod is stretched back to site-a: site-a holds a copy again.
        status = self.sites.storage.pod_status(self.sites.array_ref('site-b'),
                                               self.pod())
        self.assertEqual(['fa-a', 'fa-b'], sorted(
            a['name'] for a in status['arrays']))

        back = self.start('failback')

        self.assertCompleted(back)
        self.assertEqual(group_states.ACTIVE, self.group_now().status)
        self.assertEqual(4, len(self.target_servers('site-a')))
        self.assertEqual({}, self.target_servers('site-b'))

    def test_a_drill_clones_the_pod_and_leaves_it_as_it_was(self):
        volume = self.member('db-1').spec['volumes'][0]['volume_id']
        in_pod = '%s::volume-%s' % (self.pod(), volume)
        fake_storage.write_volume(fixtures.ARRAY_URLS['site-a'], in_pod, 0,
                                  b'SYNCED')
        pods = {site: (self.sites.storage.pod_status(
            self.sites.array_ref(site), self.pod()),
            {n: bytes(v) for n, v in self.sites.array(site).volumes.items()})
            for site in ('site-a', 'site-b')}

        operation = self.start('test_failover')

        self.assertCompleted(operation)
        self.assertEqual(group_states.TESTING, self.group_now().status)
        self.assertEqual(4, len(self.target_servers('site-b')))
        copy, = self.result(operation, 'db-1')['target_volume_ids']
        self.assertEqual(b'SYNCED', bytes(self.sites.array('site-b').volumes[
            'volume-%s' % copy][:6]))
        for site, (status, volumes) in pods.items():
            self.assertEqual(status, self.sites.storage.pod_status(
                self.sites.array_ref(site), self.pod()))
            # The pod's volumes hold what they held; the copies are new.
            now = self.sites.array(site).volumes
            self.assertEqual(volumes, {n: bytes(now[n]) for n in volumes})

        self.assertCompleted(self.start('test_cleanup'))

        self.assertEqual(group_states.ACTIVE, self.group_now().status)
        self.assertEqual({}, self.target_servers('site-b'))
        for site, (status, volumes) in pods.items():
            self.assertEqual(sorted(volumes),
                             sorted(self.sites.array(site).volumes))
