"""Recovery points: replicated protection group snapshots on the target,
their transfer, copies of them into volumes, and the replication lag."""

import datetime
import time

from oslo_log import log as logging
from oslo_utils import timeutils

from protector.common import driver_errors as errors
from protector.drivers.storage import base
from protector.drivers.storage.pure import replication

LOG = logging.getLogger(__name__)


def _group_of(name):
    """``source:group`` of recovery point ``source:group.suffix``."""
    return name.rsplit('.', 1)[0]


class RecoveryPointMixin(object):
    """Reading and using recovery points (needs ``_call``, ``_conn``)."""

    def _replica_groups(self, target, group):
        """Names ``<source array>:<group>`` of ``group`` on ``target``."""
        groups = self._call(target, 'protection groups', 'list',
                            'list_pgroups')
        return [g['name'] for g in groups
                if ':' in g['name'] and '::' not in g['name'] and
                g['name'].split(':', 1)[1] == group]

    def _replica_group(self, target, group):
        names = self._replica_groups(target, group)
        if len(names) == 1:
            return names[0]
        if not names:
            raise errors.ArrayNotFound(
                array=target.url, resource='protection group %s' % group,
                action='list the recovery points of',
                detail='no array replicates a protection group of this '
                       'name to %s yet' % target.url)
        raise errors.ArrayConflict(
            array=target.url, resource='protection group %s' % group,
            action='list the recovery points of',
            detail='several arrays replicate it here: %s' % ', '.join(
                names))

    def _snapshot_volumes(self, target, name):
        """``{source volume: volume snapshot}`` of recovery point name."""
        resource = 'recovery point %s' % name
        prefix = name + '.'
        try:
            snaps = self._call(target, resource, 'list the volumes of',
                               'get_volume', name, snap=True, pgroup=True)
        except (errors.ArrayNotFound, errors.ArrayBadRequest):
            # Not every REST 1.x version lists a group snapshot's volumes
            # this way (Cinder pins 1.3 for it); all of them list every
            # volume snapshot.
            snaps = self._call(target, resource, 'list the volumes of',
                               'list_volumes', snap=True)
        return {s['name'][len(prefix):]: s['name'] for s in snaps
                if s['name'].startswith(prefix)}

    def _record(self, target, snap, volumes=True):
        name = snap['name']
        source_group = snap.get('source') or _group_of(name)
        completed = replication._completed(snap)
        progress = snap.get('progress')
        progress = 1.0 if completed else min(float(progress or 0.0), 0.999)
        return {'name': name,
                'group': source_group.split(':', 1)[-1],
                'source_array': source_group.split(':', 1)[0],
                'created_at': replication._time(snap.get('created')),
                'completed': completed,
                'completed_at': replication._time(snap.get('completed')),
                'progress': progress,
                'data_transferred': snap.get('data_transferred'),
                'volumes': (self._snapshot_volumes(target, name)
                            if volumes and completed else {})}

    def _recovery_points(self, target, group, volumes=True):
        remote = self._replica_group(target, group)
        snaps = self._call(target, 'protection group %s' % remote,
                           'list the recovery points of', 'get_pgroup',
                           remote, snap=True, transfer=True)
        records = [self._record(target, s, volumes) for s in snaps]
        records.sort(key=lambda r: r['created_at'] or datetime.datetime.min,
                     reverse=True)
        return records

    def list_recovery_points(self, target, group):
        return self._recovery_points(base.array_ref(target), group)

    def get_recovery_point(self, target, name):
        target = base.array_ref(target)
        remote = _group_of(name)
        snaps = self._call(target, 'recovery point %s' % name, 'read',
                           'get_pgroup', remote, snap=True, transfer=True)
        for snap in snaps:
            if snap['name'] == name:
                return self._record(target, snap)
        raise errors.ArrayNotFound(
            array=target.url, resource='recovery point %s' % name,
            action='read', detail='%s has no snapshot of this name' %
            remote)

    def wait_for_recovery_point(self, target, name, timeout=None,
                                progress=None):
        target = base.array_ref(target)
        timeout = self.conf.transfer_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        record = None
        while True:
            try:
                record = self.get_recovery_point(target, name)
            except errors.ArrayNotFound:
                # The target lists it once the transfer starts.
                record = None
            if record is not None:
                if progress is not None:
                    progress(record)
                if record['completed']:
                    return record
            if time.monotonic() >= deadline:
                seen = ('%.0f %% transferred' % (record['progress'] * 100)
                        if record else 'the transfer has not started')
                raise errors.RecoveryPointTimeout(
                    array=target.url, resource=name, timeout=timeout,
                    action='wait for the replicated snapshot',
                    detail=seen)
            time.sleep(min(self.conf.poll_interval,
                           max(0.0, deadline - time.monotonic())) or 0.01)

    def copy_snapshot_volumes(self, target, recovery_point, names,
                              overwrite=False):
        target = base.array_ref(target)
        record = self.get_recovery_point(target, recovery_point)
        if not record['completed']:
            raise errors.RecoveryPointIncomplete(
                array=target.url, resource=recovery_point,
                action='copy volumes out of it',
                detail='%.0f %% transferred' % (record['progress'] * 100))
        copies = {}
        for source_volume, new_name in names.items():
            snapshot = record['volumes'].get(source_volume)
            if snapshot is None:
                raise errors.ArrayNotFound(
                    array=target.url,
                    resource='volume %s' % source_volume,
                    action='copy recovery point %s' % recovery_point,
                    detail='the recovery point holds %s' % (
                        ', '.join(sorted(record['volumes'])) or
                        'no volumes'))
            self._call(target, 'volume %s' % new_name,
                       'copy %s into' % snapshot, 'copy_volume', snapshot,
                       new_name, overwrite=bool(overwrite),
                       idempotent=bool(overwrite))
            copies[source_volume] = new_name
        LOG.info('Array %(array)s: %(count)d volume(s) copied from '
                 '%(point)s', {'array': target.url, 'count': len(copies),
                               'point': recovery_point})
        return copies

    def replication_status(self, target, group, source=None):
        target = base.array_ref(target)
        points = self._recovery_points(target, group, volumes=False)
        done = [p for p in points if p['completed']]
        newest = done[0] if done else None
        lag = None
        if newest and newest['created_at']:
            lag = max(0.0, (timeutils.utcnow() -
                            newest['created_at']).total_seconds())
        status = {'group': group,
                  'newest_completed': newest and newest['name'],
                  'newest_completed_at': newest and newest['created_at'],
                  'lag_seconds': lag,
                  'in_progress': [p['name'] for p in points
                                  if not p['completed']],
                  'replication_enabled': None, 'interval_seconds': None}
        if source is not None:
            described = self.get_replication_group(source, group)
            status['replication_enabled'] = described['replication_enabled']
            status['interval_seconds'] = described['interval_seconds']
        return status
