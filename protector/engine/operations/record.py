"""Writing what an operation did into its record, as it happens.

Tasks of one operation run in parallel threads; a lock per operation
keeps their read-modify-write of the record in order inside this engine
(the database row lock does the same between processes).
"""

import threading

from oslo_log import log as logging
from oslo_utils import timeutils

from protector.common import exception
from protector.common import steps
from protector.db import api as db
from protector.engine.operations import events

LOG = logging.getLogger(__name__)
_guard = threading.Lock()
_locks = {}


class Cancelled(exception.Conflict):
    message = 'Operation %(operation)s was cancelled.'


def _lock(operation_id):
    with _guard:
        return _locks.setdefault(operation_id, threading.Lock())


class Recorder(object):

    def __init__(self, context, operation_id):
        self.context = context
        self.operation_id = operation_id

    def _update(self, **kwargs):
        with _lock(self.operation_id):
            return db.operation_update(self.context, self.operation_id,
                                       **kwargs)

    def update(self, **values):
        return self._update(values=values)

    def progress(self, value):
        self._update(values={'progress': int(value)})

    def step_done(self, step, progress=None):
        progress = steps.progress(step) if progress is None else progress
        self._update(values={'progress': progress}, completed_step=step)
        LOG.info('Operation %(op)s: %(step)s done (%(progress)d %%)',
                 {'op': self.operation_id, 'step': step,
                  'progress': progress})

    def step_failed(self, step, reason):
        self._update(failed_step={'step': step, 'reason': str(reason)})
        log = LOG.info if str(reason).startswith(steps.DEFERRED) \
            else LOG.warning
        log('Operation %(op)s: %(step)s: %(reason)s',
            {'op': self.operation_id, 'step': step, 'reason': reason})

    def parameters(self, **values):
        """Merge ``values`` into the recorded parameters, dicts into dicts.

        What an operation made outside its members' results (subnets, say)
        is recorded there.
        """
        self._update(parameters=values)

    def member(self, member_id, **values):
        values['member_id'] = member_id
        return self._update(member=values)

    def members(self):
        """Member results by member id."""
        operation = db.operation_get(self.context, self.operation_id)
        return {m['member_id']: m for m in operation.members or []}

    def check_cancelled(self):
        """Raise Cancelled when the operator asked to cancel."""
        operation = db.operation_get(self.context, self.operation_id)
        if operation.status == steps.CANCELLING:
            raise Cancelled(operation=self.operation_id)

    def finish(self, status, error=None):
        """Record the end of this run; told outside once (``events``)."""
        values = {'status': status, 'completed_at': timeutils.utcnow()}
        if status in (steps.COMPLETED, steps.COMPLETED_WITH_ERRORS):
            values['progress'] = 100
        if error is not None:
            values['error_message'] = str(error)
        with _lock(self.operation_id):
            operation, ended = db.operation_finish(
                self.context, self.operation_id, values)
        with _guard:
            _locks.pop(self.operation_id, None)
        LOG.info('Operation %(op)s %(status)s%(error)s',
                 {'op': self.operation_id, 'status': status,
                  'error': ': %s' % error if error else ''})
        if ended:
            events.ended(self.context, operation)
