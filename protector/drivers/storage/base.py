"""What the engine needs from the storage arrays of two sites.

A storage driver makes the arrays replicate the volumes of a protection
group from the array of the site that runs the workload (the *source*) to
the array of the other site (the *target*), and turns what arrived into
volumes the target cloud can adopt.  Arrays are addressed by
:class:`ArrayRef` (the management URL and API token of the group's
replication policy); the driver keeps nothing about them between calls but
sessions.

Two kinds of replication:

``async``
    A *replication group* on the source lists the volumes and the target.
    The source takes a snapshot of all of them together and sends it; on
    the target it becomes a *recovery point*, usable once every byte has
    arrived.  Volumes are copied out of a recovery point into new volumes
    (failover, failback) or into throw-away volumes (test failover).
``sync``
    A *pod* holds the volumes and is stretched across both arrays, which
    keep it identical; failover uses the target's copy.

Names are array names (``volume-<uuid>-cinder`` on a Pure-backed Cinder);
:meth:`StorageDriver.array_volume_name` maps a cloud volume id to one.
Times are naive UTC ``datetime`` objects, like ``oslo_utils.timeutils``.
Failures are the typed errors of :mod:`protector.common.driver_errors`.

Recovery point record (``list_recovery_points`` and friends)::

    {'name': 'array-a:pg-1.s42',      # what every other call takes
     'group': 'pg-1', 'source_array': 'array-a',
     'created_at': datetime,          # the point in time of the data
     'completed': True,               # every byte is on the target
     'completed_at': datetime or None,
     'progress': 1.0,                 # 0..1, 1 only when completed
     'data_transferred': 1048576,     # bytes, None when unknown
     'volumes': {'volume-1': 'array-a:pg-1.s42.volume-1'}}

``volumes`` maps the source volume name to the snapshot on the target; it
is empty until the transfer completes.

Replication overview of one array (``replication_overview``)::

    {'array': 'https://fa-a.example.com',   # the URL called
     'name': 'array-a',                     # what the array calls itself
     'connections': [{'name': 'array-b',    # each connected array
                      'connected': True,    # the link answers now
                      'types': ['replication', 'sync-replication'],
                      'status': 'connected'}],
     'groups': {'pg-1': <group>},           # groups this array sends
     'replicas': {'pg-1': <group>},         # groups this array receives
     'pods': {'pod-1': {'healthy': True,
                        'arrays': [{'name': 'array-a',
                                    'status': 'online'}, ...]}},
     'protected': {'pg-1': ['volume-1', ...],   # the volumes of each
                   'pod-1': ['pod-1::volume-2']}}  # own group and pod

    <group> = {'role': 'source' | 'target',
               'source_array': 'array-a',
               'newest_completed': 'array-a:pg-1.s42' or None,
               'newest_completed_at': datetime or None,
               'in_progress': [{'name', 'created_at', 'progress',
                                'data_transferred'}]}   # newest first

Groups are keyed by their name on the source (``replication_group_name``),
without the ``<source array>:`` prefix the target shows; snapshots are
named as recovery points (``<source array>:<group>.<suffix>``) in both
roles, so that what the source and the target say can be compared.  A
snapshot is completed, on the source, once its transfer to the target
completed and, on the target, once every byte arrived; its time
(``newest_completed_at``, ``created_at``) is when it was taken, the point
in time of its data.  An array can hold a group in both roles (after a
failback it still holds what it received while the other site ran the
workload): ``groups`` and ``replicas`` keep them apart, and the caller
picks by the direction it knows.
"""

import abc
import collections
import datetime
import hashlib
import re

_NAME_CHARS = re.compile(r'[^A-Za-z0-9_-]')
NAME_MAX = 63


class ArrayRef(collections.namedtuple('ArrayRef', 'url api_token')):
    """An array as a replication policy names it.

    Its ``repr`` and ``str`` show the URL only, so that it can be logged.
    """

    __slots__ = ()

    def __repr__(self):
        return 'ArrayRef(%r)' % self.url

    def __str__(self):
        return self.url


def array_ref(value):
    """An :class:`ArrayRef` from one, a ``(url, token)`` pair or a dict."""
    if isinstance(value, ArrayRef):
        return value
    if isinstance(value, dict):
        return ArrayRef(value['url'], value['api_token'])
    url, api_token = value
    return ArrayRef(url, api_token)


def check(name, result, detail):
    return {'check': name, 'result': result, 'detail': detail}


def derived_volume_name(prefix, name):
    """A valid array volume name made of ``prefix`` and ``name``.

    Array names are 1-63 letters, digits, ``-`` and ``_``, starting with a
    letter or digit.  When ``prefix-name`` is longer, its end is replaced
    by a short hash so that different inputs keep different names.
    """
    base = _NAME_CHARS.sub('-', '%s-%s' % (prefix, name.split('::')[-1]))
    if len(base) > NAME_MAX:
        digest = hashlib.sha256(base.encode()).hexdigest()[:8]
        base = '%s-%s' % (base[:NAME_MAX - 9], digest)
    return base


def replication_group_name(group_id):
    """The array name of a protection group's replication group or pod."""
    return derived_volume_name('protector', group_id)


def group_summaries(snapshots):
    """``(groups, replicas)`` of a replication overview (see the module).

    ``snapshots``: every protection group snapshot the array lists, as
    ``{'name' (recovery point name), 'group', 'source_array', 'role',
    'created_at', 'completed', 'progress', 'data_transferred'}``.  A
    snapshot that is not completed is in progress, whatever holds it up
    (a target that cannot be reached, a transfer under way).
    """
    found = {'source': {}, 'target': {}}
    newest_first = sorted(snapshots, reverse=True, key=lambda snap: (
        snap['created_at'] or datetime.datetime.min, snap['name']))
    for snap in newest_first:
        entry = found[snap['role']].setdefault(snap['group'], {
            'role': snap['role'], 'source_array': snap['source_array'],
            'newest_completed': None, 'newest_completed_at': None,
            'in_progress': []})
        if not snap['completed']:
            entry['in_progress'].append({
                key: snap[key] for key in ('name', 'created_at', 'progress',
                                           'data_transferred')})
        elif entry['newest_completed'] is None:
            entry['newest_completed'] = snap['name']
            entry['newest_completed_at'] = snap['created_at']
    return found['source'], found['target']


def retention_seconds(interval_seconds, retention):
    """How long every replicated snapshot is kept.

    A policy keeps ``retention`` snapshots taken every ``interval_seconds``;
    arrays keep snapshots by age, so the driver keeps all of them for
    ``interval_seconds * retention`` seconds (and none per day after that).
    """
    return int(interval_seconds) * int(retention)


class StorageDriver(object, metaclass=abc.ABCMeta):
    """The operations of a storage driver.

    Unless said otherwise every method is idempotent: calling it again
    after a failure or an engine restart completes what the first call
    began and does not duplicate anything.
    """

    #: ``%(id)s`` is the cloud's volume id (see array_volume_name).
    volume_name_template = 'volume-%(id)s'

    # -- names ---------------------------------------------------------

    def array_volume_name(self, volume_id, pod=None):
        """The name under which the array knows the cloud volume.

        :param pod: the pod holding the volume (sync replication), if any.
        """
        name = self.volume_name_template % {'id': volume_id}
        return '%s::%s' % (pod, name) if pod else name

    # -- checks --------------------------------------------------------

    @abc.abstractmethod
    def check_array(self, url, api_token, peer=None):
        """Check that the array answers and accepts the token.

        With ``peer`` (an ArrayRef) also check that the two arrays are
        connected for replication.

        :returns: ``{'check': 'array', 'result': 'passed' | 'failed',
            'detail': <what was found or what to fix>}``
        """

    @abc.abstractmethod
    def check_replication(self, source, target, group=None,
                          replication_type='async'):
        """Everything replication from ``source`` to ``target`` needs.

        :param group: also check this replication group (async) or pod
            (sync), once it exists.
        :returns: a list of checks (see check_array), one per requirement
            (each array answering and accepting its token, the API
            version, the connection in each direction and its type, the
            group's target and ``allowed`` on the target), each failed one
            with what to do.
        """

    # -- async replication ---------------------------------------------

    @abc.abstractmethod
    def ensure_replication_group(self, source, target, name, volumes,
                                 interval_seconds, retention):
        """Create or update replication group ``name`` on ``source``.

        Afterwards the group protects exactly ``volumes``, replicates to
        ``target`` (which allows it) every ``interval_seconds`` and the
        target keeps ``retention`` snapshots' worth of recovery points.

        :returns: the group as get_replication_group describes it.
        """

    @abc.abstractmethod
    def get_replication_group(self, source, name):
        """A replication group on ``source`` as the array has it.

        :returns: ``{'name', 'source_array', 'volumes': [...], 'targets':
            [{'name', 'allowed'}], 'replication_enabled',
            'interval_seconds', 'retention_seconds'}``
        """

    @abc.abstractmethod
    def add_volumes(self, source, group, volumes):
        """Protect ``volumes`` too (those already in it are fine)."""

    @abc.abstractmethod
    def remove_volumes(self, source, group, volumes):
        """Stop protecting ``volumes`` (those not in it are fine)."""

    @abc.abstractmethod
    def replicate_now(self, source, group, suffix=None):
        """Snapshot the group's volumes and send the snapshot.

        :param suffix: names the snapshot; a second call with the same
            suffix returns the first snapshot (safe to repeat after a
            crash).  1-63 letters, digits and ``-``.
        :returns: the name of the recovery point it becomes on the target.
        """

    @abc.abstractmethod
    def list_recovery_points(self, target, group):
        """The group's snapshots on ``target``, newest first (records)."""

    @abc.abstractmethod
    def get_recovery_point(self, target, name):
        """One recovery point record."""

    @abc.abstractmethod
    def wait_for_recovery_point(self, target, name, timeout=None,
                                progress=None):
        """Wait until recovery point ``name`` is complete.

        :param progress: called with the record at each poll.
        :returns: the completed record.
        :raises: RecoveryPointTimeout (with the progress reached) after
            ``timeout`` seconds.
        """

    @abc.abstractmethod
    def copy_snapshot_volumes(self, target, recovery_point, names,
                              overwrite=False):
        """New volumes on ``target`` from a completed recovery point.

        :param names: ``{source volume name: new volume name}``.
        :param overwrite: replace volumes of those names that exist.
        :returns: ``{source volume name: new volume name}``.
        :raises: RecoveryPointIncomplete, ArrayConflict (a name is taken
            and ``overwrite`` is false), ArrayNotFound.
        """

    @abc.abstractmethod
    def clone_volumes(self, array, names, overwrite=False):
        """New volumes on ``array`` with the bytes its volumes hold now.

        A drill of a sync group copies the pod's volumes out of the pod:
        the copies are plain volumes, and the pod and its volumes are left
        as they are.

        :param names: ``{volume name: new volume name}``.
        :param overwrite: replace volumes of those names that exist.
        :returns: ``{volume name: new volume name}``.
        :raises: ArrayConflict (a name is taken and ``overwrite`` is false),
            ArrayNotFound (a source volume).
        """

    @abc.abstractmethod
    def delete_volumes(self, array, names, eradicate=False):
        """Destroy volumes (those already gone are fine).

        Destroyed volumes can be recovered on the array for a day unless
        ``eradicate``.
        """

    @abc.abstractmethod
    def reverse(self, new_source, new_target, group, volumes,
                interval_seconds, retention):
        """Replicate the other way, for failback.

        Turns off the schedule of the group on ``new_target`` (the old
        source) and ensures the group on ``new_source`` with ``volumes``
        (array names there), replicating to ``new_target``.  Both arrays
        must answer.

        :returns: ``{'group': <as ensure_replication_group>, 'stopped':
            whether a schedule was turned off on new_target}``
        """

    @abc.abstractmethod
    def delete_replication_group(self, source, target, group,
                                 eradicate=False):
        """Remove a replication group and its recovery points.

        The group goes from ``source``, its recovery points from ``target``
        (either may be None to skip that side).  Volumes stay.
        """

    @abc.abstractmethod
    def replication_status(self, target, group, source=None):
        """The group's recovery point objective as the arrays see it.

        :returns: ``{'group', 'newest_completed', 'newest_completed_at',
            'lag_seconds' (now - newest_completed_at, None without one),
            'in_progress': [names], 'replication_enabled' and
            'interval_seconds' (None without ``source``)}``
        """

    @abc.abstractmethod
    def replication_overview(self, array):
        """What ``array`` knows of all its replication groups and pods.

        For a watch that polls every array: a constant number of
        requests whatever the number of groups, and tried once (a failure
        is reported at once; the caller asks again at its next round).
        A group appears once it has a snapshot.

        :returns: the overview described in the module's doc.
        :raises: the typed errors (``ArrayUnavailable`` when the array
            does not answer, ``ArrayAuthFailed`` for a wrong token).
        """

    # -- sync replication ----------------------------------------------

    @abc.abstractmethod
    def ensure_pod(self, source, target, name, volumes):
        """Pod ``name`` on ``source`` with ``volumes``, on ``target`` too.

        Volumes not yet in the pod are moved into it, which renames them
        ``<pod>::<volume>``; then the pod is stretched to ``target``.

        :returns: ``{'name', 'volumes': {given name: name in the pod},
            'status': <as pod_status>}``
        """

    @abc.abstractmethod
    def pod_status(self, array, name):
        """The state of a pod as ``array`` sees it.

        :returns: ``{'name', 'arrays': [{'name', 'status'}],
            'promotion_status', 'volumes': [...], 'healthy'}``; healthy
            when every array of the pod is online (in sync).
        """

    @abc.abstractmethod
    def unstretch_pod(self, array, name, force=False):
        """Keep the pod on ``array`` only.

        ``force`` when the other array cannot be reached (its copy is then
        left behind).
        """

    @abc.abstractmethod
    def promote_pod(self, array, name):
        """Make the pod on ``array`` writable (an unstretched pod)."""

    @abc.abstractmethod
    def demote_pod(self, array, name):
        """Make the pod on ``array`` read-only (an unstretched pod)."""
