"""Typed errors of the storage drivers, and the retry of transient ones.

Every failure of an array reaches the engine as one of the errors below,
whatever the driver (``pure``, ``fake``).  They are
``protector.drivers.errors.DriverError`` types, so the engine handles
cloud and array failures alike, and each carries in ``kwargs``:

- ``array`` (also ``site``): the URL of the array called;
- ``resource``: what the call was about ("protection group pg-1");
- ``action``: what protector tried ("add volumes to");
- ``detail``: the array's own message, secrets masked;
- ``status_code``: the HTTP status when there was one.

Never the API token: :func:`detail` masks it wherever it appears.
"""

import time

from protector.common import exception
from protector.drivers import errors


def detail(text, *secrets):
    """``text`` bounded, with ``secrets`` and anything secret-like masked."""
    text = str(text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, '***')
    return errors.redact(text)


class StorageError(errors.DriverError):
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


class Retrier(errors.Retrier):
    """Runs array calls; repeats transient failures with backoff.

    :param translate: ``translate(exc, array, resource, action)`` returns
        the StorageError for a failure of ``func``.
    """

    def __init__(self, translate, attempts=4, interval=1.0,
                 max_interval=30.0, sleep=time.sleep):
        super().__init__(attempts=attempts, interval=interval,
                         max_interval=max_interval, sleep=sleep,
                         translate=translate, label='Array')
