"""Organisation anchors (key anchors): kept by the organisation's planners, within its area

An organisation's own anchors (``case_id`` NULL) are the key anchors its emergency plans rely on
(DOMAIN.md: a key anchor "must lie within the responsible organisation's jurisdiction"). Until
now any agent or coordinator of the organisation could write them anywhere in Belgium.

- Who: a member of the organisation holding its emergency-plan manager or organisation admin
  role (``paragon_keeps_org_anchors``), in the row policies and in ``paragon_delete`` alike
  (domain.anchors.can_keep_org_anchors).
- Where: within the organisation's jurisdiction, with 10 m to spare for a drawn edge; an
  organisation without a jurisdiction (a company, a service) keeps them anywhere in Belgium's
  area (``paragon_check_org_anchors``, after 0009's checks).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

APP_ROLE = 'paragon_user'
KEEPER_ROLES = ('plan_manager', 'org_admin')
TOLERANCE_M = 10

OLD_BRANCH = ("SELECT CASE WHEN case_id IS NULL THEN organisation_id IN (SELECT "
              "paragon_my_organisations())\n"
              "                    AND paragon_level() IN ('agent', 'coordinator')\n")
NEW_BRANCH = "SELECT CASE WHEN case_id IS NULL THEN paragon_keeps_org_anchors(organisation_id)\n"
WRITER = ("CASE WHEN case_id IS NULL THEN paragon_keeps_org_anchors(organisation_id) "
          "ELSE paragon_writes_case(case_id) END")

FUNCTIONS = f"""
CREATE FUNCTION paragon_keeps_org_anchors(org integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT org IS NOT NULL AND EXISTS (
        SELECT 1 FROM memberships m WHERE m.user_id = (SELECT paragon_uid())
        AND m.organisation_id = org
        AND string_to_array(m.management_roles, ' ') && ARRAY{list(KEEPER_ROLES)!r}::text[])
$$;

CREATE FUNCTION paragon_check_org_anchors() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE area text;
BEGIN
    IF paragon_trusted() OR NEW.case_id IS NOT NULL THEN RETURN NEW; END IF;
    IF NEW.organisation_id IS NULL THEN
        PERFORM paragon_refuse('an anchor belongs to a case or to an organisation');
    END IF;
    SELECT jurisdiction_geojson INTO area FROM organisations WHERE id = NEW.organisation_id;
    IF area IS NOT NULL AND NOT ST_CoveredBy(
            ST_SetSRID(ST_GeomFromGeoJSON(NEW.geometry_geojson), 4326),
            ST_Buffer(ST_SetSRID(ST_GeomFromGeoJSON(area), 4326)::geography, {TOLERANCE_M})::geometry) THEN
        PERFORM paragon_refuse('an organisation''s anchor lies within its jurisdiction');
    END IF;
    RETURN NEW;
END $$;
"""


def _delete_0006() -> str:
    """0006's paragon_delete(), with organisation anchors kept by their keepers."""
    path = Path(__file__).with_name('0006_server_write_path.py')
    spec = importlib.util.spec_from_file_location('paragon_migration_0006', path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = re.search(r'CREATE FUNCTION paragon_delete\(tbl text, row_id integer\).*?END \$\$;',
                      module.FUNCTIONS, re.DOTALL)
    assert found is not None and found.group(0).count(OLD_BRANCH) == 1
    return (found.group(0).replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION', 1)
            .replace(OLD_BRANCH, NEW_BRANCH))


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(FUNCTIONS)
    op.execute(_delete_0006())
    for signature in ('paragon_keeps_org_anchors(integer)', 'paragon_check_org_anchors()'):
        op.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION paragon_keeps_org_anchors(integer) TO {APP_ROLE}")
    for command in ('insert', 'update'):
        op.execute(f"DROP POLICY paragon_{command} ON anchors")
    op.execute(f"CREATE POLICY paragon_insert ON anchors FOR INSERT TO {APP_ROLE} "
               f"WITH CHECK ({WRITER})")
    op.execute(f"CREATE POLICY paragon_update ON anchors FOR UPDATE TO {APP_ROLE} "
               f"USING ({WRITER})")
    # After 0009's a_check (the geometry is known to be valid GeoJSON by then).
    op.execute("CREATE TRIGGER a_check_org BEFORE INSERT OR UPDATE ON anchors "
               "FOR EACH ROW EXECUTE FUNCTION paragon_check_org_anchors()")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        raise NotImplementedError(
            "Migration 0010 is not undone on PostgreSQL: restore a backup taken before it.")
