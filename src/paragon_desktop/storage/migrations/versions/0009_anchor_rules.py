"""Anchors drawn and kept: categories from one list, shapes checked, every change recorded

- On both backends: anchor categories typed by hand before there was a list become the list's
  codes (domain.anchors.LEGACY; anything else becomes "other").
- On PostgreSQL, for a login role (the owner's sessions are trusted, as in 0006):
  ``paragon_check_anchors()`` refuses what the app refuses (domain.anchors.validate_anchor and
  gis.geometry.anchor_shape): an empty or too long name or description, a category not on the
  list, a geometry that is not a valid point, line or area, has too many vertices or lies
  outside Belgium and its border area. The bounding box is the server's own, computed from the
  geometry (a client could hide an anchor from map queries with a false one). A change to a
  case's anchor, and its removal, need the audit entry of the same transaction (checked at
  commit, like changes to cases since 0006).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# As domain.anchors says it when this migration was written (a test compares them).
CATEGORIES = ('command_post', 'crisis_centre', 'reception_centre', 'medical_post',
              'assembly_point', 'school', 'hazard_contour', 'perimeter', 'border',
              'infrastructure', 'other')
LEGACY = {'cp-ops': 'command_post', 'crisiscentrum': 'crisis_centre',
          'opvang': 'reception_centre', 'medisch': 'medical_post', 'school': 'school',
          'seveso': 'hazard_contour', 'grens': 'border', 'infrastructuur': 'infrastructure'}
NAME_MAX, DESCRIPTION_MAX, MAX_VERTICES = 200, 4000, 10000
BELGIUM_EXTENT = (2.0, 49.0, 7.0, 52.0)
GEOMETRY_TYPES = ('ST_Point', 'ST_LineString', 'ST_Polygon', 'ST_MultiPolygon')

CHECK = f"""
CREATE FUNCTION paragon_check_anchors() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE g geometry;
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    PERFORM paragon_me();
    IF btrim(NEW.name) = '' OR char_length(NEW.name) > {NAME_MAX} THEN
        PERFORM paragon_refuse('an anchor needs a name of at most {NAME_MAX} characters');
    END IF;
    IF NEW.category NOT IN {CATEGORIES!r} THEN
        PERFORM paragon_refuse('an anchor''s category is one of the list');
    END IF;
    IF char_length(NEW.description) > {DESCRIPTION_MAX} THEN
        PERFORM paragon_refuse('an anchor''s description has at most {DESCRIPTION_MAX} characters');
    END IF;
    BEGIN
        g := ST_SetSRID(ST_GeomFromGeoJSON(NEW.geometry_geojson), 4326);
    EXCEPTION WHEN OTHERS THEN
        PERFORM paragon_refuse('an anchor''s geometry is GeoJSON');
    END;
    IF g IS NULL OR ST_IsEmpty(g) OR ST_GeometryType(g) NOT IN {GEOMETRY_TYPES!r}
       OR NOT ST_IsValid(g) OR ST_NPoints(g) > {MAX_VERTICES} THEN
        PERFORM paragon_refuse('an anchor is a valid point, line or area of at most {MAX_VERTICES} vertices');
    END IF;
    IF NOT ST_CoveredBy(g, ST_MakeEnvelope({', '.join(map(str, BELGIUM_EXTENT))}, 4326)) THEN
        PERFORM paragon_refuse('an anchor lies in Belgium or its border area');
    END IF;
    NEW.min_lon := ST_XMin(g);
    NEW.min_lat := ST_YMin(g);
    NEW.max_lon := ST_XMax(g);
    NEW.max_lat := ST_YMax(g);
    RETURN NEW;
END $$;

-- At commit: a case anchor removed by a login role has its audit entry (the tombstone's
-- revision is the transaction's).
CREATE FUNCTION paragon_require_audit_removed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF paragon_trusted() THEN RETURN NULL; END IF;
    IF NOT EXISTS (SELECT 1 FROM audit_events WHERE case_id = OLD.case_id
                   AND revision = paragon_current_revision() AND user_id = paragon_uid()) THEN
        PERFORM paragon_refuse('every change to a case is recorded in its audit trail');
    END IF;
    RETURN NULL;
END $$;
"""


def upgrade() -> None:
    anchors = sa.table('anchors', sa.column('category', sa.String))
    for old, new in LEGACY.items():
        op.execute(anchors.update().where(sa.func.lower(sa.func.trim(anchors.c.category)) == old)
                   .values(category=new))
    op.execute(anchors.update().where(anchors.c.category.not_in(CATEGORIES))
               .values(category='other'))
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(CHECK)
    for name in ('paragon_check_anchors()', 'paragon_require_audit_removed()'):
        op.execute(f"REVOKE EXECUTE ON FUNCTION {name} FROM PUBLIC")
    # Named to run first (triggers run by name): before the revision stamp takes the write
    # lock, and before 0005's geometry column is filled from what may not be GeoJSON.
    op.execute("CREATE TRIGGER a_check BEFORE INSERT OR UPDATE ON anchors "
               "FOR EACH ROW EXECUTE FUNCTION paragon_check_anchors()")
    op.execute("CREATE CONSTRAINT TRIGGER audited AFTER INSERT OR UPDATE ON anchors "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.case_id IS NOT NULL) "
               "EXECUTE FUNCTION paragon_require_audit('case_id')")
    op.execute("CREATE CONSTRAINT TRIGGER audited_removal AFTER DELETE ON anchors "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.case_id IS NOT NULL) "
               "EXECUTE FUNCTION paragon_require_audit_removed()")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        raise NotImplementedError(
            "Migration 0009 is not undone on PostgreSQL: restore a backup taken before it.")
