"""Keep each protection group identical on both sites: one version history.

A change of a group (``GroupChange``) goes like this:

1. It holds the group on this site: a lease in the database, so that no
   other request, process or document pushed by the peer changes it
   meanwhile (the database writes of the change check that they still
   hold it).
2. It reserves the peer's copy for itself.  The peer refuses when its
   copy is not at the same version with the same content (digest), when
   another change holds it (the peer's own, made at the same moment), or
   when an operation runs on it; an unreachable peer refuses too.  Nothing
   has changed yet: the change is refused with the reason.
3. The change is made here, as the next version.
4. The new version is pushed together with the version it follows.  The
   peer stores it only if its copy is still that version, then lets go of
   the reservation.
   - A refusal (possible only if the reservation expired or the peer
     cannot store the content, a name already taken there, say) undoes
     the change here, and the change is refused.
   - No answer (the peer went away, or failed): the change stands.  The
     peer cannot hold anything else under that version: its copy stays
     reserved for this change, and when that expires its own changes ask
     this site first and find the newer version.  The version is kept as
     a pending push and sent again, with backoff, until the peer confirms;
     the group shows OUT OF SYNC with the reason until then.

So both sites hold one history of versions; ``sync_status.status``
compares versions and content digests, so a difference, if one ever
happened (an unplanned failover runs on one site alone), shows up with
both digests and ``sync_status.force`` repairs it.

The one exception is asked for by the operator: a change of the recovery
plan, the mappings or the policy (``PlanChange``) with ``local`` is made
on this site alone when the peer is unreachable at step 2.  The group
then records its local-only changes (``protector.common.local_changes``);
they are never sent by themselves, because the peer may come back with
changes of its own, and sync-force sends them when the operator says so.
"""

import datetime
import random
import time
import uuid

from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import timeutils

from protector.common import coordination
from protector.common import exception
from protector.common import local_changes
from protector.common import metadata_document
from protector.db import api as db
from protector.engine import peer as peer_api

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

# Pending pushes are sent again after 2, 4, 8 ... seconds, at most this.
MAX_RETRY_DELAY = 300


def peer_site(context):
    peer = db.site_get_by_role(context, is_local=False)
    if peer is None:
        raise exception.Conflict(
            reason="No peer site is registered on this site. An "
                   "administrator must register it with 'openstack "
                   "protector site create <peer-name> ...'.")
    return peer


def local_site(context):
    local = db.site_get_by_role(context, is_local=True)
    if local is None:
        raise exception.Conflict(
            reason="This site is not registered yet. An administrator must "
                   "register it with 'openstack protector site create "
                   "<this-site-name> ...' (its name is [DEFAULT] site_name "
                   "in protector.conf).")
    return local


def new_holder():
    """A name for one change: this site's name and a random id."""
    return '%s:%s' % (CONF.site_name, uuid.uuid4().hex)


def hold(context, group_id, holder):
    """Take the group's lease on this site, waiting a while for it.

    Changes made on this site queue up for ``[engine] change_wait``
    seconds; a change the peer reserved the group for is usually done in
    less.  Refuses (ChangeInProgress, OperationRunning) after that.
    """
    deadline = time.monotonic() + CONF.engine.change_wait
    while True:
        try:
            return db.group_lease_take(
                context, group_id, holder, CONF.engine.change_lease_seconds,
                refuse_running=True)
        except exception.ChangeInProgress:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.2)


def release(context, group_id, holder):
    db.group_lease_release(context, group_id, holder)


def _base(group):
    """What this site knows the peer holds, as the base of a push."""
    if group.peer_version is None:
        return None
    return group.peer_version, group.peer_digest


def send(context, group, holder=None, base=None, keep=True):
    """Push this site's current version of ``group`` to the peer.

    Returns True when the peer confirmed it; when the peer could not be
    reached the version is kept to be sent again (False).  A refusal by
    the peer is raised, and so is the peer being unreachable when not
    ``keep``.
    """
    peer = peer_site(context)
    document = metadata_document.export(context, group, peer)
    try:
        version, digest = peer_api.PeerClient(peer).push(
            document, group.name, group.metadata_digest, base, holder=holder)
    except exception.PeerUnreachable as exc:
        if not keep:
            raise
        _keep(context, group, holder, exc)
        return False
    db.group_record_sync(context, group.id, version, digest)
    LOG.info('Protection group %(id)s version %(version)d synced to '
             '%(peer)s', {'id': group.id, 'version': version,
                          'peer': peer.name})
    return True


def _keep(context, group, holder, error):
    attempts = (group.push_attempts or 0) + 1
    delay = min(2 ** attempts, MAX_RETRY_DELAY) * random.uniform(0.8, 1.2)
    retry_at = timeutils.utcnow() + datetime.timedelta(seconds=delay)
    db.group_record_push_failure(context, group.id, holder, error.msg,
                                 retry_at)
    LOG.warning('Protection group %(id)s version %(version)d not confirmed '
                'by the peer site (%(error)s); sending it again in %(delay)d '
                's', {'id': group.id, 'version': group.metadata_version,
                      'error': error.msg, 'delay': delay})


def deliver(context, group):
    """Send a pending version again; returns True once the peer has it."""
    try:
        return send(context, group, holder=group.push_holder,
                    base=_base(group))
    except exception.ProtectorException as exc:
        # The peer refused it: only an operator can tell which copy is
        # right (sync-force); keep saying why.
        _keep(context, group, group.push_holder, exc)
        return False


def push(context, group_id, retry=True):
    """Send what an operation changed; never raises for the peer.

    ``retry=False`` (an unplanned failover, run without the lost site):
    the site that comes back is left stale until an operator repairs it
    with sync-force, knowing what ran there meanwhile.  So is the peer of
    a group that holds local-only changes: sync-force alone sends them.
    """
    group = db.group_get(context, group_id)
    if group.local_changes_since is not None:
        db.group_record_sync_error(
            context, group.id,
            "Not sent: this site holds changes made while the peer site "
            "was unreachable (--local); run 'openstack protector "
            "protection-group sync-force %s' on this site to send them."
            % group.name)
        return False
    if retry:
        return deliver(context, group)
    try:
        return send(context, group, base=_base(group), keep=False)
    except exception.ProtectorException as exc:
        db.group_record_sync_error(context, group.id, exc.msg)
        return False


def deliver_due(context):
    """Send every pending version whose time has come (periodic task)."""
    delivered = 0
    owns = coordination.get().share()
    for group in db.group_list_pushes_due(context, timeutils.utcnow()):
        if not owns(group.id):
            continue  # Another engine of the site sends this one.
        holder = new_holder()
        try:
            group = db.group_lease_take(context, group.id, holder,
                                        CONF.engine.change_lease_seconds)
        except exception.ProtectorException:
            continue  # A change holds it; it delivers first itself.
        try:
            delivered += deliver(context, group)
        finally:
            release(context, group.id, holder)
    return delivered


class GroupChange(object):
    """One change of a group, as the module's docstring tells.

    Use as ``with GroupChange(context, group_id) as change:``; inside,
    ``change.group`` is the group as it was, and ``change.undo_with(f,
    *args)`` registers how to undo something done outside the database,
    in case the change fails or the peer refuses it.  ``change.alone``
    tells whether it is made on this site alone (see ``PlanChange``).
    """

    def __init__(self, context, group_id):
        self.context = context
        self.group_id = group_id
        self.holder = new_holder()
        self.group = None
        self.alone = False
        self._undo = []
        self._snapshot = None
        self._peer = None

    def undo_with(self, function, *args, **kwargs):
        self._undo.append((function, args, kwargs))

    def __enter__(self):
        self.group = hold(self.context, self.group_id, self.holder)
        try:
            peer = peer_site(self.context)
            # A change that could not be sent must not be made.
            metadata_document.peer_project(self.context, self.group, peer)
            self._peer = peer_api.PeerClient(peer)
            try:
                self._reserve_peer(peer)
            except exception.PeerUnreachable as exc:
                self._without_peer(exc)
                self.group = db.group_get(self.context, self.group_id)
            self._snapshot = metadata_document.snapshot(self.context,
                                                        self.group)
        except BaseException:
            release(self.context, self.group_id, self.holder)
            raise
        # The database writes of the change check that it holds the lease.
        self.context.group_lease = (self.group_id, self.holder)
        return self

    def _reserve_peer(self, peer):
        """Have the peer hold its copy, at our version, for this change."""
        pending = self.group.push_next_at is not None
        if pending and not deliver(self.context, self.group):
            group = db.group_get(self.context, self.group_id)
            # Raises PeerUnreachable if that is why it was not delivered.
            self._peer.get(group.id, group.name)
            raise exception.OutOfSync(
                group=group.name, local_version=group.metadata_version,
                local_site=CONF.site_name,
                remote_version=group.peer_version, remote_site=peer.name,
                detail=' (this site has not been able to send it: '
                       '%s; it keeps trying)' % group.last_sync_error)
        self.group = db.group_get(self.context, self.group_id)
        base = (self.group.metadata_version, self.group.metadata_digest)
        try:
            self._peer.reserve(self.group.id, self.group.name, self.holder,
                               base, CONF.engine.change_lease_seconds)
        except (exception.VersionConflict, exception.NotFound):
            ensure_in_sync(self.context, self.group)
            raise
        db.group_record_sync(self.context, self.group.id, *base)

    def _without_peer(self, error):
        """The peer is unreachable: both sites make a change or neither."""
        raise error

    def _release_peer(self):
        if not self.alone:
            self._peer.release(self.group_id, self.group.name, self.holder)

    def __exit__(self, exc_type, exc, tb):
        del self.context.group_lease
        try:
            if exc_type is not None:
                self._run_undo()
                self._release_peer()
                return False
            self._finish()
        finally:
            release(self.context, self.group_id, self.holder)
        return False

    def _finish(self):
        try:
            group = db.group_get(self.context, self.group_id)
        except exception.NotFound:
            return  # Deleted, on both sites.
        base = (self.group.metadata_version, self.group.metadata_digest)
        if group.metadata_version == base[0]:
            self._release_peer()
            return
        if self.alone:
            db.group_record_local_change(self.context, group.id,
                                         CONF.site_name, base[0] + 1)
            LOG.warning('Protection group %(id)s version %(version)d was '
                        'made on this site alone (--local): the peer site '
                        'is unreachable; only sync-force sends it',
                        {'id': group.id, 'version': group.metadata_version})
            return
        try:
            send(self.context, group, holder=self.holder, base=base)
        except exception.ProtectorException:
            LOG.warning('Peer site refused version %(version)d of protection '
                        'group %(id)s; the change is undone',
                        {'version': group.metadata_version, 'id': group.id})
            self._run_undo()
            metadata_document.restore(self.context, self._snapshot,
                                      self.holder)
            raise

    def _run_undo(self):
        for function, args, kwargs in reversed(self._undo):
            try:
                function(*args, **kwargs)
            except Exception:
                LOG.exception('Undoing part of a change of protection group '
                              '%s that failed or was refused failed too',
                              self.group_id)


class PlanChange(GroupChange):
    """A change of the recovery plan, the mappings or the policy.

    These say how the group is recovered, which an operator may have to
    change on the surviving site while the other is down.  With ``local``
    such a change is made on this site alone (``alone``) when the peer is
    unreachable, and recorded as a local-only change; without it, its
    refusal says that ``--local`` exists.  A peer that answers makes
    ``local`` change nothing.
    """

    def __init__(self, context, group_id, local=False):
        super().__init__(context, group_id)
        self.local = local

    def _without_peer(self, error):
        if not self.local:
            raise exception.PeerUnreachableTryLocal(**error.kwargs)
        self.alone = True


def _held(group, remote):
    """The local-only changes of either copy, this site's first."""
    return (local_changes.marker(group) or
            (remote or {}).get('local_changes'))


def ensure_in_sync(context, group):
    """Refuse what needs both copies equal when they are not."""
    peer = peer_site(context)
    metadata_document.peer_project(context, group, peer)
    remote = peer_api.PeerClient(peer).get(group.id, group.name)
    result = compare(group, remote)
    if result is None:
        return
    held = _held(group, remote)
    if held is not None:
        raise local_changes.refusal(group.name, held)
    raise exception.OutOfSync(
        group=group.name, local_version=group.metadata_version,
        local_site=CONF.site_name,
        remote_version='none' if remote is None else remote['version'],
        remote_site=peer.name, detail=' (%s)' % result)


def compare(group, remote):
    """Why the two copies differ, or None when they are the same."""
    if remote is None:
        return 'the peer site has no copy'
    if group.push_next_at:
        return ('version %d has not reached the peer site yet: %s; this '
                'site sends it again by itself'
                % (group.metadata_version, group.last_sync_error))
    if remote['version'] != group.metadata_version:
        return 'different versions'
    if remote['digest'] != group.metadata_digest:
        return ('same version, different content: digest %s here, %s '
                'there' % (db.short_digest(group.metadata_digest),
                           db.short_digest(remote['digest'])))
    return None


def ensure_peer_reachable(context, group_name):
    """Before a group exists: the peer must be able to receive it."""
    peer = peer_site(context)
    local_site(context)
    peer_api.PeerClient(peer).get('00000000-0000-0000-0000-000000000000',
                                  group_name)
    return peer
