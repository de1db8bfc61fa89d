"""feeds and crisis roles: feed membership rules, presence in a case, #FeedName copies,
SITREP attachments, acknowledged Important messages, paging index on messages

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('left_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discipline', sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column('cell', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('roles', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('copy_of_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_messages_copy_of_id_messages'), 'messages', ['copy_of_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_messages_copy_of_id'), ['copy_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_answers_id'), ['answers_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_corrects_id'), ['corrects_id'], unique=False)
        batch_op.create_index('ix_messages_feed_created', ['feed_id', 'created_at', 'id'],
                              unique=False)
    op.create_table(
        'attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('media_type', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'],
                                name=op.f('fk_attachments_message_id_messages')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
        sa.UniqueConstraint('message_id', name=op.f('uq_attachments_message_id')),
    )
    op.create_index(op.f('ix_attachments_revision'), 'attachments', ['revision'], unique=False)
    op.create_table(
        'acknowledgements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'],
                                name=op.f('fk_acknowledgements_message_id_messages')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_acknowledgements_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_acknowledgements')),
        sa.UniqueConstraint('message_id', 'user_id',
                            name=op.f('uq_acknowledgements_message_id_user_id')),
    )
    op.create_index(op.f('ix_acknowledgements_message_id'), 'acknowledgements', ['message_id'])
    op.create_index(op.f('ix_acknowledgements_user_id'), 'acknowledgements', ['user_id'])
    op.create_index(op.f('ix_acknowledgements_revision'), 'acknowledgements', ['revision'])


def downgrade() -> None:
    op.drop_table('acknowledgements')
    op.drop_table('attachments')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_feed_created')
        batch_op.drop_index(batch_op.f('ix_messages_corrects_id'))
        batch_op.drop_index(batch_op.f('ix_messages_answers_id'))
        batch_op.drop_index(batch_op.f('ix_messages_copy_of_id'))
        batch_op.drop_constraint(batch_op.f('fk_messages_copy_of_id_messages'), type_='foreignkey')
        batch_op.drop_column('copy_of_id')
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.drop_column('roles')
        batch_op.drop_column('cell')
        batch_op.drop_column('discipline')
    with op.batch_alter_table('case_users', schema=None) as batch_op:
        batch_op.drop_column('left_at')
        batch_op.drop_column('entered_at')
