"""temporary access for an outside person, through an organisation, for one case (DOMAIN.md, People
and organisations: "temporary access for outside people (experts, CP-Ops directors) is allowed
while a case runs")

- ``case_users``: ``temporary`` (given by an organisation admin), ``access_until`` (NULL: until
  the case closes), the organisation that gave it and who.
- A temporary row gives access only while the case is open and before ``access_until``: in the
  visibility rule on both backends (here ``paragon_visible_cases``, from 0005 with that one
  condition added), so the end needs no job to run.
- On PostgreSQL an admin gives and ends it through ``paragon_admin_grant_case`` and
  ``paragon_admin_end_case`` (SECURITY DEFINER), for a case the admin sees, open; the write to
  ``case_users`` passes 0006's check only with the admin's own entry in ``admin_events`` of the
  same transaction (which users cannot write), and is audited in the case. The outside person
  acts for the organisation that gave the access when entering the case.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

APP_ROLE = 'paragon_user'
VALID = ("(NOT temporary OR ((access_until IS NULL OR access_until > now()) AND EXISTS ("
         "SELECT 1 FROM cases c WHERE c.id = case_users.case_id AND c.status = 'open')))")
OLD_VISIBLE = "    WHERE user_id = (SELECT paragon_uid()) AND (invited OR participating)\n"
NEW_VISIBLE = ("    WHERE user_id = (SELECT paragon_uid()) AND (invited OR participating)\n"
               f"      AND {VALID}\n")
OLD_OWN_ORG = ("        IF NEW.organisation_id IS NOT NULL\n"
               "           AND NEW.organisation_id NOT IN (SELECT paragon_my_organisations()) THEN\n")
NEW_OWN_ORG = ("        IF NEW.organisation_id IS NOT NULL\n"
               "           AND NEW.organisation_id NOT IN (SELECT paragon_my_organisations())\n"
               "           AND NOT (TG_OP = 'UPDATE' AND OLD.temporary\n"
               "                    AND NEW.organisation_id = OLD.granted_organisation_id) THEN\n")
OLD_ENTERING = "            IF NOT (NEW.invited OR paragon_admitted(NEW.case_id)) THEN\n"
NEW_ENTERING = ("            IF NOT ((NEW.invited AND NOT (NEW.temporary AND NEW.access_until IS NOT NULL\n"
                "                                          AND NEW.access_until <= now()))\n"
                "                    OR paragon_admitted(NEW.case_id)) THEN\n")
OLD_ROLE = "               OR NOT paragon_role_allowed(NEW.organisation_id, NEW.crisis_role) THEN\n"
NEW_ROLE = ("               OR NOT (paragon_role_allowed(NEW.organisation_id, NEW.crisis_role)\n"
            "                       OR (NEW.temporary\n"
            "                           AND NEW.organisation_id = NEW.granted_organisation_id\n"
            "                           AND paragon_role_of(NEW.organisation_id, NEW.crisis_role))) THEN\n")
OLD_START = "    c := paragon_case_row(NEW.case_id);\n    IF TG_OP = 'UPDATE' AND (NEW.case_id"
NEW_START = ("    c := paragon_case_row(NEW.case_id);\n"
             "    IF paragon_admin_granted_now(NEW.case_id, NEW.user_id) THEN\n"
             "        RETURN NEW;\n"
             "    END IF;\n"
             "    IF (NEW.temporary OR NEW.access_until IS NOT NULL\n"
             "        OR NEW.granted_organisation_id IS NOT NULL OR NEW.granted_by_id IS NOT NULL)\n"
             "       AND (TG_OP = 'INSERT' OR (NEW.temporary, NEW.access_until,\n"
             "                                 NEW.granted_organisation_id, NEW.granted_by_id)\n"
             "            IS DISTINCT FROM (OLD.temporary, OLD.access_until,\n"
             "                              OLD.granted_organisation_id, OLD.granted_by_id)) THEN\n"
             "        PERFORM paragon_refuse('temporary access is given by an organisation admin');\n"
             "    END IF;\n"
             "    IF TG_OP = 'UPDATE' AND (NEW.case_id")

FUNCTIONS = r"""
-- 0005's paragon_role_allowed without "one of my organisations": for the organisation that gave
-- temporary access.
CREATE FUNCTION paragon_role_of(organisation integer, role text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT lower(btrim(role)) IN ('observator', 'expert', 'vertegenwoordiger')
        OR lower(btrim(role)) IN (SELECT lower(btrim(r)) FROM organisations o,
                                         regexp_split_to_table(o.crisis_roles, E'\n') AS r
                                  WHERE o.id = organisation)
$$;

-- The admin's own entry of this transaction: the write to case_users comes from the functions
-- below (users cannot write admin_events).
CREATE FUNCTION paragon_admin_granted_now(target_case integer, target_user integer)
RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM admin_events WHERE at = now() AND actor_id = paragon_uid()
                   AND target_user_id = target_user AND detail = target_case::text
                   AND action IN ('case_access', 'case_access_ended'))
$$;

CREATE FUNCTION paragon_admin_grant_case(target integer, org integer, target_case integer,
                                         until timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer := paragon_admin_check(paragon_admin_of(org));
DECLARE existing case_users;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM cases WHERE id = target_case AND status = 'open')
       OR target_case NOT IN (SELECT paragon_visible_cases()) THEN
        PERFORM paragon_refuse('temporary access is given to an open case the admin sees');
    END IF;
    IF until IS NOT NULL AND until <= now() THEN
        PERFORM paragon_refuse('temporary access ends in the future');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM users WHERE id = target AND active) THEN
        PERFORM paragon_refuse('no such active user');
    END IF;
    SELECT * INTO existing FROM case_users WHERE case_id = target_case AND user_id = target;
    IF existing.id IS NOT NULL AND existing.invited AND NOT existing.temporary THEN
        PERFORM paragon_refuse('this user is invited to the case already');
    END IF;
    PERFORM paragon_admin_log(me, org, target, 'case_access', target_case::text);
    INSERT INTO case_users (case_id, user_id, invited, participating, temporary, access_until,
                            granted_organisation_id, granted_by_id, revision)
    VALUES (target_case, target, true, false, true, until, org, me, 0)
    ON CONFLICT (case_id, user_id) DO UPDATE SET invited = true, temporary = true,
        access_until = EXCLUDED.access_until,
        granted_organisation_id = EXCLUDED.granted_organisation_id,
        granted_by_id = EXCLUDED.granted_by_id;
    PERFORM paragon_audit(target_case, 'user.temporary_access',
                          json_build_object('user', target, 'until', until)::text, me, NULL,
                          now());
END $$;

CREATE FUNCTION paragon_admin_end_case(target integer, target_case integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE grant_row case_users;
DECLARE me integer;
BEGIN
    SELECT * INTO grant_row FROM case_users WHERE case_id = target_case AND user_id = target
                                          AND temporary;
    me := paragon_admin_check(grant_row.id IS NOT NULL
                              AND paragon_admin_of(grant_row.granted_organisation_id));
    PERFORM paragon_admin_log(me, grant_row.granted_organisation_id, target, 'case_access_ended',
                              target_case::text);
    UPDATE case_users SET access_until = now() WHERE id = grant_row.id;
    PERFORM paragon_audit(target_case, 'user.temporary_access_ended',
                          json_build_object('user', target)::text, me, NULL, now());
END $$;
"""


def _released(module_file: str, function: str, *changes: tuple[str, str]) -> str:
    """A released migration's function with some parts changed (released migrations are never
    edited; this one replaces the function)."""
    path = Path(__file__).with_name(module_file)
    spec = importlib.util.spec_from_file_location(f'paragon_migration_{path.stem}', path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = re.search(r'CREATE FUNCTION ' + re.escape(function) + r'\(.*?(END \$\$;|\n\$\$;)',
                      module.FUNCTIONS, re.DOTALL)
    assert found is not None, function
    text = found.group(0).replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION', 1)
    for old, new in changes:
        assert text.count(old) == 1, (function, old)
        text = text.replace(old, new)
    return text


def upgrade() -> None:
    with op.batch_alter_table('case_users') as batch:
        batch.add_column(sa.Column('temporary', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('access_until', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('granted_organisation_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('granted_by_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_case_users_granted_organisation_id_organisations'),
                                 'organisations', ['granted_organisation_id'], ['id'])
        batch.create_foreign_key(op.f('fk_case_users_granted_by_id_users'), 'users',
                                 ['granted_by_id'], ['id'])
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(FUNCTIONS)
    op.execute(_released('0005_shared_server.py', 'paragon_visible_cases',
                         (OLD_VISIBLE, NEW_VISIBLE)))
    op.execute(_released('0006_server_write_path.py', 'paragon_check_case_users',
                         (OLD_START, NEW_START), (OLD_OWN_ORG, NEW_OWN_ORG),
                         (OLD_ENTERING, NEW_ENTERING), (OLD_ROLE, NEW_ROLE)))
    # 0005's policy, with the granted organisation's roles for a temporary row of one's own.
    op.execute("DROP POLICY paragon_update ON case_users")
    op.execute(f"CREATE POLICY paragon_update ON case_users FOR UPDATE TO {APP_ROLE} "
               "USING (user_id = (SELECT paragon_uid()) OR paragon_coordinates(case_id)) "
               "WITH CHECK ((user_id = (SELECT paragon_uid()) "
               "AND (paragon_role_allowed(organisation_id, crisis_role) "
               "OR (temporary AND organisation_id = granted_organisation_id "
               "AND paragon_role_of(organisation_id, crisis_role)))) "
               "OR (paragon_coordinates(case_id) AND NOT participating))")
    for signature in ('paragon_admin_granted_now(integer, integer)', 'paragon_role_of(integer, text)',
                      'paragon_admin_grant_case(integer, integer, integer, timestamptz)',
                      'paragon_admin_end_case(integer, integer)'):
        op.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")
    for signature in ('paragon_admin_grant_case(integer, integer, integer, timestamptz)',
                      'paragon_admin_end_case(integer, integer)', 'paragon_role_of(integer, text)'):
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {APP_ROLE}")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        raise NotImplementedError(
            "Migration 0015 is not undone on PostgreSQL: restore a backup taken before it.")
    with op.batch_alter_table('case_users') as batch:
        for column in ('granted_by_id', 'granted_organisation_id', 'access_until', 'temporary'):
            batch.drop_column(column)
