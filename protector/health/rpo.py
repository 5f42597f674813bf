"""The achieved RPO of a group, from what the two arrays list.

Async replication: the age of the newest recovery point whose every byte
reached the target.  The target array lists its recovery points; the
source lists its snapshots with their transfer, so when the target does
not answer the source still tells how old the newest delivered one is
(and it ages while new ones stay unsent).

Sync replication: 0 while the pod is in sync on both arrays, else the
time since the watch first saw it out of sync.
"""


def entry(view, name, role):
    """What an array overview holds of replication group ``name``."""
    if view is None:
        return None
    for key in ('groups', 'replicas'):
        found = (view.get(key) or {}).get(name)
        if found is not None and found.get('role') == role:
            return found
    return None


def _iso(moment):
    return moment.isoformat() + 'Z' if moment else None


def _point(record):
    return {'name': record['newest_completed'],
            'created_at': _iso(record['newest_completed_at'])}


def _transfer(record):
    return dict(record, created_at=_iso(record.get('created_at')))


def measure_async(name, source_view, target_view, now):
    """The RPO of an async group from the overviews of its arrays.

    :returns: ``{'rpo_seconds', 'rpo_detail', 'newest_recovery_point',
        'transfers'}``; ``rpo_seconds`` None with the reason in the detail.
    """
    seen = [e for e in (entry(target_view, name, 'target'),
                        entry(source_view, name, 'source')) if e]
    result = {'rpo_seconds': None, 'rpo_detail': '',
              'newest_recovery_point': None, 'transfers': []}
    if not seen:
        result['rpo_detail'] = (
            'Neither array answered about replication group %s.' % name
            if source_view is None and target_view is None else
            'No array lists replication group %s yet.' % name)
        return result
    for record in seen:
        if record['in_progress']:
            result['transfers'] = [_transfer(t) for t in record['in_progress']]
            break
    completed = [e for e in seen if e.get('newest_completed_at')]
    if not completed:
        result['rpo_detail'] = ('No snapshot of replication group %s has '
                                'reached the target array yet.' % name)
        return result
    newest = max(completed, key=lambda e: e['newest_completed_at'])
    result['newest_recovery_point'] = _point(newest)
    result['rpo_seconds'] = max(
        0.0, (now - newest['newest_completed_at']).total_seconds())
    return result


def measure_sync(name, source_view, target_view, out_of_sync_since, now):
    """As measure_async, plus ``out_of_sync_since`` to remember."""
    result = {'rpo_seconds': None, 'rpo_detail': '',
              'newest_recovery_point': None, 'transfers': [],
              'out_of_sync_since': out_of_sync_since}
    pods = [(v.get('pods') or {}).get(name)
            for v in (target_view, source_view) if v is not None]
    pods = [p for p in pods if p]
    if not pods:
        result['rpo_detail'] = ('No array lists pod %s.' % name
                                if source_view or target_view else
                                'Neither array answered about pod %s.'
                                % name)
        return result
    if all(p['healthy'] for p in pods) and len(pods) == 2:
        result.update(rpo_seconds=0.0, out_of_sync_since=None)
        return result
    since = out_of_sync_since or now
    result['out_of_sync_since'] = since
    result['rpo_seconds'] = (now - since).total_seconds()
    result['rpo_detail'] = 'Pod %s is out of sync: %s.' % (name, ', '.join(
        '%s %s' % (a['name'], a['status'])
        for a in pods[0].get('arrays') or []) or 'the other array does '
                                                 'not answer')
    return result
