"""What the start and the end of an operation tell the outside.

``operation.start`` when an operation (or an ``operation cleanup`` of
it) is recorded and about to run; at its end ``operation.end`` (completed,
or cancelled: the status says which) or ``operation.error`` (failed, or
completed with errors), with an ``OperationPayload``
(``protector.common.notifications``), and its duration in the
``protector_operation_duration_seconds`` histogram.

The end is told by ``record.Recorder.finish`` only when its write is the
one that moved the operation out of running (``db.operation_finish``), so
an engine that concludes a run again after a restart tells nothing twice.
"""

from protector.common import exception
from protector.common import notifications
from protector.common import steps
from protector.db import api as db
from protector.health import metrics

ERROR_STATUSES = (steps.FAILED, steps.COMPLETED_WITH_ERRORS)


def _iso(moment):
    return moment.isoformat() + 'Z' if moment else None


def payload(context, operation):
    """The ``OperationPayload`` data of ``operation`` as recorded."""
    try:
        group = db.group_get(context, operation.protection_group_id).name
    except exception.NotFound:
        # The history outlives a deleted group.
        group = None
    return {
        'id': operation.id,
        'type': operation.operation_type,
        'failover_type': operation.failover_type,
        'protection_group_id': operation.protection_group_id,
        'protection_group': group,
        'project_id': operation.project_id,
        'source_site': operation.source_site,
        'target_site': operation.target_site,
        'status': operation.status,
        'progress': operation.progress,
        'steps_completed': len(operation.steps_completed or []),
        'steps_failed': [{'step': f.get('step'), 'error': f.get('reason')}
                         for f in operation.steps_failed or []],
        'rto_seconds': operation.rto_seconds,
        'error_message': operation.error_message,
        'started_at': _iso(operation.started_at),
        'completed_at': _iso(operation.completed_at),
    }


def started(context, operation):
    notifications.notify(context, 'operation.start', 'OperationPayload',
                         payload(context, operation))


def ended(context, operation):
    """Tell once that ``operation`` reached its final status."""
    failed = operation.status in ERROR_STATUSES
    notifications.notify(
        context, 'operation.error' if failed else 'operation.end',
        'OperationPayload', payload(context, operation),
        priority='error' if failed else 'info')
    if operation.started_at and operation.completed_at:
        metrics.observe_operation(
            operation.operation_type, operation.status,
            (operation.completed_at - operation.started_at).total_seconds())
