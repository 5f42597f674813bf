"""The taskflow flows of each operation.

``build`` is the flow factory taskflow saves by name with its arguments,
so that a restarted engine rebuilds exactly the flow it was running and
continues it from its saved state.  Flow shapes (linear unless said):

failover, failback (planned):
    validate_sites, create_dr_record, shutdown_source_instances,
    final_replication_sync, identify_snapshot, create_volumes_<target>,
    manage_target_volumes, [rank 0: unordered(recreate_instance:<member>
    ...), recreate_instances_rank_0], [rank 1 ...], verify_instances,
    update_protection_group, reverse_replication, sync_metadata,
    cleanup_source_resources
failover (unplanned):
    the same without shutdown_source_instances and final_replication_sync;
    cleanup_source_resources is deferred to ``operation cleanup``
test_failover:
    validate_sites, create_dr_record, [isolate_networks], identify_snapshot,
    create_volumes_<target>, manage_target_volumes, ranks, verify_instances
failover, failback and test_failover whose plan puts ports on subnets it
    names (and are not isolated): prepare_target_subnets after
    create_dr_record
test_cleanup:
    validate_sites, create_dr_record, delete_test_instances,
    delete_test_volumes, delete_isolated_networks, update_protection_group
sync:
    validate_sites, final_replication_sync, identify_snapshot

``stage`` ``finish`` re-runs the steps of a failover or failback that
failed after its point of no return; ``rollback`` removes what a failed
operation left when its own revert failed.

A failure before ``update_protection_group`` reverts every done step in
reverse order (servers deleted, volumes and copies removed, source
servers started, group status restored); the steps after it never fail
the operation.
"""

from taskflow.patterns import linear_flow
from taskflow.patterns import unordered_flow

from protector.common import steps
from protector.engine.operations import cleanup_tasks
from protector.engine.operations import group_tasks
from protector.engine.operations import network_tasks
from protector.engine.operations import outcome
from protector.engine.operations import server_tasks
from protector.engine.operations import storage_tasks

MAIN = 'main'
FINISH = 'finish'
ROLLBACK = outcome.ROLLBACK_STAGE


def _ranks(ranks):
    flows = []
    for rank, member_ids in ranks:
        servers = unordered_flow.Flow('rank-%d-servers' % rank)
        servers.add(*[server_tasks.RecreateServer(m) for m in member_ids])
        flows.append(linear_flow.Flow('rank-%d' % rank).add(
            servers, server_tasks.RankDone(rank)))
    return flows


def _recovery(kind, ranks, target_name, planned, final_sync, isolated,
              target_subnets):
    flow = linear_flow.Flow(kind).add(group_tasks.ValidateSites(),
                                      group_tasks.CreateDrRecord())
    moving = kind in (steps.FAILOVER, steps.FAILBACK)
    if isolated:
        flow.add(network_tasks.IsolateNetworks())
    elif target_subnets:
        flow.add(network_tasks.PrepareTargetSubnets())
    if moving and planned:
        flow.add(server_tasks.ShutdownSourceInstances())
        if final_sync:
            flow.add(storage_tasks.FinalReplicationSync())
    flow.add(storage_tasks.IdentifySnapshot(),
             storage_tasks.CreateVolumes(target_name),
             storage_tasks.ManageTargetVolumes())
    flow.add(*_ranks(ranks))
    flow.add(server_tasks.VerifyInstances())
    if moving:
        flow.add(group_tasks.UpdateProtectionGroup(),
                 storage_tasks.ReverseReplication(),
                 group_tasks.SyncMetadata(),
                 cleanup_tasks.CleanupSourceResources())
    return flow


def build(kind, ranks, target_name, planned=True, final_sync=True,
          isolated=False, stage=MAIN, redo=(), target_subnets=False):
    """The flow of an operation (taskflow flow factory)."""
    if stage == FINISH:
        flow = linear_flow.Flow('%s-finish' % kind)
        if steps.REVERSE in redo:
            flow.add(storage_tasks.ReverseReplication())
        if steps.CLEANUP_SOURCE in redo:
            flow.add(cleanup_tasks.CleanupSourceResources(defer=False))
        return flow.add(group_tasks.SyncMetadata())
    if stage == ROLLBACK:
        return linear_flow.Flow('%s-rollback' % kind).add(
            cleanup_tasks.RollbackTarget())
    if kind == steps.SYNC:
        return linear_flow.Flow(kind).add(
            group_tasks.ValidateSites(),
            storage_tasks.FinalReplicationSync(start=10, end=90),
            storage_tasks.IdentifySnapshot(progress=95))
    if kind == steps.TEST_CLEANUP:
        return linear_flow.Flow(kind).add(
            group_tasks.ValidateSites(), group_tasks.CreateDrRecord(),
            cleanup_tasks.DeleteTestInstances(),
            cleanup_tasks.DeleteTestVolumes(),
            cleanup_tasks.DeleteIsolatedNetworks(),
            group_tasks.UpdateProtectionGroup())
    return _recovery(kind, ranks, target_name, planned, final_sync, isolated,
                     target_subnets)
