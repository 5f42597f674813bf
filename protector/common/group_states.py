"""The statuses of a protection group and the moves allowed between them.

One place says which status a group may take from which, and what moves
it: the API reads it to show and filter groups, the engine to gate
operations and to move groups through them.  Every write of a group's
status goes through :func:`check` (``protector.db.api.group_create`` and
``group_update`` call it in the transaction that writes), so a move the
table below does not allow is refused, logged as an error and raised as
``InvalidStateTransition``: it is a bug, never the operator's doing.

The one write that does not follow the table is a copy of the group
received from the peer site (``protector.common.metadata_document``,
``protector.db.api.group_replace``): it replaces this site's copy
wholesale, with whatever status the peer's history led to, so it only has
to carry a known status (:func:`known`).

The operations that move a group are named by their ``operation_type``;
``protector.engine.operations.steps`` names the same operations for the
engine (this module imports nothing of the engine, and a unit test checks
that both name the same ones).

The table is what the operation flows do (``protector.engine.operations``):

- ``create_dr_record`` puts the group in its operation's status
  (:data:`ENTERED`) and, if the operation fails before its point of no
  return, its revert puts back the status the operation started from
  (``previous_status`` of the operation's parameters);
- ``update_protection_group`` puts the group in the status of a completed
  operation (:func:`completed`); a test failover stays ``testing``;
- an operation that failed and whose undo failed too leaves the group
  ``error`` (``outcome.failed``), whatever status it had reached; the
  rollback of ``operation cleanup`` then puts back the status the
  operation started from.
"""

from oslo_log import log as logging

from protector.common import exception

LOG = logging.getLogger(__name__)

# Statuses

ACTIVE = 'active'
"""The workload runs on the group's primary site and is protected.

The status of a new group, and of a group a failback or a test cleanup
completed for.
"""

FAILING_OVER = 'failing_over'
"""A failover (planned or unplanned) runs."""

FAILED_OVER = 'failed_over'
"""A failover moved every server to the other site."""

FAILED_OVER_PARTIAL = 'failed_over_partial'
"""A failover moved the group, but some servers did not come up."""

FAILING_BACK = 'failing_back'
"""A failback runs."""

TESTING = 'testing'
"""A test failover runs, or its copies run on the target until cleaned up.

The workload itself still runs where it ran: on the primary site, or on
the other site for a group that had failed over (a drill of the failback).
"""

CLEANING = 'cleaning'
"""A test cleanup removes the copies of a test failover."""

ERROR = 'error'
"""An operation failed and undoing it failed too.

``operation cleanup`` of that operation undoes what is left and puts the
group back in the status the operation started from.
"""

ALL = (ACTIVE, FAILING_OVER, FAILED_OVER, FAILED_OVER_PARTIAL, FAILING_BACK,
       TESTING, CLEANING, ERROR)
"""Every status a group can have."""

INITIAL = ACTIVE
"""The status of a new group."""

STABLE = (ACTIVE, FAILED_OVER, FAILED_OVER_PARTIAL, TESTING, ERROR)
"""Statuses a group keeps while no operation runs on it."""

TRANSITIONAL = (FAILING_OVER, FAILING_BACK, CLEANING)
"""Statuses of a group an operation is moving.

The operation's end moves it on.  A site that was lost while it ran one
leaves its status in the other site's copy (see
:data:`UNPLANNED_FAILOVER_FORCED_FROM`).  ``testing`` is not here: a
test failover enters it and leaves the group in it.
"""

FAILED_OVER_ANY = (FAILED_OVER, FAILED_OVER_PARTIAL)
"""A failover moved the workload to the other site."""

# Operations, by operation_type (see the module's docstring).
_FAILOVER = 'failover'
_FAILBACK = 'failback'
_TEST_FAILOVER = 'test_failover'
_TEST_CLEANUP = 'test_cleanup'
_SYNC = 'sync'
OPERATIONS = (_FAILOVER, _FAILBACK, _TEST_FAILOVER, _TEST_CLEANUP, _SYNC)

START_FROM = {
    _FAILOVER: (ACTIVE,),
    _FAILBACK: FAILED_OVER_ANY,
    _TEST_FAILOVER: (ACTIVE,) + FAILED_OVER_ANY,
    _TEST_CLEANUP: (TESTING,),
    _SYNC: (ACTIVE, FAILED_OVER, FAILED_OVER_PARTIAL, TESTING),
}
"""The statuses each (planned) operation may start from.

These gates apply whatever the operator asks (``--force`` too).
"""

UNPLANNED_FAILOVER_FROM = (ACTIVE, TESTING) + FAILED_OVER_ANY
"""The statuses an unplanned failover may start from.

From a failed-over group it brings the workload back to the primary site
when the site it had moved to is lost (a second disaster).
"""

ONLY_PROTECTED_FROM = (FAILED_OVER_PARTIAL,)
"""Statuses whose unplanned failover or test failover leaves out, by itself,
the members that are not ``protected`` (servers that did not come up on
the site the group moved to: their source servers never left).
"""

UNPLANNED_FAILOVER_FORCED_FROM = TRANSITIONAL
"""The statuses a forced unplanned failover may start from too.

An operation the lost site was running leaves its status in this site's
copy: with ``--force`` an unplanned failover starts anyway.
"""

ENTERED = {
    _FAILOVER: FAILING_OVER,
    _FAILBACK: FAILING_BACK,
    _TEST_FAILOVER: TESTING,
    _TEST_CLEANUP: CLEANING,
}
"""The status an operation puts the group in as it starts.

A sync leaves the status as it is.
"""

_COMPLETED = {
    _FAILOVER: FAILED_OVER,
    _FAILBACK: ACTIVE,
    _TEST_FAILOVER: TESTING,
}

# The table.  Writing the status a group has already changes nothing and
# is always allowed (a step that runs again after an engine restart does).
_UNDO_FAILED = 'an operation failed and undoing it failed too'
_ROLLED_BACK = ("'operation cleanup' rolled the failed operation back: "
                "the status it started from")
TRANSITIONS = {
    ACTIVE: {
        FAILING_OVER: 'failover started (planned or unplanned)',
        TESTING: 'test failover started',
        ERROR: _UNDO_FAILED,
    },
    FAILING_OVER: {
        FAILED_OVER: 'failover completed, or an unplanned failover back to '
                     'the primary site failed or was reverted',
        FAILED_OVER_PARTIAL: 'failover completed, some servers did not '
                             'come up; or an unplanned failover back to the '
                             'primary site failed or was reverted',
        ACTIVE: 'failover failed or was reverted, or an unplanned failover '
                'back to the primary site completed',
        TESTING: 'unplanned failover of a testing group failed or was '
                 'reverted',
        FAILING_BACK: 'forced unplanned failover failed or was reverted: '
                      'the status the lost site had left',
        CLEANING: 'forced unplanned failover failed or was reverted: the '
                  'status the lost site had left',
        ERROR: _UNDO_FAILED,
    },
    FAILED_OVER: {
        FAILING_BACK: 'failback started',
        FAILING_OVER: 'unplanned failover back to the primary site started '
                      '(the site the group moved to is lost)',
        TESTING: 'test failover (a drill of the failback) started',
        ERROR: _UNDO_FAILED,
    },
    FAILED_OVER_PARTIAL: {
        FAILING_BACK: 'failback started',
        FAILING_OVER: 'unplanned failover back to the primary site started '
                      '(the site the group moved to is lost)',
        TESTING: 'test failover (a drill of the failback) started',
        ERROR: _UNDO_FAILED,
    },
    FAILING_BACK: {
        ACTIVE: 'failback completed',
        FAILED_OVER: 'failback failed or was reverted',
        FAILED_OVER_PARTIAL: 'failback failed or was reverted',
        FAILING_OVER: 'forced unplanned failover started over the failback '
                      'the lost site was running',
        ERROR: _UNDO_FAILED,
    },
    TESTING: {
        CLEANING: 'test cleanup started',
        ACTIVE: 'test failover failed, was cancelled or was reverted',
        FAILED_OVER: 'test failover of a failed-over group failed, was '
                     'cancelled or was reverted',
        FAILED_OVER_PARTIAL: 'test failover of a failed-over group failed, '
                             'was cancelled or was reverted',
        FAILING_OVER: 'unplanned failover started',
        ERROR: _UNDO_FAILED,
    },
    CLEANING: {
        ACTIVE: 'test cleanup completed',
        FAILED_OVER: 'test cleanup of a failed-over group completed',
        FAILED_OVER_PARTIAL: 'test cleanup of a failed-over group completed',
        TESTING: 'test cleanup failed and was reverted',
        FAILING_OVER: 'forced unplanned failover started over the test '
                      'cleanup the lost site was running',
        ERROR: _UNDO_FAILED,
    },
    ERROR: {
        ACTIVE: _ROLLED_BACK,
        FAILING_OVER: _ROLLED_BACK + ' (a forced unplanned failover)',
        FAILED_OVER: _ROLLED_BACK,
        FAILED_OVER_PARTIAL: _ROLLED_BACK,
        FAILING_BACK: _ROLLED_BACK + ' (a forced unplanned failover)',
        TESTING: _ROLLED_BACK,
        CLEANING: _ROLLED_BACK + ' (a forced unplanned failover)',
    },
}
"""For each status, the statuses it may move to and what moves it."""


def known(status):
    """Whether ``status`` is a status of protection groups."""
    return status in ALL


def allowed(current, new):
    """Whether a group may move from ``current`` to ``new``.

    ``current`` None: a new group, which starts in :data:`INITIAL`.
    """
    if new not in ALL:
        return False
    if current is None:
        return new == INITIAL
    return new == current or new in TRANSITIONS.get(current, {})


def check(current, new, group_id=None):
    """Refuse a move of a group the table does not allow.

    Raises InvalidStateTransition, and logs it as an error: a refused move
    is a bug of protector.
    """
    if allowed(current, new):
        return
    LOG.error('Protection group %(group)s: refused to change its status '
              'from %(current)s to %(new)s, which the state machine does '
              'not allow (protector.common.group_states)',
              {'group': group_id, 'current': current, 'new': new})
    raise exception.InvalidStateTransition(
        group=group_id, current=current, new=new)


def start_from(operation_type, unplanned=False, force=False):
    """The statuses an operation may start from."""
    if not unplanned:
        return START_FROM[operation_type]
    if force:
        return UNPLANNED_FAILOVER_FROM + UNPLANNED_FAILOVER_FORCED_FROM
    return UNPLANNED_FAILOVER_FROM


def completed(operation_type, partial=False, home=False, tested_from=ACTIVE):
    """The status a successful operation leaves the group in.

    ``partial``: some servers of a failover did not come up.  ``home``: the
    failover brought the group back to its primary site (an unplanned
    failover after the site it had moved to was lost), which ends it
    ``active`` as a failback does.  ``tested_from``: for a test cleanup,
    the status the test failover started from.  None for a sync, which
    leaves the status as it is.
    """
    if operation_type == _TEST_CLEANUP:
        return tested_from
    if operation_type == _FAILOVER and home:
        return ACTIVE
    if operation_type == _FAILOVER and partial:
        return FAILED_OVER_PARTIAL
    return _COMPLETED.get(operation_type)
