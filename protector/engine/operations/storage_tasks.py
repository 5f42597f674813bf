"""Steps on the arrays and on Cinder: the data of the group moves.

Async groups: a replicated snapshot (recovery point) on the target array
is copied into new array volumes, which Cinder manages into the target
project.  Sync groups: the pod is taken over on the target array and its
volumes are managed as they are; a test failover copies the pod's volumes
out of the pod instead, leaving the pod as it is.
"""

import threading

from oslo_config import cfg
from oslo_utils import timeutils

from protector.common import driver_errors as errors
from protector.common import exception
from protector.common import steps
from protector.db import api as db
from protector.engine import group_environment
from protector.engine.operations import base
from protector.engine.operations import names
from protector.engine.operations import outcome
from protector.engine.operations import record
from protector.engine.operations import undo

CONF = cfg.CONF


def _test(env):
    return env.operation.operation_type == steps.TEST_FAILOVER


def _iso(value):
    return value.isoformat() + 'Z' if value else None


class FinalReplicationSync(base.OperationTask):
    """Replicate now and wait until the snapshot is on the target."""

    step = steps.FINAL_SYNC

    def __init__(self, start=20, end=35, **kwargs):
        super().__init__(provides='final_point', **kwargs)
        self.start, self.end = start, end

    def execute(self, operation_id):
        env, recorder = self.begin(operation_id)
        target = env.array(env.target)
        if env.is_sync:
            status = env.storage.pod_status(target, env.replication_group)
            if not status['healthy']:
                raise exception.Conflict(
                    reason='Pod %s is not in sync on both arrays (%s).' % (
                        env.replication_group, ', '.join(
                            '%s %s' % (a['name'], a['status'])
                            for a in status['arrays'])))
            self.done(recorder, self.end)
            return None
        name = env.storage.replicate_now(
            env.array(env.source), env.replication_group,
            suffix=names.snapshot_suffix(operation_id))
        reached = [self.start]

        def progress(point):
            value = int(self.start + (self.end - self.start) *
                        point['progress'])
            if value > reached[0]:
                reached[0] = value
                recorder.progress(value)
            recorder.check_cancelled()
        point = env.storage.wait_for_recovery_point(
            target, name, timeout=CONF.engine.replication_timeout,
            progress=progress)
        self.done(recorder, self.end)
        return point['name']


class IdentifySnapshot(base.OperationTask):
    """The recovery point the operation uses, and its age (the RPO)."""

    step = steps.IDENTIFY_SNAPSHOT

    def __init__(self, progress=None, **kwargs):
        super().__init__(provides='recovery_point', **kwargs)
        self.progress = progress

    def execute(self, operation_id, final_point=None):
        env, recorder = self.begin(operation_id)
        now = timeutils.utcnow()
        if env.is_sync:
            recorder.update(recovery_point={
                'id': 'pod %s' % env.replication_group,
                'created_at': _iso(now), 'age_seconds': 0.0})
            self.done(recorder, self.progress)
            return {'name': None}
        target = env.array(env.target)
        chosen = final_point or env.parameters.get('recovery_point')
        if chosen:
            point = env.storage.get_recovery_point(target, chosen)
        else:
            completed = [p for p in env.storage.list_recovery_points(
                target, env.replication_group) if p['completed']]
            if not completed:
                raise exception.Conflict(
                    reason="No fully replicated snapshot of protection "
                           "group '%s' is on the array of site %s."
                           % (env.group.name, env.target.name))
            point = completed[0]
        if not point['completed']:
            raise exception.Conflict(
                reason='Recovery point %s is not complete on site %s.'
                       % (point['name'], env.target.name))
        age = max(0.0, (now - point['created_at']).total_seconds())
        recorder.update(recovery_point={
            'id': point['name'], 'created_at': _iso(point['created_at']),
            'age_seconds': round(age, 1)})
        last = env.group.last_replication_at
        if last is None or point['created_at'] > last:
            db.group_update(env.context, env.group.id,
                            {'last_replication_at': point['created_at']},
                            bump=False)
        self.done(recorder, self.progress)
        return {'name': point['name'],
                'created_at': _iso(point['created_at'])}


class CreateVolumes(base.OperationTask):
    """Volumes on the target array that Cinder can manage."""

    def __init__(self, target_name, **kwargs):
        super().__init__(step=steps.CREATE_VOLUMES % target_name.replace(
            '-', '_'), provides='references', **kwargs)

    def execute(self, operation_id, members, recovery_point):
        env, recorder = self.begin(operation_id)
        target = env.array(env.target)
        volume_ids = [v['volume_id'] for m in members.values()
                      for v in m['spec'].get('volumes') or []]
        copies = {env.array_name(v): names.array_copy(
            operation_id, env.array_name(v)) for v in volume_ids}
        if env.is_sync and _test(env):
            # A drill: copies of what the pod holds now.
            env.storage.clone_volumes(target, copies, overwrite=True)
            references = {v: copies[env.array_name(v)] for v in volume_ids}
        elif env.is_sync:
            # Take the pod over: the target keeps it, alone and writable.
            unplanned = env.operation.failover_type == steps.UNPLANNED
            env.storage.unstretch_pod(target, env.replication_group,
                                      force=unplanned)
            env.storage.promote_pod(target, env.replication_group)
            references = {v: env.array_name(v) for v in volume_ids}
        else:
            # Nothing has used the copies yet: copying again is harmless.
            env.storage.copy_snapshot_volumes(
                target, recovery_point['name'], copies, overwrite=True)
            references = {v: copies[env.array_name(v)] for v in volume_ids}
        self.done(recorder, steps.PROGRESS[steps.CREATE_VOLUMES])
        return references

    def revert(self, operation_id, members, *args, **kwargs):
        env = group_environment.Environment.of(operation_id)
        if env.is_sync and not _test(env):
            volumes = [env.array_name(v['volume_id'])
                       for m in members.values()
                       for v in m['spec'].get('volumes') or []]
            env.storage.ensure_pod(env.array(env.target),
                                   env.array(env.source),
                                   env.replication_group, volumes)
            return
        env.storage.delete_volumes(env.array(env.target),
                                   undo.array_copies(env, operation_id,
                                                     members))


class ManageTargetVolumes(base.OperationTask):
    """Cinder adopts the new array volumes in the target project."""

    step = steps.MANAGE_VOLUMES

    def __init__(self, **kwargs):
        super().__init__(provides='target_volumes', **kwargs)

    def execute(self, operation_id, members, references):
        env, recorder = self.begin(operation_id)
        site = env.target
        cloud, project = env.cloud(site), env.project(site)
        volume_type = env.volume_type(site)
        jobs = [(m, v) for m in members.values()
                for v in m['spec'].get('volumes') or []]
        managed = {m: [] for m in members}
        lock = threading.Lock()
        start = steps.PROGRESS[steps.CREATE_VOLUMES]
        span = steps.PROGRESS[steps.MANAGE_VOLUMES] - start

        def manage(job):
            member, volume = job
            recorder.check_cancelled()
            name = names.volume(operation_id, volume, member['server_name'])
            found = cloud.list_volumes(project, name=name)
            if found:
                adopted = cloud.wait_for_volume(
                    project, found[0]['id'], 'available',
                    CONF.engine.volume_timeout)
            else:
                adopted = cloud.manage_volume(
                    project, references[volume['volume_id']], volume_type,
                    name=name, bootable=bool(volume.get('bootable') or
                                             volume.get('boot_index') == 0),
                    timeout=CONF.engine.volume_timeout)
            with lock:
                managed[member['member_id']].append({
                    'volume_id': adopted['id'],
                    'source_volume_id': volume['volume_id'],
                    'boot_index': volume.get('boot_index'),
                    'device': volume.get('device')})
                done = sum(len(v) for v in managed.values())
            recorder.progress(start + span * done // max(1, len(jobs)))
        failures = base.each(manage, jobs)
        for member_id, volumes in managed.items():
            recorder.member(member_id, target_volume_ids=[
                v['volume_id'] for v in volumes])
        base.raise_first(failures)
        group = env.cinder_group(site)
        if group and not _test(env):
            cloud.add_volumes_to_group(project, group, [
                v['volume_id'] for vs in managed.values() for v in vs])
        self.done(recorder)
        return managed

    def revert(self, operation_id, members, *args, **kwargs):
        env = group_environment.Environment.of(operation_id)
        recorder = record.Recorder(env.context, operation_id)
        undo.remove_volumes(env, operation_id, members, recorder.members(),
                            test=_test(env))


class ReverseReplication(base.OperationTask):
    """Replicate from the new primary back to the old one.

    Never fails the operation: the failover is done; a failure is recorded
    with what to run once the old primary's array answers.
    """

    step = steps.REVERSE

    def execute(self, operation_id):
        env, recorder = self.begin(operation_id)
        volume_ids = [v for r in recorder.members().values()
                      for v in r.get('target_volume_ids') or []]
        names_on_target = [env.array_name(v) for v in volume_ids]
        try:
            if env.is_sync:
                env.storage.ensure_pod(env.array(env.target),
                                       env.array(env.source),
                                       env.replication_group,
                                       names_on_target)
            else:
                interval, retention = env.replication_settings()
                env.storage.reverse(env.array(env.target),
                                    env.array(env.source),
                                    env.replication_group, names_on_target,
                                    interval, retention)
        except errors.DriverError as exc:
            recorder.step_failed(self.step, (
                "Replication from site %s back to site %s is not set up "
                "(%s); until it is, the group has no copy on site %s. "
                "When that site's array answers, run '%s'."
                % (env.target.name, env.source.name, exc, env.source.name,
                   outcome.cleanup_command(env.context, operation_id))))
            return
        self.done(recorder)
