"""Two engines of a site on a real etcd: an operation outlives its engine.

The sites are the fake clouds and arrays of the engine's unit tests; the
coordination service is a real etcd (Debian's etcd-server), with taskflow's
etcd jobboard and tooz on it, as in production.  Engine A claims the
planned failover and dies right after one step (each step in turn); engine
B claims the job once A's claim has run out and finishes it, with every
server, volume, port and array volume made exactly once.
"""

import threading
import time

import etcd3gw
import fixtures as fixtures_lib
from oslo_utils import timeutils
import pytest

from protector.common import coordination
from protector.common import exception
from protector.common import steps
from protector.engine.operations import jobs
from protector.engine.operations import record
from protector.tests import processes
from protector.tests.functional import infra
from protector.tests.unit.engine.operations import base

CLAIM_SECONDS = 5
# Each step boundary of a planned failover of the fake sites' group.
KILL_POINTS = (steps.VALIDATE_SITES, steps.CREATE_DR_RECORD,
               steps.SHUTDOWN_SOURCE, steps.FINAL_SYNC,
               steps.IDENTIFY_SNAPSHOT, steps.CREATE_VOLUMES % 'site_b',
               steps.MANAGE_VOLUMES, steps.RECREATE_RANK % 0,
               steps.RECREATE_RANK % 1, steps.VERIFY, steps.UPDATE_GROUP,
               steps.REVERSE, steps.SYNC_METADATA)


@pytest.fixture(scope='class')
def etcd(request, tmp_path_factory):
    server = infra.Etcd(str(tmp_path_factory.mktemp('etcd')),
                        processes.free_port(infra.Etcd.PORT_OFFSETS)).start()
    request.cls.etcd = server
    yield server
    server.stop()


class Killed(SystemExit):
    """kill -9 of the engine: no code of it runs any more."""


@pytest.mark.usefixtures('etcd')
class TestTakeOver(base.OperationTestCase):

    def setUp(self):
        super().setUp()
        # Nothing left on the board by the test before.
        etcd3gw.client(host=infra.LOOPBACK, port=self.etcd.port) \
            .delete_prefix('/taskflow/')
        self.conf.config(backend_url=self.etcd.url +
                         '?membership_timeout=%d' % CLAIM_SECONDS,
                         claim_seconds=CLAIM_SECONDS, poll_interval=1,
                         group='coordination')
        self.engines = []
        self.addCleanup(self._stop_engines)

    def _stop_engines(self):
        for conductor in self.engines:
            conductor._stop.set()
            if conductor._thread.is_alive():
                conductor._thread.join(10)
            conductor.board.close()
            conductor.coordinator.stop()
        jobs._conductor = None

    def engine(self, name, start=True):
        coordinator = coordination.Shared(
            self.conf.conf.coordination.backend_url, 'site-a',
            identity=('engine-%s' % name, 100 + len(self.engines))).start()
        conductor = jobs.Conductor(coordinator)
        self.engines.append(conductor)
        conductor.board.connect()
        if start:
            conductor._thread.start()
        return conductor

    def die_after(self, step):
        """Engine A's flow stops dead right after ``step`` is done."""
        real = record.Recorder.step_done
        died = threading.Event()

        def step_done(recorder, done, *args, **kwargs):
            real(recorder, done, *args, **kwargs)
            if done == step and not died.is_set():
                died.set()
                raise Killed()
        patch = fixtures_lib.MockPatchObject(record.Recorder, 'step_done',
                                             step_done)
        patch.setUp()
        return patch, died

    def wait_for_end(self, operation_id, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            operation = self.operation(operation_id)
            if operation.status not in ('running', 'cancelling'):
                return operation
            time.sleep(0.2)
        self.fail('operation %s still running after %d s'
                  % (operation_id, timeout))

    def take_over_after(self, step):
        a = self.engine('a')
        jobs._conductor = a
        patch, died = self.die_after(step)
        operation_id = self.manager.start_operation(
            self.context, self.group.id, 'failover', {'type': 'planned'})
        self.assertTrue(died.wait(60), 'engine A never finished %s' % step)
        # A is dead: it renews nothing and finishes nothing any more.
        a._stop.set()
        a._thread.join(10)
        killed_at = timeutils.utcnow()
        patch.cleanUp()
        operation = self.operation(operation_id)
        self.assertEqual(('running', 'engine-a', 1),
                         (operation.status, operation.engine_host,
                          operation.claims))

        self.engine('b')
        operation = self.wait_for_end(operation_id)
        self.assertCompleted(operation)
        self.assertEqual(('engine-b', 2),
                         (operation.engine_host, operation.claims))
        taken_over = (operation.claimed_at - killed_at).total_seconds()
        self.assertLess(taken_over, 60)
        self.assertNothingTwice()
        self.assertEqual(1, self.group_now().failover_count)
        return taken_over

    def test_two_engines_racing_for_one_group_never_both_run(self):
        started, refused = [], []
        barrier = threading.Barrier(2)

        def start():
            barrier.wait()
            try:
                started.append(self.manager.start_operation(
                    self.context, self.group.id, 'failover',
                    {'type': 'planned'}))
            except exception.ProtectorException as exc:
                refused.append(exc)
        jobs._conductor = self.engine('a', start=False)
        self.engine('b')
        threads = [threading.Thread(target=start) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(1, len(started), refused)
        self.assertEqual(1, len(refused))
        self.assertIn(refused[0].error_code,
                      ('change_in_progress', 'operation_running'))
        operation = self.wait_for_end(started[0])
        self.assertCompleted(operation)
        self.assertEqual(1, operation.claims)
        self.assertNothingTwice()

    def test_periodic_work_moves_to_the_engine_left_when_one_dies(self):
        url = self.conf.conf.coordination.backend_url
        a = coordination.Shared(url, 'site-a', ('engine-a', 1)).start()
        b = coordination.Shared(url, 'site-a', ('engine-b', 2)).start()
        self.addCleanup(b.stop)
        groups = ['group-%d' % i for i in range(40)]

        def shares():
            return [{g for g in groups if owns(g)}
                    for owns in (a.share(), b.share())]
        of_a, of_b = shares()
        self.assertTrue(of_a and of_b, (of_a, of_b))
        self.assertEqual((set(), set(groups)), (of_a & of_b, of_a | of_b))
        # A dies: its heartbeat stops and it never leaves the group; its
        # membership runs out after CLAIM_SECONDS (membership_timeout).
        a._coordinator.heart.stop()
        deadline = time.monotonic() + 3 * CLAIM_SECONDS
        while time.monotonic() < deadline and \
                not all(b.share()(g) for g in groups):
            time.sleep(0.5)
        self.assertEqual(['engine-b:2'], b.engines())
        self.assertTrue(all(b.share()(g) for g in groups))


def _kill_test(step):
    def test(self):
        self.take_over_after(step)
    test.__name__ = 'test_engine_dies_after_%s' % step
    return test


for _step in KILL_POINTS:
    _test = _kill_test(_step)
    setattr(TestTakeOver, _test.__name__, _test)
