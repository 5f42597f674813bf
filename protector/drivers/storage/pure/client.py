"""Sessions with FlashArrays through the ``purestorage`` (REST 1.x) client,
and the translation of its failures into typed errors.

One ``purestorage.FlashArray`` per (URL, token) is kept for the life of
the driver: the client logs in once and logs in again by itself when the
array forgets the session (HTTP 401, for example after a restart).
"""

import hashlib
import json
import threading
from urllib import parse
import warnings

from oslo_log import log as logging
import purestorage
import requests

from protector.common import driver_errors as errors
from protector.drivers import translation

LOG = logging.getLogger(__name__)

USER_AGENT = 'OpenStack-protector purestorage/%s' % getattr(
    purestorage, 'VERSION', '?')

# Phrases of the REST 1.x error messages (the ones the Cinder Pure driver
# matches on, and their relatives).
_NOT_FOUND = ('does not exist', 'no such volume', 'could not be found',
              'not found')
_CONFLICT = ('already exists', 'already belongs to', 'already includes',
             'already allowed on', 'already in use', 'has been destroyed',
             'existing connections', 'is connected to', 'is demoted',
             'is stretched', 'is not allowed', 'not allowed on',
             'is not connected', 'must be destroyed')
_BUSY = ('busy', 'try again', 'temporarily unavailable')


def target_of(url):
    """``host[:port]`` of a management URL (what the client wants).

    The client always speaks HTTPS, whatever the URL's scheme.
    """
    if '//' not in url:
        url = 'https://' + url
    parsed = parse.urlsplit(url)
    host = parsed.hostname or ''
    if ':' in host:
        host = '[%s]' % host
    return '%s:%d' % (host, parsed.port) if parsed.port else host


def _messages(text):
    """"msg (ctx)" of each error of a REST 1.x error body."""
    try:
        body = json.loads(text)
    except (TypeError, ValueError):
        return text or ''
    if isinstance(body, dict):
        body = [body]
    if not isinstance(body, list):
        return str(body)
    parts = []
    for item in body:
        if not isinstance(item, dict):
            parts.append(str(item))
            continue
        msg = item.get('msg') or item.get('message') or ''
        ctx = item.get('ctx')
        parts.append('%s (%s)' % (msg, ctx) if ctx else msg)
    return '; '.join(parts)


def _has(text, phrases):
    text = text.lower()
    return any(phrase in text for phrase in phrases)


def translate(exc, array, resource, action):
    """The StorageError for ``exc``, raised by a call to ``array``."""
    if isinstance(exc, errors.StorageError):
        return exc
    kwargs = {'array': array.url, 'resource': resource, 'action': action,
              'status_code': None}

    def make(cls, text, **extra):
        kwargs['detail'] = errors.redact(text, array.api_token)
        kwargs.update(extra)
        return cls(**kwargs)

    if isinstance(exc, purestorage.PureHTTPError):
        status = exc.code
        kwargs['status_code'] = status
        text = _messages(exc.text)
        shown = '%s (HTTP %s)' % (text or exc.reason, status)
        if status == 400:
            if _has(text, _BUSY):
                return make(errors.ArrayBusy, shown)
            if _has(text, _NOT_FOUND):
                return make(errors.ArrayNotFound, shown)
            if _has(text, _CONFLICT):
                return make(errors.ArrayConflict, shown)
            return make(errors.ArrayBadRequest, shown)
        if status == 401:
            return make(errors.ArrayAuthFailed, shown)
        if status == 403:
            return make(errors.ArrayForbidden, shown)
        if status == 404:
            return make(errors.ArrayNotFound, shown)
        if status in (429, 503):
            return make(errors.ArrayUnavailable, shown, unprocessed=True)
        if status in (500, 502, 504):
            return make(errors.ArrayUnavailable, shown)
        return make(errors.ArrayError, shown)
    reason = exc.reason if isinstance(exc, purestorage.PureError) else exc
    if isinstance(reason, requests.exceptions.SSLError):
        return make(errors.ArrayError,
                    'TLS failed: %s; check [pure] verify_https and '
                    'ca_certificate' % reason)
    if isinstance(reason, requests.exceptions.ConnectTimeout) or (
            isinstance(reason, (requests.exceptions.ConnectionError,
                                ConnectionError)) and
            _has(str(reason), ('refused', 'new connection'))):
        return make(errors.ArrayUnavailable, reason, unprocessed=True)
    if isinstance(reason, (requests.exceptions.ConnectionError,
                           requests.exceptions.Timeout, ConnectionError,
                           TimeoutError)):
        return make(errors.ArrayUnavailable, reason)
    if isinstance(exc, purestorage.PureError):
        return make(errors.ArrayError, exc.reason)
    return make(errors.ArrayError, '%s: %s' % (type(exc).__name__, exc))


class Session(object):
    """A logged-in client and what the array said about itself."""

    def __init__(self, client, info):
        self.client = client
        self.name = info.get('array_name')
        self.id = info.get('id')
        self.purity_version = info.get('version')
        self.rest_version = client.get_rest_version()


class Connector(object):
    """Opens and keeps sessions; runs calls with retries."""

    def __init__(self, conf):
        self.conf = conf
        self.retrier = translation.ArrayRetrier(
            translate, attempts=conf.retry_attempts,
            interval=conf.retry_interval,
            max_interval=conf.retry_max_interval)
        self.probe_retrier = translation.ArrayRetrier(translate, attempts=1)
        self._sessions = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(array):
        digest = hashlib.sha256(array.api_token.encode()).hexdigest()
        return array.url, digest

    def _login(self, array):
        request_kwargs = {'timeout': self.conf.request_timeout}
        if self.conf.verify_https:
            request_kwargs['verify'] = self.conf.ca_certificate or True
        else:
            # Said once per login here rather than by urllib3 on every
            # request, which buries the engine's log.
            warnings.filterwarnings('ignore',
                                    message='Unverified HTTPS request')
            LOG.warning('The TLS certificate of array %s is not verified '
                        '([pure] verify_https = False).', array.url)
        client = purestorage.FlashArray(
            target_of(array.url), api_token=array.api_token,
            user_agent=USER_AGENT, request_kwargs=request_kwargs)
        return Session(client, client.get())

    def session(self, array, retry=True):
        """The session with ``array``, logging in if needed.

        ``retry=False`` tries once (checks answer fast and say why).
        """
        key = self._key(array)
        with self._lock:
            session = self._sessions.get(key)
        if session is None:
            retrier = self.retrier if retry else self.probe_retrier
            session = retrier.call(array, 'array %s' % array.url,
                                   'log in to', self._login, array)
            LOG.debug('Logged in to array %(name)s at %(url)s (Purity '
                      '%(version)s, REST %(rest)s)',
                      {'name': session.name, 'url': array.url,
                       'version': session.purity_version,
                       'rest': session.rest_version})
            with self._lock:
                self._sessions[key] = session
        return session

    def forget(self, array):
        with self._lock:
            self._sessions.pop(self._key(array), None)

    def call(self, array, resource, action, method, *args, **kwargs):
        """``client.<method>(*args, **kwargs)`` on ``array``.

        ``idempotent=False`` marks a call that creates something;
        ``retry=False`` tries once (a probe that reports at once).
        """
        retry = kwargs.pop('retry', True)
        session = self.session(array, retry=retry)
        func = getattr(session.client, method)
        retrier = self.retrier if retry else self.probe_retrier
        try:
            return retrier.call(array, resource, action, func, *args,
                                **kwargs)
        except errors.ArrayAuthFailed:
            # The token was revoked or changed: log in afresh next time.
            self.forget(array)
            raise
