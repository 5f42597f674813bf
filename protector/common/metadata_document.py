"""The versioned metadata document one site sends the other.

It carries a protection group with everything inside it (members with
their recreate specs, policy, mappings, recovery plan) so that the peer
can run an unplanned failover from its own copy.  Sites are named, not
referenced by id, because each site has its own ids; the project is the
receiving site's project, translated through the sender's tenant mapping.
"""

from oslo_utils import timeutils

from protector.common import crypto
from protector.common import exception
from protector.common import group_states
from protector.common import metadata_content as content_lib
from protector.db import api as db

FORMAT = 1


def _parse_time(name, value):
    if not value:
        return None
    try:
        return timeutils.parse_isotime(value).replace(tzinfo=None)
    except ValueError:
        raise exception.InvalidInput(
            reason="Invalid field 'group.%s' of the metadata document: "
                   "'%s' is not an ISO 8601 time." % (
                       name, exception.excerpt(value)))


def peer_project(context, group, peer):
    """The project that owns ``group`` on the peer site."""
    mapping = db.tenant_mapping_find(context, peer.id,
                                     local_project_id=group.project_id)
    if mapping is None:
        raise exception.Conflict(
            reason="Project %s has no tenant mapping to peer site '%s'. An "
                   "administrator must run 'openstack protector "
                   "tenant-mapping create --local-project %s --remote-site "
                   "%s --remote-project <project id on %s>'."
                   % (group.project_id, peer.name, group.project_id,
                      peer.name, peer.name))
    return mapping.remote_project_id


def content(context, group):
    """What this site holds of ``group`` (see metadata_content)."""
    try:
        policy = db.policy_get(context, group.id)
    except exception.NotFound:
        policy = None
    return content_lib.content(group, db.member_list(context, group.id),
                               policy)


def export(context, group, peer):
    """Build the document of ``group`` as ``peer`` must store it."""
    document = content(context, group)
    document['group']['project_id'] = peer_project(context, group, peer)
    document.update(format=FORMAT, id=group.id,
                    version=group.metadata_version)
    return document


def snapshot(context, group):
    """This site's own copy of ``group`` as a document, to restore it."""
    document = content(context, group)
    document['group']['project_id'] = group.project_id
    document.update(format=FORMAT, id=group.id,
                    version=group.metadata_version,
                    digest=group.metadata_digest)
    return document


def restore(context, document, holder):
    """Put back a ``snapshot()`` taken by the change ``holder``."""
    return apply(context, document, document['digest'], holder=holder,
                 force=True)


def apply(context, document, digest, base=None, holder=None, force=False):
    """Store ``document`` as this site's copy, if it follows ours.

    See ``db.group_replace`` for ``digest``, ``base``, ``holder`` and
    ``force``.
    """
    if document.get('format') != FORMAT:
        raise exception.InvalidInput(
            reason='Metadata document format %r is not supported by this '
                   'site (expected %d); upgrade protector on both sites to '
                   'the same release.' % (document.get('format'), FORMAT))
    group_doc = document['group']
    # The document replaces this site's copy wholesale (a copy the peer
    # sends, or this site's own snapshot put back): its status need not
    # follow this copy's (see group_states), but it must be one we know.
    if not group_states.known(group_doc['status']):
        raise exception.InvalidInput(
            reason="Invalid field 'group.status' of the metadata document: "
                   "'%s' is not a status of protection groups (%s); "
                   "upgrade protector on both sites to the same release."
                   % (exception.excerpt(group_doc['status']),
                      ', '.join(group_states.ALL)))
    values = {field: group_doc[field]
              for field in content_lib.GROUP_FIELDS}
    values.update({field: _parse_time(field, group_doc[field])
                   for field in content_lib.GROUP_TIMES})
    values['id'] = document['id']
    values['project_id'] = group_doc['project_id']
    values['metadata_version'] = document['version']
    for role in content_lib.SITE_ROLES:
        name = group_doc[role]
        try:
            values[role + '_id'] = db.site_get(context, name).id
        except exception.NotFound:
            raise exception.Conflict(
                reason="Site '%s' is not registered on this site; register "
                       "it with 'openstack protector site create %s ...' "
                       "before syncing protection groups." % (name, name))
    members = [{field: member[field]
                for field in content_lib.MEMBER_FIELDS}
               for member in document['members']]
    policy = document.get('policy')
    policy_values = None
    if policy:
        policy_values = {field: policy[field]
                         for field in content_lib.POLICY_FIELDS}
        for field in content_lib.POLICY_SECRETS:
            policy_values[field + '_encrypted'] = crypto.encrypt(
                policy[field])
    return db.group_replace(context, values, members, policy_values,
                            digest, base=base, holder=holder, force=force)
