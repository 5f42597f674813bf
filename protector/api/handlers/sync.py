"""/v1/admin/sync/protection-groups: the peer site's engine writes here.

These calls come from the other site's protector-engine with its service
user; they store the versioned metadata document so that this site can
take over the group, even when the other site is gone.
"""

from oslo_log import log as logging

from protector.api import endpoint
from protector.api.schemas import sync as schema
from protector.api import util
from protector.common import exception
from protector.common import metadata_document
from protector.db import api as db
from protector.engine import rpcapi
from protector import policy

LOG = logging.getLogger(__name__)


def _stored(ctx, group_id):
    try:
        return db.group_get(ctx, group_id)
    except exception.NotFound:
        return None


def show(req):
    """Show the version of this site's copy of a group."""
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:sync:push')
    group = _stored(ctx, req.urlvars['pg_id'])
    if group is None:
        raise exception.NotFound(kind='Protection group',
                                 ident=req.urlvars['pg_id'])
    return util.json_response({'metadata': {
        'id': group.id, 'version': group.metadata_version}})


def push_back(req):
    """The peer wants our copy: our engine pushes it, forced.

    A copy is never returned in a response because it carries the array
    tokens; it only travels in requests to the peer's API.
    """
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:sync:push')
    group = _stored(ctx, req.urlvars['pg_id'])
    if group is None:
        raise exception.NotFound(kind='Protection group',
                                 ident=req.urlvars['pg_id'])
    result = rpcapi.EngineAPI().sync_force(ctx, group_id=group.id,
                                           source='local')
    return util.json_response({'sync_status': result})


@endpoint.declare(body=schema.push)
def update(req):
    """Store the peer site's metadata document of a group."""
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:sync:push')
    metadata = util.body(req)['metadata']
    document = metadata['document']
    if (document['id'] != req.urlvars['pg_id']
            or document['version'] != metadata['version']):
        raise exception.BadRequest(
            'The document id and version must match the URL and the '
            'metadata version.')
    stored = _stored(ctx, document['id'])
    if (stored is not None and not metadata.get('force')
            and metadata['version'] <= stored.metadata_version):
        raise exception.VersionConflict(
            group=stored.id, stored=stored.metadata_version, digest='-',
            base=metadata['version'] - 1, incoming=metadata['version'])
    group = metadata_document.apply(ctx, document)
    LOG.info('Protection group %(id)s version %(version)d received from '
             'the peer site%(force)s',
             {'id': group.id, 'version': group.metadata_version,
              'force': ' (forced)' if metadata.get('force') else ''})
    return util.json_response({'metadata': {
        'id': group.id, 'version': group.metadata_version}})


@endpoint.declare(status=204)
def delete(req):
    """Delete the copy of a group the peer deleted."""
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:sync:push')
    if _stored(ctx, req.urlvars['pg_id']) is None:
        raise exception.NotFound(kind='Protection group',
                                 ident=req.urlvars['pg_id'])
    db.group_delete(ctx, req.urlvars['pg_id'])
    LOG.info('Protection group %s deleted by the peer site',
             req.urlvars['pg_id'])
    return util.json_response(None, 204)
