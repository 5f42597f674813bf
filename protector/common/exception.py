"""Typed errors of protector.

Every error carries the HTTP code the API answers with, a stable
machine-readable ``error_code`` (clients, the CLI and the engine branch on
it, never on the message) and a message that tells the operator what is
wrong and what to do next.  The engine raises them too: oslo.messaging
re-raises them in the API process because this module is listed in
``allowed_remote_exmods``.

The error codes are part of the API; ``api-ref`` lists them.  Add codes,
never change or remove one.
"""

# How much of a value the client sent a message may quote.
EXCERPT = 40


def excerpt(value, limit=EXCERPT):
    """``value`` as a message may quote it: short and printable.

    A long value is cut (a 100 KB name is not sent back), and characters
    that are not printable (NUL, a lone surrogate) are shown escaped, so
    that they reach neither a terminal nor a log as they are.
    """
    text = value if isinstance(value, str) else repr(value)
    shown = ''.join(char if char.isprintable() else
                    char.encode('unicode_escape').decode('ascii')
                    for char in text[:limit])
    if len(text) > limit:
        shown += '... (%d characters)' % len(text)
    return shown


class ProtectorException(Exception):
    code = 500
    title = 'Internal Server Error'
    error_code = 'internal_error'
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
    error_code = 'invalid_request'
    message = 'The request is invalid.'


class InvalidInput(BadRequest):
    message = '%(reason)s'


class PlanInvalid(BadRequest):
    """A recovery plan with one or more problems; ``problems`` lists all."""
    error_code = 'plan_invalid'
    message = ('The recovery plan has %(count)d problem(s); fix every one '
               'and import it again.')


class InvalidQueryParameter(BadRequest):
    """A query parameter of the URL with a value the request cannot use."""
    error_code = 'invalid_query_parameter'
    message = "Invalid query parameter '%(name)s': %(reason)s"


class InvalidMarker(InvalidQueryParameter):
    """The ``marker`` of a list names no item of that list."""
    error_code = 'marker_not_found'
    message = ("Invalid query parameter 'marker': %(marker)s is not the id "
               "of any %(kind)s of this list. Give the id of the last item "
               "of the previous page (the 'next' link of a list holds it), "
               "or leave marker out to start from the first item; the item "
               "may have been deleted since.")

    def __init__(self, message=None, **kwargs):
        marker = str(kwargs.get('marker'))
        # Quote a short prefix only: the marker comes from the URL.
        kwargs['marker'] = repr(marker if len(marker) <= 64
                                else marker[:64] + '...')
        super().__init__(message, **kwargs)


class NotAuthenticated(ProtectorException):
    code = 401
    title = 'Unauthorized'
    error_code = 'unauthenticated'
    message = 'Authentication is required.'


class Forbidden(ProtectorException):
    code = 403
    title = 'Forbidden'
    error_code = 'forbidden'
    message = 'Policy does not allow %(action)s to be performed.'


class NotFound(ProtectorException):
    code = 404
    title = 'Not Found'
    error_code = 'not_found'
    message = '%(kind)s %(ident)s was not found.'


class MethodNotAllowed(ProtectorException):
    code = 405
    title = 'Method Not Allowed'
    error_code = 'method_not_allowed'
    message = ('Method %(method)s is not allowed on %(path)s; allowed: '
               '%(allowed)s.')


class NotAcceptable(ProtectorException):
    code = 406
    title = 'Not Acceptable'
    error_code = 'version_not_supported'
    message = '%(reason)s'


class Conflict(ProtectorException):
    code = 409
    title = 'Conflict'
    error_code = 'conflict'
    message = '%(reason)s'


class Duplicate(Conflict):
    """A name (or a pair) that must be unique is taken already."""
    error_code = 'duplicate'


class InvalidState(Conflict):
    """The status of the group does not allow what was asked."""
    error_code = 'invalid_state'


class MemberInvalid(Conflict):
    """A member's stored spec or plan entry the engine cannot use."""
    error_code = 'member_invalid'


class QuotaInsufficient(Conflict):
    """The target site's quotas cannot hold what the operation creates."""
    error_code = 'quota_insufficient'


class OperationRunning(Conflict):
    error_code = 'operation_running'
    message = ("Operation %(operation)s (%(type)s) is running on protection "
               "group '%(group)s'; wait until it ends ('openstack protector "
               "operation show %(operation)s')%(cancel)s, then retry.")


class ChangeInProgress(Conflict):
    """Another change holds the group (on this site or the peer)."""
    error_code = 'change_in_progress'
    message = ("Protection group '%(group)s' is being changed on site "
               "'%(site)s' (%(holder)s) since %(since)s; this change was "
               "refused so that the two sites keep one version history. "
               "Retry when it is done (it is released at %(expires)s at "
               "the latest).")


class PeerUnreachable(Conflict):
    error_code = 'peer_unreachable'
    message = ("Peer site '%(site)s' is unreachable (%(reason)s). Changes to "
               "protection group '%(group)s' are refused so that the two "
               "sites cannot diverge. Start protector-api on %(site)s "
               "(check with 'openstack protector protection-group "
               "sync-status %(group)s'), then retry.")


class PeerUnreachableTryLocal(PeerUnreachable):
    """As PeerUnreachable, for a change that may be made here alone."""
    message = ("Peer site '%(site)s' is unreachable (%(reason)s). Changes to "
               "protection group '%(group)s' are refused so that the two "
               "sites cannot diverge. To change the recovery plan, the "
               "mappings or the policy on this site alone while %(site)s is "
               "down, add --local (API: \"local\": true); when it is back, "
               "run 'openstack protector protection-group sync-force "
               "%(group)s' on this site. Otherwise start protector-api on "
               "%(site)s (check with 'openstack protector protection-group "
               "sync-status %(group)s'), then retry.")


class LocalChangesHeld(Conflict):
    """A site holds changes made alone (--local) that would be lost."""
    error_code = 'local_changes_held'
    message = ("Protection group '%(group)s' holds changes made on site "
               "'%(site)s' alone while the other site was unreachable "
               "(%(versions)s, since %(since)s); this request was refused so "
               "that they are not lost. Run 'openstack protector "
               "protection-group sync-force %(group)s' on site '%(site)s' to "
               "make both sites hold them, then retry.")


class CopiesDiverged(Conflict):
    """Both sites changed a group apart: only an operator can choose."""
    error_code = 'copies_diverged'
    message = ("Protection group '%(group)s' was changed on both sites apart: "
               "version %(local_version)s (digest %(local_digest)s) on "
               "%(local_site)s, version %(remote_version)s (digest "
               "%(remote_digest)s) on %(remote_site)s; %(how)s. sync-force "
               "does not choose between them by itself: compare both copies "
               "('openstack protector protection-group show %(group)s' on "
               "each site), then run 'openstack protector protection-group "
               "sync-force %(group)s --source local' on the site whose copy "
               "is right (or '--source peer' on the other); the changes of "
               "the other copy are lost.")


class OutOfSync(Conflict):
    error_code = 'out_of_sync'
    message = ("Protection group '%(group)s' is out of sync: version "
               "%(local_version)s on %(local_site)s, version "
               "%(remote_version)s on %(remote_site)s%(detail)s. Run "
               "'openstack protector protection-group sync-force "
               "%(group)s' on the site that holds the workload, then "
               "retry.")

    def __init__(self, message=None, **kwargs):
        kwargs.setdefault('detail', '')
        super().__init__(message, **kwargs)


class VersionConflict(Conflict):
    """A metadata document that does not follow the stored version."""
    error_code = 'version_conflict'
    message = ("Protection group %(group)s is at version %(stored)s "
               "(digest %(digest)s) on this site; the change from version "
               "%(base)s to %(incoming)s made on the other site was refused "
               "because it does not follow it.")


class TooLarge(ProtectorException):
    code = 413
    title = 'Request Entity Too Large'
    error_code = 'payload_too_large'
    message = '%(reason)s'


class InvalidStateTransition(ProtectorException):
    """A change of a group's status the state machine does not allow.

    Never the operator's doing: it is a bug of protector
    (``protector.common.group_states``), refused before it is written.
    """
    error_code = 'invalid_state_transition'
    message = ("Protection group %(group)s cannot move from status "
               "'%(current)s' to '%(new)s'; the change was refused and the "
               "status left as it was. This is a bug of protector: report "
               "it with the protector-engine log of this time.")


class BadGateway(ProtectorException):
    """A cloud or an array answered with an error of its own."""
    code = 502
    title = 'Bad Gateway'
    error_code = 'backend_error'
    message = '%(reason)s'


class ServiceUnavailable(ProtectorException):
    code = 503
    title = 'Service Unavailable'
    error_code = 'service_unavailable'
    message = '%(reason)s'


class EngineUnavailable(ServiceUnavailable):
    error_code = 'engine_unavailable'
    message = ("protector-engine of site '%(site)s' did not answer within "
               "%(seconds)s s, so nothing was changed. Check that "
               "protector-engine runs on this site (systemctl status "
               "protector-engine), that it reaches RabbitMQ (its log says "
               "so at start) and that [engine] topic is the same for "
               "protector-api and protector-engine, then retry.")


class EngineLost(EngineUnavailable):
    """The engine took the request, then stopped answering."""
    message = ("protector-engine of site '%(site)s' took the request, then "
               "stopped answering for %(seconds)s s: it may have stopped "
               "while it worked. What it did is not known; check the "
               "resource (and 'openstack protector protection-group "
               "sync-status') before you retry, and see why the engine "
               "stopped (systemctl status protector-engine, its log).")
