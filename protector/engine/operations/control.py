"""Starting, cancelling and cleaning up operations.

Starting and cleaning up hold the group (a lease in the database) and
refuse while another operation runs on it, so there is one operation per
group at a time, whichever engine or request asks.
"""

import contextlib

from oslo_log import log as logging
from oslo_utils import timeutils

from protector.common import exception
from protector.common import group_states
from protector.common import steps
from protector.db import api as db
from protector.engine import group_environment
from protector.engine.operations import events
from protector.engine.operations import flows
from protector.engine.operations import jobs
from protector.engine.operations import preflight
from protector.engine.operations import request as request_lib
from protector.engine.operations import runner
from protector.engine import sync

LOG = logging.getLogger(__name__)


@contextlib.contextmanager
def _holding(context, group_id):
    """The group, held while an operation on it is checked and recorded.

    Once recorded, the running operation itself refuses every change.
    """
    holder = sync.new_holder()
    group = sync.hold(context, group_id, holder)
    try:
        yield group
    finally:
        sync.release(context, group_id, holder)


def _factory_kwargs(request, stage=flows.MAIN):
    moving = request.action in (steps.FAILOVER, steps.FAILBACK)
    return {'kind': request.action,
            'ranks': [[rank, ids] for rank, ids in request.ranks()],
            'target_name': request.target.name,
            'planned': not request.unplanned,
            'final_sync': moving and not request.options.get(
                'recovery_point'),
            'isolated': bool(request.action == steps.TEST_FAILOVER and
                             request.options.get('isolated_network')),
            'target_subnets': request.plans_subnets(),
            'stage': stage}


def _record(context, request, members):
    # Sync and test cleanup recreate no server: no per-server results.
    if request.action in (steps.SYNC, steps.TEST_CLEANUP):
        members = {}
    results = [{'member_id': m['member_id'], 'server_name': m['server_name'],
                'source_server_id': m['server_id'],
                'target_server_id': None, 'status': 'pending',
                'reason': None, 'seconds_to_active': None}
               for m in members.values()]
    return db.operation_create(context, {
        'project_id': request.group.project_id,
        'protection_group_id': request.group.id,
        'operation_type': request.action,
        'failover_type': request.failover_type,
        'status': steps.RUNNING, 'progress': 0, 'steps_completed': [],
        'steps_failed': [], 'members': results,
        'source_site': request.source.name,
        'target_site': request.target.name,
        'parameters': request.parameters(),
        'started_at': timeutils.utcnow()})


def start(context, group_id, action, options):
    """Check, record and launch an operation; returns its id."""
    with _holding(context, group_id) as group:
        request = request_lib.Request(context, group, action, options)
        preflight.gate(request)
        env = group_environment.Environment(context, group, request.source,
                                            request.target)
        preflight.run(request, env)
        store = request.store()
        if request.test_operation is not None:
            test_id = request.test_operation.id
            store['members'] = runner.stored(test_id, 'members',
                                             store['members'])
            store['test_operation_id'] = test_id
        operation = _record(context, request, store['members'])
        store['operation_id'] = operation.id
        # Before the run: a short operation may end before launch returns.
        events.started(context, operation)
        runner.prepare(operation.id, _factory_kwargs(request), store)
        jobs.submit(operation.id)
    LOG.info('Operation %(op)s: %(type)s of protection group %(group)s '
             'from %(source)s to %(target)s started',
             {'op': operation.id, 'type': action, 'group': group.id,
              'source': request.source.name,
              'target': request.target.name})
    return operation.id


def cancel(context, operation_id):
    operation = db.operation_get(context, operation_id)
    if operation.status not in db.RUNNING_STATUSES:
        raise exception.Conflict(
            reason='Operation %s is %s; only a running operation can be '
                   'cancelled.' % (operation.id, operation.status))
    if operation.operation_type != steps.TEST_FAILOVER:
        raise exception.Conflict(
            reason='Operation %s is a %s; only a test failover can be '
                   'cancelled (stopping a failover or failback halfway '
                   'would leave the workload on neither site). Wait for '
                   'it to end.' % (operation.id,
                                   operation.operation_type.replace('_',
                                                                    ' ')))
    db.operation_update(context, operation.id,
                        values={'status': steps.CANCELLING})
    LOG.info('Operation %s: cancel requested', operation.id)
    jobs.ensure_running(operation.id)


def _cleanup_kwargs(operation, group):
    failed = {f['step'] for f in operation.steps_failed or []}
    kind = operation.operation_type
    base = {'kind': kind, 'ranks': [], 'target_name': operation.target_site}
    if kind in (steps.FAILOVER, steps.FAILBACK) and operation.status in (
            steps.COMPLETED, steps.COMPLETED_WITH_ERRORS):
        redo = [s for s in (steps.REVERSE, steps.CLEANUP_SOURCE)
                if s in failed]
        if redo or steps.SYNC_METADATA in failed:
            return dict(base, stage=flows.FINISH, redo=redo)
    if kind == steps.TEST_CLEANUP and operation.status == steps.FAILED:
        return dict(base, stage=flows.MAIN)
    if operation.status == steps.FAILED and \
            group.status == group_states.ERROR and \
            kind in (steps.FAILOVER, steps.FAILBACK, steps.TEST_FAILOVER):
        return dict(base, stage=flows.ROLLBACK)
    return None


def cleanup(context, operation_id):
    """Run again the cleanup an operation could not finish."""
    operation = db.operation_get(context, operation_id)
    if operation.status in db.RUNNING_STATUSES:
        raise exception.Conflict(
            reason='Operation %s is still running; clean up after it ends.'
                   % operation.id)
    with _holding(context, operation.protection_group_id) as group:
        kwargs = _cleanup_kwargs(operation, group)
        if kwargs is None:
            raise exception.Conflict(
                reason='Operation %s (%s, %s) left nothing to clean up.'
                       % (operation.id, operation.operation_type,
                          operation.status))
        operation = db.operation_update(context, operation.id, values={
            'status': steps.RUNNING, 'error_message': None,
            'completed_at': None})
        # The operation runs again, and will end again.
        events.started(context, operation)
        runner.prepare(operation.id, kwargs, runner.stored_inputs(operation))
        jobs.submit(operation.id)
    LOG.info('Operation %(op)s: cleanup (%(stage)s) started',
             {'op': operation.id, 'stage': kwargs['stage']})
    return operation.id
