"""Failover readiness: the checks, each from facts read beforehand.

Each check is ``{'name', 'status': pass|fail|unknown, 'detail', 'fix'}``.
The functions here only compare; the watch (protector.health.watch) reads
the clouds and arrays once per cycle for every group, and the failover
pre-flight reads them for its one group, then both call the same checks.
"""

from protector.common import driver_errors as errors
from protector.common import local_changes
from protector.engine.operations import desired
from protector.engine.operations import mappings as mapping_lib

CLI = 'openstack protector'
PASS, FAIL, UNKNOWN = 'pass', 'fail', 'unknown'
# What a failover creates in the tenant's project on the target site, and
# in the service project that adopts the replicated volumes first.
TENANT_RESOURCES = ('instances', 'cores', 'ram', 'volumes', 'gigabytes',
                    'ports')
ADOPTION_RESOURCES = ('volumes', 'gigabytes')


def check(name, status, detail, fix=None):
    return {'name': name, 'status': status, 'detail': detail, 'fix': fix}


def unknown(name, why):
    """A check whose facts could not be read."""
    return check(name, UNKNOWN, 'Could not check: %s' % why)


def ready(checks):
    return bool(checks) and all(c['status'] == PASS for c in checks)


# Sites and metadata

def peer_site(peer_name, error):
    if error:
        return check('peer_site', FAIL,
                     "Asking peer site '%s' failed: %s" % (peer_name,
                                                           error),
                     "Start protector-api on site '%s' and check that its "
                     "Keystone accepts the credentials registered for it "
                     "('%s site validate %s')." % (peer_name, CLI,
                                                   peer_name))
    return check('peer_site', PASS,
                 "Peer site '%s' answers." % peer_name)


def metadata_sync(group, peer_name, peer_copy, error):
    """``peer_copy``: the peer's (version, digest), None: it has none.

    Changes made here alone (--local) fail it even while the peer cannot
    be asked: the peer's copy misses them for sure.
    """
    name = 'metadata_sync'
    held = local_changes.marker(group)
    if held is not None:
        return check(name, FAIL,
                     local_changes.describe(group.name, held, peer_name),
                     "'%s protection-group sync-force %s' on site '%s' once "
                     "site '%s' answers." % (CLI, group.name, held['site'],
                                             peer_name))
    if error:
        return unknown(name, error)
    mine = (group.metadata_version, group.metadata_digest)
    if peer_copy == mine and not group.push_next_at:
        return check(name, PASS, 'Both sites hold version %d.' % mine[0])
    if peer_copy is None:
        detail = "Site '%s' has no copy of the group." % peer_name
    else:
        detail = ('Version %d here, version %d on site %s.'
                  % (mine[0], peer_copy[0], peer_name))
        if peer_copy[0] == mine[0]:
            detail = ('Version %d on both sites, but the contents differ '
                      '(digest %s here, %s on site %s).'
                      % (mine[0], (mine[1] or '')[:12],
                         (peer_copy[1] or '')[:12], peer_name))
    if group.push_next_at:
        detail += (' A version is waiting to be sent again (%s).'
                   % (group.last_sync_error or 'no answer yet'))
    return check(name, FAIL, detail,
                 "'%s protection-group sync-force %s' on the site whose "
                 "copy is right." % (CLI, group.name))


# Members

def servers(group, members, servers_here, error):
    """Every member's server still exists on the workload's site."""
    name = 'servers'
    if error:
        return unknown(name, error)
    present = {s['id'] for s in servers_here}
    missing = ['%s (%s)' % (m['server_name'], m['server_id']) for m in members
               if m['server_id'] not in present]
    if missing:
        return check(name, FAIL,
                     'Server(s) of the group no longer exist: %s.'
                     % ', '.join(missing),
                     "'%s protection-group member-remove %s <server>' for "
                     "each." % (CLI, group.name))
    return check(name, PASS, 'All %d server(s) exist.' % len(members))


def volume_drift(group, members, volumes_here, error):
    """Every volume now attached to a member is protected."""
    name = 'volume_drift'
    if error:
        return unknown(name, error)
    protected = {v['volume_id'] for m in members
                 for v in m['spec'].get('volumes') or []}
    by_server = {m['server_id']: m for m in members}
    drift = []
    for volume in volumes_here:
        for attachment in volume.get('attachments') or []:
            member = by_server.get(attachment.get('server_id'))
            if member is not None and volume['id'] not in protected:
                drift.append((member, volume))
    if not drift:
        return check(name, PASS,
                     'Every volume attached to a member is protected.')
    names = sorted({m['server_name'] for m, _ in drift})
    return check(
        name, FAIL,
        'Not protected, so not recovered by a failover: %s.' % ', '.join(
            'volume %s (%s) attached to %s' % (v.get('name') or '-',
                                               v['id'], m['server_name'])
            for m, v in drift),
        "Detach the volume, or protect it: '%s protection-group "
        "member-remove %s %s', then member-add it again (and re-import "
        "its recovery plan entry)." % (CLI, group.name,
                                       ' '.join(names)))


def volume_groups(group, members, volumes_here, cinder_group_id,
                  array_volumes, volume_error, array_error, array_name):
    """Every protected volume is in the Cinder group and the array's.

    ``array_volumes``: the names the array's replication group (or pod)
    holds; ``array_name(volume_id)`` what the array calls a volume.
    """
    name = 'volume_groups'
    if volume_error or array_error:
        return unknown(name, volume_error or array_error)
    group_of = {v['id']: v.get('group_id') for v in volumes_here}
    outside = []
    for member in members:
        for volume in member['spec'].get('volumes') or []:
            volume_id = volume['volume_id']
            where = []
            if cinder_group_id and group_of.get(volume_id) != \
                    cinder_group_id:
                where.append('the Cinder group %s' % cinder_group_id)
            if array_name(volume_id) not in array_volumes:
                where.append("the array's replication group")
            if where:
                outside.append('volume %s of %s is not in %s' % (
                    volume_id, member['server_name'], ' nor '.join(where)))
    if outside:
        return check(name, FAIL, '; '.join(outside) + '.',
                     "'%s protection-group policy-set %s' with the same "
                     "values puts them back; or remove and add the "
                     "server again." % (CLI, group.name))
    return check(name, PASS, 'Every protected volume is replicated with '
                             'the group.')


# The target site

class ListedCloud(object):
    """The lookups of mappings.TargetResolver, from listings read once."""

    def __init__(self, site_name, networks, flavors):
        self.site_name = site_name
        self.networks = networks
        self.flavors = flavors

    def _missing(self, kind, ident):
        return errors.CloudNotFound(site=self.site_name,
                                    action='find %s' % kind,
                                    resource='%s %s' % (kind, ident),
                                    detail='not in the listing')

    def get_network(self, project_id, network_id):
        for network in self.networks:
            if network['id'] == network_id:
                return network
        raise self._missing('network', network_id)

    def list_networks(self, project_id, name=None):
        return [n for n in self.networks if name in (None, n['name'])]

    def find_flavor(self, project_id, flavor):
        for key in ('id', 'name'):
            found = [f for f in self.flavors if f[key] == flavor]
            if len(found) == 1:
                return found[0]
        raise self._missing('flavor', flavor)


def mappings(group, members, source_site_id, target_name, listed, error):
    """A target network and flavor for every one the members use.

    Only the mappings stored with the group count: during a disaster
    nobody should have to remember one.
    """
    name = 'mappings'
    if error:
        return unknown(name, error)
    stored = mapping_lib.effective(
        group, mapping_lib.direction(group, source_site_id), {})
    resolver = mapping_lib.TargetResolver(listed, None, stored, target_name)
    problems = []
    for member in members:
        for port in desired.ports(member, group.subnets):
            if port['subnet'] is not None:
                # A subnet the plan names: the operation finds or makes
                # it, and its pre-flight checks what it cannot.
                continue
            try:
                found = resolver.network(port['network_id'],
                                         port['network_name'])
            except mapping_lib.MappingError as exc:
                problems.append(exc.msg)
                continue
            if found is None:
                problems.append(
                    'network %s (%s) of %s has no mapping to site %s'
                    % (port['network_id'], port['network_name'] or '-',
                       member['server_name'], target_name))
        try:
            resolver.flavor(member['spec'].get('flavor'),
                            desired.flavor_override(member))
        except errors.CloudNotFound:
            flavor = member['spec'].get('flavor') or {}
            problems.append('flavor %s (%s) of %s has no mapping to site %s'
                            % (flavor.get('id'), flavor.get('name'),
                               member['server_name'], target_name))
    if problems:
        return check(name, FAIL, '; '.join(sorted(set(problems))) + '.',
                     "'%s protection-group mapping-set %s "
                     "--network <source>=<target> "
                     "--flavor <source>=<target>'."
                     % (CLI, group.name))
    return check(name, PASS, 'Every network and flavor of the members '
                             'maps to site %s.' % target_name)


def need(members, flavors=()):
    """What a failover of ``members`` creates, per quota resource.

    Cores and RAM come from the target flavor when ``flavors`` lists it
    (by the captured flavor's id or name), else from the captured one.
    """
    by_key = {}
    for flavor in flavors:
        by_key.setdefault(flavor['id'], flavor)
        by_key.setdefault(flavor['name'], flavor)
    total = dict.fromkeys(TENANT_RESOURCES, 0)
    for member in members:
        spec = member['spec']
        captured = spec.get('flavor') or {}
        flavor = by_key.get(desired.flavor_override(member)) or \
            by_key.get(captured.get('id')) or \
            by_key.get(captured.get('name')) or captured
        volumes = spec.get('volumes') or []
        total['instances'] += 1
        total['cores'] += int(flavor.get('vcpus') or 0)
        total['ram'] += int(flavor.get('ram') or 0)
        total['volumes'] += len(volumes)
        total['gigabytes'] += sum(int(v.get('size') or 0) for v in volumes)
        total['ports'] += len(spec.get('ports') or [])
    return total


def shortfalls(needed, usage, resources):
    """``[(resource, need, free, limit)]`` that do not fit."""
    short = []
    for resource in resources:
        quota = usage.get(resource)
        if not quota or quota['limit'] is None or quota['limit'] < 0:
            continue
        free = max(0, quota['limit'] - quota['in_use'])
        if needed.get(resource, 0) > free:
            short.append((resource, needed[resource], free, quota['limit']))
    return short


def quota(name, site_name, project_label, project_id, needed, usage, error,
          resources):
    """The project's quota headroom on the target for ``needed``."""
    if error:
        return unknown(name, error)
    short = shortfalls(needed, usage, resources)
    if short:
        return check(
            name, FAIL,
            'Project %s (%s) on site %s has too little quota: %s.' % (
                project_label, project_id, site_name, '; '.join(
                    '%s needs %d, free %d of %d' % item for item in short)),
            "On site %s: 'openstack quota set %s %s'." % (
                site_name, ' '.join('--%s %d' % (
                    resource, limit - free + need)
                    for resource, need, free, limit in short),
                project_id))
    return check(name, PASS, 'Project %s (%s) on site %s has room for %s.'
                 % (project_label, project_id, site_name, ', '.join(
                     '%s %d' % (r, needed.get(r, 0)) for r in resources)))


# Replication

def recovery_point(group, target_name, rpo_seconds, target_seconds,
                   newest, why):
    """A recovery point younger than the RPO is on the target."""
    name = 'recovery_point'
    if rpo_seconds is None:
        return check(name, FAIL if newest is None and not why else UNKNOWN,
                     why or 'No fully replicated recovery point is on '
                            'site %s.' % target_name,
                     "'%s protection-group sync %s --wait'."
                     % (CLI, group.name))
    if rpo_seconds > target_seconds:
        return check(name, FAIL,
                     'The newest recovery point on site %s is %d s old; '
                     'the RPO is %d s.' % (target_name, rpo_seconds,
                                           target_seconds),
                     "Repair replication (see the array checks), then "
                     "'%s protection-group sync %s --wait'."
                     % (CLI, group.name))
    return check(name, PASS, 'The newest recovery point on site %s is %d s '
                             'old (RPO %d s).' % (target_name, rpo_seconds,
                                                  target_seconds))


def target_array(url, error):
    if error:
        return check('target_array', FAIL,
                     'The array of the target site (%s) does not answer: '
                     '%s' % (url, error),
                     'Check the array and the replication policy\'s URL '
                     'and token.')
    return check('target_array', PASS, 'The target array %s answers.' % url)


def array_link(source_name, target_name, connection, error):
    """The source array is connected to the target for replication."""
    name = 'array_link'
    if error:
        return unknown(name, error)
    if connection is None:
        return check(name, FAIL,
                     'Array %s has no connection to array %s.'
                     % (source_name, target_name),
                     "Connect the arrays for replication ('purearray "
                     "connect').")
    if not connection.get('connected'):
        return check(name, FAIL,
                     'The connection of array %s to array %s is %s.'
                     % (source_name, target_name,
                        connection.get('status') or 'down'),
                     'Repair the replication link between the arrays.')
    return check(name, PASS, 'Array %s is connected to array %s.'
                 % (source_name, target_name))
