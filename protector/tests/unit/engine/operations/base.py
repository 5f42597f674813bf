"""Base of the engine tests of DR operations: two linked fake sites."""

import fixtures as fx


from protector.db import api as db
from protector.engine import manager
from protector.engine.operations import boot
from protector.engine.operations import runner
from protector.tests.unit import base
from protector.tests.unit.engine.operations import fixtures


class FakeClock(object):
    """Time that passes only when a boot condition sleeps."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def monotonic(self):
        return self.now


class OperationTestCase(base.TestCase):

    replication_type = 'async'
    local = 'site-a'
    replicate = True

    def setUp(self):
        super().setUp()
        self.conf.config(cloud='fake', storage='fake', group='drivers')
        self.sites = self.useFixture(fixtures.TwoSites(
            self.replication_type, self.local, self.replicate))
        self.group = self.sites.group
        self.manager = manager.EngineManager()
        # The workers of a finished flow notice the stop only after this
        # many seconds (1 by default), which the end of each flow waits.
        self.useFixture(fx.MockPatch(
            'futurist._thread.ThreadWorker.MAX_IDLE_FOR', 0.01))
        self.clock = FakeClock()
        self.sleeps = self.clock.sleeps
        self.useFixture(fx.MockPatchObject(boot, 'sleep', self.clock.sleep))
        self.useFixture(fx.MockPatchObject(boot, 'monotonic',
                                           self.clock.monotonic))

    def start(self, action, wait=True, **options):
        operation_id = self.manager.start_operation(
            self.context, self.group.id, action, options)
        if wait:
            runner.wait(operation_id, 30)
        return db.operation_get(self.context, operation_id)

    def operation(self, operation_id):
        return db.operation_get(self.context, operation_id)

    def group_now(self):
        return db.group_get(self.context, self.group.id)

    def assertCompleted(self, operation, status='completed'):
        self.assertEqual(status, operation.status,
                         '%s %s %s' % (operation.error_message,
                                       operation.steps_failed,
                                       operation.members))
        self.assertEqual(100, operation.progress)

    def assertNothingTwice(self):
        """A planned failover of the fake group made each thing once."""
        self.assertEqual(['app-1', 'db-1', 'web-1', 'web-2'],
                         sorted(s['name'] for s in self.target_servers(
                             'site-b').values()))
        self.assertEqual(4, len(self.sites.volumes('site-b')))
        self.assertEqual(4, len(self.sites.array('site-b').volumes))
        ports = [p for p in self.sites.cloud('site-b').ports.values()
                 if p['project_id'] == fixtures.PROJECTS['site-b']]
        self.assertEqual(4, len(ports))
        self.assertEqual({}, self.target_servers('site-a'))
        self.assertEqual({}, self.sites.array('site-a').volumes)

    def member(self, name):
        return db.member_get(self.context, self.group.id, name)

    def result(self, operation, name):
        return next(m for m in operation.members
                    if m['server_name'] == name)

    def target_servers(self, site):
        """Servers of the group's project on ``site``, by name."""
        return {s['name']: s for s in self.sites.cloud(site).servers.values()
                if s['project_id'] == fixtures.PROJECTS[site]}

    def ports_of(self, site, server):
        cloud = self.sites.cloud(site)
        return [cloud.ports[p] for p in server['port_ids']]

    def volume_bytes(self, site, volume_id, length):
        return bytes(self.sites.array(site).volumes[
            'volume-%s' % volume_id][:length])
