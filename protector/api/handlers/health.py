"""Protection health (microversion 1.2): what the health watch saw.

The watch of protector-engine looks at the groups whose workload runs on
its site (see ``protector.health``).  These handlers only read what it
stored: nothing here asks a cloud or an array.
"""

import datetime
import json
import shlex

from oslo_config import cfg
from oslo_utils import timeutils

from protector.api import endpoint
from protector.api.handlers import protection_groups as groups
from protector.api.schemas import health as schema
from protector.api import util
from protector.api import views
from protector.common import exception
from protector.db import api as db
from protector.health import grades
from protector import policy

CONF = cfg.CONF
# What the history shows without ``since``.
HISTORY_DEFAULT = datetime.timedelta(hours=24)
# Worst first: the order of the groups that are not ready.
_SEVERITY = (grades.CRITICAL, grades.VIOLATED, grades.WARNING,
             grades.UNKNOWN, grades.OK)


def _not_looked_at(group):
    """Why this site has no look at ``group``, and where to get one."""
    if views.watched_here(group):
        return ('Not checked yet; the first look comes within %d seconds '
                '([health] interval).' % CONF.health.interval)
    site = group.current_primary_site
    # Each site has its own Keystone, so a region name alone may not
    # reach it; a clouds.yaml entry always does.
    return ("The workload of this group runs on site '%s', whose health "
            "watch looks at it; ask that site: 'openstack "
            "--os-region-name %s protector protection-group health %s' "
            "(or --os-cloud with the clouds.yaml entry of site '%s')."
            % (site.name, shlex.quote(site.region_name),
               shlex.quote(group.name), site.name))


@endpoint.declare(version=(1, 2), response=schema.health)
def show(req):
    """Show the achieved RPO and the failover readiness of a group."""
    ctx = groups.authorize(req, 'protector:health:show')
    group = groups.get_group(req, ctx)
    row = db.health_get(ctx, group.id) if views.watched_here(group) \
        else None
    if row is None:
        body = views.health_unknown(group, _not_looked_at(group))
    else:
        body = views.health(group, row)
    return util.json_response({'health': body})


def _since(req):
    """The ``since`` of the request as a naive UTC time."""
    text = req.GET.get('since')
    if text is None:
        return timeutils.utcnow() - HISTORY_DEFAULT
    try:
        return timeutils.normalize_time(timeutils.parse_isotime(text))
    except (ValueError, OverflowError):
        # Of the right form (the router checked it) but no real time.
        raise exception.InvalidQueryParameter(
            name='since', reason='%s (got %s).' % (
                schema.SINCE_FORM, exception.excerpt(json.dumps(text))))


@endpoint.declare(version=(1, 2), query=schema.history_query,
                  response=schema.history)
def history(req):
    """List the health samples of a group, oldest first."""
    ctx = groups.authorize(req, 'protector:health:show')
    group = groups.get_group(req, ctx)
    since = _since(req)
    limit = req.GET.get('limit')
    samples = db.health_history(ctx, group.id, since=since,
                                limit=int(limit) if limit else None)
    return util.json_response({'samples': [views.health_sample(s)
                                           for s in samples]})


def _projects(rows):
    """Per project: groups, counts per grade and readiness."""
    projects = {}
    for project_id, grade, ready, count in rows:
        project = projects.setdefault(project_id, {
            'project_id': project_id, 'groups': 0,
            'by_grade': dict.fromkeys(schema.SUMMARY_GRADES, 0),
            'failover_ready': 0, 'not_ready': 0})
        project['groups'] += count
        if grade not in project['by_grade']:
            grade = grades.UNKNOWN
        project['by_grade'][grade] += count
        if ready is not None:
            project['failover_ready' if ready else 'not_ready'] += count
    # The projects with groups that cannot fail over come first.
    return sorted(projects.values(),
                  key=lambda p: (-p['not_ready'], p['project_id']))


def _not_ready(rows):
    found = [{'id': group_id, 'name': name, 'project_id': project_id,
              'rpo_grade': look.rpo_grade,
              'failing_checks': [c['name'] for c in look.checks or []
                                 if c.get('status') != 'pass']}
             for group_id, name, project_id, look in rows]
    # The worst grade first.
    return sorted(found, key=lambda g: (
        _SEVERITY.index(g['rpo_grade']) if g['rpo_grade'] in _SEVERITY
        else len(_SEVERITY), g['project_id'], g['name']))


@endpoint.declare(version=(1, 2), response=schema.summary)
def summary(req):
    """Summarize the health of every project's groups."""
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:health:summary')
    sites = db.site_list(ctx)
    local = next((s.id for s in sites if s.is_local), None)
    looks = {row.site_id: row for row in db.site_health_list(ctx)}
    return util.json_response({'health': {
        'projects': _projects(db.health_summary(ctx, site_id=local)),
        'not_ready': _not_ready(db.health_failing(ctx, site_id=local)),
        # The watch records whether it reaches the peer; this site is
        # listed only if some look of it was ever recorded.
        'sites': [views.site_health(site, looks.get(site.id))
                  for site in sites if not site.is_local or
                  site.id in looks],
    }})
