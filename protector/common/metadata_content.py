"""What of a protection group both sites must hold alike, and its digest.

The metadata document (``metadata_document``) carries this content from
one site to the other; the digest lets each site tell, without seeing the
other's copy, whether both hold exactly the same content under the same
version.  It is computed from what each site stored, so a difference in
storage (a database that keeps fewer digits of a time, say) shows up as
well as a difference in what was sent.
"""

import hashlib

from oslo_serialization import jsonutils

from protector.common import crypto

GROUP_FIELDS = ('name', 'description', 'replication_type', 'volume_type',
                'secondary_volume_type', 'status', 'failover_count',
                'consistency_groups', 'mappings', 'subnets')
GROUP_TIMES = ('last_failover_at', 'last_replication_at')
SITE_ROLES = ('primary_site', 'secondary_site', 'current_primary_site')
MEMBER_FIELDS = ('id', 'server_id', 'server_name', 'status', 'spec',
                 'rank', 'boot_condition', 'overrides')
POLICY_FIELDS = ('primary_fa_url', 'secondary_fa_url', 'rpo_minutes',
                 'replication_interval', 'snapshot_retention')
POLICY_SECRETS = ('primary_fa_token', 'secondary_fa_token')
# Moves with every replication, on each site by itself, without a new
# version: sent along, but not part of the digest.
UNVERSIONED = ('last_replication_at',)


def _time(value):
    return value.isoformat() if value else None


def content(group, members, policy):
    """The content of a group from its database rows.

    Sites are named (each site has its own ids); the array tokens are in
    clear, as the peer must store them.  The project is left out: each
    site has its own.
    """
    group_doc = {field: group[field] for field in GROUP_FIELDS}
    group_doc.update({field: _time(group[field]) for field in GROUP_TIMES})
    group_doc.update({role: group[role].name for role in SITE_ROLES})
    member_docs = sorted(({field: member[field] for field in MEMBER_FIELDS}
                          for member in members),
                         key=lambda member: member['id'])
    policy_doc = None
    if policy is not None:
        policy_doc = {field: policy[field] for field in POLICY_FIELDS}
        for field in POLICY_SECRETS:
            policy_doc[field] = crypto.decrypt(policy[field + '_encrypted'])
    return {'group': group_doc, 'members': member_docs, 'policy': policy_doc}


def digest(doc):
    """The SHA-256 of the versioned part of ``content()``.

    The array tokens count through their own SHA-256.
    """
    group_doc = {key: value for key, value in doc['group'].items()
                 if key in GROUP_FIELDS + GROUP_TIMES + SITE_ROLES
                 and key not in UNVERSIONED}
    for field in GROUP_TIMES:
        # Whole seconds: some databases keep no more.
        if group_doc.get(field):
            group_doc[field] = group_doc[field][:19]
    policy = doc['policy']
    if policy is not None:
        policy = dict(policy)
        for field in POLICY_SECRETS:
            policy[field] = hashlib.sha256(
                policy[field].encode('utf-8')).hexdigest()
    canonical = jsonutils.dumps(
        {'group': group_doc,
         'members': sorted(doc['members'], key=lambda member: member['id']),
         'policy': policy},
        sort_keys=True, separators=(',', ':'))
    return hashlib.sha256(canonical.encode('utf-8')).hexdigest()


def digest_of_rows(group, members, policy):
    return digest(content(group, members, policy))
