"""Boot conditions of the recovery plan: what a rank waits for.

``{"type": "wait", "delay_seconds": N}``: N seconds after ACTIVE;
``{"type": "active"}``: ACTIVE is enough; ``{"type": "tcp", "port": P}``:
the server accepts TCP connections on port P of its first fixed IP (the
engine host must be able to reach that address).  Waits stop early when
the operation is cancelled.
"""

import socket
import time

from oslo_config import cfg

CONF = cfg.CONF
# Tests replace these.
sleep = time.sleep
monotonic = time.monotonic
POLL = 2.0


def _pause(seconds, recorder):
    deadline = monotonic() + seconds
    while True:
        left = deadline - monotonic()
        if left <= 0:
            return
        recorder.check_cancelled()
        sleep(min(POLL, left))


def _tcp_open(address, port):
    try:
        with socket.create_connection((address, port), timeout=2):
            return True
    except OSError:
        return False


def wait(condition, address, recorder):
    """Wait for ``condition``; return None when met, else why not."""
    if not condition:
        return None
    kind = condition.get('type')
    timeout = condition.get('timeout_seconds') or \
        CONF.engine.boot_condition_timeout
    if kind == 'wait':
        _pause(condition.get('delay_seconds') or 0, recorder)
        return None
    if kind == 'tcp':
        if not address:
            return ('boot condition tcp:%d not checked: the server has no '
                    'fixed IP' % condition['port'])
        deadline = monotonic() + timeout
        while not _tcp_open(address, condition['port']):
            if monotonic() >= deadline:
                return ('boot condition not met: %s:%d did not accept TCP '
                        'connections within %d s' % (address,
                                                     condition['port'],
                                                     timeout))
            _pause(min(POLL, max(0.0, deadline - monotonic())), recorder)
        return None
    return None
