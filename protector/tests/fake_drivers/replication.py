"""Asynchronous replication of the fake storage driver: protection
groups, replicated snapshots (recovery points) and copies of them."""

import time

from oslo_utils import timeutils

from protector.common import driver_errors as errors
from protector.drivers.storage import base


class FakeReplicationMixin(object):
    """Needs ``_do`` (see fake.FakeStorageDriver).

    An array object is valid in the request (transaction) that gave it: a
    request that changes another array looks it up in its own world.
    """

    def ensure_replication_group(self, source, target, name, volumes,
                                 interval_seconds, retention):
        target = base.array_ref(target)
        target_name = self._do(target, 'array %s' % target.url, 'log in to',
                               lambda a: a.name)
        keep = base.retention_seconds(interval_seconds, retention)

        def ensure(src):
            tgt = src.world.array_named(target_name)
            src.check_name('Protection group', name)
            group = src.pgroups.get(name)
            if group is None:
                group = src.new_group(name)
            group['destroyed'] = False
            for volume in volumes:
                src.volume(volume, 'add to protection group %s' % name)
            group['volumes'] = list(volumes)
            if tgt.name not in src.connections:
                raise src.error(errors.ArrayConflict, 'array %s' % tgt.name,
                                'add target to protection group %s' % name,
                                'Array %s is not connected.' % tgt.name)
            group['targets'] = [t for t in group['targets']
                                if t['name'] == tgt.name] or [
                {'name': tgt.name, 'allowed': False}]
            remote = '%s:%s' % (src.name, name)
            replica = tgt.pgroups.get(remote)
            if replica is None or replica['destroyed']:
                replica = tgt.new_group(remote, 'target', src.name)
            replica['targets'] = [{'name': tgt.name, 'allowed': True}]
            group['targets'][0]['allowed'] = True
            group.update(interval=int(interval_seconds), retention=keep,
                         replicate_enabled=True)
        self._do(source, 'protection group %s' % name, 'ensure', ensure)
        return self.get_replication_group(source, name)

    def get_replication_group(self, source, name):
        def describe(src):
            group = src.group(name, 'read')
            return {'name': name, 'source_array': src.name,
                    'volumes': list(group['volumes']),
                    'targets': [dict(t) for t in group['targets']],
                    'replication_enabled': group['replicate_enabled'],
                    'interval_seconds': group['interval'],
                    'retention_seconds': group['retention']}
        return self._do(source, 'protection group %s' % name, 'read',
                        describe)

    def add_volumes(self, source, group, volumes):
        def add(src):
            members = src.group(group, 'add volumes to', local=True)
            for volume in volumes:
                src.volume(volume, 'add to protection group %s' % group)
                if volume not in members['volumes']:
                    members['volumes'].append(volume)
        self._do(source, 'protection group %s' % group, 'add volumes to',
                 add)

    def remove_volumes(self, source, group, volumes):
        def remove(src):
            members = src.group(group, 'remove volumes from', local=True)
            members['volumes'] = [v for v in members['volumes']
                                  if v not in volumes]
        self._do(source, 'protection group %s' % group,
                 'remove volumes from', remove)

    def replicate_now(self, source, group, suffix=None):
        def replicate(src):
            members = src.group(group, 'snapshot and replicate', local=True)
            if suffix and '%s.%s' % (group, suffix) in src.pgroup_snapshots:
                return '%s:%s.%s' % (src.name, group, suffix)
            targets = []
            for entry in members['targets']:
                tgt = src.world.array_named(entry['name'])
                if not entry['allowed'] or entry['name'] not in (
                        src.connections):
                    raise src.error(
                        errors.ArrayConflict,
                        'protection group %s' % group,
                        'snapshot and replicate',
                        'Replication of protection group %s to array %s is '
                        'not allowed.' % (group, entry['name']))
                targets.append(tgt)
            snap_name = src.snapshot_group(group,
                                           suffix or src.next_suffix())
            for tgt in targets:
                src.send(snap_name, tgt)
            return '%s:%s' % (src.name, snap_name)
        return self._do(source, 'protection group %s' % group,
                        'snapshot and replicate', replicate)

    def _record(self, tgt, name, snap):
        completed = bool(snap['completed'])
        progress = tgt.progress(snap)
        source_array, _, group = snap['group'].partition(':')
        return {'name': name, 'group': group, 'source_array': source_array,
                'created_at': snap['created'], 'completed': completed,
                'completed_at': snap['completed'], 'progress': progress,
                'data_transferred': int(snap['total'] * progress),
                'volumes': ({v: '%s.%s' % (name, v) for v in snap['volumes']}
                            if completed else {})}

    def list_recovery_points(self, target, group):
        def points(tgt):
            names = [n for n, g in tgt.pgroups.items()
                     if g['kind'] == 'target' and not g['destroyed'] and
                     n.split(':', 1)[1] == group]
            if not names:
                raise tgt.error(errors.ArrayNotFound,
                                'protection group %s' % group,
                                'list the recovery points of',
                                'no array replicates a protection group of '
                                'this name to %s yet' % tgt.url)
            records = [self._record(tgt, n, s)
                       for n, s in tgt.pgroup_snapshots.items()
                       if s['kind'] == 'replica' and s['group'] in names]
            return sorted(records, key=lambda r: r['created_at'],
                          reverse=True)
        return self._do(target, 'protection group %s' % group,
                        'list the recovery points of', points)

    def get_recovery_point(self, target, name):
        def point(tgt):
            snap = tgt.pgroup_snapshots.get(name)
            if snap is None or snap['kind'] != 'replica':
                raise tgt.not_found('Protection group snapshot', name,
                                    'read')
            return self._record(tgt, name, snap)
        return self._do(target, 'recovery point %s' % name, 'read', point)

    def wait_for_recovery_point(self, target, name, timeout=None,
                                progress=None):
        deadline = time.monotonic() + (3600 if timeout is None else timeout)
        while True:
            try:
                record = self.get_recovery_point(target, name)
            except errors.ArrayNotFound:
                record = None
            if record is not None and progress is not None:
                progress(record)
            if record is not None and record['completed']:
                return record
            if time.monotonic() >= deadline:
                raise errors.RecoveryPointTimeout(
                    array=base.array_ref(target).url, resource=name,
                    timeout=timeout,
                    action='wait for the replicated snapshot',
                    detail='%.0f %% transferred' % (record['progress'] * 100)
                    if record else 'the transfer has not started')
            time.sleep(self.poll_interval)

    def copy_snapshot_volumes(self, target, recovery_point, names,
                              overwrite=False):
        record = self.get_recovery_point(target, recovery_point)
        ref = base.array_ref(target)
        if not record['completed']:
            raise errors.RecoveryPointIncomplete(
                array=ref.url, resource=recovery_point,
                action='copy volumes out of it',
                detail='%.0f %% transferred' % (record['progress'] * 100))

        def copy(tgt):
            for source_volume, new_name in names.items():
                snapshot = record['volumes'].get(source_volume)
                if snapshot is None:
                    raise tgt.error(
                        errors.ArrayNotFound, 'volume %s' % source_volume,
                        'copy recovery point %s' % recovery_point,
                        'the recovery point holds %s' % ', '.join(
                            sorted(record['volumes'])))
                tgt.create_volume(new_name, tgt.snapshot_data(snapshot),
                                  overwrite=overwrite)
            return dict(names)
        return self._do(target, 'recovery point %s' % recovery_point,
                        'copy volumes out of', copy)

    def delete_volumes(self, array_ref, names, eradicate=False):
        def delete(found):
            deleted = []
            for name in names:
                if name in found.volumes:
                    found.destroy_volume(name)
                    deleted.append(name)
                if eradicate:
                    found.destroyed.pop(name, None)
            return deleted
        return self._do(array_ref, 'volumes', 'destroy', delete)

    def reverse(self, new_source, new_target, group, volumes,
                interval_seconds, retention):
        def stop(old):
            found = old.pgroups.get(group)
            if found is None or found['destroyed']:
                return False
            found['replicate_enabled'] = False
            return True
        stopped = self._do(new_target, 'protection group %s' % group,
                           'disable replication of', stop)
        described = self.ensure_replication_group(
            new_source, new_target, group, volumes, interval_seconds,
            retention)
        return {'group': described, 'stopped': stopped}

    def delete_replication_group(self, source, target, group,
                                 eradicate=False):
        def destroy(found, names):
            removed = []
            for name in names:
                if name in found.pgroups and not (
                        found.pgroups[name]['destroyed']):
                    found.destroy_group(name)
                    removed.append('%s %s' % (found.url, name))
                if eradicate:
                    found.pgroups.pop(name, None)
            return removed

        removed = []
        if source is not None:
            removed += self._do(source, 'protection group %s' % group,
                                'destroy', destroy, [group])
        if target is not None:
            removed += self._do(
                target, 'protection group %s' % group, 'destroy',
                lambda tgt: destroy(tgt, [
                    n for n, g in tgt.pgroups.items()
                    if g['kind'] == 'target' and
                    n.split(':', 1)[1] == group]))
        return removed

    def replication_status(self, target, group, source=None):
        points = self.list_recovery_points(target, group)
        done = [p for p in points if p['completed']]
        newest = done[0] if done else None
        status = {'group': group,
                  'newest_completed': newest and newest['name'],
                  'newest_completed_at': newest and newest['created_at'],
                  'lag_seconds': newest and max(0.0, (
                      timeutils.utcnow() -
                      newest['created_at']).total_seconds()),
                  'in_progress': [p['name'] for p in points
                                  if not p['completed']],
                  'replication_enabled': None, 'interval_seconds': None}
        if source is not None:
            described = self.get_replication_group(source, group)
            status['replication_enabled'] = described['replication_enabled']
            status['interval_seconds'] = described['interval_seconds']
        return status
