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
        # Territorial sharing asks PostGIS which jurisdictions meet a case location. The app
        # writes GeoJSON text on both backends; here a trigger keeps a real geometry column
        # beside it, so the query neither parses GeoJSON nor scans: a GiST index finds the few
        # areas whose boxes meet the location.
        op.execute("ALTER TABLE organisations ADD COLUMN jurisdiction_geom geometry(Geometry, 4326)")
        op.execute("""
            CREATE FUNCTION paragon_jurisdiction_geom() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.jurisdiction_geom := CASE WHEN NEW.jurisdiction_geojson IS NULL THEN NULL
                    ELSE ST_SetSRID(ST_GeomFromGeoJSON(NEW.jurisdiction_geojson), 4326) END;
                RETURN NEW;
            END $$""")
        op.execute("""
            CREATE TRIGGER organisations_jurisdiction_geom
            BEFORE INSERT OR UPDATE OF jurisdiction_geojson ON organisations
            FOR EACH ROW EXECUTE FUNCTION paragon_jurisdiction_geom()""")
        op.execute("CREATE INDEX ix_organisations_jurisdiction_geom ON organisations "
                   "USING gist (jurisdiction_geom)")
        # Who borders whom changes only when a jurisdiction does, and the distance between two
        # large areas (provinces) costs PostGIS hundreds of ms: keep the neighbours in a table.
        # Same level (kind, discipline), within gis.territory.TOUCH_TOLERANCE_DEG.
        op.execute("""
            CREATE TABLE jurisdiction_neighbours (
                organisation_id integer NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
                neighbour_id integer NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
                PRIMARY KEY (organisation_id, neighbour_id))""")
        op.execute("""
            CREATE FUNCTION paragon_jurisdiction_neighbours() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM jurisdiction_neighbours
                WHERE organisation_id = NEW.id OR neighbour_id = NEW.id;
                IF NEW.jurisdiction_geom IS NOT NULL THEN
                    INSERT INTO jurisdiction_neighbours (organisation_id, neighbour_id)
                    SELECT NEW.id, o.id FROM organisations o
                    WHERE o.id <> NEW.id AND o.kind = NEW.kind
                      AND coalesce(o.discipline, '') = coalesce(NEW.discipline, '')
                      AND ST_DWithin(o.jurisdiction_geom, NEW.jurisdiction_geom, 1e-7);
                    INSERT INTO jurisdiction_neighbours (organisation_id, neighbour_id)
                    SELECT neighbour_id, organisation_id FROM jurisdiction_neighbours
                    WHERE organisation_id = NEW.id;
                END IF;
                RETURN NULL;
            END $$""")
        op.execute("""
            CREATE TRIGGER organisations_jurisdiction_neighbours
            AFTER INSERT OR UPDATE OF jurisdiction_geojson, kind, discipline ON organisations
            FOR EACH ROW EXECUTE FUNCTION paragon_jurisdiction_neighbours()""")
        op.execute("UPDATE organisations SET jurisdiction_geojson = jurisdiction_geojson "
                   "WHERE jurisdiction_geojson IS NOT NULL")
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
        op.execute("DROP TRIGGER IF EXISTS organisations_jurisdiction_neighbours ON organisations")
        op.execute("DROP FUNCTION IF EXISTS paragon_jurisdiction_neighbours()")
        op.execute("DROP TABLE IF EXISTS jurisdiction_neighbours")
        op.execute("DROP TRIGGER IF EXISTS organisations_jurisdiction_geom ON organisations")
        op.execute("DROP FUNCTION IF EXISTS paragon_jurisdiction_geom()")
        op.execute("ALTER TABLE organisations DROP COLUMN IF EXISTS jurisdiction_geom")
