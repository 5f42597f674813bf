"""The world of the fake drivers: every site's cloud and every array.

Test code.  The fake cloud (:mod:`protector.tests.fake_drivers.cloud`)
and the fake storage (:mod:`protector.tests.fake_drivers.storage`) keep
their state in one :class:`World`: the clouds by site name, the arrays by
URL.  Every driver call runs as one :func:`transaction` on it, atomic
against the other threads and processes that use the same world.

- Without ``[fake_world] state_file`` (the unit tests) the world lives in
  the memory of this process.
- With it, the world lives in that file, shared by every process that
  names the same file: both sites' engines and the test that inspects
  them.  A transaction takes an exclusive ``flock`` of
  ``<state_file>.lock``, reads the world, runs the call and, when the
  call changed the world, writes it to a new file renamed over the old
  one.  An engine killed at any moment leaves either the world before the
  call or the world after it.

A test can pause one process (``pause(pid)``): each driver call of that
process then waits, outside the lock, until the test lets it go
(``let_go``), so the test knows exactly which call the process is about
to make when it kills it.

Every call of a fake driver's public method is counted by method name
(``call_counts()``, ``reset_call_counts()``), for benchmarks that tell how
many calls a piece of the engine makes.  The counts are kept beside the
world, not in it: counting a call that only reads must not rewrite the
world's file.  With a state file they are lines appended to
``<state_file>.calls`` (one small append per call, seen by every process
that names the file); without one, a counter in this process.
"""

import collections
import contextlib
import fcntl
import functools
import os
import pickle
import threading
import time

from oslo_config import cfg

CONF = cfg.CONF

group = cfg.OptGroup('fake_world', title='State of the fake drivers '
                                         '(tests only)')
opts = [
    cfg.StrOpt('state_file',
               help='File holding the clouds and arrays of the fake '
                    'drivers, shared by every process that names it. '
                    'Unset: they live in the memory of each process.'),
]
CONF.register_group(group)
CONF.register_opts(opts, group=group)

# How often a paused call looks whether it may go on.
PAUSE_POLL = 0.01


class World(object):
    """Everything the fake clouds and arrays hold."""

    def __init__(self):
        self.clouds = {}
        self.arrays = {}
        # pid -> {'issued': n, 'allowed': n, 'waiting': {ticket: label}}
        self.pauses = {}

    def array_named(self, name):
        for array in self.arrays.values():
            if array.name == name:
                return array
        raise KeyError(name)


_lock = threading.RLock()
_memory = World()
_current = None
_owner = None
_depth = 0
_lock_file = {}


def current():
    """The world of the transaction under way in this thread."""
    if _current is None or _owner != threading.get_ident():
        raise RuntimeError('the fake world is used outside a transaction')
    return _current


@contextlib.contextmanager
def transaction(label=None):
    """The world, for one call; nested transactions join the outer one.

    ``label`` names the driver call; only such calls wait in a process
    the test paused.
    """
    global _depth
    with _lock:
        if _depth:
            _depth += 1
            try:
                yield _current
            finally:
                _depth -= 1
            return
        path = CONF.fake_world.state_file
        if not path:
            with _entered(_memory):
                yield _memory
            return
        ticket = None
        while True:
            with _flocked(path):
                raw, world = _read(path)
                ticket, go = _admit(world, ticket, label)
                if go:
                    try:
                        with _entered(world):
                            yield world
                    finally:
                        # Kept even when the call raised: a fake, like a
                        # cloud, may have changed something first.
                        _write(path, raw, world)
                    return
                _write(path, raw, world)
            # Paused: wait outside the lock for the test to let go.
            time.sleep(PAUSE_POLL)


@contextlib.contextmanager
def _entered(world):
    global _current, _owner, _depth
    _current, _owner, _depth = world, threading.get_ident(), 1
    try:
        yield
    finally:
        _current, _owner, _depth = None, None, 0


@contextlib.contextmanager
def _flocked(path):
    # One descriptor per process and state file: a forked child, or a
    # test that moved to another state file, opens its own.
    key = (os.getpid(), path)
    if _lock_file.get('key') != key:
        if _lock_file.get('key', (None,))[0] == key[0]:
            os.close(_lock_file['fd'])
        _lock_file.update(key=key, fd=os.open(path + '.lock',
                                              os.O_RDWR | os.O_CREAT, 0o600))
    fd = _lock_file['fd']
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _read(path):
    try:
        with open(path, 'rb') as state:
            raw = state.read()
    except FileNotFoundError:
        raw = b''
    return raw, (pickle.loads(raw) if raw else World())


def _write(path, raw, world):
    data = pickle.dumps(world, protocol=pickle.HIGHEST_PROTOCOL)
    if data == raw:
        return
    temporary = '%s.%d.tmp' % (path, os.getpid())
    with open(temporary, 'wb') as state:
        state.write(data)
    os.replace(temporary, path)


def reset():
    """An empty world (clouds, arrays and pauses), no call counted."""
    with transaction() as world:
        world.clouds.clear()
        world.arrays.clear()
        world.pauses.clear()
    reset_call_counts()


# Call counts

_counting = threading.local()
_memory_calls = collections.Counter()
_memory_calls_lock = threading.Lock()


def counted(method):
    """Decorate a fake driver's public method: count each of its calls.

    Only the calls from outside count: what the method calls of its
    driver's other methods is part of it, as the requests behind a real
    driver's method are.
    """
    name = method.__name__.encode()

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        if getattr(_counting, 'inside', False):
            return method(*args, **kwargs)
        _count(name)
        _counting.inside = True
        try:
            return method(*args, **kwargs)
        finally:
            _counting.inside = False
    return wrapper


def _calls_file():
    path = CONF.fake_world.state_file
    return path + '.calls' if path else None


def _count(name):
    path = _calls_file()
    if path is None:
        with _memory_calls_lock:
            _memory_calls[name.decode()] += 1
        return
    # One write in append mode: processes do not overwrite each other's
    # lines, and no lock is needed.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, name + b'\n')
    finally:
        os.close(fd)


def call_counts():
    """``{method name: calls}`` of the fake drivers since the last reset.

    With a state file: the calls of every process sharing the world.
    """
    path = _calls_file()
    if path is None:
        with _memory_calls_lock:
            return dict(_memory_calls)
    try:
        with open(path, 'rb') as calls:
            names = calls.read().split()
    except FileNotFoundError:
        return {}
    return dict(collections.Counter(name.decode() for name in names))


def reset_call_counts():
    """Start counting the fake drivers' calls from zero."""
    path = _calls_file()
    if path is None:
        with _memory_calls_lock:
            _memory_calls.clear()
        return
    with open(path, 'wb'):
        pass


# Pauses: a test stops a process at each of its calls

def _admit(world, ticket, label):
    """``(ticket, go)``: whether a call of this process may run now."""
    pause = world.pauses.get(os.getpid())
    if pause is None or label is None:
        return ticket, True
    if ticket is None:
        pause['issued'] += 1
        ticket = pause['issued']
        pause['waiting'][ticket] = label
    if pause['allowed'] >= ticket:
        pause['waiting'].pop(ticket, None)
        return ticket, True
    return ticket, False


def pause(pid):
    """Process ``pid`` waits at each of its next calls until let go."""
    with transaction() as world:
        world.pauses[pid] = {'issued': 0, 'allowed': 0, 'waiting': {}}


def unpause(pid):
    """Process ``pid`` runs freely again (its waiting calls go on)."""
    with transaction() as world:
        world.pauses.pop(pid, None)


def waiting(pid):
    """Calls of ``pid`` not let go yet: ``[(ticket, label)]``, oldest first."""
    with transaction() as world:
        pause = world.pauses.get(pid)
        if pause is None:
            return []
        return sorted((ticket, label) for ticket, label
                      in pause['waiting'].items()
                      if ticket > pause['allowed'])


def let_go(pid, ticket, timeout=60):
    """Let the waiting call ``ticket`` of ``pid`` run; return once it ran.

    Once it returns, whatever ``pid`` does next is its own doing, not
    the rest of that call.
    """
    with transaction() as world:
        pause = world.pauses[pid]
        pause['allowed'] = max(pause['allowed'], ticket)
    deadline = time.monotonic() + timeout
    while True:
        with transaction() as world:
            pause = world.pauses.get(pid)
            if pause is None or ticket not in pause['waiting']:
                return
        if time.monotonic() > deadline:
            raise RuntimeError('call %d of process %d did not run in %d s'
                               % (ticket, pid, timeout))
        time.sleep(PAUSE_POLL)
