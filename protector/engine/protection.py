"""What protecting a group means on the clouds and the arrays.

The metadata in the database is only half of a protection group: each
site has a Cinder volume group for its volumes, and the array of the site
that runs the workload replicates them to the other array.  The functions
here keep those real objects in step with the metadata.  Each either
completes or undoes what it began, so a refused change leaves nothing
half-made behind.
"""

from oslo_log import log as logging

from protector.common import crypto
from protector.common import exception
from protector.common import keystone
from protector.db import api as db
from protector.drivers import loader
from protector.drivers.storage import base as storage_base

LOG = logging.getLogger(__name__)


def cloud(site):
    return loader.cloud_driver(site, keystone.site_session(site))


def project_on(context, group, site):
    """The project that owns ``group`` on ``site``."""
    if site.is_local:
        return group.project_id
    mapping = db.tenant_mapping_find(context, site.id,
                                     local_project_id=group.project_id)
    if mapping is None:
        raise exception.Conflict(
            reason="Project %s has no tenant mapping to site '%s'."
                   % (group.project_id, site.name))
    return mapping.remote_project_id


def volume_group_name(group_id):
    return 'protector-%s' % group_id


def _volume_type(group, site):
    if site.id == group.primary_site_id:
        return group.volume_type
    return group.secondary_volume_type


def create_volume_groups(context, group, sites):
    """A Cinder volume group on each site; undone on failure."""
    created = {}
    try:
        for site in sites:
            volume_group = cloud(site).create_volume_group(
                project_on(context, group, site),
                volume_group_name(group.id), [_volume_type(group, site)])
            created[site.name] = volume_group['id']
    except Exception:
        delete_volume_groups(context, group, sites, created)
        raise
    return created


def delete_volume_groups(context, group, sites, groups=None):
    groups = group.consistency_groups if groups is None else groups
    for site in sites:
        if site.name in groups:
            cloud(site).delete_volume_group(project_on(context, group, site),
                                            groups[site.name])


# The arrays

def arrays(group, policy):
    """(source, target): the array running the workload, and the other."""
    primary = storage_base.ArrayRef(
        policy.primary_fa_url,
        crypto.decrypt(policy.primary_fa_token_encrypted))
    secondary = storage_base.ArrayRef(
        policy.secondary_fa_url,
        crypto.decrypt(policy.secondary_fa_token_encrypted))
    if group.current_primary_site_id == group.primary_site_id:
        return primary, secondary
    return secondary, primary


def _policy(context, group):
    try:
        return db.policy_get(context, group.id)
    except exception.NotFound:
        return None


def _array_names(storage, members):
    return [storage.array_volume_name(volume['volume_id'])
            for member in members
            for volume in member.spec.get('volumes', [])]


def check_replication(group, policy_values):
    """Refuse a policy the arrays cannot honour, naming every problem."""
    source, target = arrays(group, _PolicyView(policy_values))
    storage = loader.storage_driver()
    checks = storage.check_replication(
        source, target, replication_type=group.replication_type)
    failed = [c for c in checks if c['result'] == 'failed']
    if failed:
        raise exception.Conflict(
            reason='The arrays cannot replicate protection group %r: %s'
            % (group.name, '; '.join('%s: %s' % (c['check'], c['detail'])
                                     for c in failed)))


def ensure_replication(context, group, policy_values, members):
    """Make the source array replicate every member volume."""
    source, target = arrays(group, _PolicyView(policy_values))
    storage = loader.storage_driver()
    name = storage_base.replication_group_name(group.id)
    volumes = _array_names(storage, members)
    if group.replication_type == 'sync':
        storage.ensure_pod(source, target, name, volumes)
        return
    storage.ensure_replication_group(
        source, target, name, volumes, policy_values['replication_interval'],
        policy_values['snapshot_retention'])
    if volumes:
        # A recovery point now, rather than after the first interval.
        storage.replicate_now(source, name)
    LOG.info('Array replication of protection group %(id)s covers '
             '%(count)d volume(s)', {'id': group.id, 'count': len(volumes)})


def protect_volumes(context, group, spec):
    """Put a new member's volumes in the Cinder group and on the array."""
    site = group.current_primary_site
    project = project_on(context, group, site)
    driver = cloud(site)
    volume_ids = [v['volume_id'] for v in spec['volumes']]
    volume_group = group.consistency_groups.get(site.name)
    if volume_group:
        driver.add_volumes_to_group(project, volume_group, volume_ids)
    try:
        policy = _policy(context, group)
        if policy is not None and group.replication_type == 'async':
            source, _target = arrays(group, policy)
            storage = loader.storage_driver()
            name = storage_base.replication_group_name(group.id)
            storage.add_volumes(
                source, name, [storage.array_volume_name(v)
                               for v in volume_ids])
            storage.replicate_now(source, name)
        elif policy is not None:
            ensure_replication(context, group, policy_values(policy),
                               db.member_list(context, group.id)
                               + [MemberSpec(spec)])
    except Exception:
        if volume_group:
            driver.remove_volumes_from_group(project, volume_group,
                                             volume_ids)
        raise


def unprotect_volumes(context, group, member):
    site = group.current_primary_site
    volume_ids = [v['volume_id'] for v in member.spec.get('volumes', [])]
    policy = _policy(context, group)
    if policy is not None and group.replication_type == 'async':
        source, _target = arrays(group, policy)
        storage = loader.storage_driver()
        storage.remove_volumes(
            source, storage_base.replication_group_name(group.id),
            [storage.array_volume_name(v) for v in volume_ids])
    volume_group = group.consistency_groups.get(site.name)
    if volume_group:
        cloud(site).remove_volumes_from_group(
            project_on(context, group, site), volume_group, volume_ids)


def delete_replication(context, group, policy_values=None):
    """Stop the arrays replicating the group.

    ``policy_values``: the policy to read the arrays from, when it is not
    (or no longer) the stored one.
    """
    policy = (_policy(context, group) if policy_values is None
              else _PolicyView(policy_values))
    if policy is None:
        return
    source, target = arrays(group, policy)
    storage = loader.storage_driver()
    name = storage_base.replication_group_name(group.id)
    if group.replication_type == 'async':
        # Both directions: after a failover each array has its own group
        # and a replica of the other's.
        storage.delete_replication_group(source, target, name)
        storage.delete_replication_group(target, source, name)
    else:
        storage.unstretch_pod(source, name)


def policy_values(policy):
    """The stored policy as the values policy-create takes."""
    return {key: getattr(policy, key) for key in (
        'primary_fa_url', 'primary_fa_token_encrypted', 'secondary_fa_url',
        'secondary_fa_token_encrypted', 'replication_interval',
        'snapshot_retention')}


class _PolicyView(object):
    """Policy values (as the API passes them) read like a policy row."""

    def __init__(self, values):
        self.__dict__.update(values)


class MemberSpec(object):
    """A captured server spec read like a member row."""

    def __init__(self, spec):
        self.spec = spec
