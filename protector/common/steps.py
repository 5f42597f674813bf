"""The steps of every operation, their phase and progress.

Progress is the percentage an operation has reached when the step is
done.  The four phases of seed 004: preparation 0-20, storage 20-60,
instance recreation 60-90, finalization 90-100.  Steps recorded in
``steps_completed`` (in this order when they all run):

========================================  =====  ==========================
step                                      done   what it does
========================================  =====  ==========================
validate_sites                            5      target (and source) cloud
                                                 and array answer
create_dr_record                          10     group -> failing_over,
                                                 failing_back, testing or
                                                 cleaning (pushed to peer)
isolate_networks (test, isolated)         15     isolated copies of the
                                                 mapped networks
prepare_target_subnets (plan subnets)     15     the target's subnets of
                                                 the plan's, made where
                                                 missing
shutdown_source_instances (planned)       20     stop source servers
final_replication_sync (planned, sync)    35     replicate now, wait until
                                                 the snapshot landed
identify_snapshot                         40     recovery point used, RPO
create_volumes_<target site>              50     array volumes from it
manage_target_volumes                     60     Cinder manage on target
recreate_instances_rank_<N>               60-88  servers of rank N, boot
                                                 conditions met
verify_instances                          90     every server ACTIVE, RTO
update_protection_group                   93     primary site swapped,
                                                 member specs re-captured
reverse_replication                       96     replicate the other way
sync_metadata                             98     push to the peer site
cleanup_source_resources                  100    old servers, ports and
                                                 volumes removed
delete_test_instances (test cleanup)      40
delete_test_volumes (test cleanup)        80
delete_isolated_networks (test cleanup)   90     and the subnets the
                                                 test made
========================================  =====  ==========================

The kinds and statuses of operations are here too.  protector-api reads
them (it filters and shows operations), so this module is in
``protector.common`` and imports nothing.
"""

VALIDATE_SITES = 'validate_sites'
CREATE_DR_RECORD = 'create_dr_record'
ISOLATE_NETWORKS = 'isolate_networks'
TARGET_SUBNETS = 'prepare_target_subnets'
SHUTDOWN_SOURCE = 'shutdown_source_instances'
FINAL_SYNC = 'final_replication_sync'
IDENTIFY_SNAPSHOT = 'identify_snapshot'
CREATE_VOLUMES = 'create_volumes_%s'
MANAGE_VOLUMES = 'manage_target_volumes'
RECREATE_RANK = 'recreate_instances_rank_%d'
VERIFY = 'verify_instances'
UPDATE_GROUP = 'update_protection_group'
REVERSE = 'reverse_replication'
SYNC_METADATA = 'sync_metadata'
CLEANUP_SOURCE = 'cleanup_source_resources'
DELETE_TEST_INSTANCES = 'delete_test_instances'
DELETE_TEST_VOLUMES = 'delete_test_volumes'
DELETE_ISOLATED_NETWORKS = 'delete_isolated_networks'
BOOT_CONDITION = 'boot_condition_%s'

PROGRESS = {
    VALIDATE_SITES: 5, CREATE_DR_RECORD: 10, ISOLATE_NETWORKS: 15,
    TARGET_SUBNETS: 15,
    SHUTDOWN_SOURCE: 20, FINAL_SYNC: 35, IDENTIFY_SNAPSHOT: 40,
    CREATE_VOLUMES: 50, MANAGE_VOLUMES: 60, VERIFY: 90,
    UPDATE_GROUP: 93, REVERSE: 96, SYNC_METADATA: 98, CLEANUP_SOURCE: 100,
    DELETE_TEST_INSTANCES: 40, DELETE_TEST_VOLUMES: 80,
    DELETE_ISOLATED_NETWORKS: 90,
}
# Instance recreation moves progress from here to there as servers come up.
RECREATE_START = 60
RECREATE_END = 88

# Operation types and statuses.
FAILOVER = 'failover'
FAILBACK = 'failback'
TEST_FAILOVER = 'test_failover'
TEST_CLEANUP = 'test_cleanup'
SYNC = 'sync'
TYPES = (FAILOVER, FAILBACK, TEST_FAILOVER, TEST_CLEANUP, SYNC)
PLANNED = 'planned'
UNPLANNED = 'unplanned'

RUNNING = 'running'
CANCELLING = 'cancelling'
COMPLETED = 'completed'
COMPLETED_WITH_ERRORS = 'completed_with_errors'
FAILED = 'failed'
CANCELLED = 'cancelled'
STATUSES = (RUNNING, CANCELLING, COMPLETED, COMPLETED_WITH_ERRORS, FAILED,
            CANCELLED)

# A reason that starts so is not an error: the step waits for the
# operator (cleanup after an unplanned failover).
DEFERRED = 'Deferred: '


def progress(step):
    """Progress reached when ``step`` is done."""
    if step.startswith('create_volumes_'):
        return PROGRESS[CREATE_VOLUMES]
    return PROGRESS[step]
