"""How a run of an operation's flow ended, written into its record."""

from oslo_log import log as logging
from taskflow import exceptions as tf_exc
from taskflow import states

from protector.common import group_states
from protector.common import steps
from protector.db import api as db
from protector.engine.operations import record
from protector.engine import sync

LOG = logging.getLogger(__name__)
# The stage (and flow name suffix) of an ``operation cleanup`` that rolls
# back; flows.ROLLBACK (flows imports the tasks, which import this module).
ROLLBACK_STAGE = 'rollback'


def cleanup_command(context, operation_id):
    """What the operator runs to finish an operation, and where.

    Operations are recorded by the site that ran them only.
    """
    return ("openstack protector operation cleanup %s' on site '%s"
            % (operation_id, sync.local_site(context).name))


def _failure_text(failure):
    error = failure.exception
    return getattr(error, 'msg', None) or failure.exception_str


def text(error):
    """An operator's reading of ``error`` (never a traceback)."""
    if isinstance(error, tf_exc.WrappedFailure):
        return '; '.join(_failure_text(f) for f in error)
    return getattr(error, 'msg', None) or str(error) or type(error).__name__


def cancel_requested(context, operation_id):
    return db.operation_get(context, operation_id).status == \
        steps.CANCELLING


def cancelled_late(context, operation_id):
    """The cancel came after the last step; what it made was removed."""
    record.Recorder(context, operation_id).finish(
        steps.CANCELLED, "Cancelled at the operator's request after it "
        "finished; everything it made was removed.")


def _rollback(storage):
    """Whether the run was an ``operation cleanup`` rolling back."""
    return storage is not None and \
        storage.flow_name.endswith('-' + ROLLBACK_STAGE)


def succeeded(context, operation_id, storage=None):
    operation = db.operation_get(context, operation_id)
    recorder = record.Recorder(context, operation_id)
    if _rollback(storage):
        # The operation still failed; now nothing of it is left.
        group = db.group_get(context, operation.protection_group_id)
        recorder.finish(steps.FAILED, "The operation failed, and 'operation "
                        "cleanup' undid everything it did; protection group "
                        "%s is %s again." % (group.name, group.status))
        return
    problems = [f for f in operation.steps_failed or []
                if not str(f.get('reason')).startswith(steps.DEFERRED)]
    problems += [m for m in operation.members or []
                 if m.get('status') == 'error']
    recorder.finish(steps.COMPLETED_WITH_ERRORS if problems
                    else steps.COMPLETED)


def failed(context, operation_id, storage, error=None):
    """A run that failed; ``storage`` is its taskflow storage.

    ``error`` is what the run raised (None when the run ended before an
    engine restart and only its saved state is left).
    """
    operation = db.operation_get(context, operation_id)
    recorder = record.Recorder(context, operation_id)
    failures = storage.get_execute_failures()
    if error is None:
        first = next(iter(failures.values()), None)
        error = _failure_text(first) if first else 'The operation failed.'

    cancelled = (operation.status == steps.CANCELLING or
                 isinstance(error, record.Cancelled))
    if not cancelled:
        for name, failure in failures.items():
            recorder.step_failed(name, _failure_text(failure))
    for name, failure in storage.get_revert_failures().items():
        recorder.step_failed('revert %s' % name, _failure_text(failure))
    group = db.group_get(context, operation.protection_group_id)
    if _rollback(storage):
        recorder.finish(steps.FAILED, "Undoing the operation failed again: "
                        "%s Once the cause is fixed, run '%s'."
                        % (text(error), cleanup_command(context,
                                                        operation_id)))
        return
    if operation.operation_type == steps.TEST_CLEANUP:
        # Nothing to undo: what was removed stays removed.
        recorder.finish(steps.FAILED, "%s Once the cause is fixed, run "
                        "'%s' to finish removing the test failover."
                        % (text(error),
                           cleanup_command(context, operation_id)))
        return
    if storage.get_flow_state() == states.REVERTED:
        if cancelled:
            recorder.finish(steps.CANCELLED, "Cancelled at the operator's "
                            "request; everything it made was removed.")
            return
        recorder.finish(steps.FAILED, '%s Everything the operation did was '
                        'undone; protection group %s is %s again.'
                        % (text(error), group.name, group.status))
        return
    db.group_update(context, group.id, {'status': group_states.ERROR})
    sync.push(context, group.id,
              retry=operation.failover_type != steps.UNPLANNED)
    recorder.finish(steps.FAILED, "%s Undoing what it did failed too (see "
                    "steps_failed); once the cause is fixed, run '%s'."
                    % (text(error), cleanup_command(context, operation_id)))


def lost(context, operation_id):
    """An operation recorded, but whose flow was never saved."""
    record.Recorder(context, operation_id).finish(
        steps.FAILED, 'The engine stopped before this operation began; '
        'nothing was changed. Start it again.')


def overtaken(context, operation_id):
    """The other site took the group over while this engine was down."""
    operation = db.operation_get(context, operation_id)
    group = db.group_get(context, operation.protection_group_id)
    record.Recorder(context, operation_id).finish(
        steps.FAILED, 'Not resumed: while this site was down the other site '
        'changed the protection group (an unplanned failover, probably), '
        "so this site's copy is stale. Run 'openstack protector "
        "protection-group sync-force %s' on the other site, then look "
        'at both sites before starting anything here.' % group.name)
