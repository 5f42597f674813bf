"""Steps that remove what is no longer needed.

After a failover or failback: the old servers, ports and volumes on the
site the workload left.  After a test failover (test cleanup, cancel):
everything the test made on the target.  After a failed operation whose
revert failed (``operation cleanup``): what it made on the target.
"""

from oslo_config import cfg

from protector.common import driver_errors as errors
from protector.common import group_states
from protector.common import steps
from protector.db import api as db
from protector.engine import group_environment
from protector.engine.operations import base
from protector.engine.operations import outcome
from protector.engine.operations import record
from protector.engine.operations import target_subnets
from protector.engine.operations import undo
from protector.engine import sync

CONF = cfg.CONF


class CleanupSourceResources(base.OperationTask):
    """Delete the servers, ports and volumes left on the source site.

    A failure is recorded and never undoes the failover.  After an
    unplanned failover, or one from a recovery point the operator chose,
    the source may hold writes newer than the point used, so its cleanup
    waits for the operator (``defer``).  A member whose server did not
    come up on the target keeps its source server and volumes: they are
    its only complete copy.
    """

    step = steps.CLEANUP_SOURCE

    def __init__(self, defer=True, **kwargs):
        super().__init__(**kwargs)
        self.defer = defer

    def execute(self, operation_id, members):
        env, recorder = self.begin(operation_id)
        older_point = (env.operation.failover_type == steps.UNPLANNED or
                       env.parameters.get('recovery_point'))
        if self.defer and older_point:
            recorder.step_failed(self.step, (
                "%sthe servers and volumes on site %s may hold writes newer "
                "than the recovery point used. When site %s is back and "
                "you no longer need them, run '%s'."
                % (steps.DEFERRED, env.source.name, env.source.name,
                   outcome.cleanup_command(env.context, operation_id))))
            return
        cloud, project = env.cloud(env.source), env.project(env.source)
        cinder_group = env.cinder_group(env.source)
        results = recorder.members()
        listed = [m for m in members.values()
                  if results.get(m['member_id'], {}).get('status') == 'active']
        kept = [m['server_name'] for m in members.values() if m not in listed]

        def remove_server(member):
            spec = member['spec']
            server_id = member['server_id']
            cloud.delete_server(project, server_id)
            cloud.wait_for_server(project, server_id, 'DELETED',
                                  CONF.engine.server_delete_timeout)
            undo.delete_ports(cloud, project, [
                p['port_id'] for p in spec.get('ports') or []
                if p.get('port_id')], floating_ips=False)

        def release_volumes(member):
            for volume in member['spec'].get('volumes') or []:
                volume_id = volume['volume_id']
                if CONF.engine.source_volume_release == 'unmanage':
                    cloud.unmanage_volume(project, volume_id)
                else:
                    cloud.delete_volume(project, volume_id)
                    cloud.wait_for_volume(project, volume_id, 'DELETED',
                                          CONF.engine.volume_timeout)
            recorder.member(member['member_id'], source_cleaned=True)

        failures = base.each(remove_server, listed)
        detached = [m for i, m in enumerate(listed) if i not in failures]
        volume_ids = [v['volume_id'] for m in detached
                      for v in m['spec'].get('volumes') or []]
        if cinder_group and volume_ids:
            # One change of the Cinder group for every member at once.
            try:
                cloud.remove_volumes_from_group(project, cinder_group,
                                                volume_ids)
            except errors.DriverError as exc:
                failures.update({listed.index(m): exc for m in detached})
                detached = []
        released = base.each(release_volumes, detached)
        failures.update({listed.index(detached[i]): exc
                         for i, exc in released.items()})
        if kept:
            recorder.step_failed(self.step, (
                "Server(s) %s did not come up on site %s: their servers and "
                "volumes on site %s are kept, stopped, as their only "
                "complete copy. Start them there, or recover them by hand "
                "on site %s." % (', '.join(sorted(kept)), env.target.name,
                                 env.source.name, env.target.name)))
        if failures:
            recorder.step_failed(self.step, (
                "%s. Nothing was undone: the workload runs on site %s. Fix "
                "the cause, then run '%s'." % ('; '.join('server %s: %s' % (
                    listed[i]['server_name'], failures[i])
                    for i in sorted(failures)), env.target.name,
                    outcome.cleanup_command(env.context, operation_id))))
            return
        if not kept:
            self.done(recorder)


class _TestCleanupTask(base.OperationTask):
    """A step of removing a test failover (``test_operation_id``)."""

    def execute(self, operation_id, members, test_operation_id):
        env, recorder = self.begin(operation_id)
        test_env = group_environment.Environment.of(test_operation_id,
                                                    env.context)
        results = record.Recorder(env.context, test_operation_id).members()
        self.remove(test_env, test_operation_id, members, results)
        self.done(recorder)


class DeleteTestInstances(_TestCleanupTask):
    step = steps.DELETE_TEST_INSTANCES

    @staticmethod
    def remove(env, test_id, members, results):
        undo.remove_servers(env, test_id, members, results)


class DeleteTestVolumes(_TestCleanupTask):
    step = steps.DELETE_TEST_VOLUMES

    @staticmethod
    def remove(env, test_id, members, results):
        undo.remove_volumes(env, test_id, members, results, test=True)


class DeleteIsolatedNetworks(_TestCleanupTask):
    """The test's isolated networks, subnets it made, server groups."""

    step = steps.DELETE_ISOLATED_NETWORKS

    @staticmethod
    def remove(env, test_id, members, results):
        undo.remove_isolated_networks(env, test_id)
        target_subnets.remove(env, test_id)
        undo.remove_server_groups(env, test_id, members)


class RollbackTarget(base.OperationTask):
    """Undo a failed operation whose own revert did not finish.

    What it made on the target goes, the source servers it stopped start
    again, and the group goes back to where it was.
    """

    step = 'rollback'

    def execute(self, operation_id, members):
        env = group_environment.Environment.of(operation_id)
        recorder = record.Recorder(env.context, operation_id)
        results = recorder.members()
        test = env.operation.operation_type == steps.TEST_FAILOVER
        undo.remove_servers(env, operation_id, members, results)
        undo.remove_volumes(env, operation_id, members, results, test=test)
        target_subnets.remove(env, operation_id)
        if test:
            undo.remove_isolated_networks(env, operation_id)
            undo.remove_server_groups(env, operation_id, members)
        elif env.operation.failover_type != steps.UNPLANNED:
            undo.restart_source_servers(env, results)
        previous = env.parameters.get('previous_status',
                                      group_states.ACTIVE)
        db.group_update(env.context, env.group.id, {'status': previous})
        if env.operation.failover_type != steps.UNPLANNED:
            sync.push(env.context, env.group.id)
        recorder.step_done(self.step, 100)
