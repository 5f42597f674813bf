"""/v1/admin/sync/protection-groups: the peer site's engine writes here.

These calls come from the other site's protector-engine with its service
user.  They keep this site's copy of each group in one version history
with the other's (see ``protector.engine.sync``): the other site reserves
this copy before it changes the group, then pushes the new version, which
is stored only if it follows the version stored here.
"""

from oslo_log import log as logging

from protector.api import endpoint
from protector.api import local_flag
from protector.api import microversion
from protector.api.schemas import sync as schema
from protector.api import util
from protector.common import exception
from protector.common import local_changes
from protector.common import metadata_document
from protector.common import rpcapi
from protector.db import api as db
from protector import policy

LOG = logging.getLogger(__name__)


def _authorize(req):
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:sync:push')
    return ctx


def _metadata(group):
    lease = None
    if group.lease_holder:
        lease = {'holder': group.lease_holder,
                 'taken_at': util.iso(group.lease_taken_at),
                 'expires_at': util.iso(group.lease_expires_at)}
    return {'metadata': {'id': group.id, 'version': group.metadata_version,
                         'digest': group.metadata_digest, 'lease': lease}}


@endpoint.declare(version=(1, 2))
def index(req):
    """Version and digest of this site's copy of every group, in one call.

    The peer's health watch compares them with its own once per cycle.
    """
    ctx = _authorize(req)
    return util.json_response({'metadata': [
        {'id': g.id, 'version': g.metadata_version,
         'digest': g.metadata_digest}
        for g in db.group_list(ctx)]})


def show(req):
    """Show the version, digest and lease of this site's copy of a group.

    From 1.5 on, also the changes made on this site alone, which the peer
    must not overwrite by itself.
    """
    ctx = _authorize(req)
    group = db.group_get(ctx, req.urlvars['pg_id'])
    body = _metadata(group)
    if microversion.of(req) >= local_flag.VERSION:
        body['metadata']['local_changes'] = local_changes.marker(group)
    return util.json_response(body)


@endpoint.declare(body=schema.reserve)
def reserve(req):
    """Hold this copy for a change the peer is making."""
    ctx = _authorize(req)
    reservation = util.body(req)['reservation']
    group = db.group_lease_take(
        ctx, req.urlvars['pg_id'], reservation['holder'],
        reservation['seconds'],
        base=(reservation['version'], reservation['digest']),
        refuse_running=True)
    return util.json_response(_metadata(group))


@endpoint.declare(body=schema.release)
def release(req):
    """End a reservation of this site's copy of a group."""
    ctx = _authorize(req)
    db.group_lease_release(ctx, req.urlvars['pg_id'],
                           util.body(req)['reservation']['holder'])
    return util.json_response(_metadata(db.group_get(
        ctx, req.urlvars['pg_id'])))


@endpoint.declare(body=schema.release)
def push_back(req):
    """The peer wants our copy: our engine pushes it, forced.

    A copy is never returned in a response because it carries the array
    tokens; it only travels in requests to the peer's API.  ``holder`` is
    the peer's hold on its own copy, which our push must pass.
    """
    ctx = _authorize(req)
    holder = util.body(req)['reservation']['holder']
    group = db.group_get(ctx, req.urlvars['pg_id'])
    result = rpcapi.EngineAPI().sync_force(ctx, group_id=group.id,
                                           source='local', holder=holder)
    return util.json_response({'sync_status': result})


@endpoint.declare(body=schema.push)
def update(req):
    """Store the peer site's next version of a group."""
    ctx = _authorize(req)
    metadata = util.body(req)['metadata']
    document = metadata['document']
    if (document['id'] != req.urlvars['pg_id']
            or document['version'] != metadata['version']):
        raise exception.BadRequest(
            'The document id and version must match the URL and the '
            'metadata version.')
    base = metadata.get('base')
    try:
        held = local_changes.marker(db.group_get(ctx, document['id']))
    except exception.NotFound:
        held = None
    group = metadata_document.apply(
        ctx, document, metadata['digest'],
        base=None if base is None else (base['version'], base['digest']),
        holder=metadata.get('holder'), force=metadata.get('force', False))
    LOG.info('Protection group %(id)s version %(version)d received from '
             'the peer site%(force)s',
             {'id': group.id, 'version': group.metadata_version,
              'force': ' (forced)' if metadata.get('force') else ''})
    if held is not None:
        # Only a forced copy replaces them (see db.group_replace).
        LOG.warning('Protection group %(id)s: the copy forced by the peer '
                    'site replaced %(versions)s, made on this site alone '
                    'since %(since)s', {'id': group.id,
                                        'versions': local_changes.versions(
                                            held),
                                        'since': held['since']})
    return util.json_response(_metadata(group))


@endpoint.declare(status=204, query={'holder': schema.HOLDER})
def delete(req):
    """Delete the copy of a group the peer deleted."""
    ctx = _authorize(req)
    db.group_delete(ctx, req.urlvars['pg_id'], holder=req.GET.get('holder'))
    LOG.info('Protection group %s deleted by the peer site',
             req.urlvars['pg_id'])
    return util.json_response(None, 204)
