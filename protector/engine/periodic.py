"""Work protector-engine does by itself, every so often, in a thread."""

import threading

from oslo_log import log as logging

from protector.common import context as protector_context

LOG = logging.getLogger(__name__)


class Periodic(object):
    """Call ``task(context)`` every ``interval()`` seconds until stopped.

    A failure is logged and the next round comes as usual.
    """

    def __init__(self, name, task, interval):
        self.name = name
        self.task = task
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name,
                                        daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=30)

    def _loop(self):
        context = protector_context.get_admin_context()
        while not self._stop.wait(self.interval()):
            try:
                self.task(context)
            except Exception:
                LOG.exception('Periodic task %s failed; it runs again in '
                              '%s s', self.name, self.interval())
