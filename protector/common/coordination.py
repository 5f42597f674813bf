"""The engines of one site: who is alive, who does which work, and locks.

With ``[coordination] backend_url`` set, every protector-engine of the site
joins one tooz group on that backend (etcd, as devstack deploys it).  The
members of the group are the live engines: an engine that dies leaves it
when its membership lease runs out.  Periodic work is spread over them
with a consistent hash ring, so each protection group is watched by one
engine and moves to another only when the membership changes.  Locks are
the backend's, so they hold across processes and hosts.

Without a backend the engine is alone: it owns every key and its locks
are the process's own.
"""

import os
import socket
import threading

from oslo_config import cfg
from oslo_log import log as logging
from tooz import coordination as tooz_coordination
from tooz import hashring

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


def engine_identity():
    """(host, pid) of this process, as operations record their engine."""
    return socket.gethostname(), os.getpid()


class Alone(object):
    """One engine for the site: every key is its own, locks are local."""

    distributed = False

    def __init__(self, identity=None):
        self.identity = identity or engine_identity()
        self.me = '%s:%d' % self.identity
        self._guard = threading.Lock()
        self._locks = {}

    def start(self):
        return self

    def stop(self):
        pass

    def engines(self):
        return [self.me]

    def share(self):
        return lambda key: True

    def lock(self, *name):
        with self._guard:
            return self._locks.setdefault(name, threading.Lock())


class Shared(object):
    """Engines of a site on a tooz backend."""

    distributed = True

    def __init__(self, backend_url, site_name, identity=None):
        self.identity = identity or engine_identity()
        self.me = '%s:%d' % self.identity
        self.site_name = site_name
        self.group = ('protector-engines-%s' % site_name).encode()
        self._coordinator = tooz_coordination.get_coordinator(
            backend_url, self.me.encode())
        self._members = [self.me]

    def start(self):
        self._coordinator.start(start_heart=True)
        try:
            self._coordinator.create_group(self.group).get()
        except tooz_coordination.GroupAlreadyExist:
            pass
        self._coordinator.join_group(self.group).get()
        LOG.info('Engine %(me)s joined the engines of site %(site)s: '
                 '%(all)s', {'me': self.me, 'site': self.site_name,
                             'all': ', '.join(self.engines())})
        return self

    def stop(self):
        try:
            self._coordinator.leave_group(self.group).get()
        except tooz_coordination.ToozError as exc:
            LOG.warning('Engine %s could not leave its group: %s',
                        self.me, exc)
        self._coordinator.stop()

    def engines(self):
        """The live engines of the site, sorted.

        When the backend does not answer, the engines it last named: the
        work goes on as it was shared rather than stopping or doubling.
        """
        try:
            members = self._coordinator.get_members(self.group).get()
        except tooz_coordination.ToozError as exc:
            LOG.warning('Coordination backend did not list the engines '
                        '(%s); going on with %s', exc,
                        ', '.join(self._members))
            return list(self._members)
        found = sorted(m.decode() for m in members)
        if found != self._members:
            LOG.info('Engines of site %(site)s: %(all)s',
                     {'site': self.site_name, 'all': ', '.join(found)})
        self._members = found or [self.me]
        return list(self._members)

    def share(self):
        """``owns(key)``: whether ``key`` falls to this engine now.

        One look at the membership, for a whole round of periodic work.
        """
        ring = hashring.HashRing(self.engines())
        return lambda key: self.me in ring.get_nodes(str(key).encode())

    def lock(self, *name):
        key = '/'.join(['protector', self.site_name] + [str(n) for n in name])
        return self._coordinator.get_lock(key.encode())


_current = None
_current_guard = threading.Lock()


def get():
    """The coordinator of this process (alone until ``start``)."""
    global _current
    with _current_guard:
        if _current is None:
            _current = Alone()
        return _current


def start():
    """Join the engines of the site (protector-engine's start)."""
    global _current
    url = CONF.coordination.backend_url
    coordinator = Shared(url, CONF.site_name) if url else Alone()
    coordinator.start()
    with _current_guard:
        _current = coordinator
    return coordinator


def stop():
    global _current
    with _current_guard:
        coordinator, _current = _current, None
    if coordinator is not None:
        coordinator.stop()
