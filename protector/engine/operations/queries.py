"""What the arrays say about a group: recovery points, replication."""

from protector.common import driver_errors as errors
from protector.common import exception
from protector.db import api as db
from protector.engine import group_environment
from protector.engine.operations import preflight


def _iso(value):
    return value.isoformat() + 'Z' if value else None


def _environment(context, group_id):
    return group_environment.Environment.of_group(
        context, db.group_get(context, group_id))


def recovery_points(context, group_id):
    """Replicated snapshots of the group on the array of its standby."""
    env = _environment(context, group_id)
    preflight.require_policy(env.context, env.group)
    if env.is_sync:
        return []
    try:
        points = env.storage.list_recovery_points(env.array(env.target),
                                                  env.replication_group)
    except exception.NotFound:
        return []
    return [{'id': p['name'], 'site': env.target.name,
             'source_array': p['source_array'],
             'created_at': _iso(p['created_at']),
             'completed': p['completed'],
             'completed_at': _iso(p['completed_at']),
             'progress': round(100.0 * p['progress'], 1),
             'data_transferred': p['data_transferred']} for p in points]


def consistency_group(context, group_id):
    """Cinder groups per site, the array group and its replication."""
    env = _environment(context, group_id)
    preflight.require_policy(env.context, env.group)
    policy = db.policy_get(context, env.group.id)
    result = {'protection_group': env.group.name,
              'replication_type': env.group.replication_type,
              'cinder_groups': dict(env.group.consistency_groups or {}),
              'array_group': env.replication_group,
              'source_site': env.source.name,
              'target_site': env.target.name,
              'source_array': env.array(env.source).url,
              'target_array': env.array(env.target).url,
              'rpo_minutes': policy.rpo_minutes,
              'replication_enabled': None, 'interval_seconds': None,
              'lag_seconds': None, 'newest_snapshot': None,
              'newest_snapshot_at': None, 'in_progress': [],
              'rpo_compliant': None, 'detail': ''}
    try:
        if env.is_sync:
            status = env.storage.pod_status(env.array(env.target),
                                            env.replication_group)
            result.update(replication_enabled=status['healthy'],
                          lag_seconds=0.0 if status['healthy'] else None,
                          rpo_compliant=status['healthy'],
                          detail='pod %s: %s' % (status['name'], ', '.join(
                              '%s %s' % (a['name'], a['status'])
                              for a in status['arrays'])))
            return result
        try:
            status = env.storage.replication_status(
                env.array(env.target), env.replication_group,
                source=env.array(env.source))
        except errors.DriverError as exc:
            if isinstance(exc, exception.NotFound):
                raise
            status = env.storage.replication_status(
                env.array(env.target), env.replication_group)
            result['detail'] = 'source array: %s' % exc
    except errors.DriverError as exc:
        result['detail'] = str(exc)
        return result
    lag = status['lag_seconds']
    result.update(replication_enabled=status['replication_enabled'],
                  interval_seconds=status['interval_seconds'],
                  lag_seconds=None if lag is None else round(lag, 1),
                  newest_snapshot=status['newest_completed'],
                  newest_snapshot_at=_iso(status['newest_completed_at']),
                  in_progress=status['in_progress'],
                  rpo_compliant=(lag is not None and
                                 lag <= policy.rpo_minutes * 60))
    return result
