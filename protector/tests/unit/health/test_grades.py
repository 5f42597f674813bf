"""RPO grades: the thresholds, two-sample agreement, one event per change."""

import testtools

from protector.health import grades


class TestGrade(testtools.TestCase):

    def test_thresholds_are_multiples_of_the_target(self):
        target = 600
        for seconds, expected in ((0, 'ok'), (449.9, 'ok'),
                                  (450, 'warning'), (600, 'warning'),
                                  (600.1, 'violated'), (2400, 'violated'),
                                  (2400.1, 'critical'), (1e9, 'critical')):
            self.assertEqual(expected, grades.grade(seconds, target),
                             seconds)

    def test_not_measured_is_unknown(self):
        self.assertEqual('unknown', grades.grade(None, 600))
        self.assertEqual('unknown', grades.grade(10, None))


class TestSettle(testtools.TestCase):

    def test_first_sample_is_shown_at_once(self):
        self.assertEqual('violated', grades.settle(None, None, 'violated'))

    def test_one_slow_sample_does_not_change_the_grade(self):
        shown = 'ok'
        seen = []
        previous = 'ok'
        for sample in ('ok', 'violated', 'ok', 'violated', 'ok'):
            shown = grades.settle(shown, previous, sample)
            previous = sample
            seen.append(shown)
        self.assertEqual(['ok'] * 5, seen)

    def test_two_agreeing_samples_change_it(self):
        shown = grades.settle('ok', 'ok', 'violated')
        self.assertEqual('ok', shown)
        self.assertEqual('violated',
                         grades.settle(shown, 'violated', 'violated'))

    def test_samples_worse_without_agreeing_move_to_the_milder(self):
        self.assertEqual('warning', grades.settle('ok', 'warning',
                                                  'violated'))
        self.assertEqual('violated', grades.settle('ok', 'critical',
                                                   'violated'))
        self.assertEqual('warning', grades.settle('critical', 'ok',
                                                  'warning'))
        self.assertEqual('violated', grades.settle('violated', 'ok',
                                                   'critical'))

    def test_unknown_needs_two_samples_too(self):
        self.assertEqual('ok', grades.settle('ok', 'ok', 'unknown'))
        self.assertEqual('ok', grades.settle('ok', 'unknown', 'violated'))
        self.assertEqual('unknown', grades.settle('ok', 'unknown',
                                                  'unknown'))


class TestEvent(testtools.TestCase):

    def test_one_event_per_change(self):
        cases = {('ok', 'violated'): 'protection_group.rpo.violated',
                 ('warning', 'critical'): 'protection_group.rpo.violated',
                 ('violated', 'critical'): 'protection_group.rpo.violated',
                 ('critical', 'ok'): 'protection_group.rpo.restored',
                 ('violated', 'warning'): 'protection_group.rpo.restored',
                 ('ok', 'warning'): 'protection_group.rpo.changed',
                 ('violated', 'unknown'): 'protection_group.rpo.changed',
                 ('ok', 'ok'): None, ('critical', 'critical'): None,
                 (None, 'ok'): None,
                 (None, 'critical'): 'protection_group.rpo.violated'}
        for (before, after), expected in cases.items():
            self.assertEqual(expected, grades.event(before, after),
                             (before, after))
