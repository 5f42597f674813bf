"""Prometheus metrics of protector-engine.

What the health watch saw is read from the database at each scrape, not
kept in this process: every engine of a site shows the same, and a
restart loses nothing.  Only the durations of DR operations are counted
in the process, by the engine that ends them (see
``protector.engine.operations.events``).

Served in the text exposition format on ``[health] metrics_bind_host``
and ``metrics_port`` when ``[health] metrics_enabled``; the alert rules
in ``etc/protector/prometheus-alerts.yaml`` use these names.
"""

import datetime

from oslo_config import cfg
from oslo_log import log as logging
import prometheus_client
from prometheus_client import core
from prometheus_client import registry as prometheus_registry

from protector.common import context as protector_context
from protector.common import steps
from protector.db import api as db

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

GROUP_LABELS = ('protection_group_id', 'protection_group', 'project_id',
                'site')
# A sync takes seconds, a failover of many servers can take an hour or
# two; beyond that the operation needs a person anyway.
OPERATION_BUCKETS = (10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
                     float('inf'))
OUTCOMES = (steps.COMPLETED, steps.COMPLETED_WITH_ERRORS, steps.FAILED,
            steps.CANCELLED)

OPERATION_SECONDS = prometheus_client.Histogram(
    'protector_operation_duration_seconds',
    'Time from the start of a DR operation to its end, by type and by the '
    'status it ended in (outcome).',
    ['operation_type', 'outcome'], buckets=OPERATION_BUCKETS, registry=None)
# Every series exists from the start at 0: increase() of a counter that
# appears with its first failure sees no increase.
for _type in steps.TYPES:
    for _outcome in OUTCOMES:
        OPERATION_SECONDS.labels(_type, _outcome)


def observe_operation(operation_type, outcome, seconds):
    OPERATION_SECONDS.labels(operation_type, outcome).observe(seconds)


def transfer_ratio(transfers):
    """How far the replication transfer in progress is, 0..1.

    1 when none runs.  With several, the oldest: its landing is what
    moves the achieved RPO.  None when the array tells no progress.
    """
    if not transfers:
        return 1.0
    oldest = min(transfers, key=lambda t: t.get('created_at') or '')
    progress = oldest.get('progress')
    if progress is None:
        return None
    return min(1.0, max(0.0, float(progress)))


def _timestamp(moment):
    """Seconds since the epoch of a naive UTC datetime."""
    return moment.replace(tzinfo=datetime.timezone.utc).timestamp()


class HealthCollector(prometheus_registry.Collector):
    """The watch's latest look at each group and site, from the database."""

    @staticmethod
    def _families():
        gauge = core.GaugeMetricFamily
        return {
            'database_up': gauge(
                'protector_database_up',
                'Whether this scrape could read the database (0: the '
                'metrics of groups and sites are missing).'),
            'rpo': gauge(
                'protector_protection_group_rpo_seconds',
                'Achieved RPO: age of the newest recovery point on the '
                'target array (absent while not measured).',
                labels=GROUP_LABELS),
            'target': gauge(
                'protector_protection_group_rpo_target_seconds',
                "RPO target of the group's replication policy.",
                labels=GROUP_LABELS),
            'ready': gauge(
                'protector_protection_group_failover_ready',
                'Whether every failover readiness check passes (1) or '
                'not (0).', labels=GROUP_LABELS),
            'transfer': gauge(
                'protector_protection_group_replication_transfer_ratio',
                'Progress of the replication transfer in progress, 0..1; '
                '1 when none runs.', labels=GROUP_LABELS),
            'grade': gauge(
                'protector_protection_group_rpo_grade_info',
                'RPO grade shown (ok, warning, violated, critical, '
                'unknown) in the grade label; always 1.',
                labels=GROUP_LABELS + ('grade',)),
            'checked': gauge(
                'protector_protection_group_last_check_timestamp_seconds',
                'When the health watch last looked at the group.',
                labels=GROUP_LABELS),
            'site_up': gauge(
                'protector_site_up',
                "Whether this site's health watch reaches the site (the "
                'local site is 1).', labels=['site']),
        }

    def describe(self):
        # Names only: registering the collector reads no database.
        return list(self._families().values())

    def collect(self):
        families = self._families()
        try:
            groups, sites = db.health_metrics(
                protector_context.get_admin_context())
        except Exception:
            LOG.exception('Metrics: the database could not be read')
            families['database_up'].add_metric([], 0)
            return [families['database_up']]
        families['database_up'].add_metric([], 1)
        for row in groups:
            self._group(families, row)
        up = {CONF.site_name: 1}
        for name, is_local, reachable in sites:
            if is_local:
                up[name] = 1
            elif reachable is not None:
                up[name] = int(reachable)
        for name, value in sorted(up.items()):
            families['site_up'].add_metric([name], value)
        return list(families.values())

    @staticmethod
    def _group(families, row):
        labels = [row.id, row.name, row.project_id, CONF.site_name]
        if row.rpo_seconds is not None:
            families['rpo'].add_metric(labels, row.rpo_seconds)
        if row.rpo_target_seconds is not None:
            families['target'].add_metric(labels, row.rpo_target_seconds)
        families['ready'].add_metric(labels, int(row.failover_ready))
        ratio = transfer_ratio(row.transfers)
        if ratio is not None:
            families['transfer'].add_metric(labels, ratio)
        families['grade'].add_metric(labels + [row.rpo_grade], 1)
        families['checked'].add_metric(labels, _timestamp(row.checked_at))


def registry():
    """What the endpoint serves: health, operations, this process."""
    served = prometheus_client.CollectorRegistry()
    served.register(HealthCollector())
    served.register(OPERATION_SECONDS)
    prometheus_client.ProcessCollector(registry=served)
    return served


class Endpoint(object):
    """The HTTP server Prometheus scrapes (``/metrics``), in a thread."""

    def __init__(self, host, port):
        self.server, self.thread = prometheus_client.start_http_server(
            port, addr=host, registry=registry())
        LOG.info('Prometheus metrics on http://%(host)s:%(port)d/metrics',
                 {'host': host, 'port': self.port})

    @property
    def port(self):
        return self.server.server_address[1]

    def stop(self):
        self.server.shutdown()
        # Frees the port at once, for an engine started again.
        self.server.server_close()
        self.thread.join()
