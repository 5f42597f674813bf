"""The contract of a storage driver, one suite for the fake and the real one.

``StorageDriverContract`` is mixed into a ``unittest.TestCase`` by a runner
that provides the driver and two arrays:

- ``protector/tests/unit/drivers/test_storage_contract.py``: the fake;
- ``protector/tests/lab/test_storage_contract.py``: the ``pure`` driver
  against two FlashArray emulators.

Each test works under unique names and removes what it made in its
clean-ups, whether it passed or not.
"""

import datetime
import os
import time
import uuid

from protector.common import driver_errors as errors
from protector.drivers.storage import base

MIB = 1 << 20


class StorageDriverContract(object):
    """Tests every runner must pass.  A runner sets or provides:

    - ``make_driver()``;
    - ``source``, ``target``: ArrayRefs of two arrays connected to each
      other for replication, types ``replication`` and
      ``sync-replication``;
    - ``stranger``: an ArrayRef of an array connected to neither (None
      skips the tests that need it); ``unreachable_url``: where nothing
      answers;
    - ``create_volume(array, name, data, size)``, ``read_volume(array,
      name)``, ``write_volume(array, name, offset, data)`` and
      ``volume_names(array)``: what the cloud does to volumes;
    - ``interrupt(array)``: the next calls to the array fail transiently
      for a moment, then it answers again (None skips that test);
    - ``set_reachable(array, reachable)``: take the array off the network
      until it is put back (None skips the tests that need it);
    - ``slow_data``: bytes of data whose transfer from ``source`` takes a
      second or more; ``transfer_timeout``: seconds a transfer may take.
    """

    stranger = None
    interrupt = None
    set_reachable = None
    transfer_timeout = 60
    slow_data = 8 * MIB

    def setUp(self):
        super().setUp()
        self.driver = self.make_driver()
        self.tag = uuid.uuid4().hex[:8]
        self.count = 0

    # -- helpers -------------------------------------------------------

    def raises(self, cls, func, *args, **kwargs):
        """The ``cls`` error that ``func`` raises."""
        try:
            func(*args, **kwargs)
        except cls as exc:
            return exc
        self.fail('%s not raised by %s' % (cls.__name__, func.__name__))

    def unique(self, prefix):
        self.count += 1
        return '%s-%s-%d' % (prefix, self.tag, self.count)

    def quietly(self, func, *args):
        def run():
            try:
                func(*args)
            except errors.StorageError:
                pass
        self.addCleanup(run)

    def volume(self, array=None, data=None, size=MIB):
        """A new volume holding ``data`` (random) at offset 0."""
        array = array or self.source
        name = 'volume-%s' % uuid.uuid4()
        data = os.urandom(4096) if data is None else data
        self.create_volume(array, name, data, size)
        self.quietly(self.driver.delete_volumes, array, [name], True)
        return name

    def new_name(self, array):
        name = 'volume-%s' % uuid.uuid4()
        self.quietly(self.driver.delete_volumes, array, [name], True)
        return name

    def group(self, volumes, interval=3600, retention=4, source=None,
              target=None):
        source, target = source or self.source, target or self.target
        name = self.unique('ct')
        self.quietly(self.driver.delete_replication_group, source, target,
                     name, True)
        described = self.driver.ensure_replication_group(
            source, target, name, volumes, interval, retention)
        return name, described

    def replicate(self, group, source=None, target=None):
        point = self.driver.replicate_now(source or self.source, group)
        return self.driver.wait_for_recovery_point(
            target or self.target, point, timeout=self.transfer_timeout)

    def wait_for(self, what, func):
        """``func()`` once it is true, within ``transfer_timeout``."""
        deadline = time.monotonic() + self.transfer_timeout
        while True:
            value = func()
            if value:
                return value
            if time.monotonic() > deadline:
                self.fail('%s did not happen within %s s' % (
                    what, self.transfer_timeout))
            time.sleep(0.1)

    def record_timing(self, what, seconds):
        """Runners may print or collect timings."""

    def assertSecretFree(self, text):
        for array in (self.source, self.target):
            self.assertNotIn(array.api_token, text)

    # -- checks --------------------------------------------------------

    def test_check_array_passes_and_names_the_array(self):
        result = self.driver.check_array(self.source.url,
                                         self.source.api_token)
        self.assertEqual({'check', 'result', 'detail'}, set(result))
        self.assertEqual(('array', 'passed'), (result['check'],
                                               result['result']))
        self.assertIn(self.source.url, result['detail'])

    def test_check_array_refuses_a_wrong_token(self):
        wrong = 'wrong-%s' % self.source.api_token
        result = self.driver.check_array(self.source.url, wrong)
        self.assertEqual('failed', result['result'])
        self.assertIn(self.source.url, result['detail'])
        self.assertIn('token', result['detail'])
        self.assertNotIn(wrong, result['detail'])
        self.assertSecretFree(result['detail'])

    def test_check_array_reports_an_array_that_does_not_answer(self):
        started = time.monotonic()
        result = self.driver.check_array(self.unreachable_url, 'token')
        self.assertEqual('failed', result['result'])
        self.assertIn(self.unreachable_url, result['detail'])
        self.assertLess(time.monotonic() - started, 10)

    def test_check_array_with_its_peer(self):
        result = self.driver.check_array(self.source.url,
                                         self.source.api_token,
                                         peer=self.target)
        self.assertEqual('passed', result['result'], result['detail'])
        if self.stranger is None:
            self.skipTest('no unconnected array')
        result = self.driver.check_array(self.source.url,
                                         self.source.api_token,
                                         peer=self.stranger)
        self.assertEqual('failed', result['result'])
        self.assertIn('not connected', result['detail'])

    def test_check_replication_lists_every_requirement(self):
        for kind in ('async', 'sync'):
            checks = self.driver.check_replication(
                self.source, self.target, replication_type=kind)
            names = [c['check'] for c in checks]
            self.assertEqual(2, names.count('array'))
            self.assertEqual(2, names.count('rest_version'))
            self.assertEqual(2, names.count('array_connection'))
            self.assertEqual({'passed'}, {c['result'] for c in checks},
                             checks)

    def test_check_replication_names_what_is_missing(self):
        if self.stranger is None:
            self.skipTest('no unconnected array')
        checks = self.driver.check_replication(self.source, self.stranger)
        failed = [c for c in checks if c['result'] == 'failed']
        self.assertEqual(['array_connection', 'array_connection'],
                         [c['check'] for c in failed])
        for check in failed:
            self.assertIn('not connected', check['detail'])
        wrong = base.ArrayRef(self.target.url, 'wrong-token')
        checks = self.driver.check_replication(self.source, wrong)
        self.assertEqual(['passed', 'failed', 'skipped'],
                         [c['result'] for c in checks])
        self.assertNotIn('wrong-token', str(checks))

    def test_check_replication_of_a_group(self):
        name, _ = self.group([self.volume()])
        checks = self.driver.check_replication(self.source, self.target,
                                               group=name)
        self.assertEqual('replication_group', checks[-1]['check'])
        self.assertEqual('passed', checks[-1]['result'], checks[-1])
        checks = self.driver.check_replication(
            self.source, self.target, group=self.unique('missing'))
        self.assertEqual('skipped', checks[-1]['result'])

    # -- replication groups --------------------------------------------

    def test_ensure_replication_group_sets_everything_from_the_policy(self):
        first, second = self.volume(), self.volume()
        name, described = self.group([first], interval=3600, retention=4)
        self.assertEqual(name, described['name'])
        self.assertEqual([first], described['volumes'])
        self.assertEqual(1, len(described['targets']))
        self.assertTrue(described['targets'][0]['allowed'])
        self.assertTrue(described['replication_enabled'])
        self.assertEqual(3600, described['interval_seconds'])
        self.assertEqual(4 * 3600, described['retention_seconds'])

        again = self.driver.ensure_replication_group(
            self.source, self.target, name, [first, second], 600, 6)
        self.assertEqual(sorted([first, second]), sorted(again['volumes']))
        self.assertEqual((600, 3600), (again['interval_seconds'],
                                       again['retention_seconds']))
        self.assertEqual(described['targets'], again['targets'])
        again = self.driver.ensure_replication_group(
            self.source, self.target, name, [second], 600, 6)
        self.assertEqual([second], again['volumes'])

    def test_add_and_remove_volumes_are_idempotent(self):
        first, second = self.volume(), self.volume()
        name, _ = self.group([first])
        self.driver.add_volumes(self.source, name, [second])
        self.driver.add_volumes(self.source, name, [first, second])
        self.assertEqual(sorted([first, second]), sorted(
            self.driver.get_replication_group(self.source,
                                              name)['volumes']))
        self.driver.remove_volumes(self.source, name, [first])
        self.driver.remove_volumes(self.source, name, [first])
        self.assertEqual([second], self.driver.get_replication_group(
            self.source, name)['volumes'])

    def test_an_unknown_volume_is_a_typed_error_without_the_token(self):
        name, _ = self.group([])
        missing = 'volume-%s' % uuid.uuid4()
        exc = self.raises(errors.ArrayNotFound, self.driver.add_volumes,
                          self.source, name, [missing])
        self.assertEqual(404, exc.code)
        self.assertEqual(self.source.url, exc.array)
        self.assertIn(missing, str(exc))
        self.assertSecretFree(str(exc))
        exc = self.raises(errors.ArrayNotFound, self.driver.replicate_now,
                          self.source, self.unique('nogroup'))
        self.assertIn('nogroup', str(exc))

    def test_a_wrong_token_is_a_typed_error_without_the_token(self):
        wrong = base.ArrayRef(self.source.url, 'not-%s' % self.tag)
        exc = self.raises(errors.ArrayAuthFailed,
                          self.driver.get_replication_group, wrong, 'any')
        self.assertIn(self.source.url, str(exc))
        self.assertNotIn(wrong.api_token, str(exc))
        self.assertIn('policy-set', str(exc))
        exc = self.raises(errors.ArrayAuthFailed,
                          self.driver.replication_overview, wrong)
        self.assertNotIn(wrong.api_token, str(exc))

    def test_transient_failures_are_retried(self):
        if self.interrupt is None:
            self.skipTest('the runner cannot interrupt an array')
        name, _ = self.group([self.volume()])
        self.interrupt(self.source)
        self.assertEqual(name, self.driver.get_replication_group(
            self.source, name)['name'])

    # -- recovery points -----------------------------------------------

    def test_replicate_now_lands_complete_with_the_bytes(self):
        first, second = self.volume(), self.volume(size=2 * MIB)
        name, _ = self.group([first, second])
        started = time.monotonic()
        point = self.driver.replicate_now(self.source, name)
        record = self.driver.wait_for_recovery_point(
            self.target, point, timeout=self.transfer_timeout)
        self.record_timing('replicate now to completed',
                           time.monotonic() - started)
        self.assertEqual(point, record['name'])
        self.assertEqual(name, record['group'])
        self.assertTrue(record['completed'])
        self.assertEqual(1.0, record['progress'])
        self.assertIsInstance(record['created_at'], datetime.datetime)
        self.assertEqual({first, second}, set(record['volumes']))

        copies = {first: self.new_name(self.target),
                  second: self.new_name(self.target)}
        self.assertEqual(copies, self.driver.copy_snapshot_volumes(
            self.target, point, copies))
        for source_volume, copy in copies.items():
            self.assertEqual(self.read_volume(self.source, source_volume),
                             self.read_volume(self.target, copy))
        self.assertEqual(set(), set(copies.values()) - self.volume_names(
            self.target))

    def test_copies_refuse_a_taken_name_unless_told_to_overwrite(self):
        vol = self.volume()
        expected = self.read_volume(self.source, vol)
        name, _ = self.group([vol])
        point = self.replicate(name)['name']
        copy = self.new_name(self.target)
        self.driver.copy_snapshot_volumes(self.target, point, {vol: copy})
        exc = self.raises(errors.ArrayConflict,
                          self.driver.copy_snapshot_volumes, self.target,
                          point, {vol: copy})
        self.assertIn(copy, str(exc))
        self.write_volume(self.target, copy, 0, b'changed on the target')
        self.write_volume(self.source, vol, 0, b'changed on the source')
        self.driver.copy_snapshot_volumes(self.target, point, {vol: copy},
                                          overwrite=True)
        self.assertEqual(expected, self.read_volume(self.target, copy))
        self.raises(errors.ArrayNotFound, self.driver.copy_snapshot_volumes,
                    self.target, point, {'volume-not-in-it': copy})

    def test_transfer_progress_is_honest(self):
        vol = self.volume(data=os.urandom(self.slow_data),
                          size=self.slow_data + MIB)
        name, _ = self.group([vol])
        point = self.driver.replicate_now(self.source, name)
        exc = self.raises(errors.RecoveryPointTimeout,
                          self.driver.wait_for_recovery_point, self.target,
                          point, timeout=0.1)
        self.assertIn(point, str(exc))
        seen, refused = [], False
        deadline = time.monotonic() + self.transfer_timeout
        while time.monotonic() < deadline:
            records = [r for r in self.driver.list_recovery_points(
                self.target, name) if r['name'] == point]
            if records:
                record = records[0]
                seen.append(record)
                if record['completed']:
                    break
                self.assertLess(record['progress'], 1.0)
                self.assertEqual({}, record['volumes'])
                if not refused:
                    self.raises(errors.RecoveryPointIncomplete,
                                self.driver.copy_snapshot_volumes,
                                self.target, point,
                                {vol: self.new_name(self.target)})
                    refused = True
            time.sleep(0.05)
        self.assertTrue(refused, 'never saw the transfer in progress')
        progress = [r['progress'] for r in seen]
        self.assertEqual(sorted(progress), progress)
        self.assertEqual(1.0, progress[-1])
        self.assertEqual({vol}, set(seen[-1]['volumes']))

    def test_replicate_now_with_a_suffix_can_be_repeated(self):
        name, _ = self.group([self.volume()])
        suffix = 's-%s' % self.tag
        point = self.driver.replicate_now(self.source, name, suffix=suffix)
        self.assertTrue(point.endswith('%s.%s' % (name, suffix)))
        self.assertEqual(point, self.driver.replicate_now(
            self.source, name, suffix=suffix))
        self.driver.wait_for_recovery_point(self.target, point,
                                            timeout=self.transfer_timeout)
        self.assertEqual([point], [r['name'] for r in
                                   self.driver.list_recovery_points(
                                       self.target, name)])

    def test_recovery_points_newest_first_and_the_lag(self):
        name, _ = self.group([self.volume()])
        older = self.replicate(name)
        time.sleep(1.1)
        newer = self.replicate(name)
        points = self.driver.list_recovery_points(self.target, name)
        self.assertEqual([newer['name'], older['name']],
                         [p['name'] for p in points])
        self.assertGreater(points[0]['created_at'], points[1]['created_at'])
        status = self.driver.replication_status(self.target, name,
                                                source=self.source)
        self.assertEqual(newer['name'], status['newest_completed'])
        self.assertEqual(newer['created_at'], status['newest_completed_at'])
        self.assertTrue(0 <= status['lag_seconds'] < 600, status)
        self.assertEqual([], status['in_progress'])
        self.assertEqual((True, 3600), (status['replication_enabled'],
                                        status['interval_seconds']))
        self.assertIsNone(self.driver.replication_status(
            self.target, name)['interval_seconds'])

    def test_reverse_replicates_back_for_failback(self):
        vol = self.volume()
        name, _ = self.group([vol])
        point = self.replicate(name)['name']
        on_target = self.new_name(self.target)
        self.driver.copy_snapshot_volumes(self.target, point,
                                          {vol: on_target})
        self.quietly(self.driver.delete_replication_group, self.target,
                     self.source, name, True)

        result = self.driver.reverse(self.target, self.source, name,
                                     [on_target], 3600, 4)
        self.assertTrue(result['stopped'])
        self.assertEqual([on_target], result['group']['volumes'])
        self.assertFalse(self.driver.get_replication_group(
            self.source, name)['replication_enabled'])

        self.write_volume(self.target, on_target, 0, b'written after '
                                                     b'the failover')
        back = self.driver.replicate_now(self.target, name)
        record = self.driver.wait_for_recovery_point(
            self.source, back, timeout=self.transfer_timeout)
        self.assertEqual({on_target}, set(record['volumes']))
        restored = self.new_name(self.source)
        self.driver.copy_snapshot_volumes(self.source, back,
                                          {on_target: restored})
        self.assertEqual(self.read_volume(self.target, on_target),
                         self.read_volume(self.source, restored))

    def test_delete_replication_group_keeps_the_volumes(self):
        vol = self.volume()
        name, _ = self.group([vol])
        self.replicate(name)
        self.driver.delete_replication_group(self.source, self.target,
                                             name, eradicate=True)
        self.raises(errors.ArrayNotFound, self.driver.get_replication_group,
                    self.source, name)
        self.raises(errors.ArrayNotFound, self.driver.list_recovery_points,
                    self.target, name)
        self.driver.delete_replication_group(self.source, self.target,
                                             name, eradicate=True)
        self.assertIn(vol, self.volume_names(self.source))

    def test_delete_volumes_is_idempotent(self):
        vol = self.volume()
        self.assertEqual([vol], self.driver.delete_volumes(self.source,
                                                           [vol]))
        self.assertNotIn(vol, self.volume_names(self.source))
        self.assertEqual([], self.driver.delete_volumes(self.source, [vol],
                                                        eradicate=True))
        self.assertEqual([], self.driver.delete_volumes(
            self.source, ['volume-%s' % uuid.uuid4()]))

    # -- the overview the health watch reads ---------------------------

    def sent(self, group, done=None):
        """The source's overview entry of ``group``.

        ``done``: wait until this snapshot's transfer is completed there
        (the source learns it just after the target).
        """
        def entry():
            found = self.driver.replication_overview(self.source)[
                'groups'].get(group)
            if done is None or (found and
                                found['newest_completed'] == done):
                return found
        return self.wait_for('the source seeing %s sent' % done, entry)

    def test_overview_of_both_arrays_after_a_transfer(self):
        name, described = self.group([self.volume()])
        record = self.replicate(name)
        source_name = described['source_array']
        target_name = described['targets'][0]['name']

        target = self.driver.replication_overview(self.target)
        self.assertEqual({'array', 'name', 'connections', 'groups',
                          'replicas', 'pods', 'protected'}, set(target))
        self.assertEqual((self.target.url, target_name),
                         (target['array'], target['name']))
        self.assertEqual({'role': 'target', 'source_array': source_name,
                          'newest_completed': record['name'],
                          'newest_completed_at': record['created_at'],
                          'in_progress': []}, target['replicas'][name])
        self.assertNotIn(name, target['groups'])

        sent = self.sent(name, done=record['name'])
        self.assertEqual(('source', source_name, []), (
            sent['role'], sent['source_array'], sent['in_progress']))
        self.assertLess(abs((sent['newest_completed_at'] -
                             record['created_at']).total_seconds()), 2)
        source = self.driver.replication_overview(self.source)
        self.assertEqual((self.source.url, source_name),
                         (source['array'], source['name']))
        self.assertNotIn(name, source['replicas'])
        self.assertEqual(described['volumes'], source['protected'][name])
        self.assertNotIn(name, target['protected'])
        [link] = [c for c in source['connections']
                  if c['name'] == target_name]
        self.assertTrue(link['connected'], link)
        self.assertIn('replication', link['types'])
        self.assertTrue(link['status'])

    def test_overview_of_the_source_while_the_target_is_away(self):
        if self.set_reachable is None:
            self.skipTest('the runner cannot take an array off the network')
        name, _ = self.group([self.volume()])
        first = self.replicate(name)
        self.sent(name, done=first['name'])
        self.set_reachable(self.target, False)
        self.addCleanup(self.set_reachable, self.target, True)
        self.raises(errors.ArrayUnavailable,
                    self.driver.replication_overview, self.target)

        point = self.driver.replicate_now(self.source, name)
        sent = self.sent(name)
        # The newest snapshot the target has ages; the new one waits.
        self.assertEqual(first['name'], sent['newest_completed'])
        [waiting] = sent['in_progress']
        self.assertEqual(point, waiting['name'])
        self.assertLess(waiting['progress'], 1.0)
        self.assertGreaterEqual(waiting['created_at'],
                                sent['newest_completed_at'])

        self.set_reachable(self.target, True)
        record = self.driver.wait_for_recovery_point(
            self.target, point, timeout=self.transfer_timeout)
        sent = self.sent(name, done=point)
        self.assertEqual(record['created_at'], self.driver.
                         replication_overview(self.target)['replicas'][
                             name]['newest_completed_at'])
        self.assertEqual([], sent['in_progress'])

    def test_array_volume_names_follow_the_template(self):
        volume_id = str(uuid.uuid4())
        name = self.driver.volume_name_template % {'id': volume_id}
        self.assertIn(volume_id, name)
        self.assertEqual(name, self.driver.array_volume_name(volume_id))
        self.assertEqual('pod-1::' + name, self.driver.array_volume_name(
            volume_id, pod='pod-1'))

    # -- pods ----------------------------------------------------------

    def wait_healthy(self, array, pod):
        deadline = time.monotonic() + self.transfer_timeout
        while True:
            status = self.driver.pod_status(array, pod)
            if status['healthy'] or time.monotonic() > deadline:
                return status
            time.sleep(0.1)

    def test_a_stretched_pod_holds_the_same_bytes_on_both_arrays(self):
        vol = self.volume(data=os.urandom(64 * 1024))
        data = self.read_volume(self.source, vol)
        pod = self.unique('pod')
        result = self.driver.ensure_pod(self.source, self.target, pod,
                                        [vol])
        in_pod = '%s::%s' % (pod, vol)
        self.assertEqual({vol: in_pod}, result['volumes'])
        self.assertEqual(pod, result['status']['name'])
        status = self.wait_healthy(self.target, pod)
        self.assertTrue(status['healthy'], status)
        self.assertEqual(2, len(status['arrays']))

        def healthy_in_the_overview():
            found = self.driver.replication_overview(self.source)[
                'pods'].get(pod)
            return found if found and found['healthy'] else None
        seen = self.wait_for('the pod healthy in the overview',
                             healthy_in_the_overview)
        self.assertEqual(sorted(a['name'] for a in status['arrays']),
                         sorted(a['name'] for a in seen['arrays']))
        self.assertEqual([in_pod], status['volumes'])
        self.assertEqual(data, self.read_volume(self.target, in_pod))
        again = self.driver.ensure_pod(self.source, self.target, pod,
                                       [vol])
        self.assertEqual({vol: in_pod}, again['volumes'])
        self.raises(errors.ArrayConflict, self.driver.demote_pod,
                    self.source, pod)

        status = self.driver.unstretch_pod(self.source, pod)
        self.assertEqual(1, len(status['arrays']))
        self.raises(errors.ArrayNotFound, self.driver.pod_status,
                    self.target, pod)
        self.assertEqual('demoted', self.driver.demote_pod(
            self.source, pod)['promotion_status'])
        self.assertEqual('promoted', self.driver.promote_pod(
            self.source, pod)['promotion_status'])
        self.assertEqual(data, self.read_volume(self.source, in_pod))

    def test_a_clone_of_a_pod_leaves_the_pod_as_it_was(self):
        vol = self.volume(data=os.urandom(64 * 1024))
        pod = self.unique('pod')
        self.driver.ensure_pod(self.source, self.target, pod, [vol])
        self.quietly(self.driver.unstretch_pod, self.source, pod)
        in_pod = '%s::%s' % (pod, vol)
        self.assertTrue(self.wait_healthy(self.target, pod)['healthy'])
        data = self.read_volume(self.target, in_pod)
        clone = self.new_name(self.target)

        self.assertEqual({in_pod: clone}, self.driver.clone_volumes(
            self.target, {in_pod: clone}))

        self.assertEqual(data, self.read_volume(self.target, clone))
        status = self.driver.pod_status(self.target, pod)
        self.assertTrue(status['healthy'], status)
        self.assertEqual([in_pod], status['volumes'])
        self.assertEqual(data, self.read_volume(self.source, in_pod))
        self.raises(errors.ArrayConflict, self.driver.clone_volumes,
                    self.target, {in_pod: clone})
        self.assertEqual({in_pod: clone}, self.driver.clone_volumes(
            self.target, {in_pod: clone}, overwrite=True))
        missing = self.unique('volume')
        exc = self.raises(errors.ArrayNotFound, self.driver.clone_volumes,
                          self.target, {missing: self.new_name(self.target)})
        self.assertIn(missing, str(exc))

    def test_an_unknown_pod_is_a_typed_error(self):
        pod = self.unique('nopod')
        exc = self.raises(errors.ArrayNotFound, self.driver.pod_status,
                          self.source, pod)
        self.assertIn(pod, str(exc))
