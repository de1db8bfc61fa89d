"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('discipline', sa.String(length=4), nullable=True),
    sa.Column('jurisdiction_geojson', sa.Text(), nullable=True),
    sa.Column('crisis_roles', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('min_lon', sa.Float(), nullable=True),
    sa.Column('min_lat', sa.Float(), nullable=True),
    sa.Column('max_lon', sa.Float(), nullable=True),
    sa.Column('max_lat', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_organisations_name'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_revision'), ['revision'], unique=False)

    counter = op.create_table('revision_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revision_counter'))
    )
    op.create_table('tombstones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=64), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tombstones'))
    )
    with op.batch_alter_table('tombstones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tombstones_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tombstones_revision'), ['revision'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('case_access_level', sa.String(length=16), nullable=False),
    sa.Column('coordinator_label', sa.String(length=100), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_revision'), ['revision'], unique=False)

    op.create_table('workspace_info',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_workspace_info'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_suffix', sa.String(length=50), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('access', sa.String(length=16), nullable=False),
    sa.Column('case_type', sa.String(length=100), nullable=False),
    sa.Column('location_name', sa.String(length=200), nullable=False),
    sa.Column('location_geojson', sa.Text(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('phase', sa.String(length=64), nullable=True),
    sa.Column('astrid_block', sa.String(length=32), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('min_lon', sa.Float(), nullable=True),
    sa.Column('min_lat', sa.Float(), nullable=True),
    sa.Column('max_lon', sa.Float(), nullable=True),
    sa.Column('max_lat', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cases_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_cases_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_revision'), ['revision'], unique=False)

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('management_roles', sa.String(length=200), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_memberships_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
    sa.UniqueConstraint('user_id', 'organisation_id', name=op.f('uq_memberships_user_id'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_revision'), ['revision'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_user_id'), ['user_id'], unique=False)

    op.create_table('anchors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('geometry_geojson', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('min_lon', sa.Float(), nullable=True),
    sa.Column('min_lat', sa.Float(), nullable=True),
    sa.Column('max_lon', sa.Float(), nullable=True),
    sa.Column('max_lat', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_anchors_case_id_cases')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_anchors_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anchors'))
    )
    with op.batch_alter_table('anchors', schema=None) as batch_op:
        batch_op.create_index('ix_anchors_case_revision', ['case_id', 'revision'], unique=False)
        batch_op.create_index(batch_op.f('ix_anchors_revision'), ['revision'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('crisis_role', sa.String(length=100), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('details_json', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_audit_events_case_id_cases')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_revision'), ['revision'], unique=False)

    op.create_table('case_shares',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_shares_case_id_cases')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_case_shares_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_shares')),
    sa.UniqueConstraint('case_id', 'organisation_id', name=op.f('uq_case_shares_case_id'))
    )
    with op.batch_alter_table('case_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_shares_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_shares_revision'), ['revision'], unique=False)

    op.create_table('case_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('invited', sa.Boolean(), nullable=False),
    sa.Column('participating', sa.Boolean(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('crisis_role', sa.String(length=100), nullable=True),
    sa.Column('crisis_cell', sa.String(length=100), nullable=True),
    sa.Column('role_description', sa.Text(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_users_case_id_cases')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_case_users_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_users_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_users')),
    sa.UniqueConstraint('case_id', 'user_id', name=op.f('uq_case_users_case_id'))
    )
    with op.batch_alter_table('case_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_users_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_users_revision'), ['revision'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_users_user_id'), ['user_id'], unique=False)

    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation_name', sa.String(length=200), nullable=False),
    sa.Column('function', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_contacts_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index('ix_contacts_case_revision', ['case_id', 'revision'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_revision'), ['revision'], unique=False)

    op.create_table('feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_feeds_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feeds')),
    sa.UniqueConstraint('case_id', 'name', name=op.f('uq_feeds_case_id'))
    )
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feeds_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feeds_revision'), ['revision'], unique=False)

    op.create_table('layers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source_file', sa.String(length=300), nullable=False),
    sa.Column('source_format', sa.String(length=32), nullable=False),
    sa.Column('source_crs', sa.String(length=64), nullable=False),
    sa.Column('feature_count', sa.Integer(), nullable=False),
    sa.Column('style_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('min_lon', sa.Float(), nullable=True),
    sa.Column('min_lat', sa.Float(), nullable=True),
    sa.Column('max_lon', sa.Float(), nullable=True),
    sa.Column('max_lat', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_layers_case_id_cases')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_layers_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_layers'))
    )
    with op.batch_alter_table('layers', schema=None) as batch_op:
        batch_op.create_index('ix_layers_case_revision', ['case_id', 'revision'], unique=False)
        batch_op.create_index(batch_op.f('ix_layers_revision'), ['revision'], unique=False)

    op.create_table('feed_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feed_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['feed_id'], ['feeds.id'], name=op.f('fk_feed_members_feed_id_feeds')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_feed_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_members')),
    sa.UniqueConstraint('feed_id', 'user_id', name=op.f('uq_feed_members_feed_id'))
    )
    with op.batch_alter_table('feed_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_members_feed_id'), ['feed_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feed_members_revision'), ['revision'], unique=False)
        batch_op.create_index(batch_op.f('ix_feed_members_user_id'), ['user_id'], unique=False)

    op.create_table('layer_data',
    sa.Column('layer_id', sa.Integer(), nullable=False),
    sa.Column('geojson', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['layer_id'], ['layers.id'], name=op.f('fk_layer_data_layer_id_layers')),
    sa.PrimaryKeyConstraint('layer_id', name=op.f('pk_layer_data'))
    )
    with op.batch_alter_table('layer_data', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_layer_data_revision'), ['revision'], unique=False)

    op.create_table('layer_shares',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('layer_id', sa.Integer(), nullable=False),
    sa.Column('feed_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['feed_id'], ['feeds.id'], name=op.f('fk_layer_shares_feed_id_feeds')),
    sa.ForeignKeyConstraint(['layer_id'], ['layers.id'], name=op.f('fk_layer_shares_layer_id_layers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_layer_shares')),
    sa.UniqueConstraint('layer_id', 'feed_id', name=op.f('uq_layer_shares_layer_id'))
    )
    with op.batch_alter_table('layer_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_layer_shares_feed_id'), ['feed_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_layer_shares_layer_id'), ['layer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_layer_shares_revision'), ['revision'], unique=False)

    op.create_table('layer_visibility',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('layer_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('visible', sa.Boolean(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['layer_id'], ['layers.id'], name=op.f('fk_layer_visibility_layer_id_layers')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_layer_visibility_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_layer_visibility')),
    sa.UniqueConstraint('layer_id', 'user_id', name=op.f('uq_layer_visibility_layer_id'))
    )
    with op.batch_alter_table('layer_visibility', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_layer_visibility_revision'), ['revision'], unique=False)
        batch_op.create_index(batch_op.f('ix_layer_visibility_user_id'), ['user_id'], unique=False)

    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('feed_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('crisis_role', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('tags', sa.String(length=100), nullable=False),
    sa.Column('answers_id', sa.Integer(), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answers_id'], ['messages.id'], name=op.f('fk_messages_answers_id_messages')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_messages_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_messages_case_id_cases')),
    sa.ForeignKeyConstraint(['corrects_id'], ['messages.id'], name=op.f('fk_messages_corrects_id_messages')),
    sa.ForeignKeyConstraint(['feed_id'], ['feeds.id'], name=op.f('fk_messages_feed_id_feeds')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_messages_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_case_revision', ['case_id', 'revision'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_feed_id'), ['feed_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_revision'), ['revision'], unique=False)
    # The single counter row every writer bumps (storage.revisions).
    op.bulk_insert(counter, [{'id': 1, 'value': 0}])


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_revision'))
        batch_op.drop_index(batch_op.f('ix_messages_feed_id'))
        batch_op.drop_index('ix_messages_case_revision')

    op.drop_table('messages')
    with op.batch_alter_table('layer_visibility', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_layer_visibility_user_id'))
        batch_op.drop_index(batch_op.f('ix_layer_visibility_revision'))

    op.drop_table('layer_visibility')
    with op.batch_alter_table('layer_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_layer_shares_revision'))
        batch_op.drop_index(batch_op.f('ix_layer_shares_layer_id'))
        batch_op.drop_index(batch_op.f('ix_layer_shares_feed_id'))

    op.drop_table('layer_shares')
    with op.batch_alter_table('layer_data', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_layer_data_revision'))

    op.drop_table('layer_data')
    with op.batch_alter_table('feed_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_feed_members_revision'))
        batch_op.drop_index(batch_op.f('ix_feed_members_feed_id'))

    op.drop_table('feed_members')
    with op.batch_alter_table('layers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_layers_revision'))
        batch_op.drop_index('ix_layers_case_revision')

    op.drop_table('layers')
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feeds_revision'))
        batch_op.drop_index(batch_op.f('ix_feeds_case_id'))

    op.drop_table('feeds')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_revision'))
        batch_op.drop_index('ix_contacts_case_revision')

    op.drop_table('contacts')
    with op.batch_alter_table('case_users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_users_user_id'))
        batch_op.drop_index(batch_op.f('ix_case_users_revision'))
        batch_op.drop_index(batch_op.f('ix_case_users_case_id'))

    op.drop_table('case_users')
    with op.batch_alter_table('case_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_shares_revision'))
        batch_op.drop_index(batch_op.f('ix_case_shares_case_id'))

    op.drop_table('case_shares')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_revision'))
        batch_op.drop_index(batch_op.f('ix_audit_events_case_id'))

    op.drop_table('audit_events')
    with op.batch_alter_table('anchors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_anchors_revision'))
        batch_op.drop_index('ix_anchors_case_revision')

    op.drop_table('anchors')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_user_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_revision'))
        batch_op.drop_index(batch_op.f('ix_memberships_organisation_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_revision'))

    op.drop_table('cases')
    op.drop_table('workspace_info')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_revision'))

    op.drop_table('users')
    with op.batch_alter_table('tombstones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tombstones_revision'))
        batch_op.drop_index(batch_op.f('ix_tombstones_case_id'))

    op.drop_table('tombstones')
    op.drop_table('revision_counter')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_revision'))

    op.drop_table('organisations')
