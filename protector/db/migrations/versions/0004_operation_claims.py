"""Which engine runs an operation, and how many times it was claimed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'


def upgrade():
    with op.batch_alter_table('operations') as batch:
        batch.add_column(sa.Column('engine_host', sa.String(255)))
        batch.add_column(sa.Column('engine_pid', sa.Integer))
        batch.add_column(sa.Column('claims', sa.Integer, nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('claimed_at', sa.DateTime))
