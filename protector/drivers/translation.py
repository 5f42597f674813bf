"""Translation of cloud failures into typed errors, and their retry.

``translate`` turns an exception of openstacksdk, keystoneauth or requests
into the :mod:`protector.common.driver_errors` type of its consequence.
``transient`` errors may succeed if the call is repeated a little later
(HTTP 5xx, 429, a refused or reset connection, a 409 because the resource
is busy); ``Retrier`` repeats those with exponential backoff and never
repeats the others.  A call that creates something is repeated only when
the cloud cannot have acted on it (connection refused, 429, 503, busy), so
that a reset connection never creates a second server.
"""

import random
import re
import socket
import time

from keystoneauth1 import exceptions as ks_exc
from openstack import exceptions as sdk_exc
from oslo_log import log as logging
import requests

from protector.common import driver_errors as errors
from protector.common import exception

LOG = logging.getLogger(__name__)

# A 409 worth repeating: the resource is in a transitional state.
_BUSY = re.compile(r'(?i)task_state|in task state|is busy|in-use|in use|'
                   r'being (?:created|deleted|attached|detached|updated)|'
                   r'status must be|try again|retry|locked by|'
                   r'(?:creating|deleting|attaching|detaching|updating|'
                   r'managing|unmanaging|maintenance)\b')
# ... unless it is about an address or a name that somebody else holds.
_NOT_BUSY = re.compile(r'(?i)mac address|ip address|already (?:exists|'
                       r'allocated)|duplicate|quota|vm_state')


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
    return errors.redact(text)


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
    if isinstance(exc, errors.DriverError):
        return exc
    status = _status_code(exc)
    kwargs = {'site': getattr(site, 'name', site), 'resource': resource,
              'action': action, 'detail': _detail(exc, status),
              'status_code': status}
    if isinstance(exc, exception.ProtectorException):
        kwargs['detail'] = errors.redact(exc.msg)
        return _by_status(exc.code, kwargs)
    if isinstance(exc, _UNPROCESSED_CONNECTION):
        return errors.CloudUnavailable(unprocessed=True, **kwargs)
    if isinstance(exc, (ks_exc.EndpointNotFound, ks_exc.DiscoveryFailure)):
        kwargs['detail'] = errors.redact(
            '%s; is the service in the Keystone catalog of region %s?'
            % (kwargs['detail'], getattr(site, 'region_name', '?')))
        return errors.CloudUnavailable(transient=False, **kwargs)
    if isinstance(exc, ks_exc.Unauthorized):
        return errors.SiteAuthFailed(**kwargs)
    if isinstance(exc, _CONNECTION) and status is None:
        return errors.CloudUnavailable(**kwargs)
    if status is None:
        # The sdk's own lookups (find_*) fail without an HTTP answer.
        if isinstance(exc, sdk_exc.NotFoundException):
            return errors.CloudNotFound(**kwargs)
        if isinstance(exc, sdk_exc.DuplicateResource):
            return errors.CloudConflict(**kwargs)
        return errors.CloudError(**kwargs)
    return _by_status(status, kwargs)


def _by_status(status, kwargs):
    if status == 401:
        return errors.SiteAuthFailed(**kwargs)
    if status == 403:
        return errors.CloudForbidden(**kwargs)
    if status in (404, 410):
        return errors.CloudNotFound(**kwargs)
    if status == 409:
        detail = kwargs['detail']
        if _BUSY.search(detail) and not _NOT_BUSY.search(detail):
            return errors.CloudBusy(**kwargs)
        return errors.CloudConflict(**kwargs)
    if status == 413:
        # Cinder's quota and size limits.
        return errors.CloudConflict(**kwargs)
    if status in (429, 503):
        return errors.CloudUnavailable(unprocessed=True, **kwargs)
    if status in (500, 502, 504):
        return errors.CloudUnavailable(**kwargs)
    if 400 <= status < 500:
        return errors.CloudBadRequest(**kwargs)
    return errors.CloudUnavailable(transient=False, **kwargs)


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


class ArrayRetrier(Retrier):
    """Runs array calls; repeats transient failures with backoff.

    :param translate: ``translate(exc, array, resource, action)`` returns
        the StorageError for a failure of ``func``.
    """

    def __init__(self, translate, attempts=4, interval=1.0,
                 max_interval=30.0, sleep=time.sleep):
        super().__init__(attempts=attempts, interval=interval,
                         max_interval=max_interval, sleep=sleep,
                         translate=translate, label='Array')
