"""Keep each protection group identical on both sites.

A change is made only when the peer is reachable and holds the same
version; after the change the new document is pushed.  A push that fails
leaves the group OUT OF SYNC, which refuses further changes until
``sync-force`` repairs it.
"""

import contextlib
import threading

from oslo_log import log as logging

from protector.common import exception
from protector.common import metadata_document
from protector.db import api as db
from protector.engine import peer as peer_api

LOG = logging.getLogger(__name__)

IN_SYNC = 'IN SYNC'
OUT_OF_SYNC = 'OUT OF SYNC'
UNREACHABLE = 'UNREACHABLE'

_locks_guard = threading.Lock()
_locks = {}


@contextlib.contextmanager
def group_lock(group_id):
    """Serialise the changes of one group inside this engine."""
    with _locks_guard:
        lock = _locks.setdefault(group_id, threading.Lock())
    with lock:
        yield


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


def ensure_can_change(context, group):
    """Refuse a change that would let the two copies of ``group`` diverge."""
    peer = peer_site(context)
    # A change that could not be sent must not be made.
    metadata_document.peer_project(context, group, peer)
    remote = peer_api.PeerClient(peer).get_version(group.id, group.name)
    db.group_record_sync(context, group.id, remote)
    if remote != group.metadata_version:
        raise exception.OutOfSync(
            group=group.name, local_version=group.metadata_version,
            local_site=local_site(context).name,
            remote_version='none' if remote is None else remote,
            remote_site=peer.name)


def ensure_peer_reachable(context, group_name):
    """Before a group exists: the peer must be able to receive it."""
    peer = peer_site(context)
    local_site(context)
    peer_api.PeerClient(peer).get_version('00000000-0000-0000-0000-'
                                          '000000000000', group_name)
    return peer


def push(context, group_id):
    """Send the current document of a group; record the outcome."""
    group = db.group_get(context, group_id)
    peer = peer_site(context)
    document = metadata_document.export(context, group, peer)
    try:
        version = peer_api.PeerClient(peer).push(document, group.name)
    except exception.ProtectorException as exc:
        LOG.warning('Protection group %(id)s version %(version)d was not '
                    'synced to %(peer)s: %(error)s',
                    {'id': group.id, 'version': group.metadata_version,
                     'peer': peer.name, 'error': exc})
        db.group_record_sync(context, group.id, group.peer_version,
                             error=str(exc))
        return
    db.group_record_sync(context, group.id, version)
    LOG.info('Protection group %(id)s version %(version)d synced to '
             '%(peer)s', {'id': group.id, 'version': version,
                          'peer': peer.name})


def status(context, group):
    peer = peer_site(context)
    result = {'protection_group': group.name,
              'local_site': local_site(context).name,
              'local_version': group.metadata_version,
              'remote_site': peer.name, 'remote_version': None,
              'detail': ''}
    try:
        remote = peer_api.PeerClient(peer).get_version(group.id, group.name)
    except exception.ProtectorException as exc:
        result.update(status=UNREACHABLE, detail=str(exc))
        return result
    db.group_record_sync(context, group.id, remote)
    result['remote_version'] = remote
    if remote == group.metadata_version:
        result['status'] = IN_SYNC
    else:
        result['status'] = OUT_OF_SYNC
        result['detail'] = (
            "Run 'openstack protector protection-group sync-force %s'."
            % group.name)
    return result


def force(context, group, source='auto'):
    """Make both copies equal; the copy with the higher version wins."""
    peer = peer_site(context)
    client = peer_api.PeerClient(peer)
    remote = client.get_version(group.id, group.name)
    if source == 'auto':
        source = ('peer' if remote is not None
                  and remote > group.metadata_version else 'local')
    if source == 'peer':
        if remote is None:
            raise exception.Conflict(
                reason="Peer site '%s' has no copy of protection group "
                       "'%s' to take." % (peer.name, group.name))
        client.push_back(group.id, group.name)
        LOG.info('Protection group %(id)s replaced by the copy of %(peer)s '
                 '(version %(version)s)',
                 {'id': group.id, 'peer': peer.name, 'version': remote})
    else:
        document = metadata_document.export(context, group, peer)
        version = client.push(document, group.name, force=True)
        db.group_record_sync(context, group.id, version)
        LOG.info('Protection group %(id)s version %(version)d forced onto '
                 '%(peer)s', {'id': group.id, 'version': version,
                              'peer': peer.name})
    return status(context, db.group_get(context, group.id))
