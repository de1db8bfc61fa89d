"""case management: location kind, closed by, plans in cases, Astrid block reservation;
PostGIS for territorial sharing on PostgreSQL

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

OPEN_BLOCK = sa.text("status = 'open' AND astrid_block IS NOT NULL")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        available = bind.execute(
            sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")).scalar()
        if not available:
            raise RuntimeError(
                "PostGIS is not installed on this PostgreSQL server. Install it (Debian/Ubuntu: "
                "apt install postgresql-<version>-postgis-3) and run `paragon-desktop db upgrade` "
                "again.")
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        # Territorial sharing asks PostGIS which jurisdictions meet a case location; the index
        # on the parsed geometry keeps that to the few areas whose boxes do.
        op.execute(
            "CREATE INDEX ix_organisations_jurisdiction_geom ON organisations "
            "USING gist (ST_GeomFromGeoJSON(jurisdiction_geojson))")
    op.create_table(
        'case_plans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('activated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_plans_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_plans')),
    )
    op.create_index(op.f('ix_case_plans_case_id'), 'case_plans', ['case_id'])
    op.create_index(op.f('ix_case_plans_revision'), 'case_plans', ['revision'])
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location_kind', sa.String(length=16), nullable=False,
                                      server_default='point'))
        batch_op.add_column(sa.Column('location_ref_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_cases_closed_by_id_users'), 'users', ['closed_by_id'], ['id'])
    op.create_index('uq_cases_open_astrid_block', 'cases', ['astrid_block'], unique=True,
                    sqlite_where=OPEN_BLOCK, postgresql_where=OPEN_BLOCK)


def downgrade() -> None:
    op.drop_index('uq_cases_open_astrid_block', table_name='cases')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_closed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('closed_by_id')
        batch_op.drop_column('location_ref_id')
        batch_op.drop_column('location_kind')
    op.drop_index(op.f('ix_case_plans_revision'), table_name='case_plans')
    op.drop_index(op.f('ix_case_plans_case_id'), table_name='case_plans')
    op.drop_table('case_plans')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_organisations_jurisdiction_geom")
