"""Arrays of the fake storage driver (tests only).

An array holds volumes (bytes), protection groups with their snapshots,
connections to other arrays and pods.  Replication copies the bytes at once
but shows the transfer as a real array does: the replicated snapshot is
listed on the target with a progress that grows with time at the source
array's ``replication_bandwidth`` (bytes per second; None: at once), and
its volume snapshots exist only once it is complete.  The source keeps the
state of the transfer on its own snapshot (``sent``): a snapshot taken
while the target cannot be reached waits there, unsent, until the target
answers again.  A pod stretched to another array shares its volumes' bytes
with it (always in sync).

Every method raises the typed errors of
:mod:`protector.common.driver_errors`, with the same kinds of messages
as an array ("does not exist", "already exists", ...).
"""

import re
import time

from oslo_utils import timeutils

from protector.common import driver_errors as errors

_NAME = re.compile(r'^(?:[A-Za-z0-9][A-Za-z0-9_-]{0,62}::)?'
                   r'[A-Za-z0-9][A-Za-z0-9_-]{0,62}$')
_SUFFIX = re.compile(r'^[A-Za-z0-9][A-Za-z0-9-]{0,63}$')
# The transfer of a local snapshot that has no target.
UNSENT = {'started': None, 'duration': 0.0, 'completed': None, 'total': 0}


class FakeArray(object):
    """One array of the fake world; ``api_token`` None: any token."""

    def __init__(self, world, url, name, api_token=None,
                 rest_version='1.19', replication_bandwidth=None):
        self.world = world
        self.url = url
        self.name = name
        self.api_token = api_token
        self.rest_version = rest_version
        self.replication_bandwidth = replication_bandwidth
        self.volumes = {}
        self.destroyed = {}
        self.snapshots = {}
        self.pgroups = {}
        self.pgroup_snapshots = {}
        self.connections = {}
        self.pods = {}
        self.unreachable_until = 0.0
        self.failures = []
        self.counter = 0
        # Volumes asked for exist (see fake.array).
        self.lenient = False

    def reachable(self):
        """Whether the array answers now (see ``fake.set_reachable``)."""
        return self.unreachable_until <= time.monotonic()

    # -- errors --------------------------------------------------------

    def error(self, cls, resource, action, detail, **kwargs):
        return cls(array=self.url, resource=resource, action=action,
                   detail=detail, status_code=kwargs.pop('status', 400),
                   **kwargs)

    def not_found(self, kind, name, action='use'):
        return self.error(errors.ArrayNotFound, '%s %s' % (kind, name),
                          action, '%s does not exist. (%s)' % (kind, name))

    def check_name(self, kind, name, action='create'):
        if not _NAME.match(name):
            raise self.error(errors.ArrayBadRequest, '%s %s' % (kind, name),
                             action, '%s name is invalid.' % kind)

    # -- volumes -------------------------------------------------------

    def volume(self, name, action='use'):
        if name not in self.volumes:
            if self.lenient and name not in self.destroyed:
                self.create_volume(name, bytes(1 << 20))
            else:
                raise self.not_found('Volume', name, action)
        return self.volumes[name]

    def create_volume(self, name, data, overwrite=False):
        self.check_name('Volume', name)
        pod = self.pod_of(name)
        if name in self.volumes and overwrite:
            self.volumes[name][:] = data
            return name
        if name in self.volumes or name in self.destroyed:
            detail = ('Volume has been destroyed.' if name in self.destroyed
                      else 'Volume already exists.')
            raise self.error(errors.ArrayConflict, 'volume %s' % name,
                             'create', detail)
        if pod is not None:
            self.check_pod_writable(pod)
        self.volumes[name] = bytearray(data)
        if pod is not None:
            for other in self.pod_peers(pod):
                other.volumes[name] = self.volumes[name]
        return name

    def destroy_volume(self, name):
        if name in self.destroyed:
            raise self.error(errors.ArrayConflict, 'volume %s' % name,
                             'destroy', 'Volume has been destroyed.')
        data = self.volume(name, 'destroy')
        pod = self.pod_of(name)
        if pod is not None:
            self.check_pod_writable(pod)
            for other in self.pod_peers(pod):
                other.volumes.pop(name, None)
        self.destroyed[name] = data
        del self.volumes[name]
        for group in self.pgroups.values():
            if name in group['volumes']:
                group['volumes'].remove(name)

    def eradicate_volume(self, name):
        if self.destroyed.pop(name, None) is None:
            raise self.not_found('Volume', name, 'eradicate')

    def snapshot_data(self, name):
        if name not in self.snapshots:
            raise self.error(errors.ArrayNotFound, 'snapshot %s' % name,
                             'copy', 'No such volume or snapshot.')
        return self.snapshots[name]

    # -- protection groups ---------------------------------------------

    def group(self, name, action='use', local=False):
        group = self.pgroups.get(name)
        if group is None or group['destroyed']:
            raise self.not_found('Protection group', name, action)
        if local and group['kind'] != 'local':
            raise self.error(errors.ArrayBadRequest,
                             'protection group %s' % name, action,
                             'Protection group %s is replicated from array '
                             '%s and cannot be changed here.'
                             % (name, group['source']))
        return group

    def new_group(self, name, kind='local', source=None):
        self.pgroups[name] = {
            'kind': kind, 'source': source or self.name, 'volumes': [],
            'targets': [], 'destroyed': False, 'replicate_enabled': False,
            'interval': 14400, 'retention': 86400}
        return self.pgroups[name]

    def next_suffix(self):
        self.counter += 1
        return str(self.counter)

    def snapshot_group(self, name, suffix):
        group = self.group(name, 'snapshot', local=True)
        if not _SUFFIX.match(suffix):
            raise self.error(errors.ArrayBadRequest, 'snapshot %s' % suffix,
                             'snapshot', 'Snapshot suffix is invalid.')
        snap_name = '%s.%s' % (name, suffix)
        if snap_name in self.pgroup_snapshots:
            raise self.error(errors.ArrayConflict,
                             'protection group snapshot %s' % snap_name,
                             'create', 'Protection group snapshot already '
                             'exists.')
        volumes = {}
        for volume in group['volumes']:
            volumes[volume] = bytes(self.volumes[volume])
            self.snapshots['%s.%s' % (snap_name, volume)] = volumes[volume]
        self.pgroup_snapshots[snap_name] = {
            'group': name, 'created': timeutils.utcnow(), 'kind': 'local',
            'volumes': volumes, 'sent': None}
        return snap_name

    def send(self, snap_name, target):
        """Send local snapshot ``snap_name`` to array ``target``.

        Its ``sent`` holds the transfer as this array shows it.  While
        the target cannot be reached nothing starts (progress 0): ``tick``
        starts it once the target answers, as a real array retries.
        """
        snap = self.pgroup_snapshots[snap_name]
        snap['sent'] = {'to': target.name, 'started': None, 'duration': 0.0,
                        'completed': None, 'total': sum(
                            len(data) for data in snap['volumes'].values())}
        self.tick()

    def _start(self, snap_name, snap):
        try:
            target = self.world.array_named(snap['sent']['to'])
        except KeyError:
            return
        if not target.reachable():
            return
        remote = target.pgroup_snapshots[target.receive(self, snap_name,
                                                        snap)]
        snap['sent'].update(started=remote['started'],
                            duration=remote['duration'])

    def receive(self, source, snap_name, snap):
        """Start receiving ``source``'s snapshot (already allowed)."""
        remote = '%s:%s' % (source.name, snap_name)
        total = sum(len(data) for data in snap['volumes'].values())
        bandwidth = source.replication_bandwidth
        self.pgroup_snapshots[remote] = {
            'group': '%s:%s' % (source.name, snap['group']),
            'created': snap['created'], 'kind': 'replica',
            'volumes': dict(snap['volumes']), 'total': total,
            'started': time.monotonic(),
            'duration': total / bandwidth if bandwidth else 0.0,
            'completed': None}
        self.tick()
        return remote

    @staticmethod
    def transfer(snap):
        """The transfer of a snapshot: a replica's own, a local one's sent.

        ``{'started' (monotonic, None until it starts), 'duration',
        'completed' (datetime or None), 'total' (bytes)}``.
        """
        if snap['kind'] == 'replica':
            return snap
        return snap.get('sent') or UNSENT

    def tick(self):
        """Start transfers whose target answers again, end finished ones."""
        for name, snap in list(self.pgroup_snapshots.items()):
            transfer = self.transfer(snap)
            if transfer['completed'] or transfer is UNSENT:
                continue
            if transfer['started'] is None:
                self._start(name, snap)
                if transfer['started'] is None:
                    continue
            if time.monotonic() - transfer['started'] >= (
                    transfer['duration']):
                transfer['completed'] = timeutils.utcnow()
                if snap['kind'] == 'replica':
                    for volume, data in snap['volumes'].items():
                        self.snapshots['%s.%s' % (name, volume)] = data

    def progress(self, snap):
        """0..1 of the snapshot's transfer, 1 only once completed."""
        transfer = self.transfer(snap)
        if transfer['completed']:
            return 1.0
        if transfer['started'] is None or not transfer['duration']:
            return 0.0
        elapsed = time.monotonic() - transfer['started']
        return min(elapsed / transfer['duration'], 0.999)

    def destroy_group(self, name):
        group = self.pgroups.get(name)
        if group is None:
            raise self.not_found('Protection group', name, 'destroy')
        group['destroyed'] = True
        for snap_name, snap in list(self.pgroup_snapshots.items()):
            if snap['group'] == name:
                del self.pgroup_snapshots[snap_name]
                for volume in snap['volumes']:
                    self.snapshots.pop('%s.%s' % (snap_name, volume), None)

    # -- pods ----------------------------------------------------------

    @staticmethod
    def pod_of(name):
        return name.split('::', 1)[0] if '::' in name else None

    def pod(self, name, action='use'):
        if name not in self.pods:
            raise self.not_found('Pod', name, action)
        return self.pods[name]

    def pod_peers(self, name):
        return [self.world.array_named(member)
                for member in self.pod(name)['arrays'] if member != self.name]

    def check_pod_writable(self, name):
        if self.pod(name)['promotion'] == 'demoted':
            raise self.error(errors.ArrayConflict, 'pod %s' % name,
                             'write to', 'Pod %s is demoted.' % name)
