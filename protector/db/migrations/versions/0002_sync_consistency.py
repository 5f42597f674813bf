"""One version history per group: content digests, leases, pending pushes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'


def upgrade():
    with op.batch_alter_table('protection_groups') as batch:
        batch.add_column(sa.Column('metadata_digest', sa.String(64)))
        batch.add_column(sa.Column('peer_digest', sa.String(64)))
        batch.add_column(sa.Column('lease_holder', sa.String(255)))
        batch.add_column(sa.Column('lease_taken_at', sa.DateTime))
        batch.add_column(sa.Column('lease_expires_at', sa.DateTime))
        batch.add_column(sa.Column('push_holder', sa.String(255)))
        batch.add_column(sa.Column('push_attempts', sa.Integer,
                                   nullable=False, server_default='0'))
        batch.add_column(sa.Column('push_next_at', sa.DateTime))
