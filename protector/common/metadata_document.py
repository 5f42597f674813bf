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
from protector.db import api as db

FORMAT = 1

_GROUP_FIELDS = ('name', 'description', 'replication_type', 'volume_type',
                 'secondary_volume_type', 'status', 'failover_count',
                 'consistency_groups', 'mappings', 'subnets')
_GROUP_TIMES = ('last_failover_at', 'last_replication_at')
_MEMBER_FIELDS = ('id', 'server_id', 'server_name', 'status', 'spec',
                  'rank', 'boot_condition', 'overrides')
_POLICY_FIELDS = ('primary_fa_url', 'secondary_fa_url', 'rpo_minutes',
                  'replication_interval', 'snapshot_retention')


def _time(value):
    return value.isoformat() if value else None


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


def export(context, group, peer):
    """Build the document of ``group`` as ``peer`` must store it."""
    group_doc = {field: group[field] for field in _GROUP_FIELDS}
    group_doc.update({field: _time(group[field]) for field in _GROUP_TIMES})
    group_doc.update({
        'project_id': peer_project(context, group, peer),
        'primary_site': group.primary_site.name,
        'secondary_site': group.secondary_site.name,
        'current_primary_site': group.current_primary_site.name,
    })
    members = [{field: member[field] for field in _MEMBER_FIELDS}
               for member in db.member_list(context, group.id)]
    try:
        policy = db.policy_get(context, group.id)
    except exception.NotFound:
        policy_doc = None
    else:
        policy_doc = {field: policy[field] for field in _POLICY_FIELDS}
        policy_doc['primary_fa_token'] = crypto.decrypt(
            policy.primary_fa_token_encrypted)
        policy_doc['secondary_fa_token'] = crypto.decrypt(
            policy.secondary_fa_token_encrypted)
    return {'format': FORMAT, 'id': group.id,
            'version': group.metadata_version, 'group': group_doc,
            'members': members, 'policy': policy_doc}


def apply(context, document):
    """Store ``document`` as this site's copy of the group."""
    if document.get('format') != FORMAT:
        raise exception.InvalidInput(
            reason='Metadata document format %r is not supported by this '
                   'site (expected %d); upgrade protector on both sites to '
                   'the same release.' % (document.get('format'), FORMAT))
    group_doc = document['group']
    values = {field: group_doc[field] for field in _GROUP_FIELDS}
    values.update({field: _parse_time(field, group_doc[field])
                   for field in _GROUP_TIMES})
    values['id'] = document['id']
    values['project_id'] = group_doc['project_id']
    values['metadata_version'] = document['version']
    values['peer_version'] = document['version']
    values['last_sync_at'] = timeutils.utcnow()
    values['last_sync_error'] = None
    for role in ('primary_site', 'secondary_site', 'current_primary_site'):
        name = group_doc[role]
        try:
            values[role + '_id'] = db.site_get(context, name).id
        except exception.NotFound:
            raise exception.Conflict(
                reason="Site '%s' is not registered on this site; register "
                       "it with 'openstack protector site create %s ...' "
                       "before syncing protection groups." % (name, name))
    members = [dict(member) for member in document['members']]
    policy = document.get('policy')
    policy_values = None
    if policy:
        policy_values = {field: policy[field] for field in _POLICY_FIELDS}
        policy_values['primary_fa_token_encrypted'] = crypto.encrypt(
            policy['primary_fa_token'])
        policy_values['secondary_fa_token_encrypted'] = crypto.encrypt(
            policy['secondary_fa_token'])
    return db.group_replace(context, values, members, policy_values)
