"""who sees which case is kept in a table by triggers, not worked out again in every query
(issue 21)

Row-level security asks ``paragon_visible_cases()`` in nearly every policy (directly, or through
``paragon_visible_feeds()`` and ``paragon_visible_layers()``). It computed the rule each time: a
user's invitations and participations, the public cases shared with their organisations, and the
cases they just started; about 5 ms for a user who sees 2,779 cases, in each of the dozen queries
of a refresh.

``case_visibility`` holds the rule's answer per user and case; ``paragon_visible_cases()`` now
reads it (its signature, and so every policy, unchanged). Triggers keep it: on ``case_users``
(the pair), ``cases`` (every candidate of the case when its access, status or starter change),
``case_shares`` (the organisation's members for the case) and ``memberships`` (the user for
the organisation's shared cases). Each recomputes a pair from the rule as it was
(``paragon_case_visibility_of``), so a change in the same transaction is seen by the next
statement as before. The one part that depends on the clock, a temporary access's end, is
stored as ``until`` and compared with ``now()`` when read. Users cannot write or read the table;
the functions that maintain and read it are SECURITY DEFINER.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

FUNCTIONS = r"""
-- The rule of 0005/0015 for one user and case: (visible, until). ``until`` is the end of a
-- temporary access when that is the only way in (NULL: no end but the case's closing).
CREATE FUNCTION paragon_case_visibility_of(who integer, target integer,
                                           OUT visible boolean, OUT until timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    cu case_users%ROWTYPE;
    c cases%ROWTYPE;
BEGIN
    visible := false;
    until := NULL;
    SELECT * INTO c FROM cases WHERE id = target;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT * INTO cu FROM case_users WHERE user_id = who AND case_id = target;
    IF FOUND THEN
        IF (cu.invited OR cu.participating) AND NOT cu.temporary THEN
            visible := true;
            RETURN;
        END IF;
    ELSIF c.created_by_id = who THEN
        visible := true;  -- the starter, until their own case_users row exists
        RETURN;
    END IF;
    IF c.access = 'public' AND EXISTS (
        SELECT 1 FROM case_shares s JOIN memberships m ON m.organisation_id = s.organisation_id
        WHERE s.case_id = target AND m.user_id = who) THEN
        visible := true;
        RETURN;
    END IF;
    IF cu.user_id IS NOT NULL AND (cu.invited OR cu.participating) AND cu.temporary
       AND c.status = 'open' AND (cu.access_until IS NULL OR cu.access_until > now()) THEN
        visible := true;
        until := cu.access_until;
    END IF;
END $$;

CREATE FUNCTION paragon_refresh_case_visibility(who integer, target integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v record;
BEGIN
    IF who IS NULL OR target IS NULL THEN
        RETURN;
    END IF;
    v := paragon_case_visibility_of(who, target);
    IF v.visible THEN
        INSERT INTO case_visibility (user_id, case_id, until) VALUES (who, target, v.until)
        ON CONFLICT (user_id, case_id) DO UPDATE SET until = EXCLUDED.until
        WHERE case_visibility.until IS DISTINCT FROM EXCLUDED.until;
    ELSE
        DELETE FROM case_visibility WHERE user_id = who AND case_id = target;
    END IF;
END $$;

-- Everyone whose view of a case may have changed: its users, its starter, the members of the
-- organisations it is shared with, and whoever sees it now.
CREATE FUNCTION paragon_refresh_case_visibility_all(target integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    who integer;
BEGIN
    FOR who IN
        SELECT user_id FROM case_users WHERE case_id = target
        UNION SELECT created_by_id FROM cases WHERE id = target AND created_by_id IS NOT NULL
        UNION SELECT m.user_id FROM case_shares s JOIN memberships m
                                 ON m.organisation_id = s.organisation_id
              WHERE s.case_id = target
        UNION SELECT user_id FROM case_visibility WHERE case_id = target
    LOOP
        PERFORM paragon_refresh_case_visibility(who, target);
    END LOOP;
END $$;

CREATE FUNCTION paragon_visibility_case_users() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM paragon_refresh_case_visibility(OLD.user_id, OLD.case_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM paragon_refresh_case_visibility(NEW.user_id, NEW.case_id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION paragon_visibility_cases() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM paragon_refresh_case_visibility(NEW.created_by_id, NEW.id);
    ELSIF NEW.access IS DISTINCT FROM OLD.access OR NEW.status IS DISTINCT FROM OLD.status
          OR NEW.created_by_id IS DISTINCT FROM OLD.created_by_id THEN
        PERFORM paragon_refresh_case_visibility(OLD.created_by_id, NEW.id);
        PERFORM paragon_refresh_case_visibility_all(NEW.id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION paragon_visibility_case_shares() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    who integer;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        FOR who IN SELECT user_id FROM memberships WHERE organisation_id = OLD.organisation_id LOOP
            PERFORM paragon_refresh_case_visibility(who, OLD.case_id);
        END LOOP;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        FOR who IN SELECT user_id FROM memberships WHERE organisation_id = NEW.organisation_id LOOP
            PERFORM paragon_refresh_case_visibility(who, NEW.case_id);
        END LOOP;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION paragon_visibility_memberships() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    target integer;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        FOR target IN SELECT case_id FROM case_shares WHERE organisation_id = OLD.organisation_id LOOP
            PERFORM paragon_refresh_case_visibility(OLD.user_id, target);
        END LOOP;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        FOR target IN SELECT case_id FROM case_shares WHERE organisation_id = NEW.organisation_id LOOP
            PERFORM paragon_refresh_case_visibility(NEW.user_id, target);
        END LOOP;
    END IF;
    RETURN NULL;
END $$;

-- 0005/0015's function, now reading the kept answer.
CREATE OR REPLACE FUNCTION paragon_visible_cases() RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT case_id FROM case_visibility
    WHERE user_id = (SELECT paragon_uid()) AND (until IS NULL OR until > now())
$$;
"""

# The answer for everything already there: every pair the rule could make visible.
BACKFILL = """
INSERT INTO case_visibility (user_id, case_id, until)
SELECT p.who, p.target, (paragon_case_visibility_of(p.who, p.target)).until
FROM (SELECT user_id AS who, case_id AS target FROM case_users
      UNION SELECT created_by_id, id FROM cases WHERE created_by_id IS NOT NULL
      UNION SELECT m.user_id, s.case_id FROM case_shares s
            JOIN memberships m ON m.organisation_id = s.organisation_id) AS p
WHERE (paragon_case_visibility_of(p.who, p.target)).visible
"""

TRIGGERS = {
    'case_users': ('AFTER INSERT OR UPDATE OR DELETE', 'paragon_visibility_case_users'),
    'cases': ('AFTER INSERT OR UPDATE', 'paragon_visibility_cases'),
    'case_shares': ('AFTER INSERT OR UPDATE OR DELETE', 'paragon_visibility_case_shares'),
    'memberships': ('AFTER INSERT OR UPDATE OR DELETE', 'paragon_visibility_memberships'),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("CREATE TABLE case_visibility ("
               "user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE, "
               "case_id integer NOT NULL REFERENCES cases (id) ON DELETE CASCADE, "
               "until timestamptz, "
               "PRIMARY KEY (user_id, case_id))")
    op.execute("CREATE INDEX ix_case_visibility_case ON case_visibility (case_id)")
    # Nobody but the functions above: no rights for the users' group, and RLS on with no policy.
    op.execute("REVOKE ALL ON case_visibility FROM PUBLIC")
    op.execute("ALTER TABLE case_visibility ENABLE ROW LEVEL SECURITY")
    op.execute(FUNCTIONS)
    op.execute(BACKFILL)
    # "a_" fires these before the tables' other AFTER triggers (alphabetical order), so the
    # checks that run after a row is written see the new answer.
    for table, (when, function) in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER a_visibility {when} ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {function}()")
    for signature in ('paragon_case_visibility_of(integer, integer)',
                      'paragon_refresh_case_visibility(integer, integer)',
                      'paragon_refresh_case_visibility_all(integer)',
                      'paragon_visibility_case_users()', 'paragon_visibility_cases()',
                      'paragon_visibility_case_shares()', 'paragon_visibility_memberships()'):
        op.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        raise NotImplementedError(
            "Migration 0018 is not undone on PostgreSQL: restore a backup taken before it.")
