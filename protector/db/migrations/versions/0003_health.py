"""Protection health: the watch's latest look, its samples, site reach.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'


def _times():
    return [sa.Column('created_at', sa.DateTime),
            sa.Column('updated_at', sa.DateTime)]


def upgrade():
    op.create_table(
        'group_health',
        sa.Column('protection_group_id', sa.String(36),
                  sa.ForeignKey('protection_groups.id', ondelete='CASCADE'),
                  primary_key=True),
        sa.Column('checked_at', sa.DateTime, nullable=False),
        sa.Column('rpo_seconds', sa.Float),
        sa.Column('rpo_target_seconds', sa.Integer),
        sa.Column('rpo_grade', sa.String(16), nullable=False),
        sa.Column('sample_grade', sa.String(16), nullable=False),
        sa.Column('rpo_detail', sa.Text, nullable=False),
        sa.Column('failover_ready', sa.Boolean, nullable=False),
        sa.Column('checks', sa.JSON, nullable=False),
        sa.Column('newest_recovery_point', sa.JSON),
        sa.Column('transfers', sa.JSON, nullable=False),
        sa.Column('out_of_sync_since', sa.DateTime),
        *_times())
    op.create_table(
        'health_samples',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('protection_group_id', sa.String(36),
                  sa.ForeignKey('protection_groups.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('checked_at', sa.DateTime, nullable=False),
        sa.Column('rpo_seconds', sa.Float),
        sa.Column('rpo_target_seconds', sa.Integer),
        sa.Column('rpo_grade', sa.String(16), nullable=False),
        sa.Column('failover_ready', sa.Boolean, nullable=False),
        sa.Column('failing_checks', sa.JSON, nullable=False),
        sa.Column('keep', sa.Integer, nullable=False),
        *_times())
    op.create_index('ix_health_samples0group0checked_at', 'health_samples',
                    ['protection_group_id', 'checked_at'])
    op.create_index('ix_health_samples_checked_at', 'health_samples',
                    ['checked_at'])
    op.create_table(
        'site_health',
        sa.Column('site_id', sa.String(36),
                  sa.ForeignKey('sites.id', ondelete='CASCADE'),
                  primary_key=True),
        sa.Column('checked_at', sa.DateTime, nullable=False),
        sa.Column('reachable', sa.Boolean, nullable=False),
        sa.Column('sample_reachable', sa.Boolean, nullable=False),
        sa.Column('detail', sa.Text, nullable=False),
        *_times())
