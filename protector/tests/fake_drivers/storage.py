"""Fake storage driver for tests, held to the storage contract.

Its arrays (:mod:`protector.tests.fake_drivers.array`) live in the fake
world (:mod:`protector.tests.fake_drivers.world`), shared by every driver
instance like real arrays, and by every process when the world is in a
state file; each request to an array is one transaction on the world.
``reset()`` forgets them.  An array is known by its URL:

- ``add_array(url, name, api_token, replication_bandwidth=...)`` adds one
  that checks its token;
- a URL ``fake://...`` or one whose host is under the reserved ``.test``
  domain (``https://fa-a.test``) is an array on first use, for the unit
  tests of the API and the engine: it accepts any token, is connected to
  every other such array, and a volume it is asked to protect exists
  (1 MiB of zeros) as if the cloud had made it;
- any other URL does not answer.

``connect()`` connects two arrays, ``create_volume()``/``read_volume()``/
``write_volume()`` play the cloud's part, ``fail()`` makes the next calls
to an array fail transiently, ``set_reachable()`` takes it off the network.
Scheduled replication does not run: only ``replicate_now`` sends.
"""

from urllib import parse

from protector.common import driver_errors as errors
from protector.drivers.storage import base
from protector.drivers import translation
from protector.tests.fake_drivers import array as fake_array
from protector.tests.fake_drivers import pods as fake_pods
from protector.tests.fake_drivers import replication as fake_replication
from protector.tests.fake_drivers import world as fake_world


def reset():
    """Forget every fake array."""
    with fake_world.transaction() as world:
        world.arrays.clear()


def add_array(url, name=None, api_token=None, replication_bandwidth=None,
              rest_version='1.19'):
    """A new array answering at ``url`` (None token: any token)."""
    with fake_world.transaction() as world:
        array = fake_array.FakeArray(
            world, url, name or _name_of(url), api_token=api_token,
            rest_version=rest_version,
            replication_bandwidth=replication_bandwidth)
        world.arrays[url] = array
        return array


def _name_of(url):
    host = parse.urlparse(url).hostname or url.split('//')[-1]
    return host.split('.')[0].replace('_', '-') or 'fake-array'


def _implicit(url):
    host = parse.urlparse(url).hostname or ''
    return url.startswith('fake://') or host.endswith('.test')


def array(url):
    """The FakeArray at ``url``.

    In a world kept in a state file, read and change it inside a
    ``fake_world.transaction()``: outside one it is a copy.
    """
    with fake_world.transaction() as world:
        found = world.arrays.get(url)
        if found is None and _implicit(url):
            found = add_array(url)
            found.lenient = True
            for other in list(world.arrays.values()):
                if other.lenient and other is not found:
                    connect(url, other.url,
                            types=('replication', 'sync-replication'))
        return found


def connect(url_a, url_b, types=('replication',)):
    with fake_world.transaction():
        a, b = array(url_a), array(url_b)
        a.connections[b.name] = {'types': list(types), 'connected': True}
        b.connections[a.name] = {'types': list(types), 'connected': True}


def create_volume(url, name, data=b'', size=None):
    """A volume of ``size`` bytes (default len(data)) starting with data."""
    with fake_world.transaction():
        size = len(data) if size is None else size
        content = bytes(data) + bytes(max(0, size - len(data)))
        return array(url).create_volume(name, content)


def read_volume(url, name):
    with fake_world.transaction():
        return bytes(array(url).volume(name, 'read'))


def write_volume(url, name, offset, data):
    with fake_world.transaction():
        volume = array(url).volume(name, 'write')
        volume[offset:offset + len(data)] = data


def fail(url, count=1, kind='unavailable'):
    """Make the next ``count`` calls to the array fail with ``kind``.

    ``unavailable``: no answer; ``busy``: the array asks to try again.
    """
    with fake_world.transaction():
        array(url).failures.extend([kind] * count)


def set_reachable(url, reachable=True):
    """Take the array off the network, or put it back.

    Back on it, the snapshots other arrays could not send it start their
    transfer.
    """
    with fake_world.transaction() as world:
        array(url).unreachable_until = 0.0 if reachable else float('inf')
        if reachable:
            for other in world.arrays.values():
                other.tick()


def _translate(exc, ref, resource, action):
    if isinstance(exc, errors.StorageError):
        return exc
    return errors.ArrayError(array=ref.url, resource=resource,
                             action=action, detail=errors.redact(
                                 '%s: %s' % (type(exc).__name__, exc),
                                 ref.api_token))


def _counted(cls):
    """Count each call of the driver's operations (fake_world)."""
    for name in base.StorageDriver.__abstractmethods__:
        setattr(cls, name, fake_world.counted(getattr(cls, name)))
    return cls


@_counted
class FakeStorageDriver(fake_replication.FakeReplicationMixin,
                        fake_pods.FakePodMixin, base.StorageDriver):

    def __init__(self, volume_name_template='volume-%(id)s'):
        self.volume_name_template = volume_name_template
        self.retrier = translation.ArrayRetrier(
            _translate, attempts=4, interval=0.001, max_interval=0.01)
        self.probe = translation.ArrayRetrier(_translate, attempts=1)
        self.poll_interval = 0.02

    # -- plumbing ------------------------------------------------------

    def _reach(self, ref, resource, action):
        found = array(ref.url)
        kwargs = {'array': ref.url, 'resource': resource, 'action': action}
        if found is None:
            raise errors.ArrayUnavailable(
                unprocessed=True, detail='no array answers at %s (the fake '
                'storage driver knows fake:// arrays, hosts under .test and '
                'arrays added with fake.add_array)' % ref.url, **kwargs)
        if not found.reachable():
            raise errors.ArrayUnavailable(
                unprocessed=True, detail='connection refused', **kwargs)
        if found.failures:
            kind = found.failures.pop(0)
            if kind == 'busy':
                raise errors.ArrayBusy(detail='Array is busy; try again. '
                                       '(HTTP 400)', **kwargs)
            raise errors.ArrayUnavailable(unprocessed=True,
                                          detail='connection reset',
                                          **kwargs)
        if found.api_token is not None and ref.api_token != found.api_token:
            raise errors.ArrayAuthFailed(
                detail='Invalid API token. (HTTP 401)', status_code=401,
                **kwargs)
        found.tick()
        return found

    def _do(self, ref, resource, action, func, *args, **kwargs):
        """``func(array, *args)`` on the array of ``ref``.

        Transient failures are retried, unless ``retry=False``.
        """
        ref = base.array_ref(ref)
        retrier = self.retrier if kwargs.get('retry', True) else self.probe

        def run():
            with fake_world.transaction('%s %s' % (action, resource)):
                return func(self._reach(ref, resource, action), *args)
        return retrier.call(ref, resource, action, run)

    def _login(self, ref):
        ref = base.array_ref(ref)
        return self._do(ref, 'array %s' % ref.url, 'log in to',
                        lambda a: a, retry=False)

    # -- checks --------------------------------------------------------

    def check_array(self, url, api_token, peer=None):
        with fake_world.transaction('check array %s' % url):
            return self._check_array(base.ArrayRef(url, api_token), peer)

    def _check_array(self, ref, peer):
        url = ref.url
        try:
            here = self._login(ref)
            if peer is None:
                return base.check('array', 'passed',
                                  'fake array %s answers' % url)
            there = self._login(peer)
        except errors.StorageError as exc:
            return base.check('array', 'failed', str(exc))
        link = _link_check(here, there)
        if link['result'] != 'passed':
            return base.check('array', 'failed', link['detail'])
        return base.check('array', 'passed', 'fake array %s answers; %s'
                          % (url, link['detail']))

    def check_replication(self, source, target, group=None,
                          replication_type='async'):
        # One transaction: the arrays read are those the checks judge.
        with fake_world.transaction('check replication'):
            return self._check_replication(source, target, group,
                                           replication_type)

    def _check_replication(self, source, target, group, replication_type):
        found, checks = [], []
        for ref in (base.array_ref(source), base.array_ref(target)):
            try:
                found.append(self._login(ref))
                checks.append(base.check('array', 'passed',
                                         'fake array %s answers' % ref.url))
            except errors.StorageError as exc:
                checks.append(base.check('array', 'failed', str(exc)))
        if len(found) < 2:
            checks.append(base.check(
                'array_connection', 'skipped',
                'not run: an array did not accept the login'))
            return checks
        src, tgt = found
        needed = '1.19' if replication_type == 'sync' else '1.3'
        for item in found:
            ok = (tuple(map(int, item.rest_version.split('.'))) >=
                  tuple(map(int, needed.split('.'))))
            checks.append(base.check(
                'rest_version', 'passed' if ok else 'failed',
                'array %s speaks REST %s%s' % (
                    item.name, item.rest_version,
                    '' if ok else '; %s replication needs %s' % (
                        replication_type, needed))))
        for here, there in ((src, tgt), (tgt, src)):
            link = _link_check(here, there)
            checks.append(link)
            if (replication_type == 'sync' and link['result'] == 'passed'
                    and 'sync-replication' not in
                    here.connections[there.name]['types']):
                checks.append(base.check(
                    'array_connection', 'failed',
                    'the connection of %s to %s is not of type '
                    'sync-replication' % (here.name, there.name)))
        if group is not None:
            checks.append(self._group_check(src, tgt, group,
                                            replication_type))
        return checks

    def _group_check(self, src, tgt, name, replication_type):
        if replication_type == 'sync':
            pod = src.pods.get(name)
            if pod is None:
                return base.check('pod', 'skipped',
                                  'pod %s does not exist yet' % name)
            ok = tgt.name in pod['arrays']
            return base.check('pod', 'passed' if ok else 'failed',
                              'pod %s on %s' % (name, ', '.join(
                                  pod['arrays'])))
        group = src.pgroups.get(name)
        if group is None or group['destroyed']:
            return base.check('replication_group', 'skipped',
                              'protection group %s does not exist yet'
                              % name)
        targets = {t['name']: t['allowed'] for t in group['targets']}
        if not targets.get(tgt.name):
            return base.check(
                'replication_group', 'failed',
                'protection group %s does not replicate to %s or %s '
                'has not allowed it' % (name, tgt.name, tgt.name))
        return base.check('replication_group', 'passed',
                          'protection group %s replicates to %s' % (
                              name, tgt.name))

    # -- the watch -----------------------------------------------------

    def replication_overview(self, array):
        ref = base.array_ref(array)
        return self._do(ref, 'array %s' % ref.url,
                        'read the replication state of', _overview,
                        retry=False)


def _overview(found):
    """The replication overview of array ``found`` (one transaction)."""
    snapshots = []
    for name, snap in found.pgroup_snapshots.items():
        if snap['kind'] == 'replica':
            source_array, _, group = snap['group'].partition(':')
            point, role = name, 'target'
        else:
            source_array, group, role = found.name, snap['group'], 'source'
            point = '%s:%s' % (found.name, name)
        transfer = found.transfer(snap)
        progress = found.progress(snap)
        snapshots.append({
            'name': point, 'group': group, 'source_array': source_array,
            'role': role, 'created_at': snap['created'],
            'completed': bool(transfer['completed']), 'progress': progress,
            'data_transferred': int(transfer['total'] * progress)})
    groups, replicas = base.group_summaries(snapshots)
    connections = []
    for name, conn in sorted(found.connections.items()):
        connected = conn['connected'] and (
            found.world.array_named(name).reachable())
        connections.append({
            'name': name, 'connected': connected,
            'types': list(conn['types']),
            'status': 'connected' if connected else 'disconnected'})
    pods = {}
    # Like an array whose API predates pods (REST 1.13).
    if _version(found.rest_version) >= (1, 13):
        for name in sorted(found.pods):
            arrays = fake_pods.pod_arrays(found, name)
            pods[name] = {'healthy': fake_pods.healthy(arrays),
                          'arrays': arrays}
    protected = {name: list(group['volumes'])
                 for name, group in found.pgroups.items()
                 if group['kind'] != 'replica'}
    for name in found.volumes:
        pod, _, _ = name.partition('::')
        if pod != name and pod in pods:
            protected.setdefault(pod, []).append(name)
    return {'array': found.url, 'name': found.name,
            'connections': connections, 'groups': groups,
            'replicas': replicas, 'pods': pods, 'protected': protected}


def _version(text):
    return tuple(int(part) for part in text.split('.'))


def _link_check(here, there):
    conn = here.connections.get(there.name)
    if conn is None:
        return base.check(
            'array_connection', 'failed',
            'array %s is not connected to %s; connect them (on %s: '
            '"purearray connect --management-address <address of %s> '
            '--type replication")' % (here.name, there.name, here.name,
                                      there.name))
    return base.check('array_connection', 'passed',
                      'array %s is connected to %s (%s)' % (
                          here.name, there.name, ', '.join(conn['types'])))
