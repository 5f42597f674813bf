"""Initial schema: sites, tenant mappings, groups, members, policies, ops.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa

revision = '0001'
down_revision = None


def _timestamps():
    return [sa.Column('created_at', sa.DateTime),
            sa.Column('updated_at', sa.DateTime)]


def upgrade():
    op.create_table(
        'sites',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('name', sa.String(255), nullable=False, unique=True),
        sa.Column('description', sa.String(1024), nullable=False),
        sa.Column('auth_url', sa.String(1024), nullable=False),
        sa.Column('region_name', sa.String(255), nullable=False),
        sa.Column('username', sa.String(255), nullable=False),
        sa.Column('password_encrypted', sa.Text, nullable=False),
        sa.Column('project_name', sa.String(255), nullable=False),
        sa.Column('user_domain_name', sa.String(255), nullable=False),
        sa.Column('project_domain_name', sa.String(255), nullable=False),
        sa.Column('is_local', sa.Boolean, nullable=False),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('last_validated_at', sa.DateTime),
        *_timestamps())
    op.create_table(
        'tenant_mappings',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('local_project_id', sa.String(64), nullable=False),
        sa.Column('remote_site_id', sa.String(36),
                  sa.ForeignKey('sites.id'), nullable=False),
        sa.Column('remote_project_id', sa.String(64), nullable=False),
        sa.Column('description', sa.String(1024), nullable=False),
        sa.UniqueConstraint('local_project_id', 'remote_site_id',
                            name='uniq_tenant_mappings0project0site'),
        *_timestamps())
    op.create_table(
        'protection_groups',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('project_id', sa.String(64), nullable=False, index=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('description', sa.String(1024), nullable=False),
        sa.Column('replication_type', sa.String(16), nullable=False),
        sa.Column('primary_site_id', sa.String(36),
                  sa.ForeignKey('sites.id'), nullable=False),
        sa.Column('secondary_site_id', sa.String(36),
                  sa.ForeignKey('sites.id'), nullable=False),
        sa.Column('current_primary_site_id', sa.String(36),
                  sa.ForeignKey('sites.id'), nullable=False),
        sa.Column('volume_type', sa.String(255), nullable=False),
        sa.Column('secondary_volume_type', sa.String(255), nullable=False),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('failover_count', sa.Integer, nullable=False),
        sa.Column('last_failover_at', sa.DateTime),
        sa.Column('last_replication_at', sa.DateTime),
        sa.Column('consistency_groups', sa.JSON, nullable=False),
        sa.Column('mappings', sa.JSON, nullable=False),
        sa.Column('subnets', sa.JSON, nullable=False),
        sa.Column('metadata_version', sa.Integer, nullable=False),
        sa.Column('peer_version', sa.Integer),
        sa.Column('last_sync_at', sa.DateTime),
        sa.Column('last_sync_error', sa.Text),
        sa.UniqueConstraint('project_id', 'name',
                            name='uniq_protection_groups0project0name'),
        *_timestamps())
    op.create_table(
        'members',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('protection_group_id', sa.String(36),
                  sa.ForeignKey('protection_groups.id', ondelete='CASCADE'),
                  nullable=False, index=True),
        sa.Column('server_id', sa.String(36), nullable=False),
        sa.Column('server_name', sa.String(255), nullable=False),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('spec', sa.JSON, nullable=False),
        sa.Column('rank', sa.Integer, nullable=False),
        sa.Column('boot_condition', sa.JSON),
        sa.Column('overrides', sa.JSON, nullable=False),
        sa.UniqueConstraint('protection_group_id', 'server_id',
                            name='uniq_members0group0server'),
        *_timestamps())
    op.create_table(
        'replication_policies',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('protection_group_id', sa.String(36),
                  sa.ForeignKey('protection_groups.id', ondelete='CASCADE'),
                  nullable=False, unique=True),
        sa.Column('primary_fa_url', sa.String(1024), nullable=False),
        sa.Column('primary_fa_token_encrypted', sa.Text, nullable=False),
        sa.Column('secondary_fa_url', sa.String(1024), nullable=False),
        sa.Column('secondary_fa_token_encrypted', sa.Text, nullable=False),
        sa.Column('rpo_minutes', sa.Integer, nullable=False),
        sa.Column('replication_interval', sa.Integer, nullable=False),
        sa.Column('snapshot_retention', sa.Integer, nullable=False),
        *_timestamps())
    op.create_table(
        'operations',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('project_id', sa.String(64), nullable=False, index=True),
        sa.Column('protection_group_id', sa.String(36), nullable=False,
                  index=True),
        sa.Column('operation_type', sa.String(32), nullable=False),
        sa.Column('failover_type', sa.String(16)),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('progress', sa.Integer, nullable=False),
        sa.Column('steps_completed', sa.JSON, nullable=False),
        sa.Column('steps_failed', sa.JSON, nullable=False),
        sa.Column('members', sa.JSON, nullable=False),
        sa.Column('source_site', sa.String(255)),
        sa.Column('target_site', sa.String(255)),
        sa.Column('parameters', sa.JSON, nullable=False),
        sa.Column('recovery_point', sa.JSON),
        sa.Column('rto_seconds', sa.Float),
        sa.Column('error_message', sa.Text),
        sa.Column('started_at', sa.DateTime),
        sa.Column('completed_at', sa.DateTime),
        *_timestamps())
