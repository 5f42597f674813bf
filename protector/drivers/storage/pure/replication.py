"""Asynchronous replication with FlashArray protection groups.

A protection group ``<group>`` on the source lists the volumes and the
target array; the target lists it as ``<source array>:<group>`` and must
set ``allowed`` on it before it accepts anything.  A snapshot
``<group>.<suffix>`` sent to the target becomes ``<source
array>:<group>.<suffix>`` there (the recovery point), and the snapshot of
volume V in it ``<source array>:<group>.<suffix>.V``, which can be copied
into a new volume once the transfer is complete.
"""

import time

from oslo_log import log as logging
from oslo_utils import timeutils

from protector.common import driver_errors as errors
from protector.drivers.storage import base

LOG = logging.getLogger(__name__)

# REST 1.x versions these features need.
ASYNC_REST_VERSION = '1.3'


def _time(value):
    if not value:
        return None
    return timeutils.normalize_time(timeutils.parse_isotime(value))


def _completed(snap):
    progress = snap.get('progress')
    if progress is not None:
        return float(progress) >= 1.0
    return bool(snap.get('completed'))


def _has(exc, phrase):
    return phrase in (exc.detail or '').lower()


class AsyncReplicationMixin(object):
    """Protection groups, recovery points and copies (needs ``_conn``)."""

    def _call(self, array, resource, action, method, *args, **kwargs):
        return self._conn.call(array, resource, action, method, *args,
                               **kwargs)

    def _wait(self, what, predicate, timeout, array, resource, action):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise errors.ReplicationNotReady(
                    array=array.url, resource=resource, action=action,
                    detail='%s did not happen within %d s' % (what, timeout))
            time.sleep(self.conf.poll_interval)

    def _read(self, array, resource, method, *args, **kwargs):
        """A read; an object pending eradication does not exist."""
        try:
            return self._call(array, resource, 'read', method, *args,
                              **kwargs)
        except errors.ArrayConflict as exc:
            if not _has(exc, 'has been destroyed'):
                raise
            raise errors.ArrayNotFound(
                array=array.url, resource=resource, action='read',
                detail='%s; it is pending eradication' % exc.detail)

    # -- the group on the source ---------------------------------------

    def _create_group(self, source, name, resource):
        try:
            self._call(source, resource, 'create', 'create_pgroup', name,
                       idempotent=False)
            LOG.info('Array %(array)s: protection group %(group)s created',
                     {'array': source.url, 'group': name})
        except errors.ArrayConflict as exc:
            if _has(exc, 'has been destroyed'):
                self._call(source, resource, 'recover', 'recover_pgroup',
                           name)
            elif not _has(exc, 'already exists'):
                raise

    def ensure_replication_group(self, source, target, name, volumes,
                                 interval_seconds, retention):
        source, target = base.array_ref(source), base.array_ref(target)
        resource = 'protection group %s' % name
        src = self._conn.session(source)
        tgt = self._conn.session(target)
        self._create_group(source, name, resource)
        group = self._call(source, resource, 'read', 'get_pgroup', name)
        self._set_members(source, name, group.get('volumes') or [],
                          volumes)
        targets = [t['name'] for t in group.get('targets') or []]
        others = [t for t in targets if t != tgt.name]
        if others:
            self._call(source, resource, 'remove targets from',
                       'set_pgroup', name, remtargetlist=others)
        if tgt.name not in targets:
            try:
                self._call(source, resource, 'add target %s to' % tgt.name,
                           'set_pgroup', name, addtargetlist=[tgt.name])
            except errors.ArrayConflict as exc:
                if not _has(exc, 'already includes'):
                    raise
        keep = base.retention_seconds(interval_seconds, retention)
        self._call(source, resource, 'set the retention of', 'set_pgroup',
                   name, target_all_for=keep, target_per_day=0,
                   target_days=0, all_for=keep, per_day=0, days=0)
        self._call(source, resource, 'set the replication interval of',
                   'set_pgroup', name,
                   replicate_frequency=int(interval_seconds))
        self._allow(source, target, src, tgt, name)
        self._call(source, resource, 'enable replication of',
                   'set_pgroup', name, replicate_enabled=True)
        return self.get_replication_group(source, name)

    def _set_members(self, source, name, current, wanted):
        add = [v for v in wanted if v not in current]
        remove = [v for v in current if v not in wanted]
        if add:
            self.add_volumes(source, name, add)
        if remove:
            self.remove_volumes(source, name, remove)

    def _allow(self, source, target, src, tgt, name):
        """``allowed`` on the target, and the source knowing it."""
        remote = '%s:%s' % (src.name, name)
        resource = 'protection group %s' % remote

        def listed():
            try:
                return self._call(target, resource, 'read', 'get_pgroup',
                                  remote)
            except errors.ArrayNotFound:
                return None

        self._wait('%s appearing on %s' % (remote, tgt.name), listed,
                   self.conf.propagation_timeout, target, resource,
                   'allow replication of')
        try:
            self._call(target, resource, 'allow replication of',
                       'set_pgroup', remote, allowed=True)
        except errors.ArrayConflict as exc:
            if not _has(exc, 'already allowed'):
                raise

        def allowed():
            group = self._call(source, 'protection group %s' % name,
                               'read', 'get_pgroup', name)
            return any(t['name'] == tgt.name and t.get('allowed')
                       for t in group.get('targets') or [])

        self._wait('%s learning that %s allowed %s' % (src.name, tgt.name,
                                                       name),
                   allowed, self.conf.propagation_timeout, source,
                   'protection group %s' % name, 'allow replication of')

    def get_replication_group(self, source, name):
        source = base.array_ref(source)
        resource = 'protection group %s' % name
        group = self._read(source, resource, 'get_pgroup', name)
        schedule = self._call(source, resource, 'read the schedule of',
                              'get_pgroup', name, schedule=True)
        retention = self._call(source, resource, 'read the retention of',
                               'get_pgroup', name, retention=True)
        return {'name': name,
                'source_array': self._conn.session(source).name,
                'volumes': list(group.get('volumes') or []),
                'targets': [{'name': t['name'],
                             'allowed': bool(t.get('allowed'))}
                            for t in group.get('targets') or []],
                'replication_enabled': bool(
                    schedule.get('replicate_enabled')),
                'interval_seconds': schedule.get('replicate_frequency'),
                'retention_seconds': retention.get('target_all_for')}

    def add_volumes(self, source, group, volumes):
        source = base.array_ref(source)
        if not volumes:
            return
        resource = 'protection group %s' % group
        try:
            # One call for all of them when none is a member yet.
            self._call(source, resource, 'add volumes to', 'set_pgroup',
                       group, addvollist=list(volumes))
            return
        except errors.ArrayConflict as exc:
            if not _has(exc, 'already belongs'):
                raise
        for volume in volumes:
            try:
                self._call(source, 'volume %s' % volume,
                           'add to protection group %s' % group,
                           'add_volume', volume, group)
            except errors.ArrayConflict as exc:
                if not _has(exc, 'already belongs'):
                    raise

    def remove_volumes(self, source, group, volumes):
        source = base.array_ref(source)
        if not volumes:
            return
        resource = 'protection group %s' % group
        try:
            self._call(source, resource, 'remove volumes from',
                       'set_pgroup', group, remvollist=list(volumes))
            return
        except errors.ArrayNotFound as exc:
            if not _has(exc, 'could not be found'):
                raise
        for volume in volumes:
            try:
                self._call(source, 'volume %s' % volume,
                           'remove from protection group %s' % group,
                           'remove_volume', volume, group)
            except errors.ArrayNotFound as exc:
                # Not in the group, or the volume itself is gone: either
                # way it is not protected.
                LOG.debug('%s', exc)

    def replicate_now(self, source, group, suffix=None):
        source = base.array_ref(source)
        src = self._conn.session(source)
        resource = 'protection group %s' % group
        if suffix:
            name = '%s.%s' % (group, suffix)
            snaps = self._call(source, resource, 'list the snapshots of',
                               'get_pgroup', group, snap=True)
            if any(s['name'] == name for s in snaps):
                return '%s:%s' % (src.name, name)
        kwargs = {'replicate_now': True, 'apply_retention': True}
        if suffix:
            kwargs['suffix'] = suffix
        try:
            snap = self._call(source, resource, 'snapshot and replicate',
                              'create_pgroup_snapshot', group,
                              idempotent=bool(suffix), **kwargs)
        except errors.ArrayConflict as exc:
            if not (suffix and _has(exc, 'already exists')):
                raise
            snap = {'name': '%s.%s' % (group, suffix)}
        LOG.info('Array %(array)s: snapshot %(snap)s taken and sent',
                 {'array': source.url, 'snap': snap['name']})
        return '%s:%s' % (src.name, snap['name'])

    def delete_replication_group(self, source, target, group,
                                 eradicate=False):
        removed = []
        if source is not None:
            source = base.array_ref(source)
            resource = 'protection group %s' % group
            try:
                self._call(source, resource, 'disable replication of',
                           'set_pgroup', group, replicate_enabled=False)
                removed.extend(self._destroy_group(source, group,
                                                   eradicate))
            except errors.ArrayNotFound:
                pass
            except errors.ArrayConflict as exc:
                if not _has(exc, 'has been destroyed'):
                    raise
                removed.extend(self._destroy_group(source, group,
                                                   eradicate))
        if target is not None:
            target = base.array_ref(target)
            for remote in self._replica_groups(target, group):
                removed.extend(self._destroy_group(target, remote,
                                                   eradicate))
        return removed

    def _destroy_group(self, array, name, eradicate):
        resource = 'protection group %s' % name
        try:
            self._call(array, resource, 'destroy', 'destroy_pgroup', name)
        except errors.ArrayNotFound:
            return []
        except errors.ArrayConflict as exc:
            if not _has(exc, 'has been destroyed'):
                raise
        if eradicate:
            try:
                self._call(array, resource, 'eradicate', 'eradicate_pgroup',
                           name)
            except errors.ArrayNotFound:
                pass
        LOG.info('Array %(array)s: protection group %(group)s destroyed',
                 {'array': array.url, 'group': name})
        return ['%s %s' % (array.url, name)]

    def reverse(self, new_source, new_target, group, volumes,
                interval_seconds, retention):
        new_source = base.array_ref(new_source)
        new_target = base.array_ref(new_target)
        try:
            self._call(new_target, 'protection group %s' % group,
                       'disable replication of', 'set_pgroup', group,
                       replicate_enabled=False)
            stopped = True
        except errors.ArrayNotFound:
            stopped = False
        except errors.ArrayConflict as exc:
            if not _has(exc, 'has been destroyed'):
                raise
            stopped = False
        described = self.ensure_replication_group(
            new_source, new_target, group, volumes, interval_seconds,
            retention)
        return {'group': described, 'stopped': stopped}

    # -- volumes -------------------------------------------------------

    def delete_volumes(self, array, names, eradicate=False):
        array = base.array_ref(array)
        deleted = []
        for name in names:
            resource = 'volume %s' % name
            try:
                self._call(array, resource, 'destroy', 'destroy_volume',
                           name)
                deleted.append(name)
            except errors.ArrayNotFound:
                continue
            except errors.ArrayConflict as exc:
                if not _has(exc, 'has been destroyed'):
                    raise
            if eradicate:
                try:
                    self._call(array, resource, 'eradicate',
                               'eradicate_volume', name)
                except errors.ArrayNotFound:
                    pass
        return deleted
