"""Achieved RPO from the arrays' overviews."""

import datetime

import testtools

from protector.health import rpo

NOW = datetime.datetime(2026, 12, 7, 12, 0, 0)
NAME = 'protector-pg'


def view(name, role, completed_at=None, in_progress=(), pods=None):
    groups = {}
    if role:
        groups[NAME] = {'role': role, 'source_array': 'array-a',
                        'newest_completed': completed_at and 'snap',
                        'newest_completed_at': completed_at,
                        'in_progress': list(in_progress)}
    return {'name': name, 'groups': groups, 'connections': [],
            'pods': pods or {}}


class TestAsync(testtools.TestCase):

    def test_age_of_the_newest_point_on_the_target(self):
        target = view('array-b', 'target', NOW - datetime.timedelta(
            seconds=90))
        source = view('array-a', 'source', NOW - datetime.timedelta(
            seconds=90))
        result = rpo.measure_async(NAME, source, target, NOW)
        self.assertEqual(90.0, result['rpo_seconds'])
        self.assertEqual({'name': 'snap',
                          'created_at': '2026-12-07T11:58:30Z'},
                         result['newest_recovery_point'])

    def test_source_tells_when_the_target_is_down(self):
        transfer = {'name': 'pg.5', 'created_at': NOW, 'progress': 0.0,
                    'data_transferred': 0}
        source = view('array-a', 'source',
                      NOW - datetime.timedelta(minutes=7), [transfer])
        result = rpo.measure_async(NAME, source, None, NOW)
        self.assertEqual(420.0, result['rpo_seconds'])
        self.assertEqual([dict(transfer, created_at='2026-12-07T12:00:00Z')],
                         result['transfers'])

    def test_no_point_yet_is_not_measured(self):
        result = rpo.measure_async(NAME, view('array-a', 'source'), None,
                                   NOW)
        self.assertIsNone(result['rpo_seconds'])
        self.assertIn('has reached the target array yet',
                      result['rpo_detail'])

    def test_no_array_answers(self):
        result = rpo.measure_async(NAME, None, None, NOW)
        self.assertIsNone(result['rpo_seconds'])
        self.assertIn('Neither array answered', result['rpo_detail'])


class TestSync(testtools.TestCase):

    def pod(self, healthy):
        status = 'online' if healthy else 'offline'
        return {NAME: {'healthy': healthy, 'arrays': [
            {'name': 'array-a', 'status': 'online'},
            {'name': 'array-b', 'status': status}]}}

    def test_in_sync_is_zero(self):
        result = rpo.measure_sync(
            NAME, view('array-a', None, pods=self.pod(True)),
            view('array-b', None, pods=self.pod(True)), None, NOW)
        self.assertEqual(0.0, result['rpo_seconds'])
        self.assertIsNone(result['out_of_sync_since'])

    def test_out_of_sync_counts_from_the_first_look(self):
        source = view('array-a', None, pods=self.pod(False))
        first = rpo.measure_sync(NAME, source, None, None, NOW)
        self.assertEqual(0.0, first['rpo_seconds'])
        later = NOW + datetime.timedelta(seconds=30)
        second = rpo.measure_sync(NAME, source, None,
                                  first['out_of_sync_since'], later)
        self.assertEqual(30.0, second['rpo_seconds'])
        self.assertIn('array-b offline', second['rpo_detail'])
