"""Where a protection group lives: its sites, projects, arrays, drivers.

The one place that decides, for a group, which array belongs to a site,
which project owns the group there, which volume type it uses and how
protector reaches that site's cloud.  Group changes, the health watch and
every task of a DR operation ask an environment, so they cannot disagree.

A group change sees the group as it stands (``of_group``): from the site
running the workload to the other.  A DR operation's task builds its
environment from the operation record (``of``), so a task holds no state
of its own between runs and a restarted engine builds the same one; there
source and target come from the operation, not from the group, whose
primary site changes during a failover.
"""

from protector.common import context as protector_context
from protector.common import crypto
from protector.common import keystone
from protector.common import metadata_document
from protector.db import api as db
from protector.drivers import loader
from protector.drivers.storage import base as storage_base

POLICY_FIELDS = ('primary_fa_url', 'primary_fa_token_encrypted',
                 'secondary_fa_url', 'secondary_fa_token_encrypted',
                 'replication_interval', 'snapshot_retention')


def policy_values(policy):
    """A stored replication policy as the values policy-create takes."""
    return {key: getattr(policy, key) for key in POLICY_FIELDS}


def cloud_driver(site):
    """A new driver of ``site``'s cloud, as protector's user there."""
    return loader.cloud_driver(site, keystone.site_session(site))


class Environment(object):
    """A group, the two sites it goes between, and what they hold of it.

    ``policy``: the replication policy's values (as policy-create takes
    them) when they are not the stored ones: a policy being set, or the
    one before it being put back.  Without it, the stored policy is read
    when first needed.  ``storage``: a storage driver the caller already
    has (the health watch loads one for all its groups).
    """

    def __init__(self, context, group, source, target, operation=None,
                 policy=None, storage=None):
        self.context = context
        self.group = group
        self.source = source
        self.target = target
        self.operation = operation
        self.operation_id = operation.id if operation is not None else None
        self._policy = policy
        self._storage = storage
        self._clouds = {}
        self._projects = {}

    @classmethod
    def of(cls, operation_id, context=None):
        """The environment of a recorded operation."""
        context = context or protector_context.get_admin_context()
        operation = db.operation_get(context, operation_id)
        return cls(context,
                   db.group_get(context, operation.protection_group_id),
                   db.site_get(context, operation.source_site),
                   db.site_get(context, operation.target_site), operation)

    @classmethod
    def of_group(cls, context, group, policy=None):
        """The group as it stands: from its workload's site to the other."""
        source = group.current_primary_site
        target = (group.secondary_site if source.id == group.primary_site_id
                  else group.primary_site)
        return cls(context, group, source, target, policy=policy)

    @property
    def parameters(self):
        return (self.operation.parameters or {}) if self.operation else {}

    @property
    def is_sync(self):
        return self.group.replication_type == 'sync'

    @property
    def replication_group(self):
        """Array name of the group's replication group (async) or pod."""
        return storage_base.replication_group_name(self.group.id)

    def project(self, site):
        """The group's project on ``site`` (through the tenant mapping)."""
        if site.id not in self._projects:
            if site.is_local:
                project = self.group.project_id
            else:
                project = metadata_document.peer_project(
                    self.context, self.group, site)
            self._projects[site.id] = project
        return self._projects[site.id]

    def cloud(self, site):
        if site.id not in self._clouds:
            self._clouds[site.id] = cloud_driver(site)
        return self._clouds[site.id]

    @property
    def storage(self):
        if self._storage is None:
            self._storage = loader.storage_driver()
        return self._storage

    def policy(self):
        """The replication policy's values; NotFound if there is none."""
        if self._policy is None:
            self._policy = policy_values(
                db.policy_get(self.context, self.group.id))
        return self._policy

    def array(self, site):
        """The array of ``site`` as the replication policy gives it."""
        policy = self.policy()
        role = ('primary' if site.id == self.group.primary_site_id
                else 'secondary')
        return storage_base.ArrayRef(
            policy[role + '_fa_url'],
            crypto.decrypt(policy[role + '_fa_token_encrypted']))

    def arrays(self):
        """(source, target): the arrays of the direction this one goes."""
        return self.array(self.source), self.array(self.target)

    def replication_settings(self):
        policy = self.policy()
        return policy['replication_interval'], policy['snapshot_retention']

    def volume_type(self, site):
        if site.id == self.group.primary_site_id:
            return self.group.volume_type
        return self.group.secondary_volume_type

    def cinder_group(self, site):
        """The group's Cinder volume group on ``site``, if it has one."""
        return (self.group.consistency_groups or {}).get(site.name)

    def array_name(self, volume_id):
        """What the array calls a Cinder volume of the group."""
        pod = self.replication_group if self.is_sync else None
        return self.storage.array_volume_name(volume_id, pod=pod)
