"""Steps that remove what is no longer needed.

After a failover or failback: the old servers, ports and volumes on the
site the workload left.  After a test failover (test cleanup, cancel):
everything the test made on the target.  After a failed operation whose
revert failed (``operation cleanup``): what it made on the target.
"""

from oslo_config import cfg

from protector.db import api as db
from protector.engine.operations import base
from protector.engine.operations import environment
from protector.engine.operations import record
from protector.engine.operations import steps
from protector.engine.operations import undo
from protector.engine import sync

CONF = cfg.CONF


class CleanupSourceResources(base.OperationTask):
    """Delete the servers, ports and volumes left on the source site.

    A failure is recorded and never undoes the failover.  After an
    unplanned failover the source may hold writes newer than the recovery
    point, so its cleanup waits for the operator (``defer``).
    """

    step = steps.CLEANUP_SOURCE

    def __init__(self, defer=True, **kwargs):
        super().__init__(**kwargs)
        self.defer = defer

    def execute(self, operation_id, members):
        env, recorder = self.begin(operation_id)
        if self.defer and env.operation.failover_type == steps.UNPLANNED:
            recorder.step_failed(self.step, (
                "%sthe servers and volumes on site %s may hold writes newer "
                "than the recovery point used. When site %s is back and "
                "you no longer need them, run 'openstack protector "
                "operation cleanup %s'."
                % (steps.DEFERRED, env.source.name, env.source.name,
                   operation_id)))
            return
        cloud, project = env.cloud(env.source), env.project(env.source)
        cinder_group = env.cinder_group(env.source)

        def clean(member):
            spec = member['spec']
            server_id = member['server_id']
            cloud.delete_server(project, server_id)
            cloud.wait_for_server(project, server_id, 'DELETED',
                                  CONF.engine.server_delete_timeout)
            undo.delete_ports(cloud, project, [
                p['port_id'] for p in spec.get('ports') or []
                if p.get('port_id')], floating_ips=False)
            volume_ids = [v['volume_id'] for v in spec.get('volumes') or []]
            if cinder_group and volume_ids:
                cloud.remove_volumes_from_group(project, cinder_group,
                                                volume_ids)
            for volume_id in volume_ids:
                if CONF.engine.source_volume_release == 'unmanage':
                    cloud.unmanage_volume(project, volume_id)
                else:
                    cloud.delete_volume(project, volume_id)
                    cloud.wait_for_volume(project, volume_id, 'DELETED',
                                          CONF.engine.volume_timeout)
            recorder.member(member['member_id'], source_cleaned=True)

        listed = list(members.values())
        failures = base.each(clean, listed)
        if failures:
            recorder.step_failed(self.step, (
                "%s. Nothing was undone: the workload runs on site %s. Fix "
                "the cause, then run 'openstack protector operation cleanup "
                "%s'." % ('; '.join('server %s: %s' % (
                    listed[i]['server_name'], failures[i])
                    for i in sorted(failures)), env.target.name,
                    operation_id)))
            return
        self.done(recorder)


class _TestCleanupTask(base.OperationTask):
    """A step of removing a test failover (``test_operation_id``)."""

    def execute(self, operation_id, members, test_operation_id):
        env, recorder = self.begin(operation_id)
        test_env = environment.Environment.of(test_operation_id,
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
        undo.remove_volumes(env, test_id, members, results, in_group=False)


class DeleteIsolatedNetworks(_TestCleanupTask):
    step = steps.DELETE_ISOLATED_NETWORKS

    @staticmethod
    def remove(env, test_id, members, results):
        undo.remove_isolated_networks(env, test_id, members)
        undo.remove_server_groups(env, test_id, members)


class RollbackTarget(base.OperationTask):
    """Undo a failed operation whose own revert did not finish.

    What it made on the target goes, the source servers it stopped start
    again, and the group goes back to where it was.
    """

    step = 'rollback'

    def execute(self, operation_id, members):
        env = environment.Environment.of(operation_id)
        recorder = record.Recorder(env.context, operation_id)
        results = recorder.members()
        test = env.operation.operation_type == steps.TEST_FAILOVER
        undo.remove_servers(env, operation_id, members, results)
        undo.remove_volumes(env, operation_id, members, results,
                            in_group=not test)
        if test:
            undo.remove_isolated_networks(env, operation_id, members)
            undo.remove_server_groups(env, operation_id, members)
        elif env.operation.failover_type != steps.UNPLANNED:
            undo.restart_source_servers(env, results)
        previous = env.parameters.get('previous_status', 'active')
        db.group_update(env.context, env.group.id, {'status': previous})
        if env.operation.failover_type != steps.UNPLANNED:
            sync.push(env.context, env.group.id)
        recorder.step_done(self.step, 100)
