"""State gates and pre-flight checks: refuse before anything changes.

Every refusal says what is wrong and what to run.  The state gates always
apply; the pre-flight checks of planned operations (failover, failback,
test failover) are skipped only with ``force``, which the operation
records.
"""

from oslo_log import log as logging

from protector.common import driver_errors as errors
from protector.common import exception
from protector.common import group_states
from protector.common import member_schema
from protector.common import steps
from protector.db import api as db
from protector.engine.operations import desired
from protector.engine.operations import mappings as mapping_lib
from protector.engine import sync
from protector.health import readiness

LOG = logging.getLogger(__name__)
CLI = 'openstack protector'


def _hint(group, action):
    name = group.name
    if group.status in group_states.FAILED_OVER_ANY and \
            action == steps.FAILOVER:
        return (" The workload runs on site '%s'; to bring it back run "
                "'%s protection-group failback %s'. If site '%s' is lost, "
                "run '%s protection-group failover %s --type unplanned' on "
                "site '%s'." % (group.current_primary_site.name, CLI, name,
                                group.current_primary_site.name, CLI, name,
                                group.primary_site.name))
    if group.status == group_states.TESTING:
        return (" A test failover is in place; remove it with '%s "
                "protection-group test-cleanup %s'." % (CLI, name))
    if group.status == group_states.ERROR:
        return (" Find the failed operation with '%s operation list "
                "--protection-group %s' and run '%s operation cleanup "
                "<operation>'." % (CLI, name, CLI))
    if action == steps.TEST_CLEANUP:
        return ' There is no test failover to clean up.'
    if action == steps.FAILBACK:
        return ' Only a failed-over group can fail back.'
    return ''


def gate(request):
    """Refuse an operation the group's state does not allow."""
    group = request.group
    allowed = group_states.start_from(request.action, request.unplanned,
                                      request.force)
    if group.status not in allowed:
        kind = ('an unplanned failover' if request.unplanned
                else 'a %s' % request.action.replace('_', ' '))
        hint = _hint(group, request.action)
        if request.unplanned and \
                group.status in group_states.UNPLANNED_FAILOVER_FORCED_FROM:
            hint = (" If the site that was running that operation is lost, "
                    "add --force to take over from this site's copy.")
        raise exception.InvalidState(
            reason="Protection group '%s' is %s; %s starts only from %s.%s"
                   % (group.name, group.status, kind,
                      ' or '.join(allowed), hint))
    if request.action == steps.TEST_CLEANUP and \
            request.test_operation is None:
        raise exception.Conflict(
            reason="Protection group '%s' has no test failover to clean up."
                   % group.name)
    if request.unplanned and \
            group.current_primary_site_id == request.local.id:
        raise exception.Conflict(
            reason="An unplanned failover runs on the site that takes over "
                   "the workload, here site '%s'. According to this site's "
                   "copy, protection group '%s' already runs on site '%s'."
                   % (request.peer.name, group.name, request.local.name))


def require_policy(context, group):
    """Refuse a group without a replication policy, saying what to run."""
    try:
        db.policy_get(context, group.id)
    except exception.NotFound:
        raise exception.Conflict(
            reason="Protection group '%s' has no replication policy; "
                   "create it with '%s protection-group policy-create %s "
                   "...', then retry." % (group.name, CLI, group.name))


def _members(request):
    members = request.all_members
    if not members:
        raise exception.Conflict(
            reason="Protection group '%s' has no members; add servers with "
                   "'%s protection-group member-add %s <server>'."
                   % (request.group.name, CLI, request.group.name))
    member_schema.check(members, request.group.name)
    for member in members:
        if member['status'] != 'protected' and not request.only_protected:
            raise exception.Conflict(
                reason="Member %s (%s) of protection group '%s' is %s, not "
                       "protected. Remove it ('%s protection-group "
                       "member-remove %s %s') or use --force to leave it "
                       "out, then retry." % (
                           member['server_name'], member['server_id'],
                           request.group.name, member['status'], CLI,
                           request.group.name, member['server_name']))


def _site(request, site, env):
    try:
        checks = env.cloud(site).check_services()
    except errors.DriverError as exc:
        checks = [{'check': 'cloud', 'result': 'failed', 'detail': str(exc)}]
    for check in checks:
        if check['result'] == 'failed':
            raise exception.Conflict(
                reason="Site '%s' is not ready for a %s: %s failed (%s). "
                       "Check it with '%s site validate %s', then retry."
                       % (site.name, request.action.replace('_', ' '),
                          check['check'], check['detail'], CLI, site.name))


def _network_name(env, request, network_id, captured=None):
    if captured:
        return captured
    if request.unplanned:
        return 'name unknown: site %s is not asked' % request.source.name
    try:
        return env.cloud(request.source).get_network(
            env.project(request.source), network_id)['name']
    except errors.DriverError:
        return 'name unknown'


def _plan_subnet_problem(resolver, request, member_name, port):
    """Why the target subnet of a plan's subnet cannot be had, if so."""
    entry = request.subnets.get(port['subnet'])
    try:
        if entry is None:
            resolver.target_subnet(port['subnet'])
            return None
        if entry.get('subnet_id'):
            try:
                resolver.cloud.get_subnet(resolver.project_id,
                                          entry['subnet_id'])
                return None
            except errors.CloudNotFound:
                pass
        if port['network_id']:
            resolver.network(port['network_id'], port['network_name'])
    except mapping_lib.MappingError as exc:
        hint = '' if entry is not None else (
            ' Describe it under "subnets" of the recovery plan (with its '
            'cidr), or create it on site %s' % request.target.name)
        return 'Server %s: subnet %s of the recovery plan: %s%s' % (
            member_name, port['subnet'], exc.msg, hint)
    return None


def _mapping_problems(request, env):
    target = request.target
    resolver = mapping_lib.TargetResolver(
        env.cloud(target), env.project(target), request.mappings,
        target.name)
    problems = []
    missing_networks = set()
    for member in request.members:
        name = member['server_name']
        for port in desired.ports(member, request.subnets):
            if port['subnet'] is not None:
                problem = _plan_subnet_problem(resolver, request, name,
                                               port)
                if problem:
                    problems.append(problem)
                continue
            network_id = port['network_id']
            try:
                found = resolver.network(network_id, port['network_name'])
            except mapping_lib.MappingError as exc:
                problems.append('Network mapping %s=%s: %s' % (
                    network_id, resolver.mapped_network(
                        network_id, port['network_name']), exc.msg))
                continue
            # An isolated test failover copies the source networks.
            isolated = request.options.get('isolated_network')
            if found is None and not isolated and \
                    network_id not in missing_networks:
                missing_networks.add(network_id)
                problems.append(
                    'No network mapping for network %s (%s) used by '
                    'server %s; add --network-mapping %s=<target network>'
                    % (network_id, _network_name(
                        env, request, network_id, port['network_name']),
                       name, network_id))
        try:
            resolver.flavor(member['spec'].get('flavor'),
                            desired.flavor_override(member))
        except errors.CloudNotFound:
            flavor = member['spec'].get('flavor') or {}
            problems.append(
                'No flavor mapping for flavor %s (%s) used by server %s, '
                'and site %s has no flavor of that id or name; add '
                '--flavor-mapping %s=<target flavor>' % (
                    flavor.get('id'), flavor.get('name'), name, target.name,
                    flavor.get('id')))
        groups = resolver.security_group_names(
            desired.security_groups(member))
        for group_name in resolver.missing_security_groups(groups):
            problems.append(
                "Security group '%s' used by server %s does not exist on "
                "site %s; create it there or map it with '%s "
                "protection-group mapping-set %s --security-group "
                "%s=<target group>'" % (group_name, name, target.name, CLI,
                                        request.group.name, group_name))
        if desired.boot_volume_missing(member):
            try:
                resolver.image(member['spec'].get('image'))
            except errors.CloudNotFound:
                image = member['spec'].get('image') or {}
                problems.append(
                    'Image %s (%s) of server %s does not exist on site %s; '
                    'add --image-mapping %s=<target image>' % (
                        image.get('id'), image.get('name'), name,
                        target.name, image.get('id')))
    return problems


def _volume_type(request, env):
    wanted = env.volume_type(request.target)
    types = env.cloud(request.target).list_replicated_volume_types()
    if wanted not in [t['name'] for t in types] + [t['id'] for t in types]:
        raise exception.Conflict(
            reason="Volume type '%s' of protection group '%s' is not a "
                   "replication-enabled volume type on site %s (found: "
                   "%s). Create it there with replication_enabled='<is> "
                   "True', then retry." % (
                       wanted, request.group.name, request.target.name,
                       ', '.join(t['name'] for t in types) or 'none'))


def _drift(request, env):
    """Refuse to move servers that have volumes the group does not protect.

    The health watch runs the same check; a failover would leave those
    volumes behind.
    """
    project = env.project(request.source)
    try:
        volumes = env.cloud(request.source).list_volumes(project)
    except errors.DriverError as exc:
        volumes, error = None, exc.msg
    else:
        error = None
    result = readiness.volume_drift(request.group, request.members, volumes,
                                    error)
    if result['status'] == readiness.FAIL:
        raise exception.Conflict(
            reason='%s %s Or use --force to move the group without them.'
                   % (result['detail'], result['fix']))


def _quota(request, env):
    """Refuse an operation the target's quotas cannot hold.

    The same check as the health watch's: the tenant's project, and the
    service project that adopts the replicated volumes before they are
    handed to the tenant.
    """
    cloud = env.cloud(request.target)
    project = env.project(request.target)
    try:
        needed = readiness.need(request.members, cloud.list_flavors(project))
        service = cloud.service_project_id()
        checks = [
            readiness.quota('target_quota', request.target.name,
                            'of the group', project, needed,
                            cloud.get_quota_usage(project), None,
                            readiness.TENANT_RESOURCES),
            readiness.quota('adoption_quota', request.target.name,
                            'that adopts the volumes', service, needed,
                            cloud.get_quota_usage(service), None,
                            readiness.ADOPTION_RESOURCES)]
    except errors.DriverError as exc:
        # Not knowing the quotas is no reason to refuse: the operation
        # itself reports a quota it hits, and rolls back.
        LOG.warning('Quotas of site %(site)s not read before the %(action)s '
                    'of %(group)s: %(error)s',
                    {'site': request.target.name, 'action': request.action,
                     'group': request.group.name, 'error': exc.msg})
        return
    failed = [c for c in checks if c['status'] == readiness.FAIL]
    if failed:
        raise exception.QuotaInsufficient(
            reason='Site %s cannot hold the %s of protection group %r: %s' % (
                request.target.name, request.action.replace('_', ' '),
                request.group.name, ' '.join(
                    '%s %s' % (c['detail'], c['fix']) for c in failed)))


def recovery_points(request, env):
    """Completed recovery points of the group on the target array."""
    try:
        points = env.storage.list_recovery_points(
            env.array(request.target), env.replication_group)
    except exception.NotFound:
        points = []
    return [p for p in points if p['completed']]


def _snapshot(request, env):
    if request.group.replication_type == 'sync':
        status = env.storage.pod_status(env.array(request.target),
                                        env.replication_group)
        if not status['healthy'] and not request.unplanned:
            raise exception.Conflict(
                reason="Pod %s of protection group '%s' is not in sync on "
                       "both arrays (%s); repair the ActiveCluster "
                       "connection, then retry." % (
                           env.replication_group, request.group.name,
                           ', '.join('%s %s' % (a['name'], a['status'])
                                     for a in status['arrays'])))
        return
    completed = recovery_points(request, env)
    chosen = request.options.get('recovery_point')
    if chosen and chosen not in [p['name'] for p in completed]:
        raise exception.BadRequest(
            "Recovery point '%s' is not a fully replicated snapshot of "
            "protection group '%s' on site %s; list them with '%s "
            "recovery-point list %s'." % (chosen, request.group.name,
                                          request.target.name, CLI,
                                          request.group.name))
    final_sync = (request.action in (steps.FAILOVER, steps.FAILBACK) and
                  not request.unplanned and not chosen)
    if not completed and not final_sync:
        # A planned move replicates now and waits for that snapshot.
        raise exception.Conflict(
            reason="No fully replicated snapshot of protection group '%s' "
                   "is on the array of site %s (%s) yet; run '%s "
                   "protection-group sync %s --wait', then retry." % (
                       request.group.name, request.target.name,
                       env.array(request.target).url, CLI,
                       request.group.name))


def _left_to_do(operation):
    """What a failover or failback left undone on the site it left.

    The servers of members that did not come up on the target are kept on
    purpose (their only complete copy): they are not in the way.
    """
    failed = {f['step'] for f in operation.steps_failed or []}
    pending = []
    if steps.REVERSE in failed:
        pending.append(steps.REVERSE)
    if steps.CLEANUP_SOURCE in failed and any(
            m.get('status') == 'active' and not m.get('source_cleaned')
            for m in operation.members or []):
        pending.append(steps.CLEANUP_SOURCE)
    return pending


def _previous_move(request):
    """Refuse to move a group whose last move left the old site dirty.

    Its old servers and volumes (same names, same addresses) would be in
    the way, and replication back to it may not run.
    """
    for operation in db.operation_list(request.context,
                                       group_id=request.group.id):
        if operation.operation_type not in (steps.FAILOVER, steps.FAILBACK):
            continue
        pending = _left_to_do(operation)
        if pending:
            raise exception.Conflict(
                reason="The %s %s left %s to do on site %s; run '%s "
                       "operation cleanup %s' first (or use --force)."
                       % (operation.operation_type, operation.id,
                          ' and '.join(pending), operation.source_site,
                          CLI, operation.id))
        return


def run(request, env):
    """Every check an operation needs; ``force`` skips the optional ones."""
    require_policy(request.context, request.group)
    if request.action in (steps.TEST_CLEANUP, steps.SYNC):
        return
    _members(request)
    if request.force:
        return
    if not request.unplanned:
        # Raises the exact peer-unreachable or out-of-sync refusal.
        sync.ensure_in_sync(request.context, request.group)
    if request.action in (steps.FAILOVER, steps.FAILBACK):
        _previous_move(request)
    if not request.unplanned:
        _site(request, request.source, env)
    _site(request, request.target, env)
    problems = _mapping_problems(request, env)
    if problems:
        raise exception.BadRequest('; '.join(problems) + '.',
                                   problems=problems)
    _volume_type(request, env)
    if not request.unplanned:
        _drift(request, env)
    _quota(request, env)
    _snapshot(request, env)
