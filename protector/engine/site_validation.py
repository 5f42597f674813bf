"""``site validate``: can protector use this site?

Every check is reported, including those that could not run and why, so
that the operator sees the whole picture in one call.
"""

import time

from keystoneauth1 import exceptions as ks_exc
from oslo_log import log as logging
from oslo_utils import timeutils

from protector.common import exception
from protector.common import keystone
from protector.db import api as db
from protector.drivers import loader
from protector.engine import group_environment
from protector.engine import peer as peer_api

LOG = logging.getLogger(__name__)

CLOUD_CHECKS = ('compute', 'block-storage', 'network', 'volume_types')


def _check(name, result, detail):
    return {'check': name, 'result': result, 'detail': detail}


def _keystone(site, session):
    started = time.monotonic()
    try:
        session.get_token()
    except ks_exc.Unauthorized:
        return _check('keystone', 'failed',
                      "Keystone at %s refused the credentials of user %r; "
                      "fix them with 'openstack protector site set %s "
                      "--password <password>'."
                      % (site.auth_url, site.username, site.name))
    except ks_exc.ClientException as exc:
        return _check('keystone', 'failed', 'Keystone at %s: %s'
                      % (site.auth_url, type(exc).__name__))
    return _check('keystone', 'passed',
                  'token issued for %s in project %s in %.2f s'
                  % (site.username, site.project_name,
                     time.monotonic() - started))


def _protector(context, site):
    if site.is_local:
        return _check('protector', 'skipped',
                      'this is the local site; its protector-api is the '
                      'one answering')
    try:
        peer_api.PeerClient(site).get(
            '00000000-0000-0000-0000-000000000000', '-')
    except exception.ProtectorException as exc:
        return _check('protector', 'failed', str(exc))
    return _check('protector', 'passed',
                  'protector-api of %s answers' % site.name)


def _volume_types(driver):
    types = driver.list_replicated_volume_types()
    if not types:
        return _check('volume_types', 'failed',
                      "no volume type has replication_enabled='<is> True'; "
                      "create one on the site's replicated backend")
    return _check('volume_types', 'passed', 'replication-enabled: %s' % (
        ', '.join('%s (%s)' % (t['name'], t['replication_type'])
                  for t in types)))


def _arrays(context, site):
    """Check each array of this site that a policy names, with its peer."""
    arrays = {}
    for listed in db.group_list(context):
        if site.id not in (listed.primary_site_id, listed.secondary_site_id):
            continue
        env = group_environment.Environment.of_group(
            context, db.group_get(context, listed.id))
        try:
            mine, other = env.arrays()
        except exception.NotFound:
            continue
        if env.target.id == site.id:
            mine, other = other, mine
        arrays[mine] = other
    if not arrays:
        return [_check('array', 'skipped',
                       'no replication policy names an array of this site '
                       'yet; create one with protection-group '
                       'policy-create')]
    try:
        driver = loader.storage_driver()
    except exception.ProtectorException as exc:
        return [_check('array', 'failed', str(exc))]
    return [driver.check_array(array.url, array.api_token, peer=peer)
            for array, peer in sorted(arrays.items())]


def validate(context, site):
    session = keystone.site_session(site)
    checks = [_keystone(site, session)]
    if checks[0]['result'] == 'passed':
        checks.append(_protector(context, site))
        try:
            # The session whose token was just checked, not a new one (as
            # group_environment makes): the checks report on that login.
            driver = loader.cloud_driver(site, session)
            checks.extend(driver.check_services())
            checks.append(_volume_types(driver))
        except exception.ProtectorException as exc:
            checks.extend(_check(name, 'failed', str(exc))
                          for name in CLOUD_CHECKS)
    else:
        reason = 'not run: Keystone authentication failed'
        checks.extend(_check(name, 'skipped', reason)
                      for name in ('protector',) + CLOUD_CHECKS)
    checks.extend(_arrays(context, site))
    failed = [c for c in checks if c['result'] == 'failed']
    if checks[0]['result'] != 'passed':
        site_status = 'unreachable'
    else:
        site_status = 'error' if failed else 'active'
    db.site_update(context, site.id, {'status': site_status,
                                      'last_validated_at': timeutils.utcnow()})
    LOG.info('Site %(site)s validated: %(status)s',
             {'site': site.name, 'status': site_status})
    return {'site': site.name,
            'status': 'failed' if failed else 'passed',
            'checks': checks}


def volume_types(context, site):
    session = keystone.site_session(site)
    try:
        session.get_token()
    except ks_exc.ClientException as exc:
        raise exception.ServiceUnavailable(
            reason="Cannot reach Keystone of site '%s' (%s); run 'openstack "
                   "protector site validate %s'."
                   % (site.name, type(exc).__name__, site.name))
    return loader.cloud_driver(site, session).list_replicated_volume_types()
