"""What the tasks of one operation act on: sites, projects, drivers.

An environment is built for each task run from the operation record, so a
task holds no state of its own between runs and a restarted engine builds
the same one.  Source and target come from the operation (not from the
group, whose primary site changes during a failover).
"""

from protector.common import context as protector_context
from protector.common import crypto
from protector.common import keystone
from protector.common import metadata_document
from protector.db import api as db
from protector.drivers import loader
from protector.drivers.storage import base as storage_base


class Environment(object):

    def __init__(self, context, group, source, target, operation=None):
        self.context = context
        self.group = group
        self.source = source
        self.target = target
        self.operation = operation
        self.operation_id = operation.id if operation is not None else None
        self._clouds = {}
        self._projects = {}
        self._storage = None

    @classmethod
    def of(cls, operation_id, context=None):
        """The environment of a recorded operation."""
        context = context or protector_context.get_admin_context()
        operation = db.operation_get(context, operation_id)
        return cls(context,
                   db.group_get(context, operation.protection_group_id),
                   db.site_get(context, operation.source_site),
                   db.site_get(context, operation.target_site), operation)

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
            self._clouds[site.id] = loader.cloud_driver(
                site, keystone.site_session(site))
        return self._clouds[site.id]

    @property
    def storage(self):
        if self._storage is None:
            self._storage = loader.storage_driver()
        return self._storage

    def array(self, site):
        """The array of ``site`` as the replication policy gives it."""
        policy = db.policy_get(self.context, self.group.id)
        if site.id == self.group.primary_site_id:
            return storage_base.ArrayRef(
                policy.primary_fa_url,
                crypto.decrypt(policy.primary_fa_token_encrypted))
        return storage_base.ArrayRef(
            policy.secondary_fa_url,
            crypto.decrypt(policy.secondary_fa_token_encrypted))

    def replication_settings(self):
        policy = db.policy_get(self.context, self.group.id)
        return policy.replication_interval, policy.snapshot_retention

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
