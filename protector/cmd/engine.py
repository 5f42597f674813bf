"""protector-engine: the RPC server that does the work."""

import signal
import socket
import sys
import threading

from oslo_log import log as logging

from protector.common import context
from protector.common import coordination
from protector.common import rpc
from protector.common import service
from protector.db import api as db
from protector.engine import manager
from protector.engine.operations import jobs
from protector.engine import periodic
from protector.engine import sync
from protector.health import metrics
from protector.health import watch

CONF = service.CONF
LOG = logging.getLogger(__name__)


def main():
    service.prepare()
    service.log_options()
    db.group_fill_digests(context.get_admin_context())
    server = rpc.get_server(CONF.engine.topic, socket.gethostname(),
                            [manager.EngineManager()])
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *args: stop.set())
    # First: a port already taken stops the engine before it does work.
    endpoint = None
    if CONF.health.metrics_enabled:
        endpoint = metrics.Endpoint(CONF.health.metrics_bind_host,
                                    CONF.health.metrics_port)
    # With a coordination backend: one of the site's engines; alone
    # otherwise.
    coordinator = coordination.start()
    server.start()
    LOG.info('protector-engine %(me)s of site %(site)s listening on topic '
             '%(topic)s', {'me': coordinator.me, 'site': CONF.site_name,
                           'topic': CONF.engine.topic})
    # Operation jobs of the site, or (alone) the operations this engine
    # was running when it stopped.
    resumed = jobs.start(coordinator)
    if resumed:
        LOG.info('Resumed operations: %s', ', '.join(resumed))
    # Versions the peer site has not confirmed yet are sent again.
    retries = periodic.Periodic(
        'sync-retry', sync.deliver_due,
        lambda: CONF.engine.sync_retry_interval).start()
    # Whether a failover would work right now, for every group here.
    health = periodic.Periodic('health-watch', watch.run,
                               lambda: CONF.health.interval).start()
    stop.wait()
    LOG.info('protector-engine stopping')
    if endpoint is not None:
        endpoint.stop()
    health.stop()
    retries.stop()
    server.stop()
    server.wait()
    jobs.stop()
    coordination.stop()
    rpc.cleanup()
    return 0


if __name__ == '__main__':
    sys.exit(main())
