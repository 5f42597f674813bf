"""keystoneauth sessions built from site registrations.

Two kinds of session exist for a site:

- ``site_session(site)``: the service user of the site registration, scoped
  to its own project (``service``, where it holds ``admin``).  Used for what
  only an administrator may do (volume types and their extra specs, group
  types, Cinder manage and unmanage, role assignments) and for the peer's
  protector-api.
- ``project_session(site, project_id)``: the same service user, scoped to
  exactly one tenant project, in which protector first makes sure the user
  holds a role (``member`` by default).  Every read and change of a
  tenant's servers, ports, volumes and groups goes through such a session,
  so Nova, Neutron and Cinder themselves keep it inside that project.

Why a service role and not Keystone trusts: see the module docstring of
``protector.drivers.cloud.openstack``.

Every response any of these sessions receives (Keystone's tokens, Nova,
Cinder, Neutron, Glance, the peer's protector-api) is counted per site:
``api_calls()`` gives the counts since the process started.
"""

import collections
import threading

from keystoneauth1 import adapter as ks_adapter
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
from oslo_config import cfg
from oslo_log import log as logging

from protector.common import crypto
from protector.common import exception

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
_lock = threading.Lock()
_sessions = {}
_project_sessions = {}
_calls_lock = threading.Lock()
_calls = collections.Counter()

DEFAULT_PROJECT_TIMEOUT = 60


def _counted(session, site_name):
    """Count every HTTP response ``session`` receives for ``site_name``."""
    def count(response, *args, **kwargs):
        with _calls_lock:
            _calls[site_name] += 1
    session.session.hooks['response'].append(count)
    return session


def api_calls():
    """A snapshot of the responses received so far, by site name."""
    with _calls_lock:
        return dict(_calls)


def site_session(site):
    """A cached session holding the service credentials of ``site``.

    The cache key includes ``updated_at`` so a changed registration (a new
    password, say) gets a new session and a new token.
    """
    key = (site.id, site.updated_at)
    with _lock:
        session = _sessions.get(key)
        if session is None:
            auth = v3.Password(
                auth_url=site.auth_url, username=site.username,
                password=crypto.decrypt(site.password_encrypted),
                project_name=site.project_name,
                user_domain_name=site.user_domain_name,
                project_domain_name=site.project_domain_name)
            session = _counted(
                ks_session.Session(auth=auth,
                                   timeout=CONF.engine.peer_timeout),
                site.name)
            _sessions[key] = session
    return session


def _identity(site, session, interface):
    return ks_adapter.Adapter(session, service_type='identity',
                              interface=interface,
                              region_name=getattr(site, 'region_name', None),
                              version=(3, 0))


def ensure_project_role(site, project_id, role_name='member',
                        interface='public'):
    """Give the service user of ``site`` role ``role_name`` in a project.

    Nothing changes when the user holds the role already (an operator
    may grant it beforehand where the service user may not grant roles).
    Raises ``NotFound`` when the project or the role does not exist on the
    site; keystoneauth errors otherwise.
    """
    admin = site_session(site)
    identity = _identity(site, admin, interface)
    user_id = admin.get_user_id()
    try:
        identity.get('/projects/%s' % project_id)
    except ks_exc.NotFound:
        raise exception.NotFound(
            kind='Project', ident='%s on site %s (check the tenant mapping)'
            % (project_id, site.name))
    roles = identity.get('/roles', params={'name': role_name}).json()
    roles = roles.get('roles', [])
    if not roles:
        raise exception.NotFound(
            kind='Role', ident="'%s' on site %s (set [openstack_cloud] "
            "project_role to a role that exists)" % (role_name, site.name))
    grant = '/projects/%s/users/%s/roles/%s' % (project_id, user_id,
                                                roles[0]['id'])
    try:
        identity.head(grant)
        return
    except ks_exc.NotFound:
        pass
    identity.put(grant)
    LOG.info('Service user of site %(site)s holds role %(role)s in project '
             '%(project)s', {'site': site.name, 'role': role_name,
                             'project': project_id})


def project_session(site, project_id, role_name='member',
                    interface='public', timeout=DEFAULT_PROJECT_TIMEOUT):
    """A cached session of the service user scoped to ``project_id``.

    The first call for a project makes sure the service user holds
    ``role_name`` there (``ensure_project_role``).  The session and its
    token are valid for that one project only.
    """
    key = (site.id, site.updated_at, project_id)
    with _lock:
        session = _project_sessions.get(key)
    if session is not None:
        return session
    # Keystone calls happen outside the lock: other projects need not wait.
    ensure_project_role(site, project_id, role_name, interface)
    auth = v3.Password(
        auth_url=site.auth_url, username=site.username,
        password=crypto.decrypt(site.password_encrypted),
        user_domain_name=site.user_domain_name, project_id=project_id)
    session = _counted(ks_session.Session(auth=auth, timeout=timeout),
                       site.name)
    with _lock:
        return _project_sessions.setdefault(key, session)


def forget_project_session(site, project_id):
    """Drop the cached session (after Keystone refused its token)."""
    with _lock:
        for key in [k for k in _project_sessions
                    if k[0] == site.id and k[2] == project_id]:
            del _project_sessions[key]


def reset():
    """Forget every cached session (tests)."""
    with _lock:
        _sessions.clear()
        _project_sessions.clear()
