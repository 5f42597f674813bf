"""Running operation flows: persisted, in threads, resumed after restart.

Each operation has a taskflow logbook (its uuid is the operation id) in
protector's database; each run of a flow for it (the operation itself,
then any ``operation cleanup``) is a flow detail in that book, saved with
the flow factory's arguments and the operation's inputs before it starts.
taskflow saves every task's state and result as it goes, so after
``kill -9`` the engine rebuilds the flow from the saved detail and
continues: tasks done are skipped, the tasks that were running run again
(each is idempotent), and a revert that was under way goes on.
"""

import contextlib
import threading
import time

from oslo_config import cfg
from oslo_log import log as logging
from taskflow import engines
from taskflow import exceptions as tf_exc
from taskflow.persistence.backends import impl_sqlalchemy
from taskflow.persistence import models
from taskflow import states
from taskflow import storage as tf_storage

from protector.common import context as protector_context
from protector.common import coordination
from protector.common import exception
from protector.common import keystone
from protector.db import api as db
from protector.engine.operations import flows
from protector.engine.operations import outcome
from protector.engine import peer
from protector.engine import sync

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
_guard = threading.Lock()
_backend = None
_running = {}  # operation id -> (thread, taskflow engine)
_FINISHED = (states.SUCCESS, states.REVERTED, states.FAILURE)


def backend():
    """taskflow's persistence on protector's own database."""
    global _backend
    with _guard:
        if _backend is None:
            engine = db.get_engine()
            _backend = impl_sqlalchemy.SQLAlchemyBackend(
                {'connection': str(engine.url)}, engine=engine)
        return _backend


def _options():
    return {'engine': 'parallel', 'executor': 'threaded',
            'max_workers': CONF.engine.operation_concurrency}


def _book(operation_id, create=False):
    with contextlib.closing(backend().get_connection()) as connection:
        try:
            return connection.get_logbook(operation_id)
        except tf_exc.NotFound:
            if not create:
                return None
            book = models.LogBook('operation-%s' % operation_id,
                                  uuid=operation_id)
            connection.save_logbook(book)
            return book


def prepare(operation_id, factory_kwargs, store):
    """A taskflow engine for a new run, saved before it starts."""
    return engines.load_from_factory(
        flows.build, factory_kwargs=factory_kwargs, store=store,
        book=_book(operation_id, create=True), backend=backend(),
        **_options())


def _unfinished(operation_id):
    book = _book(operation_id)
    if book is None:
        return None
    details = [d for d in book if d.state not in _FINISHED]
    return details[-1] if details else None


def stored(operation_id, name, default=None):
    """An input an operation's first run was given (its plan snapshot)."""
    book = _book(operation_id)
    if book is None:
        return default
    for detail in book:
        if detail.meta['factory']['kwargs'].get('stage') != flows.MAIN:
            continue
        try:
            return tf_storage.Storage(detail, backend=backend()).fetch(name)
        except tf_exc.NotFound:
            return default
    return default


def stored_inputs(operation):
    """The inputs of an operation's first run, for a later one."""
    inputs = {'operation_id': operation.id}
    for name in ('members', 'mappings', 'subnets', 'test_operation_id'):
        value = stored(operation.id, name)
        if value is not None:
            inputs[name] = value
    return inputs


def rollback(operation):
    """Remove what an operation made, in the calling thread."""
    prepare(operation.id, {
        'kind': operation.operation_type, 'ranks': [],
        'target_name': operation.target_site, 'stage': flows.ROLLBACK},
        stored_inputs(operation)).run()


def launch(operation_id, engine, on_end=None):
    """Run ``engine`` in a thread of its own; the call returns at once.

    ``on_end(finished)`` is called when the run stops: ``finished`` is
    False when it was suspended (``suspend``) and another engine, or this
    one later, goes on with it.
    """
    thread = threading.Thread(target=_run,
                              args=(operation_id, engine, on_end),
                              name='operation-%s' % operation_id,
                              daemon=True)
    with _guard:
        _running[operation_id] = (thread, engine)
    thread.start()
    return thread


def _log_api_calls(operation_id, kind, before, started):
    """Log the cloud API calls made since ``before`` (keystone counts).

    The counters are the engine process's: operations running at the same
    time on this engine are counted together in each one's figure.
    """
    after = keystone.api_calls()
    calls = {site: count - before.get(site, 0)
             for site, count in sorted(after.items())
             if count > before.get(site, 0)}
    LOG.info('Operation %(op)s (%(type)s) made %(total)d cloud API calls '
             '(%(sites)s) in %(seconds).1f s',
             {'op': operation_id, 'type': kind,
              'total': sum(calls.values()),
              'sites': ', '.join('%s: %d' % c for c in calls.items()),
              'seconds': time.monotonic() - started})


def _run(operation_id, engine, on_end):
    context = protector_context.get_admin_context()
    calls, started = keystone.api_calls(), time.monotonic()
    finished = True
    try:
        engine.run()
        if engine.storage.get_flow_state() == states.SUSPENDED:
            # Its claim was lost or the engine stops: the flow is left
            # where it is for whichever engine claims it next.
            LOG.info('Operation %s suspended', operation_id)
            finished = False
        elif outcome.cancel_requested(context, operation_id):
            rollback(db.operation_get(context, operation_id))
            outcome.cancelled_late(context, operation_id)
        else:
            outcome.succeeded(context, operation_id, engine.storage)
    except Exception as exc:
        # Not BaseException: an engine killed mid-run must leave its
        # operation 'running', for the next engine to resume it.
        outcome.failed(context, operation_id, engine.storage, exc)
    finally:
        _log_api_calls(operation_id, engine.storage.flow_name, calls,
                       started)
        with _guard:
            if _running.get(operation_id, (None,))[0] is \
                    threading.current_thread():
                del _running[operation_id]
    if on_end is not None:
        on_end(finished)


def is_running_here(operation_id):
    with _guard:
        thread, _engine = _running.get(operation_id, (None, None))
    return thread is not None and thread.is_alive()


def wait(operation_id, timeout=None):
    """Wait for the thread of an operation (tests, orderly shutdown)."""
    with _guard:
        thread, _engine = _running.get(operation_id, (None, None))
    if thread is not None:
        thread.join(timeout)


def suspend(operation_id):
    """Stop running an operation after the tasks under way (see _run)."""
    with _guard:
        _thread, engine = _running.get(operation_id, (None, None))
    if engine is not None:
        engine.suspend()


def _conclude(context, operation_id):
    """Record the end of a run that ended just before the engine stopped.

    Returns False when no run of the operation was ever saved.
    """
    book = _book(operation_id)
    details = list(book) if book is not None else []
    if not details:
        return False
    storage = tf_storage.Storage(details[-1], backend=backend())
    if details[-1].state == states.SUCCESS:
        outcome.succeeded(context, operation_id, storage)
    else:
        outcome.failed(context, operation_id, storage)
    return True


def resume(operation_id, on_end=None, engine=None):
    """Run an operation from its saved state, in a thread of this engine.

    Returns the thread, or None when there was nothing left to run (the
    end is recorded then).  Each call is a claim of the operation by this
    engine (``engine``: its host and pid), recorded with it.
    """
    context = protector_context.get_admin_context()
    detail = _unfinished(operation_id)
    if detail is None:
        if not _conclude(context, operation_id):
            outcome.lost(context, operation_id)
        return None
    host, pid = engine or coordination.get().identity
    operation = db.operation_claimed(context, operation_id, host, pid)
    LOG.info('Operation %(op)s: engine %(host)s:%(pid)d runs flow '
             '%(flow)s from state %(state)s (claim %(claims)d)',
             {'op': operation_id, 'host': host, 'pid': pid,
              'flow': detail.name, 'state': detail.state,
              'claims': operation.claims})
    flow = engines.load_from_detail(detail, backend=backend(), **_options())
    return launch(operation_id, flow, on_end)


def overtaken(context, operation):
    """Whether the peer changed the group while this engine was down.

    An unplanned failover on the other site while this one was lost makes
    an operation this site was running meaningless, and dangerous to go
    on with.  When the peer cannot be asked, the operation goes on (its
    own steps fail if the other site is really gone).
    """
    if operation.failover_type == 'unplanned':
        return False
    try:
        group = db.group_get(context, operation.protection_group_id)
        remote = peer.PeerClient(sync.peer_site(context)).get(
            group.id, group.name)
    except exception.ProtectorException:
        return False
    return remote is not None and \
        remote['version'] > group.metadata_version


def resume_all():
    """Resume every operation this site was running (engine start)."""
    context = protector_context.get_admin_context()
    resumed = []
    for operation in db.operation_list_running(context):
        if is_running_here(operation.id):
            continue
        if overtaken(context, operation):
            outcome.overtaken(context, operation.id)
            continue
        try:
            if resume(operation.id) is not None:
                resumed.append(operation.id)
        except Exception:
            LOG.exception('Operation %s could not be resumed', operation.id)
    return resumed
