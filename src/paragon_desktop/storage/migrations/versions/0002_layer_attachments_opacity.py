"""layers attached to messages; personal layer opacity

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('layer_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_messages_layer_id_layers'), 'layers', ['layer_id'], ['id'])
    with op.batch_alter_table('layer_visibility', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opacity', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('layer_visibility', schema=None) as batch_op:
        batch_op.drop_column('opacity')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_messages_layer_id_layers'), type_='foreignkey')
        batch_op.drop_column('layer_id')
