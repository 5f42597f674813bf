"""How each resource looks in a response.  Secrets never appear here."""

from oslo_config import cfg

from protector.api import local_flag
from protector.api import microversion
from protector.api import util
from protector.common import local_changes
from protector.health import grades

CONF = cfg.CONF
_time = util.iso
# The microversion that shows protection health.
HEALTH_VERSION = (1, 2)
# The microversion that shows the engine that runs an operation.
ENGINE_VERSION = (1, 3)


def site(row):
    return {
        'id': row.id, 'name': row.name, 'description': row.description,
        'auth_url': row.auth_url, 'region_name': row.region_name,
        'username': row.username, 'project_name': row.project_name,
        'user_domain_name': row.user_domain_name,
        'project_domain_name': row.project_domain_name,
        'is_local': row.is_local, 'status': row.status,
        'last_validated_at': _time(row.last_validated_at),
        'created_at': _time(row.created_at),
        'updated_at': _time(row.updated_at),
    }


def tenant_mapping(row):
    return {
        'id': row.id, 'local_project_id': row.local_project_id,
        'remote_site_id': row.remote_site_id,
        'remote_site_name': row.remote_site.name,
        'remote_project_id': row.remote_project_id,
        'description': row.description,
        'created_at': _time(row.created_at),
    }


def sync_state(row):
    """What this site last knew: the peer confirmed this very version."""
    if row.push_next_at is None and (row.peer_version, row.peer_digest) == (
            row.metadata_version, row.metadata_digest):
        return 'IN SYNC'
    return 'OUT OF SYNC'


def watched_here(group):
    """Whether this site's health watch looks at ``group``.

    It looks at the groups whose workload runs here; a site's name is
    [DEFAULT] site_name and never changes.
    """
    return group.current_primary_site_name == CONF.site_name


def protection_group(row, version=microversion.MIN_VERSION):
    body = _protection_group(row)
    if version >= HEALTH_VERSION:
        # A look kept from before the workload moved is stale: the other
        # site's watch reports on the group now.
        here = watched_here(row)
        body['rpo_grade'] = row.rpo_grade if here else None
        body['failover_ready'] = row.failover_ready if here else None
    if version >= local_flag.VERSION:
        body['local_changes'] = local_changes.marker(row)
    return body


def _protection_group(row):
    return {
        'id': row.id, 'name': row.name, 'description': row.description,
        'project_id': row.project_id,
        'replication_type': row.replication_type,
        'primary_site': row.primary_site_name,
        'secondary_site': row.secondary_site_name,
        'current_primary_site': row.current_primary_site_name,
        'volume_type': row.volume_type,
        'secondary_volume_type': row.secondary_volume_type,
        'status': row.status, 'failover_count': row.failover_count,
        'last_failover_at': _time(row.last_failover_at),
        'last_replication_at': _time(row.last_replication_at),
        'metadata_version': row.metadata_version,
        'metadata_digest': row.metadata_digest,
        'sync_status': sync_state(row),
        'last_sync_at': _time(row.last_sync_at),
        'last_sync_error': row.last_sync_error,
        'consistency_groups': row.consistency_groups,
        'member_count': row.member_count,
        'created_at': _time(row.created_at),
        'updated_at': _time(row.updated_at),
    }


def member(row):
    spec = row.spec or {}
    return {
        'id': row.id, 'protection_group_id': row.protection_group_id,
        'server_id': row.server_id, 'server_name': row.server_name,
        'status': row.status,
        'flavor': spec.get('flavor'), 'image': spec.get('image'),
        'availability_zone': spec.get('availability_zone'),
        'key_name': spec.get('key_name'),
        'metadata': spec.get('metadata', {}),
        'server_group': spec.get('server_group'),
        'security_groups': spec.get('security_groups', []),
        'ports': spec.get('ports', []),
        'volumes': spec.get('volumes', []),
        'rank': row.rank, 'boot_condition': row.boot_condition,
        'overrides': row.overrides or {},
        'created_at': _time(row.created_at),
    }


def policy(row):
    return {
        'protection_group_id': row.protection_group_id,
        'primary_fa_url': row.primary_fa_url,
        'primary_fa_token_set': bool(row.primary_fa_token_encrypted),
        'secondary_fa_url': row.secondary_fa_url,
        'secondary_fa_token_set': bool(row.secondary_fa_token_encrypted),
        'rpo_minutes': row.rpo_minutes,
        'replication_interval': row.replication_interval,
        'snapshot_retention': row.snapshot_retention,
        'created_at': _time(row.created_at),
        'updated_at': _time(row.updated_at),
    }


def mappings(row):
    stored = row.mappings or {}
    return {direction: stored.get(direction, {})
            for direction in ('failover', 'failback')}


# What an operation shows of each member's result (the engine keeps more).
OPERATION_MEMBER_FIELDS = ('member_id', 'server_name', 'source_server_id',
                           'target_server_id', 'status', 'reason',
                           'seconds_to_active', 'target_volume_ids')


def operation_member(result):
    return {k: result.get(k) for k in OPERATION_MEMBER_FIELDS
            if k in result or k != 'target_volume_ids'}


def operation(row, version=microversion.MIN_VERSION):
    body = _operation(row)
    if version >= ENGINE_VERSION:
        # Several engines of a site share the operations; when one dies
        # another claims its operations and goes on with them.
        body['engine'] = {
            'host': row.engine_host, 'pid': row.engine_pid,
            'claims': row.claims or 0,
            'claimed_at': _time(row.claimed_at),
        }
    return body


def _operation(row):
    return {
        'id': row.id, 'protection_group_id': row.protection_group_id,
        'operation_type': row.operation_type,
        'failover_type': row.failover_type, 'status': row.status,
        'progress': row.progress, 'steps_completed': row.steps_completed,
        'steps_failed': row.steps_failed,
        'members': [operation_member(m) for m in row.members or []],
        'source_site': row.source_site, 'target_site': row.target_site,
        'parameters': row.parameters,
        'recovery_point': row.recovery_point,
        'rto_seconds': row.rto_seconds,
        'error_message': row.error_message,
        'started_at': _time(row.started_at),
        'completed_at': _time(row.completed_at),
        'created_at': _time(row.created_at),
    }


# Protection health (microversion 1.2)

CHECK_FIELDS = ('name', 'status', 'detail', 'fix')
TRANSFER_FIELDS = ('name', 'created_at', 'progress', 'data_transferred')


def health(group, row):
    """The latest look of this site's watch at ``group``."""
    point = row.newest_recovery_point
    return {
        'protection_group_id': group.id,
        'rpo_seconds': row.rpo_seconds,
        'rpo_target_seconds': row.rpo_target_seconds,
        'rpo_grade': row.rpo_grade,
        'rpo_detail': row.rpo_detail or '',
        'failover_ready': row.failover_ready,
        'checks': [{k: check.get(k) for k in CHECK_FIELDS}
                   for check in row.checks or []],
        'newest_recovery_point': point and {
            'name': point.get('name'), 'created_at': point.get('created_at')},
        'transfers': [{k: transfer.get(k) for k in TRANSFER_FIELDS}
                      for transfer in row.transfers or []],
        'last_checked_at': _time(row.checked_at),
        'watched_by': group.current_primary_site_name,
    }


def health_unknown(group, detail):
    """The health of a group this site has no look at, and why."""
    return {
        'protection_group_id': group.id, 'rpo_seconds': None,
        'rpo_target_seconds': None, 'rpo_grade': grades.UNKNOWN,
        'rpo_detail': detail, 'failover_ready': None, 'checks': [],
        'newest_recovery_point': None, 'transfers': [],
        'last_checked_at': None,
        'watched_by': group.current_primary_site_name,
    }


def health_sample(row):
    return {
        'checked_at': _time(row.checked_at),
        'rpo_seconds': row.rpo_seconds,
        'rpo_target_seconds': row.rpo_target_seconds,
        'rpo_grade': row.rpo_grade,
        'failover_ready': row.failover_ready,
        'failing_checks': list(row.failing_checks or []),
    }


def site_health(site, row):
    """Whether this site's watch reaches ``site``; ``row`` None: no look."""
    return {
        'id': site.id, 'name': site.name,
        'reachable': row.reachable if row else None,
        'detail': row.detail if row else 'Not checked yet.',
        'checked_at': _time(row.checked_at) if row else None,
    }
