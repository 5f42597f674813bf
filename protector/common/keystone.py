"""keystoneauth sessions built from site registrations."""

import threading

from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
from oslo_config import cfg

from protector.common import crypto

CONF = cfg.CONF
_lock = threading.Lock()
_sessions = {}


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
            session = ks_session.Session(auth=auth,
                                         timeout=CONF.engine.peer_timeout)
            _sessions[key] = session
    return session
