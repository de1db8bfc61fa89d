"""organisations carry the official code of their area (NIS code of Statbel, or another
source's), so that boundary files can be loaded again and update them

``paragon-desktop organisations import`` finds an organisation by this code first (then by
name); new levels of organisation (zone, region, country) need no schema change (kind is text).

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisations') as batch:
        batch.add_column(sa.Column('code', sa.String(32), nullable=True))
    op.create_index('uq_organisations_code', 'organisations', ['code'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_organisations_code', table_name='organisations')
    with op.batch_alter_table('organisations') as batch:
        batch.drop_column('code')
