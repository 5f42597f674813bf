"""Typed errors of the drivers.

Every failure of a cloud or an array call reaches the engine as one of the
errors below.  Each is a ``protector.common.exception`` type, so the API
answers with its HTTP code, and each carries, in ``kwargs``:

- ``site``: the site the call went to (``array`` too for an array: its
  URL);
- ``resource``: what the call was about ("server web-1 (6c1f...)");
- ``action``: what protector tried ("stop server");
- ``detail``: the cloud's or the array's own message, with anything that
  looks like a secret (tokens, passwords, transfer keys, user data)
  masked;
- ``status_code``: the HTTP status when there was one.

``transient`` tells whether the same call may succeed if repeated a little
later; ``unprocessed`` that the cloud or array cannot have acted on it.

The engine raises them across RPC and the API re-raises them (this module
is in ``allowed_remote_exmods``), so it imports nothing but
``protector.common.exception``: ``protector.drivers.translation`` turns
the SDK's, keystoneauth's and requests' exceptions into these.
"""

import re

from protector.common import exception

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


def redact(text, *secrets):
    """``text`` bounded, with anything secret-like masked.

    ``secrets`` (an array's API token) are masked wherever they appear.
    """
    text = str(text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, '***')
    text = ' '.join(text.split())
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


# -- arrays ------------------------------------------------------------

class StorageError(DriverError):
    """A failure of an array."""

    message = ('Array %(array)s could not %(action)s %(resource)s: '
               '%(detail)s')

    def __init__(self, message=None, **kwargs):
        kwargs.setdefault('array', kwargs.get('site', ''))
        kwargs.setdefault('site', kwargs['array'])
        super().__init__(message, **kwargs)

    @property
    def array(self):
        return self.kwargs['array']


class ArrayNotFound(StorageError, exception.NotFound):
    message = ('Could not %(action)s %(resource)s: it does not exist on '
               'array %(array)s (%(detail)s).')


class ArrayConflict(StorageError, exception.Conflict):
    """The name is taken, the object is in the way or in the wrong state."""
    message = ('Array %(array)s refused to %(action)s %(resource)s: '
               '%(detail)s')


class ArrayBusy(ArrayConflict):
    """The array asks to try again later."""
    transient = True
    unprocessed = True


class ArrayBadRequest(StorageError, exception.BadRequest):
    message = ('Array %(array)s refused to %(action)s %(resource)s: '
               '%(detail)s')


class ArrayForbidden(StorageError, exception.Forbidden):
    message = ('The API token of array %(array)s does not allow protector '
               'to %(action)s %(resource)s (%(detail)s). Give the token\'s '
               'user the storage_admin role or higher, then run '
               '\'openstack protector site validate\'.')


class ArrayAuthFailed(StorageError, exception.ServiceUnavailable):
    message = ('Array %(array)s refused the API token of the replication '
               'policy while protector tried to %(action)s %(resource)s '
               '(%(detail)s). Set the right token with \'openstack '
               'protector protection-group policy-set\'.')


class ArrayUnavailable(StorageError, exception.ServiceUnavailable):
    transient = True
    message = ('Array %(array)s did not answer while protector tried to '
               '%(action)s %(resource)s: %(detail)s. Check its management '
               'address and network path from the protector-engine host.')


class ArrayError(StorageError, exception.BadGateway):
    """A failure that fits no other type."""
    error_code = 'array_error'


class ReplicationNotReady(StorageError, exception.Conflict):
    """Replication is not set up the way the call needs."""
    message = ('Could not %(action)s %(resource)s on array %(array)s: '
               '%(detail)s')


class RecoveryPointIncomplete(StorageError, exception.Conflict):
    message = ('Could not %(action)s: recovery point %(resource)s on array '
               '%(array)s is still being transferred (%(detail)s). Wait for '
               'it or choose a completed one.')


class RecoveryPointTimeout(StorageError, exception.Conflict):
    message = ('Could not %(action)s: recovery point %(resource)s on array '
               '%(array)s was not complete after %(timeout)s s '
               '(%(detail)s). Check the replication link between the '
               'arrays and its bandwidth.')


class PodNotReady(StorageError, exception.Conflict):
    message = ('Could not %(action)s: pod %(resource)s on array %(array)s '
               'is not in sync (%(detail)s).')
