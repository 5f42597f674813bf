"""Locks of this process, one per name (a site and a resource, say).

Parallel steps of one operation share some resources (a server group, a
key pair, a Cinder group) that the clouds let change only one at a time.
"""

import threading

_guard = threading.Lock()
_locks = {}


def named(*key):
    """The lock for ``key``, made on first use (use as ``with``)."""
    with _guard:
        return _locks.setdefault(key, threading.Lock())
