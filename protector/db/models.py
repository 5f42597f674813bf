"""SQLAlchemy models of the protection metadata of one site."""

from oslo_db.sqlalchemy import models
from oslo_utils import uuidutils
import sqlalchemy as sa
from sqlalchemy.ext import hybrid
from sqlalchemy import orm

from protector.common import group_states


class Base(models.TimestampMixin, models.ModelBase, orm.DeclarativeBase):

    @hybrid.hybrid_property
    def changed_at(self):
        """When the row last changed: updated_at, else created_at.

        Lists sort by it for ``sort_key=updated_at``: a column with NULLs
        (a row never updated) cannot place a page marker reliably.
        """
        return self.updated_at or self.created_at

    @changed_at.inplace.expression
    @classmethod
    def _changed_at_expression(cls):
        return sa.func.coalesce(cls.updated_at, cls.created_at)


def _uuid_pk():
    return sa.Column(sa.String(36), primary_key=True,
                     default=uuidutils.generate_uuid)


class Site(Base):
    __tablename__ = 'sites'

    id = _uuid_pk()
    name = sa.Column(sa.String(255), nullable=False, unique=True)
    description = sa.Column(sa.String(1024), nullable=False, default='')
    auth_url = sa.Column(sa.String(1024), nullable=False)
    region_name = sa.Column(sa.String(255), nullable=False)
    username = sa.Column(sa.String(255), nullable=False)
    password_encrypted = sa.Column(sa.Text, nullable=False)
    project_name = sa.Column(sa.String(255), nullable=False)
    user_domain_name = sa.Column(sa.String(255), nullable=False)
    project_domain_name = sa.Column(sa.String(255), nullable=False)
    is_local = sa.Column(sa.Boolean, nullable=False, default=False)
    status = sa.Column(sa.String(32), nullable=False, default='active')
    last_validated_at = sa.Column(sa.DateTime)


class TenantMapping(Base):
    __tablename__ = 'tenant_mappings'
    __table_args__ = (
        sa.UniqueConstraint('local_project_id', 'remote_site_id',
                            name='uniq_tenant_mappings0project0site'),
    )

    id = _uuid_pk()
    local_project_id = sa.Column(sa.String(64), nullable=False)
    remote_site_id = sa.Column(sa.String(36), sa.ForeignKey('sites.id'),
                               nullable=False)
    remote_project_id = sa.Column(sa.String(64), nullable=False)
    description = sa.Column(sa.String(1024), nullable=False, default='')

    remote_site = orm.relationship(Site, lazy='joined')


class ProtectionGroup(Base):
    __tablename__ = 'protection_groups'
    __table_args__ = (
        sa.UniqueConstraint('project_id', 'name',
                            name='uniq_protection_groups0project0name'),
    )

    id = _uuid_pk()
    project_id = sa.Column(sa.String(64), nullable=False, index=True)
    name = sa.Column(sa.String(255), nullable=False)
    description = sa.Column(sa.String(1024), nullable=False, default='')
    replication_type = sa.Column(sa.String(16), nullable=False)
    primary_site_id = sa.Column(sa.String(36), sa.ForeignKey('sites.id'),
                                nullable=False)
    secondary_site_id = sa.Column(sa.String(36), sa.ForeignKey('sites.id'),
                                  nullable=False)
    current_primary_site_id = sa.Column(
        sa.String(36), sa.ForeignKey('sites.id'), nullable=False)
    volume_type = sa.Column(sa.String(255), nullable=False)
    secondary_volume_type = sa.Column(sa.String(255), nullable=False)
    status = sa.Column(sa.String(32), nullable=False,
                       default=group_states.INITIAL)
    failover_count = sa.Column(sa.Integer, nullable=False, default=0)
    last_failover_at = sa.Column(sa.DateTime)
    last_replication_at = sa.Column(sa.DateTime)
    consistency_groups = sa.Column(sa.JSON, nullable=False, default=dict)
    mappings = sa.Column(sa.JSON, nullable=False, default=dict)
    subnets = sa.Column(sa.JSON, nullable=False, default=dict)
    # Metadata sync: our version and the digest of its content, and what
    # we last saw of the peer's (see protector.engine.sync).
    metadata_version = sa.Column(sa.Integer, nullable=False, default=1)
    metadata_digest = sa.Column(sa.String(64))
    peer_version = sa.Column(sa.Integer)
    peer_digest = sa.Column(sa.String(64))
    last_sync_at = sa.Column(sa.DateTime)
    last_sync_error = sa.Column(sa.Text)
    # The change that holds the group (on this site or from the peer):
    # nothing else changes it until the holder releases it or it expires.
    lease_holder = sa.Column(sa.String(255))
    lease_taken_at = sa.Column(sa.DateTime)
    lease_expires_at = sa.Column(sa.DateTime)
    # A version the peer has not confirmed yet, kept until it has: sent
    # again at push_next_at; push_holder is the change it belongs to.
    push_holder = sa.Column(sa.String(255))
    push_attempts = sa.Column(sa.Integer, nullable=False, default=0,
                              server_default='0')
    push_next_at = sa.Column(sa.DateTime)
    # Changes made on this site alone while the peer was unreachable
    # (--local; see protector.common.local_changes): the site that made
    # them, since when, the first such version, and the copy the peer held
    # then.  Set while this site holds versions the peer never received;
    # nothing sends them but sync-force.
    local_changes_site = sa.Column(sa.String(255))
    local_changes_since = sa.Column(sa.DateTime)
    local_changes_first_version = sa.Column(sa.Integer)
    local_changes_peer_version = sa.Column(sa.Integer)
    local_changes_peer_digest = sa.Column(sa.String(64))

    primary_site = orm.relationship(
        Site, foreign_keys=[primary_site_id], lazy='joined')
    secondary_site = orm.relationship(
        Site, foreign_keys=[secondary_site_id], lazy='joined')
    current_primary_site = orm.relationship(
        Site, foreign_keys=[current_primary_site_id], lazy='joined')


class Member(Base):
    __tablename__ = 'members'
    __table_args__ = (
        sa.UniqueConstraint('protection_group_id', 'server_id',
                            name='uniq_members0group0server'),
    )

    id = _uuid_pk()
    protection_group_id = sa.Column(
        sa.String(36), sa.ForeignKey('protection_groups.id',
                                     ondelete='CASCADE'),
        nullable=False, index=True)
    server_id = sa.Column(sa.String(36), nullable=False)
    server_name = sa.Column(sa.String(255), nullable=False)
    status = sa.Column(sa.String(32), nullable=False, default='protected')
    # Everything needed to recreate the server on the other site.
    spec = sa.Column(sa.JSON, nullable=False, default=dict)
    # Recovery plan entry of this server.
    rank = sa.Column(sa.Integer, nullable=False, default=0)
    boot_condition = sa.Column(sa.JSON)
    overrides = sa.Column(sa.JSON, nullable=False, default=dict)


# The number of members of a group, read in the same query as the group:
# a page of groups is one query, not one more per group. It is what the
# database held when the group was read.
ProtectionGroup.member_count = orm.column_property(
    sa.select(sa.func.count(Member.id))
    .where(Member.protection_group_id == ProtectionGroup.id)
    .correlate_except(Member)
    .scalar_subquery())


def _site_name(site_id):
    return orm.column_property(
        sa.select(Site.name).where(Site.id == site_id)
        .correlate_except(Site).scalar_subquery())


# The names of its sites, as the API shows them: with these a page of
# groups needs no site rows (see db.api.group_list).
ProtectionGroup.primary_site_name = _site_name(
    ProtectionGroup.primary_site_id)
ProtectionGroup.secondary_site_name = _site_name(
    ProtectionGroup.secondary_site_id)
ProtectionGroup.current_primary_site_name = _site_name(
    ProtectionGroup.current_primary_site_id)


class GroupHealth(Base):
    """The latest look of the health watch at a protection group.

    Kept by the site that holds the workload; not part of the metadata
    the sites sync.
    """
    __tablename__ = 'group_health'

    protection_group_id = sa.Column(
        sa.String(36), sa.ForeignKey('protection_groups.id',
                                     ondelete='CASCADE'),
        primary_key=True)
    checked_at = sa.Column(sa.DateTime, nullable=False)
    rpo_seconds = sa.Column(sa.Float)
    rpo_target_seconds = sa.Column(sa.Integer)
    # The grade shown, and the grade of the latest sample: the shown one
    # changes only when two consecutive samples agree.
    rpo_grade = sa.Column(sa.String(16), nullable=False)
    sample_grade = sa.Column(sa.String(16), nullable=False)
    rpo_detail = sa.Column(sa.Text, nullable=False, default='')
    failover_ready = sa.Column(sa.Boolean, nullable=False)
    checks = sa.Column(sa.JSON, nullable=False, default=list)
    newest_recovery_point = sa.Column(sa.JSON)
    transfers = sa.Column(sa.JSON, nullable=False, default=list)
    # Sync replication: when the pod was first seen out of sync.
    out_of_sync_since = sa.Column(sa.DateTime)


class HealthSample(Base):
    """One look of the watch at a group, kept for plots.

    ``keep`` says how long it stays: 0 a day, 1 (the first of its ten
    minutes) a week, 2 (the first of its hour, or a grade change) until
    ``[health] history_days``.
    """
    __tablename__ = 'health_samples'
    __table_args__ = (
        sa.Index('ix_health_samples0group0checked_at',
                 'protection_group_id', 'checked_at'),
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    protection_group_id = sa.Column(
        sa.String(36), sa.ForeignKey('protection_groups.id',
                                     ondelete='CASCADE'),
        nullable=False)
    checked_at = sa.Column(sa.DateTime, nullable=False, index=True)
    rpo_seconds = sa.Column(sa.Float)
    rpo_target_seconds = sa.Column(sa.Integer)
    rpo_grade = sa.Column(sa.String(16), nullable=False)
    failover_ready = sa.Column(sa.Boolean, nullable=False)
    failing_checks = sa.Column(sa.JSON, nullable=False, default=list)
    keep = sa.Column(sa.Integer, nullable=False, default=0)


class SiteHealth(Base):
    """Whether this site's watch reaches a site (the peer)."""
    __tablename__ = 'site_health'

    site_id = sa.Column(sa.String(36),
                        sa.ForeignKey('sites.id', ondelete='CASCADE'),
                        primary_key=True)
    checked_at = sa.Column(sa.DateTime, nullable=False)
    # Shown state and latest sample, as for the RPO grade.
    reachable = sa.Column(sa.Boolean, nullable=False)
    sample_reachable = sa.Column(sa.Boolean, nullable=False)
    detail = sa.Column(sa.Text, nullable=False, default='')


# What a list of groups shows of their health, read in the same query.
ProtectionGroup.rpo_grade = orm.column_property(
    sa.select(GroupHealth.rpo_grade)
    .where(GroupHealth.protection_group_id == ProtectionGroup.id)
    .correlate_except(GroupHealth).scalar_subquery())
ProtectionGroup.failover_ready = orm.column_property(
    sa.select(GroupHealth.failover_ready)
    .where(GroupHealth.protection_group_id == ProtectionGroup.id)
    .correlate_except(GroupHealth).scalar_subquery())


class ReplicationPolicy(Base):
    __tablename__ = 'replication_policies'

    id = _uuid_pk()
    protection_group_id = sa.Column(
        sa.String(36), sa.ForeignKey('protection_groups.id',
                                     ondelete='CASCADE'),
        nullable=False, unique=True)
    primary_fa_url = sa.Column(sa.String(1024), nullable=False)
    primary_fa_token_encrypted = sa.Column(sa.Text, nullable=False)
    secondary_fa_url = sa.Column(sa.String(1024), nullable=False)
    secondary_fa_token_encrypted = sa.Column(sa.Text, nullable=False)
    rpo_minutes = sa.Column(sa.Integer, nullable=False)
    replication_interval = sa.Column(sa.Integer, nullable=False)
    snapshot_retention = sa.Column(sa.Integer, nullable=False)


class Operation(Base):
    __tablename__ = 'operations'

    id = _uuid_pk()
    project_id = sa.Column(sa.String(64), nullable=False, index=True)
    # No foreign key: the history outlives a deleted group.
    protection_group_id = sa.Column(sa.String(36), nullable=False,
                                    index=True)
    operation_type = sa.Column(sa.String(32), nullable=False)
    failover_type = sa.Column(sa.String(16))
    status = sa.Column(sa.String(32), nullable=False, default='running')
    progress = sa.Column(sa.Integer, nullable=False, default=0)
    steps_completed = sa.Column(sa.JSON, nullable=False, default=list)
    steps_failed = sa.Column(sa.JSON, nullable=False, default=list)
    members = sa.Column(sa.JSON, nullable=False, default=list)
    source_site = sa.Column(sa.String(255))
    target_site = sa.Column(sa.String(255))
    parameters = sa.Column(sa.JSON, nullable=False, default=dict)
    recovery_point = sa.Column(sa.JSON)
    rto_seconds = sa.Column(sa.Float)
    error_message = sa.Column(sa.Text)
    started_at = sa.Column(sa.DateTime)
    completed_at = sa.Column(sa.DateTime)
    # The engine that runs (or last ran) the operation; an operation is
    # claimed again when its engine dies and another takes it over.
    engine_host = sa.Column(sa.String(255))
    engine_pid = sa.Column(sa.Integer)
    claims = sa.Column(sa.Integer, nullable=False, default=0,
                       server_default='0')
    claimed_at = sa.Column(sa.DateTime)
