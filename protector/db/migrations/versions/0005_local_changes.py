"""Changes made on one site alone while the peer was unreachable (--local).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'


def upgrade():
    with op.batch_alter_table('protection_groups') as batch:
        batch.add_column(sa.Column('local_changes_site', sa.String(255)))
        batch.add_column(sa.Column('local_changes_since', sa.DateTime))
        batch.add_column(sa.Column('local_changes_first_version',
                                   sa.Integer))
        batch.add_column(sa.Column('local_changes_peer_version', sa.Integer))
        batch.add_column(sa.Column('local_changes_peer_digest',
                                   sa.String(64)))
