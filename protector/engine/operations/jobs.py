"""DR operations as jobs that any engine of the site can run.

An operation is recorded, its flow saved in the site database (see
``runner``), and then submitted.  With a coordination backend the
submission is a job on the site's taskflow jobboard in etcd: every
engine's conductor looks for unclaimed jobs, claims one (an etcd key
under a lease of ``[coordination] claim_seconds``), records the claim in
the operation and runs the flow from its last completed task.  The
conductor renews the lease while the flow runs and consumes the job when
it ends.  When the engine dies its lease runs out, the job is unclaimed
again, and another engine claims it and resumes the flow: the tasks
that were running run again, which each task allows (they are
idempotent, as taskflow asks for the moment when two engines may both
believe they run a job).

Without a backend, a submitted operation runs in this engine at once, and
the engine resumes its running operations when it starts again.
"""

import datetime
import functools
import threading
import urllib.parse

from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import timeutils
from taskflow import exceptions as tf_exc
from taskflow.jobs import backends as job_backends

from protector.common import context as protector_context
from protector.common import exception
from protector.db import api as db
from protector.engine.operations import outcome
from protector.engine.operations import runner

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
# A running operation whose job is not on the board after this long was
# recorded by an engine that died before it could post it.
ORPHAN_SECONDS = 60

_conductor = None


def board_conf(backend_url, site_name):
    """taskflow's etcd jobboard settings from the tooz backend URL."""
    url = urllib.parse.urlsplit(backend_url)
    if not url.scheme.startswith('etcd3'):
        raise exception.InvalidInput(
            reason="[coordination] backend_url %s://...: operations are "
                   "shared between engines on an etcd jobboard; use "
                   "etcd3+http://HOST:PORT." % url.scheme)
    protocol = url.scheme.partition('+')[2] or 'http'
    return {'board': 'etcd', 'host': url.hostname or 'localhost',
            'port': url.port or 2379, 'protocol': protocol,
            'path': 'protector-%s' % site_name,
            'ttl': CONF.coordination.claim_seconds}


def submit(operation_id):
    """Have an engine of the site run an operation whose flow is saved."""
    if _conductor is not None:
        _conductor.post(operation_id)
    else:
        runner.resume(operation_id)


def ensure_running(operation_id):
    """After a cancel: the operation must be run by someone to see it."""
    if _conductor is None and not runner.is_running_here(operation_id):
        runner.resume(operation_id)


def start(coordinator):
    """Start running operations: jobs of the board, or resumed ones."""
    global _conductor
    if not coordinator.distributed:
        return runner.resume_all()
    _conductor = Conductor(coordinator).start()
    return []


def stop():
    global _conductor
    conductor, _conductor = _conductor, None
    if conductor is not None:
        conductor.stop()


class Conductor(object):
    """Claims the site's operation jobs for this engine and runs them."""

    def __init__(self, coordinator):
        self.coordinator = coordinator
        self.me = coordinator.me
        self.board = job_backends.fetch(
            'protector-%s' % CONF.site_name,
            board_conf(CONF.coordination.backend_url, CONF.site_name),
            persistence=runner.backend())
        self._held = {}   # operation id -> job, for the runs of this engine
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop,
                                        name='operation-conductor',
                                        daemon=True)
        self._rounds = 0

    def start(self):
        self.board.connect()
        self._thread.start()
        LOG.info('Engine %s takes operation jobs of site %s',
                 self.me, CONF.site_name)
        return self

    def stop(self):
        """Hand the running operations over to the other engines."""
        self._stop.set()
        self._thread.join(timeout=30)
        with self._guard:
            held = dict(self._held)
        for operation_id in held:
            runner.suspend(operation_id)
        for operation_id in held:
            runner.wait(operation_id, timeout=10)
        self.board.close()

    def post(self, operation_id):
        job = self.board.post('operation-%s' % operation_id,
                              details={'operation_id': operation_id})
        LOG.info('Operation %(op)s posted as job %(job)s',
                 {'op': operation_id, 'job': job.uuid})

    # The conductor's round

    def _loop(self):
        renew = max(1.0, CONF.coordination.claim_seconds / 3.0)
        wait = min(float(CONF.coordination.poll_interval), renew)
        while not self._stop.wait(wait):
            try:
                self._renew()
                self._take()
                self._rounds += 1
                if self._rounds % 10 == 0:
                    self._post_orphans()
            except Exception:
                LOG.exception('Operation conductor round failed; the next '
                              'comes in %.0f s', wait)

    def _renew(self):
        with self._guard:
            held = dict(self._held)
        for operation_id, job in held.items():
            if job.extend_expiry(CONF.coordination.claim_seconds):
                continue
            # Another engine may already run it: stop after the tasks
            # under way rather than both going on.
            LOG.error('Operation %(op)s: engine %(me)s lost its claim; '
                      'suspending its run', {'op': operation_id,
                                             'me': self.me})
            with self._guard:
                self._held.pop(operation_id, None)
            runner.suspend(operation_id)

    def _take(self):
        for job in self.board.iterjobs(only_unclaimed=True,
                                       ensure_fresh=True):
            with self._guard:
                if len(self._held) >= CONF.coordination.max_operations:
                    return
            operation_id = (job.details or {}).get('operation_id')
            if not operation_id:
                continue
            try:
                self.board.claim(job, self.me)
            except (tf_exc.UnclaimableJob, tf_exc.NotFound):
                continue
            # The job object is shared by the board's cache: forget the
            # lease an earlier claim of it had.
            job._lease = None
            self._run(job, operation_id)

    def _run(self, job, operation_id):
        context = protector_context.get_admin_context()
        try:
            operation = db.operation_get(context, operation_id)
        except exception.NotFound:
            self._consume(job, operation_id)
            return
        if operation.status not in db.RUNNING_STATUSES:
            self._consume(job, operation_id)
            return
        if operation.claims and runner.overtaken(context, operation):
            outcome.overtaken(context, operation_id)
            self._consume(job, operation_id)
            return
        with self._guard:
            self._held[operation_id] = job
        try:
            thread = runner.resume(
                operation_id, engine=self.coordinator.identity,
                on_end=functools.partial(self._ended, job, operation_id))
        except Exception:
            LOG.exception('Operation %s could not be resumed', operation_id)
            thread = None
        if thread is None:
            self._ended(job, operation_id, True)

    def _ended(self, job, operation_id, finished):
        with self._guard:
            held = self._held.pop(operation_id, None)
        if held is None:
            return  # The claim was lost: the job is another engine's now.
        if finished:
            self._consume(job, operation_id)
        else:
            try:
                self.board.abandon(job, self.me)
            except tf_exc.JobFailure as exc:
                LOG.warning('Operation %s: job not abandoned: %s',
                            operation_id, exc)

    def _consume(self, job, operation_id):
        try:
            self.board.consume(job, self.me)
        except tf_exc.JobFailure as exc:
            LOG.warning('Operation %s: job not consumed: %s',
                        operation_id, exc)

    def _post_orphans(self):
        """Post the running operations whose engine died before posting."""
        context = protector_context.get_admin_context()
        old = timeutils.utcnow() - datetime.timedelta(
            seconds=ORPHAN_SECONDS)
        candidates = [op.id for op in db.operation_list_running(context)
                      if op.updated_at and op.updated_at < old]
        if not candidates:
            return
        with self.coordinator.lock('orphan operations'):
            posted = {(job.details or {}).get('operation_id')
                      for job in self.board.iterjobs(ensure_fresh=True)}
            for operation_id in candidates:
                if operation_id not in posted:
                    LOG.warning('Operation %s is running but was never '
                                'posted; posting it now', operation_id)
                    self.post(operation_id)
