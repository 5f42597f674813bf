"""The state machine of protection groups, and every write through it."""

import logging
import os
import re

import fixtures
import testtools

from protector.common import exception
from protector.common import group_states as gs
from protector.common import steps
from protector.db import api as db
from protector.tests.unit import base

PARAMETERS = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir,
                          os.pardir, os.pardir, 'api-ref', 'source',
                          'parameters.yaml')
PLANNED_FAILOVER = (steps.FAILOVER, False, False)
UNPLANNED_FAILOVER = (steps.FAILOVER, True, False)
FORCED_UNPLANNED_FAILOVER = (steps.FAILOVER, True, True)


def _reachable(start):
    seen, todo = {start}, [start]
    while todo:
        for new in gs.TRANSITIONS[todo.pop()]:
            if new not in seen:
                seen.add(new)
                todo.append(new)
    return seen


def _starts():
    """Every way to start an operation: (type, unplanned, force)."""
    yield PLANNED_FAILOVER
    yield UNPLANNED_FAILOVER
    yield FORCED_UNPLANNED_FAILOVER
    for kind in (steps.FAILBACK, steps.TEST_FAILOVER, steps.TEST_CLEANUP,
                 steps.SYNC):
        yield kind, False, False


class TestTable(testtools.TestCase):

    def test_the_statuses_are_those_of_the_api(self):
        # A status is part of the API: renaming one breaks clients.
        self.assertEqual(('active', 'failing_over', 'failed_over',
                          'failed_over_partial', 'failing_back', 'testing',
                          'cleaning', 'error'), gs.ALL)
        with open(PARAMETERS) as parameters:
            text = parameters.read()
        described = text[text.index('\npg_status:'):]
        described = described[:described.index('\n  in: body')]
        self.assertEqual(sorted(gs.ALL),
                         sorted(set(re.findall(r'``([a-z_]+)``',
                                               described))))

    def test_every_status_has_its_moves_to_known_statuses(self):
        self.assertEqual(sorted(gs.ALL), sorted(gs.TRANSITIONS))
        for current, moves in gs.TRANSITIONS.items():
            self.assertTrue(moves, current)
            self.assertNotIn(current, moves)
            for new, event in moves.items():
                self.assertIn(new, gs.ALL, current)
                self.assertTrue(event.strip(), (current, new))

    def test_every_status_is_reachable_from_a_new_group(self):
        self.assertEqual(gs.ACTIVE, gs.INITIAL)
        self.assertEqual(sorted(gs.ALL), sorted(_reachable(gs.INITIAL)))

    def test_every_status_leads_back_to_active(self):
        for status in gs.ALL:
            self.assertIn(gs.ACTIVE, _reachable(status) | {status}, status)

    def test_stable_and_transitional_statuses(self):
        self.assertEqual(sorted(gs.ALL),
                         sorted(gs.STABLE + gs.TRANSITIONAL))
        self.assertFalse(set(gs.STABLE) & set(gs.TRANSITIONAL))
        # No operation starts from a transitional status, but for an
        # unplanned failover taking over from a lost site.
        for kind, unplanned, force in _starts():
            if (unplanned, force) != (True, True):
                self.assertLessEqual(
                    set(gs.start_from(kind, unplanned, force)),
                    set(gs.STABLE) - {gs.ERROR}, kind)

    def test_the_operations_are_those_of_the_engine(self):
        self.assertEqual(steps.TYPES, gs.OPERATIONS)
        self.assertEqual(sorted(steps.TYPES), sorted(gs.START_FROM))
        self.assertEqual(sorted(set(steps.TYPES) - {steps.SYNC}),
                         sorted(gs.ENTERED))

    def test_where_each_operation_starts(self):
        self.assertEqual({
            PLANNED_FAILOVER: (gs.ACTIVE,),
            UNPLANNED_FAILOVER: (gs.ACTIVE, gs.TESTING, gs.FAILED_OVER,
                                 gs.FAILED_OVER_PARTIAL),
            FORCED_UNPLANNED_FAILOVER: (gs.ACTIVE, gs.TESTING,
                                        gs.FAILED_OVER,
                                        gs.FAILED_OVER_PARTIAL,
                                        gs.FAILING_OVER, gs.FAILING_BACK,
                                        gs.CLEANING),
            (steps.FAILBACK, False, False): (gs.FAILED_OVER,
                                             gs.FAILED_OVER_PARTIAL),
            (steps.TEST_FAILOVER, False, False): (gs.ACTIVE, gs.FAILED_OVER,
                                                  gs.FAILED_OVER_PARTIAL),
            (steps.TEST_CLEANUP, False, False): (gs.TESTING,),
            (steps.SYNC, False, False): (gs.ACTIVE, gs.FAILED_OVER,
                                         gs.FAILED_OVER_PARTIAL,
                                         gs.TESTING),
        }, {start: gs.start_from(*start) for start in _starts()})

    def test_each_operation_may_start_end_and_be_reverted(self):
        for kind, unplanned, force in _starts():
            entered = gs.ENTERED.get(kind)
            if entered is None:
                # A sync leaves the status as it is.
                self.assertEqual(steps.SYNC, kind)
                self.assertIsNone(gs.completed(kind))
                continue
            ends = {gs.completed(kind), gs.completed(kind, partial=True),
                    gs.completed(kind, home=True)}
            for status in gs.start_from(kind, unplanned, force):
                if kind == steps.TEST_FAILOVER:
                    # Its cleanup ends where it started.
                    self.assertTrue(gs.allowed(
                        gs.CLEANING, gs.completed(steps.TEST_CLEANUP,
                                                  tested_from=status)))
                # create_dr_record, and its revert.
                self.assertTrue(gs.allowed(status, entered),
                                (kind, status))
                self.assertTrue(gs.allowed(entered, status),
                                (kind, status))
                # A failed undo, and the rollback of operation cleanup.
                self.assertTrue(gs.allowed(status, gs.ERROR))
                self.assertTrue(gs.allowed(gs.ERROR, status))
            for end in ends:
                # update_protection_group (a test failover stays).
                self.assertTrue(gs.allowed(entered, end), (kind, end))

    def test_what_operations_end_in(self):
        self.assertEqual(
            [gs.FAILED_OVER, gs.FAILED_OVER_PARTIAL, gs.ACTIVE, gs.ACTIVE,
             gs.ACTIVE, gs.ACTIVE, gs.TESTING, gs.ACTIVE, gs.FAILED_OVER,
             gs.FAILED_OVER_PARTIAL],
            [gs.completed(steps.FAILOVER),
             gs.completed(steps.FAILOVER, partial=True),
             # An unplanned failover back to the primary site.
             gs.completed(steps.FAILOVER, home=True),
             gs.completed(steps.FAILOVER, partial=True, home=True),
             gs.completed(steps.FAILBACK),
             gs.completed(steps.FAILBACK, partial=True),
             gs.completed(steps.TEST_FAILOVER),
             gs.completed(steps.TEST_CLEANUP),
             gs.completed(steps.TEST_CLEANUP, tested_from=gs.FAILED_OVER),
             gs.completed(steps.TEST_CLEANUP,
                          tested_from=gs.FAILED_OVER_PARTIAL)])

    def test_any_status_may_end_in_error(self):
        for status in gs.ALL:
            self.assertTrue(gs.allowed(status, gs.ERROR), status)

    def test_writing_the_same_status_again_is_no_move(self):
        for status in gs.ALL:
            gs.check(status, status)

    def test_a_new_group_starts_active(self):
        gs.check(None, gs.ACTIVE)
        for status in set(gs.ALL) - {gs.ACTIVE}:
            self.assertRaises(exception.InvalidStateTransition, gs.check,
                              None, status)

    def test_forbidden_moves(self):
        for current, new in (
                (gs.ACTIVE, gs.FAILED_OVER), (gs.ACTIVE, gs.FAILING_BACK),
                (gs.ACTIVE, gs.CLEANING), (gs.FAILED_OVER, gs.ACTIVE),
                (gs.FAILED_OVER, gs.CLEANING),
                (gs.FAILED_OVER, gs.FAILED_OVER_PARTIAL),
                (gs.TESTING, gs.FAILING_BACK),
                (gs.CLEANING, gs.FAILING_BACK),
                (gs.FAILING_OVER, gs.FAILING_BACK + 'x')):
            self.assertFalse(gs.allowed(current, new), (current, new))
            self.assertRaises(exception.InvalidStateTransition, gs.check,
                              current, new)

    def test_a_forbidden_move_raises_a_bug_and_logs_it(self):
        log = self.useFixture(fixtures.FakeLogger(level=logging.INFO))

        error = self.assertRaises(exception.InvalidStateTransition,
                                  gs.check, gs.ACTIVE, gs.FAILED_OVER,
                                  'pg-1')

        self.assertEqual(('invalid_state_transition', 500),
                         (error.error_code, error.code))
        self.assertIn("Protection group pg-1 cannot move from status "
                      "'active' to 'failed_over'", error.msg)
        self.assertIn('This is a bug of protector', error.msg)
        self.assertIn('Protection group pg-1: refused to change its status '
                      'from active to failed_over', log.output)

    def test_an_unknown_status_is_refused(self):
        self.assertFalse(gs.known('deleting'))
        self.assertTrue(all(gs.known(status) for status in gs.ALL))
        self.assertRaises(exception.InvalidStateTransition, gs.check,
                          gs.ACTIVE, 'deleting')
        self.assertRaises(exception.InvalidStateTransition, gs.check,
                          None, 'deleting')


class TestStatusWrites(base.ScenarioTestCase):
    """Every write of a status goes through the table."""

    def setUp(self):
        super().setUp()
        self.group_id = self.deployment()['id']

    def group(self):
        return db.group_get(self.context, self.group_id)

    def test_an_allowed_move_is_written(self):
        db.group_update(self.context, self.group_id,
                        {'status': gs.TESTING})
        db.group_update(self.context, self.group_id,
                        {'status': gs.CLEANING})

        self.assertEqual(gs.CLEANING, self.group().status)

    def test_a_forbidden_move_changes_nothing(self):
        before = self.group()

        self.assertRaises(exception.InvalidStateTransition, db.group_update,
                          self.context, self.group_id,
                          {'status': gs.FAILED_OVER,
                           'current_primary_site_id': before.secondary_site_id,
                           'failover_count': 1})

        after = self.group()
        self.assertEqual(
            (gs.ACTIVE, before.current_primary_site_id, 0,
             before.metadata_version),
            (after.status, after.current_primary_site_id,
             after.failover_count, after.metadata_version))

    def test_other_changes_need_no_move(self):
        db.group_update(self.context, self.group_id, {'description': 'x'})

        group = self.group()
        self.assertEqual((gs.ACTIVE, 'x'), (group.status, group.description))

    def test_a_new_group_is_active(self):
        group = self.group()
        values = {column: getattr(group, column) for column in (
            'project_id', 'description', 'replication_type',
            'primary_site_id', 'secondary_site_id',
            'current_primary_site_id', 'volume_type',
            'secondary_volume_type')}

        self.assertRaises(exception.InvalidStateTransition, db.group_create,
                          self.context, dict(values, name='other',
                                             status=gs.FAILED_OVER))
        created = db.group_create(self.context, dict(values, name='other'))

        self.assertEqual(gs.ACTIVE, created.status)
