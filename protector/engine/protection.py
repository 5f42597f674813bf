"""What protecting a group means on the clouds and the arrays.

The metadata in the database is only half of a protection group: each
site has a Cinder volume group for its volumes, and the array of the site
that runs the workload replicates them to the other array.  The functions
here keep those real objects in step with the metadata.  Each either
completes or undoes what it began, so a refused change leaves nothing
half-made behind.

Each takes the group's environment (see group_environment), which says
which project, volume type, array and driver a site has.
"""

from oslo_log import log as logging

from protector.common import exception
from protector.db import api as db

LOG = logging.getLogger(__name__)


def volume_group_name(group_id):
    return 'protector-%s' % group_id


def volumes_of(specs):
    """The Cinder volume ids of captured server specs."""
    return [volume['volume_id'] for spec in specs
            for volume in spec.get('volumes', [])]


def create_volume_groups(env):
    """A Cinder volume group on each site; undone on failure."""
    created = {}
    try:
        for site in (env.source, env.target):
            volume_group = env.cloud(site).create_volume_group(
                env.project(site), volume_group_name(env.group.id),
                [env.volume_type(site)])
            created[site.name] = volume_group['id']
    except Exception:
        delete_volume_groups(env, created)
        raise
    return created


def delete_volume_groups(env, groups=None):
    """Delete the group's Cinder volume groups (or those of ``groups``)."""
    for site in (env.source, env.target):
        volume_group = (env.cinder_group(site) if groups is None
                        else groups.get(site.name))
        if volume_group:
            env.cloud(site).delete_volume_group(env.project(site),
                                                volume_group)


# The arrays

def _replicated(env):
    """Whether the group has a replication policy, so arrays to keep."""
    try:
        env.policy()
    except exception.NotFound:
        return False
    return True


def check_replication(env):
    """Refuse a policy the arrays cannot honour, naming every problem."""
    source, target = env.arrays()
    checks = env.storage.check_replication(
        source, target, replication_type=env.group.replication_type)
    failed = [c for c in checks if c['result'] == 'failed']
    if failed:
        problems = '; '.join('%s: %s' % (c['check'], c['detail'])
                             for c in failed)
        raise exception.Conflict(
            reason='The arrays cannot replicate protection group %r: %s'
            % (env.group.name, problems))


def ensure_replication(env, volume_ids):
    """Make the source array replicate every one of ``volume_ids``."""
    source, target = env.arrays()
    storage = env.storage
    if env.is_sync:
        # Named as outside the pod: ensure_pod moves them in.
        storage.ensure_pod(source, target, env.replication_group,
                           [storage.array_volume_name(v) for v in volume_ids])
        return
    volumes = [env.array_name(v) for v in volume_ids]
    interval, retention = env.replication_settings()
    storage.ensure_replication_group(source, target, env.replication_group,
                                     volumes, interval, retention)
    if volumes:
        # A recovery point now, rather than after the first interval.
        storage.replicate_now(source, env.replication_group)
    LOG.info('Array replication of protection group %(id)s covers '
             '%(count)d volume(s)', {'id': env.group.id,
                                     'count': len(volumes)})


def protect_volumes(env, volume_ids):
    """Put a new member's volumes in the Cinder group and on the array."""
    site = env.source
    project = env.project(site)
    driver = env.cloud(site)
    volume_group = env.cinder_group(site)
    if volume_group:
        driver.add_volumes_to_group(project, volume_group, volume_ids)
    try:
        if _replicated(env) and env.is_sync:
            members = db.member_list(env.context, env.group.id)
            ensure_replication(
                env, volumes_of([m.spec for m in members]) + volume_ids)
        elif _replicated(env):
            source = env.array(site)
            env.storage.add_volumes(source, env.replication_group,
                                    [env.array_name(v) for v in volume_ids])
            env.storage.replicate_now(source, env.replication_group)
    except Exception:
        if volume_group:
            driver.remove_volumes_from_group(project, volume_group,
                                             volume_ids)
        raise


def unprotect_volumes(env, volume_ids):
    """Take a member's volumes out of the array and the Cinder group."""
    site = env.source
    if _replicated(env) and not env.is_sync:
        env.storage.remove_volumes(env.array(site), env.replication_group,
                                   [env.array_name(v) for v in volume_ids])
    volume_group = env.cinder_group(site)
    if volume_group:
        env.cloud(site).remove_volumes_from_group(
            env.project(site), volume_group, volume_ids)


def delete_replication(env):
    """Stop the arrays replicating the group, if it has a policy."""
    if not _replicated(env):
        return
    source, target = env.arrays()
    storage = env.storage
    if env.is_sync:
        storage.unstretch_pod(source, env.replication_group)
    else:
        # Both directions: after a failover each array has its own group
        # and a replica of the other's.
        storage.delete_replication_group(source, target,
                                         env.replication_group)
        storage.delete_replication_group(target, source,
                                         env.replication_group)
