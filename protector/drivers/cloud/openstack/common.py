"""Connections, calls and waits shared by the parts of the driver."""

import time

from openstack import connection
from oslo_config import cfg
from oslo_log import log as logging

from protector.common import driver_errors as errors
from protector.common import keystone
from protector.conf import openstack_cloud
from protector.drivers.cloud import base
from protector.drivers import translation

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

openstack_cloud.register_opts(CONF)


def describe(kind, ident, project_id=None, name=None):
    """``'server web-1 (6c1f...) in project 0a2b...'``."""
    text = kind
    if name and name != ident:
        text = '%s %s (%s)' % (text, name, ident)
    elif ident:
        text = '%s %s' % (text, ident)
    if project_id:
        text = '%s in project %s' % (text, project_id)
    return text


class Plumbing(base.CloudDriver):
    """Sessions, sdk connections, typed errors, retries and waits."""

    def __init__(self, site, session):
        super().__init__(site, session)
        opts = CONF.openstack_cloud
        self.retrier = translation.Retrier(
            attempts=opts.retry_attempts, interval=opts.retry_interval,
            max_interval=opts.retry_max_interval)
        self._admin_conn = None
        self._project_conns = {}
        self._sleep = time.sleep
        self._clock = time.monotonic

    # Connections

    def _connect(self, session):
        return connection.Connection(
            session=session, region_name=self.site.region_name,
            interface=CONF.openstack_cloud.endpoint_interface,
            app_name='protector')

    @property
    def admin(self):
        """sdk connection of the service user in its own project."""
        if self._admin_conn is None:
            self._admin_conn = self._connect(self.session)
        return self._admin_conn

    def _project_session(self, project_id):
        opts = CONF.openstack_cloud
        return keystone.project_session(
            self.site, project_id, role_name=opts.project_role,
            interface=opts.endpoint_interface, timeout=opts.api_timeout)

    def project(self, project_id):
        """sdk connection scoped to exactly ``project_id``."""
        conn = self._project_conns.get(project_id)
        if conn is None:
            session = self.call('open a session in', describe(
                'project', project_id), self._project_session, project_id)
            conn = self._project_conns[project_id] = self._connect(session)
        return conn

    # Calls

    def call(self, action, resource, func, *args, **kwargs):
        """``func(*args, **kwargs)`` with typed errors and retries."""
        return self.retrier.call(self.site, resource, action, func, *args,
                                 **kwargs)

    def pcall(self, project_id, action, resource, func, *args, **kwargs):
        """``func(conn, ...)`` with ``conn`` scoped to ``project_id``.

        When Keystone refuses the project token (the role was removed, say)
        the session is rebuilt once, which grants the role again.
        """
        try:
            return self.call(action, resource, func,
                             self.project(project_id), *args, **kwargs)
        except errors.SiteAuthFailed:
            keystone.forget_project_session(self.site, project_id)
            self._project_conns.pop(project_id, None)
            return self.call(action, resource, func,
                             self.project(project_id), *args, **kwargs)

    def acall(self, action, resource, func, *args, **kwargs):
        """``func(conn, ...)`` with the service user's own connection."""
        return self.call(action, resource, func, self.admin, *args,
                         **kwargs)

    # Waits

    def wait(self, action, resource, fetch, wanted, timeout,
             failed=('ERROR',), fault=None):
        """Poll ``fetch()`` until its status is ``wanted``.

        ``fetch`` returns a dict with ``status`` or None when the resource
        is gone (which is what ``wanted='DELETED'`` waits for).  A status in
        ``failed`` ends the wait with ``ResourceStateError``; running out
        of time with ``ResourceTimeout``.  Both name the resource, the state
        it reached and its fault (``fault(obj)``).
        """
        timeout = CONF.openstack_cloud.resource_timeout \
            if timeout is None else timeout
        deadline = self._clock() + timeout
        wanted = wanted.upper()
        while True:
            obj = fetch()
            status = 'DELETED' if obj is None else obj['status'].upper()
            if status == wanted:
                return obj
            if obj is None:
                raise errors.CloudNotFound(
                    site=self.site.name, resource=resource, action=action,
                    detail='it disappeared while protector waited for %s'
                           % wanted)
            reason = errors.fault_suffix(fault(obj) if fault else None)
            if status in failed and wanted not in failed:
                raise errors.ResourceStateError(
                    site=self.site.name, resource=resource, action=action,
                    wanted=wanted, reached=_state(obj), fault=reason)
            if self._clock() >= deadline:
                raise errors.ResourceTimeout(
                    site=self.site.name, resource=resource, action=action,
                    wanted=wanted, reached=_state(obj), fault=reason,
                    timeout=timeout)
            self._sleep(CONF.openstack_cloud.poll_interval)


def _state(obj):
    state = obj['status']
    if obj.get('task_state'):
        state = '%s (task %s)' % (state, obj['task_state'])
    return state


def absent(call):
    """Run ``call()``; None when the resource does not exist (any more)."""
    try:
        return call()
    except errors.CloudNotFound:
        return None
