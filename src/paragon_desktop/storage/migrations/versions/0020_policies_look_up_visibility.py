"""row-level security looks the kept visibility up by key instead of building the visible set
in every statement; who sees which feed is kept too (issue 21)

Since 0018 ``paragon_visible_cases()`` reads ``case_visibility``, but the policies still wrote
``case_id IN (SELECT paragon_visible_cases())``: each statement asked the function for the whole
set (2,779 cases for a user of the ICMS volume: 3-5 ms), and ``paragon_visible_feeds()`` and
``paragon_visible_layers()`` built theirs on top of it (6-20 ms). A refresh after one message
runs about twenty small statements: 136 ms as a login role against 15-23 ms as the owner.

Now the read policies say the same rule as a correlated ``EXISTS`` on the kept answer, which the
planner turns into an index lookup for the few rows a refresh reads, or one pass over the user's
rows for a listing. ``feed_visibility`` keeps domain.access.can_see_feed the way 0018 keeps the
cases (Multi of every case one sees, the other feeds of those cases one is a member of), so the
messages' policy is one lookup, not a nest of feeds, memberships and cases (whose policies the
planner would expand inside each other: 26 ms to plan one message query). Triggers keep it from
``case_visibility`` (a user's view of a case, with a temporary access's end), ``feed_members``
and ``feeds``, each recomputing the user's feeds of that case.

A policy's subquery runs with the user's rights, so users may now read their own rows of both
tables (the cases and feeds they see, and when a temporary access ends: already theirs to
know); they write none, and see nobody else's. The set functions stay for the write checks and
for the layers (whose policies cannot look each other up without recursing); they read the kept
tables directly.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

APP_ROLE = 'paragon_user'
ME = "(SELECT paragon_uid())"


def sees_case(column: str) -> str:
    """domain.access.can_see_case for the case in ``column``, as a lookup in the kept answer."""
    return (f"EXISTS (SELECT 1 FROM case_visibility v WHERE v.user_id = {ME} "
            f"AND v.case_id = {column} AND (v.until IS NULL OR v.until > now()))")


def sees_feed(column: str) -> str:
    """domain.access.can_see_feed for the feed in ``column``, as a lookup in the kept answer."""
    return (f"EXISTS (SELECT 1 FROM feed_visibility w WHERE w.user_id = {ME} "
            f"AND w.feed_id = {column} AND (w.until IS NULL OR w.until > now()))")


WRITER = "(SELECT paragon_level()) IN ('agent', 'coordinator')"

# (table, policy, USING or WITH CHECK, expression): the same rule as 0005/0006 wrote it.
POLICIES = [
    ('anchors', 'paragon_select', 'USING',
     f"anchors.case_id IS NULL OR {sees_case('anchors.case_id')}"),
    ('audit_events', 'paragon_select', 'USING',
     f"audit_events.user_id = {ME} OR ((SELECT paragon_level()) = 'coordinator' "
     f"AND {sees_case('audit_events.case_id')})"),
    ('case_plans', 'paragon_select', 'USING', sees_case('case_plans.case_id')),
    ('case_shares', 'paragon_select', 'USING', sees_case('case_shares.case_id')),
    ('case_users', 'paragon_select', 'USING',
     f"{sees_case('case_users.case_id')} OR case_users.user_id = {ME}"),
    ('cases', 'paragon_select', 'USING',
     f"{sees_case('cases.id')} OR (cases.created_by_id = {ME} AND cases.status = 'open' "
     "AND NOT EXISTS (SELECT 1 FROM case_users u WHERE u.case_id = cases.id))"),
    ('cases', 'paragon_update', 'USING', f"{sees_case('cases.id')} AND {WRITER}"),
    ('contacts', 'paragon_select', 'USING',
     f"contacts.case_id IS NULL OR {sees_case('contacts.case_id')}"),
    ('feed_members', 'paragon_select', 'USING',
     f"EXISTS (SELECT 1 FROM feeds f WHERE f.id = feed_members.feed_id "
     f"AND {sees_case('f.case_id')})"),
    ('feeds', 'paragon_select', 'USING', sees_case('feeds.case_id')),
    ('feeds', 'paragon_insert', 'WITH CHECK',
     f"{sees_case('feeds.case_id')} AND (feeds.kind <> 'multi' "
     "OR paragon_writes_case(feeds.case_id))"),
    ('layers', 'paragon_select', 'USING',
     f"layers.id IN (SELECT paragon_visible_layers()) OR (layers.owner_id = {ME} "
     f"AND {sees_case('layers.case_id')})"),
    ('messages', 'paragon_select', 'USING', sees_feed('messages.feed_id')),
    ('tombstones', 'paragon_select', 'USING',
     f"tombstones.case_id IS NULL OR {sees_case('tombstones.case_id')}"),
]

FUNCTIONS = f"""
-- A user's feeds of one case, from the kept answer for the case: Multi, and the other feeds
-- they are a member of; ``until`` is the case's (a temporary access ends them all).
CREATE FUNCTION paragon_refresh_feed_visibility(who integer, target integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF who IS NULL OR target IS NULL THEN
        RETURN;
    END IF;
    DELETE FROM feed_visibility WHERE user_id = who AND case_id = target;
    INSERT INTO feed_visibility (user_id, feed_id, case_id, until)
    SELECT who, f.id, f.case_id, v.until
    FROM feeds f JOIN case_visibility v ON v.case_id = f.case_id AND v.user_id = who
    WHERE f.case_id = target
      AND (f.kind = 'multi' OR EXISTS (SELECT 1 FROM feed_members m
                                       WHERE m.feed_id = f.id AND m.user_id = who));
END $$;

CREATE FUNCTION paragon_feed_visibility_cases() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM paragon_refresh_feed_visibility(OLD.user_id, OLD.case_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM paragon_refresh_feed_visibility(NEW.user_id, NEW.case_id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION paragon_feed_visibility_members() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    -- A feed being deleted is gone already (its rows go with it): nothing to recompute.
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM paragon_refresh_feed_visibility(
            OLD.user_id, (SELECT case_id FROM feeds WHERE id = OLD.feed_id));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM paragon_refresh_feed_visibility(
            NEW.user_id, (SELECT case_id FROM feeds WHERE id = NEW.feed_id));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION paragon_feed_visibility_feeds() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    pair record;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.kind IS NOT DISTINCT FROM OLD.kind
       AND NEW.case_id IS NOT DISTINCT FROM OLD.case_id THEN
        RETURN NULL;
    END IF;
    FOR pair IN
        SELECT user_id, case_id FROM case_visibility WHERE case_id = NEW.case_id
        UNION SELECT user_id, case_id FROM feed_visibility WHERE feed_id = NEW.id
    LOOP
        PERFORM paragon_refresh_feed_visibility(pair.user_id, pair.case_id);
    END LOOP;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION paragon_visible_feeds() RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT feed_id FROM feed_visibility
    WHERE user_id = {ME} AND (until IS NULL OR until > now())
$$;

CREATE OR REPLACE FUNCTION paragon_visible_layers() RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT l.id FROM layers l JOIN case_visibility v ON v.case_id = l.case_id
    WHERE v.user_id = {ME} AND (v.until IS NULL OR v.until > now())
      AND (l.owner_id = {ME} OR EXISTS (
          SELECT 1 FROM layer_shares s JOIN feed_visibility w ON w.feed_id = s.feed_id
          WHERE s.layer_id = l.id AND w.user_id = {ME}
            AND (w.until IS NULL OR w.until > now())))
$$;
"""

BACKFILL = """
SELECT paragon_refresh_feed_visibility(user_id, case_id) FROM case_visibility
"""

TRIGGERS = {
    'case_visibility': ('AFTER INSERT OR UPDATE OR DELETE', 'paragon_feed_visibility_cases'),
    'feed_members': ('AFTER INSERT OR UPDATE OR DELETE', 'paragon_feed_visibility_members'),
    'feeds': ('AFTER INSERT OR UPDATE', 'paragon_feed_visibility_feeds'),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("CREATE TABLE feed_visibility ("
               "user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE, "
               "feed_id integer NOT NULL REFERENCES feeds (id) ON DELETE CASCADE, "
               "case_id integer NOT NULL REFERENCES cases (id) ON DELETE CASCADE, "
               "until timestamptz, "
               "PRIMARY KEY (user_id, feed_id))")
    op.execute("CREATE INDEX ix_feed_visibility_user_case ON feed_visibility (user_id, case_id)")
    op.execute("CREATE INDEX ix_feed_visibility_feed ON feed_visibility (feed_id)")
    # Policies' subqueries run with the user's rights: their own rows, read only.
    for table in ('case_visibility', 'feed_visibility'):
        op.execute(f"REVOKE ALL ON {table} FROM PUBLIC")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"GRANT SELECT ON {table} TO {APP_ROLE}")
        op.execute(f"CREATE POLICY paragon_select ON {table} FOR SELECT TO {APP_ROLE} "
                   f"USING (user_id = {ME})")
    op.execute(FUNCTIONS)
    op.execute(BACKFILL)
    for table, (when, function) in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER a_visibility {when} ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {function}()")
    for signature in ('paragon_refresh_feed_visibility(integer, integer)',
                      'paragon_feed_visibility_cases()', 'paragon_feed_visibility_members()',
                      'paragon_feed_visibility_feeds()'):
        op.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")
    for table, policy, clause, expression in POLICIES:
        op.execute(f"ALTER POLICY {policy} ON {table} {clause} ({expression})")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        raise NotImplementedError(
            "Migration 0020 is not undone on PostgreSQL: restore a backup taken before it.")
