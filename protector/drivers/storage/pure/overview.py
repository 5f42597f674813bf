"""What one array knows of all its replication, in a few requests.

For the health watch, which asks every array once a round: every
protection group snapshot with its transfer (``GET pgroup?snap=true&
transfer=true``), the groups with their volumes (``GET pgroup``), the
array connections (``GET array/connection``) and the pods (``GET pod``,
from REST 1.13 on, and ``GET volume`` for their volumes when there are
any), whatever the number of groups.
"""

from protector.drivers.storage import base
from protector.drivers.storage.pure import pods
from protector.drivers.storage.pure import replication


def _version(text):
    return tuple(int(part) for part in text.split('.'))


def _source_and_group(name):
    """``('array-a', 'pg')`` of ``array-a:pg``; ``(None, name)`` of ours.

    ``pod::pg`` is a group made here, in a pod, not a replica.
    """
    if ':' not in name.replace('::', ''):
        return None, name
    source, _, group = name.partition(':')
    return source, group


class OverviewMixin(object):
    """``replication_overview`` (needs ``_call`` and ``_conn``)."""

    def replication_overview(self, array):
        array = base.array_ref(array)
        # Tried once: the watch asks again at its next round, and an
        # array that does not answer is what it reports.
        session = self._conn.session(array, retry=False)
        snaps = self._call(array, 'protection group snapshots', 'list',
                           'list_pgroups', snap=True, transfer=True,
                           retry=False)
        links = self._call(array, 'array connections', 'list',
                           'list_array_connections', retry=False)
        found_pods = []
        if _version(session.rest_version) >= _version(
                pods.SYNC_REST_VERSION):
            found_pods = self._call(array, 'pods', 'list', 'list_pods',
                                    retry=False)
        protected = {g['name']: list(g.get('volumes') or [])
                     for g in self._call(array, 'protection groups', 'list',
                                         'list_pgroups', retry=False)
                     if _source_and_group(g['name'])[0] is None}
        if found_pods:
            for volume in self._call(array, 'volumes', 'list',
                                     'list_volumes', retry=False):
                pod, _, _ = volume['name'].partition('::')
                if pod != volume['name']:
                    protected.setdefault(pod, []).append(volume['name'])
        groups, replicas = base.group_summaries(
            [_snapshot(session.name, snap) for snap in snaps])
        return {'array': array.url, 'name': session.name,
                'connections': [_connection(c) for c in links],
                'groups': groups, 'replicas': replicas,
                'pods': {p['name']: _pod(p) for p in found_pods},
                'protected': protected}


def _snapshot(here, snap):
    """A snapshot record of ``base.group_summaries`` from the listing.

    On the source the transfer fields are those of the sending, on a
    target those of the receiving.
    """
    name = snap['name']
    source, group = _source_and_group(
        snap.get('source') or name.rsplit('.', 1)[0])
    completed = replication._completed(snap)
    progress = 1.0 if completed else min(
        float(snap.get('progress') or 0.0), 0.999)
    return {'name': name if source else '%s:%s' % (here, name),
            'group': group, 'source_array': source or here,
            'role': 'target' if source else 'source',
            'created_at': replication._time(snap.get('created')),
            'completed': completed, 'progress': progress,
            'data_transferred': snap.get('data_transferred')}


def _connection(conn):
    connected = bool(conn.get('connected'))
    # REST 1.x tells only "connected"; later arrays also say more
    # ("connecting", "partially_connected"), which is kept when given.
    return {'name': conn.get('array_name'), 'connected': connected,
            'types': list(conn.get('type') or []),
            'status': conn.get('status') or (
                'connected' if connected else 'disconnected')}


def _pod(pod):
    arrays = [{'name': a.get('name'), 'status': a.get('status')}
              for a in pod.get('arrays') or []]
    return {'healthy': bool(arrays) and all(a['status'] == 'online'
                                            for a in arrays),
            'arrays': arrays}
