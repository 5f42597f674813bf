"""Typed errors of the drivers, and the retry of transient failures.

Every failure of a cloud (or array) call reaches the engine as one of the
errors below.  Each is a ``protector.common.exception`` type, so the API
answers with its HTTP code, and each carries, in ``kwargs``:

- ``site``: the site the call went to;
- ``resource``: what the call was about ("server web-1 (6c1f...)");
- ``action``: what protector tried ("stop server");
- ``detail``: the cloud's own message, with anything that looks like a
  secret (tokens, passwords, transfer keys, user data) masked;
- ``status_code``: the HTTP status when there was one.

``transient`` tells whether the same call may succeed if repeated a little
later (HTTP 5xx, 429, a refused or reset connection, a 409 because the
resource is busy); ``Retrier`` repeats those with exponential backoff and
never repeats the others.  A call that creates something is repeated only
when the cloud cannot have acted on it (connection refused, 429, 503, busy),
so that a reset connection never creates a second server.
"""

import random
import re
import socket
import time

from keystoneauth1 import exceptions as ks_exc
from openstack import exceptions as sdk_exc
from oslo_log import log as logging
import requests

from protector.common import exception

LOG = logging.getLogger(__name__)

_DETAIL_MAX = 400

_SECRET_NAMES = ('password', 'passwd', 'secret', 'token', 'auth_key',
                 'authkey', 'api_key', 'adminpass', 'admin_pass',
                 'user_data', 'credential', 'x-auth-token',
                 'x-subject-token')
_SECRET_VALUE = re.compile(
    r'(?i)(["\']?[\w-]*(?:%s)[\w-]*["\']?\s*[:=]\s*)'
    r'("[^"]*"|\'[^\']*\'|[^\s,;&}\]]+)'
    % '|'.join(re.escape(name) for name in _SECRET_NAMES))
# Fernet (Keystone) and PKI-style tokens appear without a name sometimes.
_BARE_TOKEN = re.compile(r'gAAAAA[\w\-=]{20,}|MII[\w+/=]{40,}')

# A 409 worth repeating: the resource is in a transitional state.
_BUSY = re.compile(r'(?i)task_state|in task state|is busy|in-use|in use|'
                   r'being (?:created|deleted|attached|detached|updated)|'
                   r'status must be|try again|retry|locked by|'
                   r'(?:creating|deleting|attaching|detaching|updating|'
                   r'managing|unmanaging|maintenance)\b')
# ... unless it is about an address or a name that somebody else holds.
_NOT_BUSY = re.compile(r'(?i)mac address|ip address|already (?:exists|'
                       r'allocated)|duplicate|quota|vm_state')


def redact(text):
    """``text`` with secrets masked and its length bounded."""
    text = ' '.join(str(text).split())
    text = _SECRET_VALUE.sub(r'\1***', text)
    text = _BARE_TOKEN.sub('***', text)
    if len(text) > _DETAIL_MAX:
        text = text[:_DETAIL_MAX - 3] + '...'
    return text


class DriverError(exception.ProtectorException):
    """A failure of a cloud or an array, typed by its consequence.

    Subclasses also derive from the matching ``protector.common.exception``
    class, which gives them their HTTP code.
    """

    transient = False
    # The cloud cannot have acted on the request (safe to send again even
    # when it creates something).
    unprocessed = False

    def __init__(self, message=None, **kwargs):
        kwargs.setdefault('status_code', None)
        for key in ('site', 'resource', 'action', 'detail'):
            kwargs.setdefault(key, '')
        if 'transient' in kwargs:
            self.transient = bool(kwargs['transient'])
        if 'unprocessed' in kwargs:
            self.unprocessed = bool(kwargs['unprocessed'])
        super().__init__(message, **kwargs)

    @property
    def site(self):
        return self.kwargs['site']

    @property
    def resource(self):
        return self.kwargs['resource']

    @property
    def detail(self):
        return self.kwargs['detail']

    @property
    def status_code(self):
        return self.kwargs['status_code']


class CloudNotFound(DriverError, exception.NotFound):
    message = ('Could not %(action)s: %(resource)s was not found on site '
               '%(site)s (%(detail)s).')


class CloudBadRequest(DriverError, exception.BadRequest):
    message = 'Site %(site)s refused to %(action)s %(resource)s: %(detail)s'


class CloudForbidden(DriverError, exception.Forbidden):
    message = ('Site %(site)s does not allow the protector service user to '
               '%(action)s %(resource)s (%(detail)s). Check the roles of the '
               'service user of the site registration (admin guide, '
               '"Cloud driver").')


class CloudConflict(DriverError, exception.Conflict):
    message = 'Could not %(action)s %(resource)s on site %(site)s: %(detail)s'


class CloudBusy(CloudConflict):
    """A 409 because the resource is in a transitional state."""
    transient = True
    unprocessed = True


class CloudUnavailable(DriverError, exception.ServiceUnavailable):
    transient = True
    message = ("Site %(site)s did not answer while protector tried to "
               "%(action)s %(resource)s: %(detail)s. Check the site with "
               "'openstack protector site validate %(site)s'.")


class SiteAuthFailed(DriverError, exception.ServiceUnavailable):
    message = ("Keystone of site %(site)s refused the service credentials "
               "while protector tried to %(action)s %(resource)s "
               "(%(detail)s). Fix them with 'openstack protector site set "
               "%(site)s --password <password>' or check the service "
               "user's roles.")


class CloudError(DriverError, exception.BadGateway):
    """A failure that fits no other type (a bug or an odd answer)."""
    error_code = 'cloud_error'
    message = ('Could not %(action)s %(resource)s on site %(site)s: '
               '%(detail)s')


class ResourceStateError(DriverError, exception.Conflict):
    """A resource reached a state it was not supposed to (ERROR)."""
    message = ('Could not %(action)s: %(resource)s on site %(site)s went to '
               '%(reached)s instead of %(wanted)s%(fault)s.')

    def __init__(self, message=None, **kwargs):
        kwargs.setdefault('fault', '')
        kwargs.setdefault('detail', kwargs['fault'])
        super().__init__(message, **kwargs)


class ResourceTimeout(ResourceStateError):
    """A resource did not reach the wanted state in time."""
    message = ('Could not %(action)s: %(resource)s on site %(site)s is still '
               '%(reached)s after %(timeout)s s of waiting for '
               '%(wanted)s%(fault)s.')


def fault_suffix(fault):
    """``': <message> (code N)'`` of a Nova fault, or ``''``."""
    if not fault:
        return ''
    if isinstance(fault, dict):
        text = fault.get('message') or ''
        if fault.get('code'):
            text = '%s (code %s)' % (text, fault['code'])
    else:
        text = str(fault)
    return ': %s' % redact(text) if text else ''


def _status_code(exc):
    for attr in ('status_code', 'http_status', 'code'):
        value = getattr(exc, attr, None)
        if isinstance(value, int) and 100 <= value < 600:
            return value
    response = getattr(exc, 'response', None)
    value = getattr(response, 'status_code', None)
    return value if isinstance(value, int) else None


def _detail(exc, status):
    details = getattr(exc, 'details', None)
    if details and not isinstance(exc, ks_exc.HttpError):
        text = str(details)
    elif isinstance(exc, ks_exc.HttpError):
        text = exc.details or exc.message
    else:
        text = str(exc) or type(exc).__name__
    if status:
        text = '%s (HTTP %d)' % (text, status)
    request_id = getattr(exc, 'request_id', None)
    if request_id:
        text = '%s (request %s)' % (text, request_id)
    return redact(text)


_UNPROCESSED_CONNECTION = (ks_exc.ConnectFailure, ks_exc.ConnectTimeout,
                           ConnectionRefusedError)
_CONNECTION = (ks_exc.ConnectionError, ks_exc.RetriableConnectionFailure,
               requests.ConnectionError, requests.Timeout, ConnectionError,
               socket.timeout)


def translate(exc, site, resource, action):
    """The typed error for ``exc``, raised by a call to ``site``.

    ``resource`` and ``action`` are short phrases ("volume 5c2e...",
    "delete volume") that the message names.
    """
    if isinstance(exc, DriverError):
        return exc
    status = _status_code(exc)
    kwargs = {'site': getattr(site, 'name', site), 'resource': resource,
              'action': action, 'detail': _detail(exc, status),
              'status_code': status}
    if isinstance(exc, exception.ProtectorException):
        kwargs['detail'] = redact(exc.msg)
        return _by_status(exc.code, kwargs)
    if isinstance(exc, _UNPROCESSED_CONNECTION):
        return CloudUnavailable(unprocessed=True, **kwargs)
    if isinstance(exc, (ks_exc.EndpointNotFound, ks_exc.DiscoveryFailure)):
        kwargs['detail'] = redact(
            '%s; is the service in the Keystone catalog of region %s?'
            % (kwargs['detail'], getattr(site, 'region_name', '?')))
        return CloudUnavailable(transient=False, **kwargs)
    if isinstance(exc, ks_exc.Unauthorized):
        return SiteAuthFailed(**kwargs)
    if isinstance(exc, _CONNECTION) and status is None:
        return CloudUnavailable(**kwargs)
    if status is None:
        # The sdk's own lookups (find_*) fail without an HTTP answer.
        if isinstance(exc, sdk_exc.NotFoundException):
            return CloudNotFound(**kwargs)
        if isinstance(exc, sdk_exc.DuplicateResource):
            return CloudConflict(**kwargs)
        return CloudError(**kwargs)
    return _by_status(status, kwargs)


def _by_status(status, kwargs):
    if status == 401:
        return SiteAuthFailed(**kwargs)
    if status == 403:
        return CloudForbidden(**kwargs)
    if status in (404, 410):
        return CloudNotFound(**kwargs)
    if status == 409:
        detail = kwargs['detail']
        if _BUSY.search(detail) and not _NOT_BUSY.search(detail):
            return CloudBusy(**kwargs)
        return CloudConflict(**kwargs)
    if status == 413:
        # Cinder's quota and size limits.
        return CloudConflict(**kwargs)
    if status in (429, 503):
        return CloudUnavailable(unprocessed=True, **kwargs)
    if status in (500, 502, 504):
        return CloudUnavailable(**kwargs)
    if 400 <= status < 500:
        return CloudBadRequest(**kwargs)
    return CloudUnavailable(transient=False, **kwargs)


class Retrier(object):
    """Runs a call, translating its failures and repeating transient ones.

    :param attempts: calls at most, the first included (>= 1).
    :param interval: seconds before the first repeat; doubles each time.
    :param max_interval: upper bound of one wait.
    :param translate: ``translate(exc, where, resource, action)`` returns
        the typed error for a failure (default: the cloud translation).
    :param label: what ``where`` is, for the log ("Site", "Array").
    """

    def __init__(self, attempts=4, interval=1.0, max_interval=30.0,
                 sleep=time.sleep, translate=None, label='Site'):
        self._translate = translate or globals()['translate']
        self.label = label
        self.attempts = max(1, int(attempts))
        self.interval = max(0.0, float(interval))
        self.max_interval = max(self.interval, float(max_interval))
        self._sleep = sleep

    def delay(self, attempt):
        """Seconds to wait after failed attempt number ``attempt``."""
        base = min(self.max_interval, self.interval * (2 ** (attempt - 1)))
        # Up to 20 % jitter so that many engines do not retry in step.
        return base * (0.8 + 0.2 * random.random())  # noqa: S311

    def call(self, where, resource, action, func, *args, **kwargs):
        """``func(*args, **kwargs)``; typed errors, transient ones retried.

        ``idempotent=False`` (a keyword for this method) marks a call that
        creates something: it is repeated only when the cloud or array
        cannot have acted on it.
        """
        idempotent = kwargs.pop('idempotent', True)
        attempt = 1
        while True:
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                error = self._translate(exc, where, resource, action)
                repeat = error.transient and (idempotent or
                                              error.unprocessed)
                if not repeat or attempt >= self.attempts:
                    if error is exc:
                        raise
                    raise error from None
                delay = self.delay(attempt)
                LOG.warning('%(label)s %(where)s: %(action)s %(resource)s '
                            'failed (%(detail)s); attempt %(attempt)d of '
                            '%(attempts)d in %(delay).1f s',
                            {'label': self.label,
                             # A site by its name, never by its record.
                             'where': getattr(where, 'name', where),
                             'action': action,
                             'resource': resource, 'detail': error.detail,
                             'attempt': attempt + 1,
                             'attempts': self.attempts, 'delay': delay})
                self._sleep(delay)
                attempt += 1
