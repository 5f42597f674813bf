"""sync-status and sync-force: both copies of a group compared, made equal.

``status`` asks the peer for its version, digest and local-only changes
and says why the copies differ and what to run; ``force`` makes both
equal with the copy of one site.  Its automatic choice never loses
changes a site made alone (see ``protector.common.local_changes``): it
takes that site's copy, and refuses when both copies changed apart.
"""

from oslo_log import log as logging

from protector.common import exception
from protector.common import local_changes
from protector.common import metadata_document
from protector.db import api as db
from protector.engine import peer as peer_api
from protector.engine import sync

LOG = logging.getLogger(__name__)

IN_SYNC = 'IN SYNC'
OUT_OF_SYNC = 'OUT OF SYNC'
UNREACHABLE = 'UNREACHABLE'


def status(context, group):
    """Compare both copies now.

    ``detail`` says why they differ and how to repair it;
    ``local_changes`` and ``remote_local_changes`` what each copy holds of
    changes made on its site alone.
    """
    peer = sync.peer_site(context)
    here = sync.local_site(context).name
    result = {'protection_group': group.name, 'local_site': here,
              'local_version': group.metadata_version,
              'local_digest': group.metadata_digest,
              'remote_site': peer.name, 'remote_version': None,
              'remote_digest': None, 'detail': '',
              'local_changes': local_changes.marker(group),
              'remote_local_changes': None}
    try:
        remote = peer_api.PeerClient(peer).get(group.id, group.name)
    except exception.ProtectorException as exc:
        result.update(status=UNREACHABLE, detail=exc.msg)
        if result['local_changes']:
            result['detail'] += ' ' + local_changes.describe(
                group.name, result['local_changes'], peer.name)
        return result
    if remote is None:
        db.group_record_sync(context, group.id, None, None)
    else:
        result.update(remote_version=remote['version'],
                      remote_digest=remote['digest'],
                      remote_local_changes=remote.get('local_changes'))
        db.group_record_sync(context, group.id, remote['version'],
                             remote['digest'])
    group = db.group_get(context, group.id)
    result['local_changes'] = local_changes.marker(group)
    why = sync.compare(group, remote)
    if why is None:
        result['status'] = IN_SYNC
        return result
    result['status'] = OUT_OF_SYNC
    result['detail'] = _repair(group, remote, here, peer.name, why)
    return result


def _repair(group, remote, here, peer_name, why):
    """Why the copies differ and what to run, for people."""
    diverged = _diverged(group, remote, here, peer_name)
    if diverged is not None:
        return diverged.msg
    mine = local_changes.marker(group)
    if mine is not None:
        return local_changes.describe(group.name, mine, peer_name)
    theirs = (remote or {}).get('local_changes')
    if theirs is not None:
        return local_changes.describe(group.name, theirs, here)
    if group.push_next_at:
        return why[0].upper() + why[1:] + '.'
    return ("%s. Run 'openstack protector protection-group sync-force %s' "
            "on the site whose copy is right (by default the one holding "
            "the workload)." % (why[0].upper() + why[1:], group.name))


def _diverged(group, remote, here, peer_name):
    """The refusal to choose between two copies changed apart, or None."""
    how = local_changes.diverged(group, remote, here, peer_name)
    if how is None:
        return None
    return exception.CopiesDiverged(
        group=group.name, local_version=group.metadata_version,
        local_digest=db.short_digest(group.metadata_digest),
        local_site=here, remote_version=remote['version'],
        remote_digest=db.short_digest(remote['digest']),
        remote_site=peer_name, how=how)


def force(context, group_id, source='auto', holder=None):
    """Make both copies equal with the copy of ``source``.

    ``auto``: the copy holding local-only changes; otherwise the higher
    version; with equal versions, the copy of the site that holds the
    workload according to this site.  It refuses when both copies
    changed apart.  ``holder``: the peer's own hold on its copy, when it
    asked for this push.
    """
    mine = sync.new_holder()
    group = sync.hold(context, group_id, mine)
    try:
        peer = sync.peer_site(context)
        client = peer_api.PeerClient(peer)
        remote = client.get(group.id, group.name)
        if source == 'auto':
            source = _authoritative(group, remote,
                                    sync.local_site(context).name, peer.name)
        if source == 'peer':
            if remote is None:
                raise exception.Conflict(
                    reason="Peer site '%s' has no copy of protection group "
                           "'%s' to take." % (peer.name, group.name))
            client.push_back(group.id, group.name, mine)
            LOG.info('Protection group %(id)s replaced by the copy of '
                     '%(peer)s (version %(version)s)',
                     {'id': group.id, 'peer': peer.name,
                      'version': remote['version']})
        else:
            # The peer's copy may still be reserved for the change whose
            # version it never confirmed.
            document = metadata_document.export(context, group, peer)
            version, digest = client.push(
                document, group.name, group.metadata_digest, None,
                holder=holder or group.push_holder, force=True)
            db.group_record_sync(context, group.id, version, digest)
            LOG.info('Protection group %(id)s version %(version)d forced '
                     'onto %(peer)s', {'id': group.id, 'version': version,
                                       'peer': peer.name})
    finally:
        sync.release(context, group_id, mine)
    return status(context, db.group_get(context, group_id))


def _authoritative(group, remote, here, peer_name):
    diverged = _diverged(group, remote, here, peer_name)
    if diverged is not None:
        raise diverged
    if remote is None or group.local_changes_since is not None:
        return 'local'
    if remote.get('local_changes'):
        return 'peer'
    if remote['version'] != group.metadata_version:
        return 'peer' if remote['version'] > group.metadata_version \
            else 'local'
    if group.current_primary_site.is_local:
        return 'local'
    return 'peer'
