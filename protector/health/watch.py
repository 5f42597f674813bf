"""The health watch: one look at every group whose workload runs here.

A cycle first reads, side by side, everything it needs: one overview per
array, the peer's list of versions, and per cloud project a few listings
(servers and volumes where the workload runs; quota, flavors and networks
on the target).  Then it grades each group from those facts alone, stores
the sample and sends a notification for each change it is the first to
see.  The number of calls grows with arrays and projects, not groups.
"""

from concurrent import futures
import threading

from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import timeutils

from protector.common import coordination
from protector.common import exception
from protector.common import notifications
from protector.db import api as db
from protector.drivers import loader
from protector.engine import group_environment
from protector.engine import peer as peer_api
from protector.engine import sync
from protector.health import grades
from protector.health import readiness
from protector.health import rpo

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


def _why(exc):
    """What a failed read says, without secrets or tracebacks."""
    if isinstance(exc, exception.PeerUnreachable):
        return exc.kwargs.get('reason') or exc.msg
    if isinstance(exc, exception.ProtectorException):
        return exc.msg
    return '%s error' % type(exc).__name__


class Reads(object):
    """Each read of a cycle once, in parallel; failures kept as reasons."""

    def __init__(self, workers):
        self._pool = futures.ThreadPoolExecutor(workers)
        self._futures = {}
        self._lock = threading.Lock()

    def want(self, key, fetch, *args):
        with self._lock:
            if key not in self._futures:
                self._futures[key] = self._pool.submit(fetch, *args)

    def get(self, key):
        """``(value, None)`` or ``(None, why it failed)``."""
        try:
            return self._futures[key].result(), None
        except Exception as exc:
            LOG.debug('Health read %s failed: %s', key[0], _why(exc))
            return None, _why(exc)

    def close(self):
        self._pool.shutdown(wait=True)


class Cycle(object):
    """One look at every group of this site."""

    def __init__(self, context, now=None):
        self.context = context
        self.now = now or timeutils.utcnow()
        self.local = sync.local_site(context)
        self.peer = sync.peer_site(context)
        self.storage = loader.storage_driver()
        self.reads = Reads(CONF.health.workers)
        self._clouds = {}
        self._projects = {}
        self._environments = {}

    # Reading

    def environment(self, group, policy):
        """The group as this look sees it: from here to the peer."""
        if group.id not in self._environments:
            self._environments[group.id] = group_environment.Environment(
                self.context, group, self.local, self.peer,
                policy=(None if policy is None
                        else group_environment.policy_values(policy)),
                storage=self.storage)
        return self._environments[group.id]

    def cloud(self, site):
        """One driver per site for the whole look, whatever the groups."""
        if site.id not in self._clouds:
            self._clouds[site.id] = group_environment.cloud_driver(site)
        return self._clouds[site.id]

    def project(self, env, site):
        """``(project, None)`` or ``(None, why)``; once per project."""
        key = (env.group.project_id, site.id)
        if key not in self._projects:
            try:
                self._projects[key] = (env.project(site), None)
            except exception.ProtectorException as exc:
                self._projects[key] = (None, exc.msg)
        return self._projects[key]

    def _want(self, rows):
        reads = self.reads
        reads.want(('peer',), peer_api.PeerClient(self.peer).versions)
        source, target = self.local, self.peer
        target_cloud = self.cloud(target)
        reads.want(('service_project', target.id),
                   self._service_usage, target_cloud)
        for group, policy, _members, _health in rows:
            env = self.environment(group, policy)
            if policy is not None:
                for ref in env.arrays():
                    reads.want(('array', ref.url),
                               self.storage.replication_overview, ref)
            project = group.project_id
            cloud = self.cloud(source)
            reads.want(('servers', project), cloud.list_servers, project)
            reads.want(('volumes', project), cloud.list_volumes, project)
            remote, _why = self.project(env, target)
            if remote is None:
                continue
            reads.want(('quota', remote), target_cloud.get_quota_usage,
                       remote)
            reads.want(('flavors', remote), target_cloud.list_flavors,
                       remote)
            reads.want(('networks', remote), target_cloud.list_networks,
                       remote)

    @staticmethod
    def _service_usage(cloud):
        project = cloud.service_project_id()
        return project, cloud.get_quota_usage(project)

    # Grading

    def run(self):
        """Look at every group; returns ``{'groups', 'notifications'}``."""
        # The site's engines share the groups (see common.coordination);
        # the peer site is watched by the engine its name falls to.
        owns = coordination.get().share()
        watched = db.health_watched_groups(self.context, self.local.id)
        rows = [row for row in watched if owns(row[0].id)]
        watches_peer = owns('site:%s' % self.peer.id)
        db.health_forget(self.context, self.local.id)
        try:
            self._want(rows)
            peer_versions, peer_error = self.reads.get(('peer',))
            samples = {}
            for group, policy, members, health in rows:
                sample = self.sample(group, policy, members, health,
                                     peer_versions, peer_error)
                grade = grades.grade(sample['rpo_seconds'],
                                     sample['rpo_target_seconds'])
                samples[group.id] = (
                    dict(sample, sample_grade=grade),
                    lambda shown, previous, grade=grade: grades.settle(
                        shown, previous, grade))
        finally:
            self.reads.close()
        recorded = db.health_record(self.context, samples)
        sent = self._tell_peer(peer_error) if watches_peer else 0
        for group, _policy, _members, _health in rows:
            sent += self._tell(group, *recorded[group.id])
        db.health_thin(self.context, self.now, CONF.health.history_days)
        return {'groups': len(rows), 'notifications': sent}

    def sample(self, group, policy, members, health, peer_versions,
               peer_error):
        """The watch's look at one group, from the cycle's reads."""
        env = self.environment(group, policy)
        target = self.peer
        checks = [readiness.peer_site(target.name, peer_error)]
        checks.append(readiness.metadata_sync(
            group, target.name, (peer_versions or {}).get(group.id),
            peer_error))
        servers, servers_error = self.reads.get(('servers',
                                                 group.project_id))
        volumes, volumes_error = self.reads.get(('volumes',
                                                 group.project_id))
        checks.append(readiness.servers(group, members, servers,
                                        servers_error))
        checks.append(readiness.volume_drift(group, members, volumes,
                                             volumes_error))
        measured, array_checks = self._replication(
            env, policy, members, health, volumes, volumes_error)
        checks.extend(array_checks)
        checks.extend(self._target_checks(env, members))
        return dict(measured, checks=checks, checked_at=self.now,
                    failover_ready=readiness.ready(checks))

    def _replication(self, env, policy, members, health, volumes,
                     volumes_error):
        group = env.group
        name = env.replication_group
        empty = {'rpo_seconds': None, 'newest_recovery_point': None,
                 'transfers': [], 'out_of_sync_since': None,
                 'rpo_target_seconds': None}
        if policy is None:
            why = ("The group has no replication policy; create it with "
                   "'%s protection-group policy-create %s ...'."
                   % (readiness.CLI, group.name))
            return dict(empty, rpo_detail=why), [
                readiness.check('replication_policy', readiness.FAIL, why)]
        source_ref, target_ref = env.arrays()
        source_view, source_error = self.reads.get(('array',
                                                    source_ref.url))
        target_view, target_error = self.reads.get(('array',
                                                    target_ref.url))
        target_seconds = policy.rpo_minutes * 60
        if env.is_sync:
            measured = rpo.measure_sync(
                name, source_view, target_view,
                health.out_of_sync_since if health else None, self.now)
        else:
            measured = dict(rpo.measure_async(name, source_view,
                                              target_view, self.now),
                            out_of_sync_since=None)
        measured['rpo_target_seconds'] = target_seconds
        checks = [readiness.recovery_point(
            group, self.peer.name, measured['rpo_seconds'], target_seconds,
            measured['newest_recovery_point'], measured['rpo_detail'])]
        checks.append(readiness.target_array(target_ref.url, target_error))
        checks.append(readiness.array_link(
            source_ref.url, target_ref.url,
            _connection(source_view, target_view), source_error))
        held = ((source_view or {}).get('protected') or {}).get(name)
        checks.append(readiness.volume_groups(
            group, members, volumes, env.cinder_group(self.local),
            held or [], volumes_error, source_error, env.array_name))
        return measured, checks

    def _target_checks(self, env, members):
        group = env.group
        target = self.peer
        remote, why = self.project(env, target)
        if remote is None:
            return [readiness.unknown(name, why) for name in
                    ('mappings', 'target_quota', 'adoption_quota')]
        flavors, flavors_error = self.reads.get(('flavors', remote))
        networks, networks_error = self.reads.get(('networks', remote))
        listed = readiness.ListedCloud(target.name, networks or [],
                                       flavors or [])
        checks = [readiness.mappings(group, members, self.local.id,
                                     target.name, listed,
                                     flavors_error or networks_error)]
        needed = readiness.need(members, flavors or [])
        usage, usage_error = self.reads.get(('quota', remote))
        checks.append(readiness.quota(
            'target_quota', target.name, 'of the group', remote, needed,
            usage, usage_error, readiness.TENANT_RESOURCES))
        service, service_error = self.reads.get(('service_project',
                                                 target.id))
        project, usage = service or (None, None)
        checks.append(readiness.quota(
            'adoption_quota', target.name, 'that adopts the volumes',
            project, needed, usage, service_error,
            readiness.ADOPTION_RESOURCES))
        return checks

    # Recording and telling

    def _tell(self, group, before, after):
        """Notify the changes of one group; returns how many."""
        sent = 0
        event = grades.event(before and before['rpo_grade'],
                             after['rpo_grade'])
        if event:
            notifications.notify(
                self.context, event, 'ProtectionGroupRPOPayload',
                _rpo_payload(group, before, after),
                priority='warn' if after['rpo_grade'] in grades.BREACHED
                else 'info')
            sent += 1
        failing_before = _failing(before)
        if before is not None and failing_before != _failing(after):
            notifications.notify(
                self.context, 'protection_group.readiness.changed',
                'ProtectionGroupReadinessPayload',
                _readiness_payload(group, after, failing_before),
                priority='info' if after['failover_ready'] else 'warn')
            sent += 1
        return sent

    def _tell_peer(self, error):
        before, after = db.site_health_record(
            self.context, self.peer.id, error is None, error or '',
            self.now)
        if before is None or before == after:
            return 0
        notifications.notify(
            self.context, 'site.reachable' if after else 'site.unreachable',
            'SitePayload', {'id': self.peer.id, 'name': self.peer.name,
                            'reachable': after, 'detail': error or '',
                            'watched_by': self.local.name,
                            'checked_at': _iso(self.now)},
            priority='info' if after else 'error')
        return 1


def _connection(source_view, target_view):
    """The source array's connection to the target array, if listed."""
    if source_view is None:
        return None
    connections = source_view.get('connections') or []
    if target_view is not None:
        for connection in connections:
            if connection.get('name') == target_view.get('name'):
                return connection
        return None
    replication = [c for c in connections
                   if 'replication' in (c.get('types') or [])]
    return replication[0] if len(replication) == 1 else None


def _failing(row):
    if row is None:
        return []
    return sorted(c['name'] for c in row['checks']
                  if c['status'] != readiness.PASS)


def _iso(moment):
    return moment.isoformat() + 'Z' if moment else None


def _rpo_payload(group, before, after):
    point = after['newest_recovery_point'] or {}
    return {'id': group.id, 'name': group.name,
            'project_id': group.project_id,
            'rpo_grade': after['rpo_grade'],
            'previous_rpo_grade': before and before['rpo_grade'],
            'rpo_seconds': after['rpo_seconds'],
            'rpo_target_seconds': after['rpo_target_seconds'],
            'rpo_detail': after['rpo_detail'],
            'newest_recovery_point': point.get('name'),
            'newest_recovery_point_at': point.get('created_at'),
            'checked_at': _iso(after['checked_at'])}


def _readiness_payload(group, after, failing_before):
    failing = [dict(c) for c in after['checks']
               if c['status'] != readiness.PASS]
    return {'id': group.id, 'name': group.name,
            'project_id': group.project_id,
            'failover_ready': after['failover_ready'],
            'failing_checks': failing,
            'previously_failing': failing_before,
            'checked_at': _iso(after['checked_at'])}


def run(context):
    """The periodic task of protector-engine."""
    started = timeutils.utcnow()
    try:
        cycle = Cycle(context)
    except (exception.NotFound, exception.Conflict) as exc:
        # This site or its peer is not registered yet: nothing to watch.
        LOG.debug('Health watch idle: %s', exc.msg)
        return None
    result = cycle.run()
    # Every look is logged at debug level; the changes, at info level,
    # with each notification.
    LOG.debug('Health watch: %(groups)d group(s) in %(seconds).1f s, '
              '%(notifications)d notification(s)',
              dict(result, seconds=(timeutils.utcnow() -
                                    started).total_seconds()))
    return result
