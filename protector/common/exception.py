"""Typed errors of protector.

Every error carries the HTTP code the API answers with and a message that
tells the operator what is wrong and what to do next.  The engine raises
them too: oslo.messaging re-raises them in the API process because this
module is listed in ``allowed_remote_exmods``.
"""


class ProtectorException(Exception):
    code = 500
    title = 'Internal Server Error'
    message = 'An unexpected error occurred.'

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if message is None:
            message = self.message % kwargs if kwargs else self.message
        self.problems = kwargs.get('problems')
        # str() of an error re-raised from the engine over RPC also holds
        # the engine's traceback; the operator gets only this message.
        self.msg = message
        super().__init__(message)


class BadRequest(ProtectorException):
    code = 400
    title = 'Bad Request'
    message = 'The request is invalid.'


class TooLarge(ProtectorException):
    code = 413
    title = 'Request Entity Too Large'
    message = '%(reason)s'


class InvalidInput(BadRequest):
    message = '%(reason)s'


class PlanInvalid(BadRequest):
    """A recovery plan with one or more problems; ``problems`` lists all."""
    message = ('The recovery plan has %(count)d problem(s); fix every one '
               'and import it again.')


class NotAuthenticated(ProtectorException):
    code = 401
    title = 'Unauthorized'
    message = 'Authentication is required.'


class Forbidden(ProtectorException):
    code = 403
    title = 'Forbidden'
    message = 'Policy does not allow %(action)s to be performed.'


class NotFound(ProtectorException):
    code = 404
    title = 'Not Found'
    message = '%(kind)s %(ident)s was not found.'


class NotAcceptable(ProtectorException):
    code = 406
    title = 'Not Acceptable'
    message = '%(reason)s'


class MethodNotAllowed(ProtectorException):
    code = 405
    title = 'Method Not Allowed'
    message = ('Method %(method)s is not allowed on %(path)s; allowed: '
               '%(allowed)s.')


class Conflict(ProtectorException):
    code = 409
    title = 'Conflict'
    message = '%(reason)s'


class PeerUnreachable(Conflict):
    message = ("Peer site '%(site)s' is unreachable (%(reason)s). Changes to "
               "protection group '%(group)s' are refused so that the two "
               "sites cannot diverge. Start protector-api on %(site)s "
               "(check with 'openstack protector protection-group "
               "sync-status %(group)s'), then retry.")


class OutOfSync(Conflict):
    message = ("Protection group '%(group)s' is out of sync: version "
               "%(local_version)s on %(local_site)s, version "
               "%(remote_version)s on %(remote_site)s. Run 'openstack "
               "protector protection-group sync-force %(group)s' on the "
               "site that holds the workload, then retry.")


class StaleMetadata(Conflict):
    message = ("Protection group %(group)s is at version %(stored)s on this "
               "site; version %(incoming)s is not newer and was refused.")


class ServiceUnavailable(ProtectorException):
    code = 503
    title = 'Service Unavailable'
    message = '%(reason)s'
