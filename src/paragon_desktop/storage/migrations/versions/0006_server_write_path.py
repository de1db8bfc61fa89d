"""the server's write path: client operation ids (exactly once) on both backends; on PostgreSQL
every write of a login role checked and stamped by the server, bookkeeping out of reach

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

Before this, login roles could write what row-level security let through, and the policies
looked only at the new row: a user could invite himself, switch organisation, forge authors,
times, audit entries and tombstones, update the revision counter or lock whole tables.

Now, for a login role (a member of ``paragon_user``):
- no table-level UPDATE, DELETE or TRUNCATE anywhere (so no ``LOCK TABLE ... EXCLUSIVE``, no
  ``SELECT ... FOR UPDATE`` on bookkeeping); UPDATE only on the columns the app changes; deletes
  only through ``paragon_delete(table, id)``, which checks the same rule as the app;
- the revision is taken by ``paragon_revision()`` (SECURITY DEFINER, once per transaction) and
  stamped on every written row by a trigger; tombstones are written by a trigger;
- BEFORE triggers check what policies cannot (the old row against the new: who may close,
  reopen, invite, remove, switch role) and stamp author, organisation, crisis role and time
  from the server's own tables and clock;
- audit entries are written only by ``paragon_audit()``, stamped (user, time, crisis role) and
  must record a change the same transaction made; a change to a case or its participants
  without an audit entry is refused at commit;
- the write lock is an advisory lock; a user's session holding it past the limit is ended;
- live-update notifications name the case a commit touched.
The database owner and superusers (administrators' connections, ``db upgrade``, the demo) are
trusted: only the revision is stamped for them.
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

APP_ROLE = 'paragon_user'

REVISIONED = ('organisations', 'users', 'memberships', 'cases', 'case_plans', 'emergency_plans',
              'case_shares', 'case_users', 'feeds', 'feed_members', 'messages', 'attachments',
              'acknowledgements', 'anchors', 'contacts', 'layers', 'layer_data', 'layer_shares',
              'layer_visibility', 'audit_events')
# What paragon_delete() removes (each with the app's rule) and what leaves a tombstone.
DELETABLE = ('case_shares', 'feed_members', 'anchors', 'contacts', 'layers', 'layer_shares',
             'layer_visibility')
INSERTS = ('cases', 'case_shares', 'case_users', 'case_plans', 'feeds', 'feed_members', 'messages',
           'attachments', 'acknowledgements', 'anchors', 'contacts', 'layers', 'layer_data',
           'layer_shares', 'layer_visibility', 'emergency_plans', 'client_ops')
BBOX = ('min_lon', 'min_lat', 'max_lon', 'max_lat')
UPDATES = {
    'cases': ('name', 'name_suffix', 'category', 'access', 'case_type', 'location_name',
              'location_geojson', 'location_kind', 'location_ref_id', *BBOX, 'occurred_at',
              'phase', 'astrid_block', 'description', 'status', 'closed_at', 'closed_by_id'),
    'case_users': ('invited', 'participating', 'organisation_id', 'crisis_role', 'crisis_cell',
                   'role_description', 'entered_at', 'left_at'),
    'case_plans': ('active', 'deactivated_at'),
    'messages': ('layer_id',),
    'anchors': ('name', 'category', 'description', 'geometry_geojson', *BBOX),
    'contacts': ('kind', 'name', 'organisation_name', 'function', 'phone', 'email', 'address'),
    'layers': ('name', 'description', 'style_json'),
    'layer_visibility': ('visible', 'opacity'),
    'emergency_plans': ('title', 'key_anchor_id', 'status', 'updated_at', 'updated_by_id'),
}
# Checked tables: a BEFORE trigger each, paragon_check_<table>() unless named here.
CHECKED = ('cases', 'case_users', 'case_shares', 'feeds', 'messages', 'attachments',
           'acknowledgements', 'layers', 'layer_shares', 'emergency_plans', 'audit_events',
           'client_ops')
CHECK_FUNCTION = {table: f'paragon_check_{table}' for table in CHECKED} | {
    'acknowledgements': 'paragon_stamp_user_and_time', 'client_ops': 'paragon_stamp_user_and_time'}
# A change to these needs an audit entry of the same transaction (checked at commit).
AUDITED = {'cases': 'id', 'case_users': 'case_id'}

FUNCTIONS = r"""
-- The connection acts for a trusted role: the tables' owner or a superuser (as SET ROLE or the
-- session's login decides; SECURITY DEFINER functions do not change the answer).
CREATE FUNCTION paragon_trusted() RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT coalesce((SELECT r.rolsuper OR r.oid = (SELECT relowner FROM pg_class
                                                   WHERE oid = 'public.cases'::regclass)
                     FROM pg_roles r WHERE r.rolname = CASE
                         WHEN current_setting('role') = 'none' THEN session_user::text
                         ELSE current_setting('role') END), false)
$$;

-- How long one transaction may hold the write lock before the next writer ends it (seconds;
-- the owner may set workspace_info 'write_lock_seconds').
CREATE FUNCTION paragon_write_lock_seconds() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce((SELECT value::integer FROM workspace_info WHERE key = 'write_lock_seconds'), 120)
$$;

-- The write lock is the advisory lock (7234, 1): held by one writing transaction at a time, it
-- orders writers by commit. Unlike a row lock it shows in pg_locks with its holder's pid.
-- A user's session that has held it longer than the limit (a transaction left open, on purpose
-- or not, or the advisory lock taken by hand) is ended, so it cannot stall every writer.
-- Never the owner's or a superuser's session (migrations, an administrator's long import).
CREATE FUNCTION paragon_release_stalled(limit_s integer) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE holder integer;
BEGIN
    FOR holder IN
        SELECT a.pid FROM pg_locks l
        JOIN pg_stat_activity a ON a.pid = l.pid
        JOIN pg_roles r ON r.rolname = a.usename
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 7234 AND l.objid = 1
          AND l.objsubid = 2
          AND coalesce(a.xact_start, a.state_change) < clock_timestamp() - make_interval(secs => limit_s)
          AND NOT r.rolsuper
          AND r.oid <> (SELECT relowner FROM pg_class WHERE oid = 'public.cases'::regclass)
          AND pg_has_role(r.oid, 'paragon_user', 'MEMBER')
    LOOP
        PERFORM pg_terminate_backend(holder);
    END LOOP;
END $$;

-- The transaction's revision: the first call takes the write lock and bumps the counter, later
-- calls in the same transaction return the same number. A writer kept waiting longer than the
-- limit ends a stalled holder and waits once more.
CREATE FUNCTION paragon_revision() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE rev integer; limit_s integer; previous text;
BEGIN
    SELECT value INTO rev FROM revision_counter WHERE id = 1 AND txid = txid_current();
    IF rev IS NOT NULL THEN
        RETURN rev;
    END IF;
    limit_s := paragon_write_lock_seconds();
    previous := current_setting('lock_timeout');
    PERFORM set_config('lock_timeout', (limit_s * 1000)::text, true);
    BEGIN
        PERFORM pg_advisory_xact_lock(7234, 1);
    EXCEPTION WHEN lock_not_available THEN
        PERFORM paragon_release_stalled(limit_s);
        PERFORM pg_advisory_xact_lock(7234, 1);
    END;
    PERFORM set_config('lock_timeout', previous, true);
    UPDATE revision_counter SET value = value + 1, txid = txid_current(), at = clock_timestamp()
    WHERE id = 1 RETURNING value INTO rev;
    RETURN rev;
END $$;

-- The revision this transaction holds, or NULL when it wrote nothing yet.
CREATE FUNCTION paragon_current_revision() RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT value FROM revision_counter WHERE id = 1 AND txid = txid_current()
$$;

-- The time of this transaction's write, taken once it held the write lock: rows ordered by it
-- (feeds) are in commit order, on the server's clock.
CREATE FUNCTION paragon_txn_time() RETURNS timestamptz
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM paragon_revision();
    RETURN (SELECT at FROM revision_counter WHERE id = 1);
END $$;

-- Live updates say which case a commit touched ("revision:case", "*" for what every window
-- shows), so a window wakes only for its own case. PostgreSQL delivers one notification per
-- distinct payload and transaction, at commit.
CREATE FUNCTION paragon_touch(target integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_notify('paragon_changes',
                      paragon_revision()::text || ':' || coalesce(target::text, '*'));
END $$;

CREATE FUNCTION paragon_tombstone() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE old_row jsonb := to_jsonb(OLD); target integer;
BEGIN
    target := CASE TG_TABLE_NAME
        WHEN 'feed_members' THEN (SELECT case_id FROM feeds WHERE id = (old_row ->> 'feed_id')::integer)
        WHEN 'layer_shares' THEN (SELECT case_id FROM layers WHERE id = (old_row ->> 'layer_id')::integer)
        WHEN 'layer_visibility' THEN (SELECT case_id FROM layers WHERE id = (old_row ->> 'layer_id')::integer)
        ELSE (old_row ->> 'case_id')::integer END;
    INSERT INTO tombstones (table_name, row_id, case_id, revision)
    VALUES (TG_TABLE_NAME, (old_row ->> 'id')::integer, (old_row ->> 'case_id')::integer,
            paragon_revision());
    PERFORM paragon_touch(target);
    RETURN NULL;
END $$;

CREATE FUNCTION paragon_refuse(reason text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'paragon: ' || reason;
END $$;

CREATE FUNCTION paragon_me() RETURNS integer
LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
DECLARE me integer := paragon_uid();
BEGIN
    IF me IS NULL THEN
        PERFORM paragon_refuse('this database login is not an active Paragon user');
    END IF;
    RETURN me;
END $$;

-- domain.cases.generate_case_name
CREATE FUNCTION paragon_case_name(category text, case_type text, location text, suffix text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(' - ', CASE category WHEN 'incident' THEN 'Incident'
                                          WHEN 'event' THEN 'Evenement'
                                          WHEN 'exercise' THEN 'Oefening' END,
                     btrim(case_type), btrim(location), nullif(btrim(suffix), ''))
$$;

CREATE FUNCTION paragon_case_row(target integer) RETURNS cases
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT * FROM cases WHERE id = target
$$;

-- Started by this user in this very transaction (the starter's own rows come with it).
CREATE FUNCTION paragon_started_now(target integer) RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM cases WHERE id = target AND created_by_id = paragon_uid()
                   AND revision = paragon_current_revision())
$$;

-- Whether the user may see the case without counting their own participation: invited, or a
-- public case shared with one of their organisations (domain.access.can_see_case).
CREATE FUNCTION paragon_admitted(target integer) RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM case_users WHERE case_id = target
                   AND user_id = paragon_uid() AND invited)
        OR EXISTS (SELECT 1 FROM case_shares s JOIN cases c ON c.id = s.case_id
                   WHERE s.case_id = target AND c.access = 'public'
                     AND s.organisation_id IN (SELECT paragon_my_organisations()))
$$;

-- CaseAdminService._took_part: started it, took part in a role, wrote in it or acted on it.
CREATE FUNCTION paragon_took_part(target integer) RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM cases WHERE id = target AND created_by_id = paragon_uid())
        OR EXISTS (SELECT 1 FROM case_users WHERE case_id = target AND user_id = paragon_uid()
                   AND participating)
        OR EXISTS (SELECT 1 FROM messages WHERE case_id = target AND author_id = paragon_uid())
        OR EXISTS (SELECT 1 FROM audit_events WHERE case_id = target
                   AND user_id = paragon_uid())
$$;

-- Territorial sharing (services.postgis): why an organisation gets a public case at its place.
CREATE FUNCTION paragon_share_reason(target integer, organisation integer) RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH competent AS (
        SELECT o.id FROM organisations o, cases c
        WHERE c.id = target AND ST_Intersects(o.jurisdiction_geom, c.location_geom))
    SELECT CASE
        WHEN organisation IN (SELECT id FROM competent) THEN 'competent'
        WHEN organisation IN (SELECT n.neighbour_id FROM jurisdiction_neighbours n
                              JOIN competent c ON n.organisation_id = c.id) THEN 'neighbour'
    END
$$;

-- Some row of the case carries this transaction's revision: the change an audit entry records.
CREATE FUNCTION paragon_case_written_now(target integer) RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH rev AS (SELECT paragon_current_revision() AS r)
    SELECT EXISTS (SELECT 1 FROM cases, rev WHERE id = target AND revision = rev.r)
        OR EXISTS (SELECT 1 FROM case_users, rev WHERE case_id = target AND revision = rev.r)
        OR EXISTS (SELECT 1 FROM case_shares, rev WHERE case_id = target AND revision = rev.r)
        OR EXISTS (SELECT 1 FROM anchors, rev WHERE case_id = target AND revision = rev.r)
        OR EXISTS (SELECT 1 FROM layers, rev WHERE case_id = target AND revision = rev.r)
        OR EXISTS (SELECT 1 FROM tombstones, rev WHERE case_id = target AND revision = rev.r)
$$;

-- Deletes by login roles, with the app's rule per table; the tombstone comes from its trigger.
CREATE FUNCTION paragon_delete(tbl text, row_id integer) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me integer := paragon_uid();
    trusted boolean := paragon_trusted();
    allowed boolean;
    found_row boolean;
BEGIN
    IF tbl NOT IN ('case_shares', 'feed_members', 'anchors', 'contacts', 'layers',
                   'layer_shares', 'layer_visibility') THEN
        PERFORM paragon_refuse('rows of ' || tbl || ' are never deleted');
    END IF;
    IF NOT trusted AND me IS NULL THEN
        PERFORM paragon_refuse('this database login is not an active Paragon user');
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE id = $1)', tbl) INTO found_row USING row_id;
    IF NOT found_row THEN
        RETURN false;
    END IF;
    IF trusted THEN
        allowed := true;
    ELSIF tbl = 'case_shares' THEN
        -- A coordinator removes an organisation; whoever edits a case made private drops them all.
        SELECT (paragon_coordinates(s.case_id) AND c.status = 'open')
               OR (paragon_writes_case(s.case_id) AND c.access = 'private')
          INTO allowed FROM case_shares s JOIN cases c ON c.id = s.case_id WHERE s.id = row_id;
    ELSIF tbl = 'feed_members' THEN
        -- Oneself (a new role), or a coordinator removing a user from the case.
        SELECT m.user_id = me OR (paragon_coordinates(f.case_id)
                                  AND (SELECT status FROM cases WHERE id = f.case_id) = 'open')
          INTO allowed FROM feed_members m JOIN feeds f ON f.id = m.feed_id WHERE m.id = row_id;
    ELSIF tbl = 'anchors' THEN
        SELECT CASE WHEN case_id IS NULL THEN organisation_id IN (SELECT paragon_my_organisations())
                    AND paragon_level() IN ('agent', 'coordinator')
                    ELSE paragon_writes_case(case_id) END
          INTO allowed FROM anchors WHERE id = row_id;
    ELSIF tbl = 'contacts' THEN
        SELECT CASE WHEN case_id IS NULL THEN EXISTS (SELECT 1 FROM memberships m WHERE
                    m.user_id = me AND m.management_roles LIKE '%contact_manager%')
                    ELSE paragon_writes_case(case_id) END
          INTO allowed FROM contacts WHERE id = row_id;
    ELSIF tbl = 'layers' THEN
        allowed := paragon_manages_layer(row_id) AND row_id IN (SELECT paragon_visible_layers());
    ELSIF tbl = 'layer_shares' THEN
        SELECT paragon_manages_layer(layer_id) INTO allowed FROM layer_shares WHERE id = row_id;
    ELSIF tbl = 'layer_visibility' THEN
        SELECT user_id = me OR paragon_manages_layer(layer_id)
          INTO allowed FROM layer_visibility WHERE id = row_id;
    END IF;
    IF NOT coalesce(allowed, false) THEN
        PERFORM paragon_refuse('you may not remove this ' || tbl || ' row');
    END IF;
    EXECUTE format('DELETE FROM %I WHERE id = $1', tbl) USING row_id;
    RETURN true;
END $$;

-- ---- the write rules of 0005, answered for one row instead of from the user's whole visible
-- set (the same rule: taking part in a case means seeing it). A message's policy computed all
-- visible cases twice; these are index lookups.
CREATE FUNCTION paragon_sees_case(target integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM case_users WHERE case_id = target
                   AND user_id = (SELECT paragon_uid()) AND (invited OR participating))
        OR EXISTS (SELECT 1 FROM case_shares s JOIN cases c ON c.id = s.case_id
                   WHERE s.case_id = target AND c.access = 'public'
                     AND s.organisation_id IN (SELECT paragon_my_organisations()))
        OR EXISTS (SELECT 1 FROM cases c WHERE c.id = target
                   AND c.created_by_id = (SELECT paragon_uid())
                   AND NOT EXISTS (SELECT 1 FROM case_users u
                                   WHERE u.case_id = c.id AND u.user_id = c.created_by_id))
$$;

CREATE OR REPLACE FUNCTION paragon_writes_case(target integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT (SELECT paragon_level()) IN ('agent', 'coordinator')
       AND EXISTS (SELECT 1 FROM cases WHERE id = target AND status = 'open')
       AND paragon_sees_case(target)
$$;

CREATE OR REPLACE FUNCTION paragon_coordinates(target integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT (SELECT paragon_level()) = 'coordinator' AND paragon_sees_case(target)
$$;

CREATE OR REPLACE FUNCTION paragon_writes_feed(target integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT (SELECT paragon_level()) IN ('agent', 'coordinator') AND EXISTS (
        SELECT 1 FROM feeds f
        JOIN case_users u ON u.case_id = f.case_id
        JOIN cases c ON c.id = f.case_id
        WHERE f.id = target AND u.user_id = (SELECT paragon_uid()) AND u.participating
          AND u.crisis_role IS NOT NULL AND c.status = 'open'
          AND (f.kind = 'multi' OR EXISTS (SELECT 1 FROM feed_members m
                                           WHERE m.feed_id = f.id
                                             AND m.user_id = (SELECT paragon_uid()))))
$$;

-- ---- checks: what the app refuses, refused by the server too --------------------------------
CREATE FUNCTION paragon_check_cases() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer; lvl text;
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    me := paragon_me();
    lvl := paragon_level();
    IF NEW.name IS DISTINCT FROM paragon_case_name(NEW.category, NEW.case_type,
                                                   NEW.location_name, NEW.name_suffix) THEN
        PERFORM paragon_refuse('a case name is generated from category, type, location and suffix');
    END IF;
    IF NEW.status NOT IN ('open', 'closed') OR NEW.access NOT IN ('public', 'private')
       OR NEW.category NOT IN ('incident', 'event', 'exercise')
       OR char_length(NEW.name_suffix) > 50 THEN
        PERFORM paragon_refuse('not a valid status, access, category or name suffix');
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF lvl NOT IN ('agent', 'coordinator') THEN
            PERFORM paragon_refuse('only an agent or coordinator may start a case');
        END IF;
        IF NEW.organisation_id NOT IN (SELECT paragon_my_organisations()) THEN
            PERFORM paragon_refuse('a case is started for an organisation one belongs to');
        END IF;
        NEW.created_by_id := me;
        NEW.created_at := paragon_txn_time();
        NEW.status := 'open';
        NEW.closed_at := NULL;
        NEW.closed_by_id := NULL;
        RETURN NEW;
    END IF;
    -- An update that changes nothing would still bump the revision and carry an audit entry
    -- ("reopened" an open case): refused.
    IF (to_jsonb(NEW) - 'revision' - 'location_geom') = (to_jsonb(OLD) - 'revision' - 'location_geom') THEN
        PERFORM paragon_refuse('nothing about the case changes');
    END IF;
    IF OLD.status = 'closed' THEN
        IF NEW.status <> 'open' THEN
            PERFORM paragon_refuse('the case is closed: it is read-only');
        END IF;
        IF lvl <> 'coordinator' OR NOT paragon_took_part(OLD.id) THEN
            PERFORM paragon_refuse('only a coordinator who took part in the case may reopen it');
        END IF;
        IF (NEW.name, NEW.category, NEW.access, NEW.case_type, NEW.location_geojson,
            NEW.occurred_at, NEW.phase, NEW.description)
           IS DISTINCT FROM (OLD.name, OLD.category, OLD.access, OLD.case_type,
                             OLD.location_geojson, OLD.occurred_at, OLD.phase, OLD.description)
           OR NEW.astrid_block IS DISTINCT FROM OLD.astrid_block AND NEW.astrid_block IS NOT NULL THEN
            PERFORM paragon_refuse('reopening a case changes nothing else');
        END IF;
        NEW.closed_at := NULL;
        NEW.closed_by_id := NULL;
    ELSIF NEW.status = 'closed' THEN
        IF lvl <> 'coordinator' THEN
            PERFORM paragon_refuse('only a coordinator may close a case');
        END IF;
        IF EXISTS (SELECT 1 FROM case_plans WHERE case_id = OLD.id AND active) THEN
            PERFORM paragon_refuse('deactivate the emergency plan before closing the case');
        END IF;
        IF (NEW.name, NEW.category, NEW.access, NEW.case_type, NEW.location_geojson,
            NEW.occurred_at, NEW.phase, NEW.astrid_block, NEW.description)
           IS DISTINCT FROM (OLD.name, OLD.category, OLD.access, OLD.case_type,
                             OLD.location_geojson, OLD.occurred_at, OLD.phase, OLD.astrid_block,
                             OLD.description) THEN
            PERFORM paragon_refuse('closing a case changes nothing else');
        END IF;
        NEW.closed_at := paragon_txn_time();
        NEW.closed_by_id := me;
    ELSE
        IF lvl NOT IN ('agent', 'coordinator') THEN
            PERFORM paragon_refuse('only an agent or coordinator may edit the case information');
        END IF;
        IF NEW.category <> OLD.category AND NOT (OLD.category = 'event' AND NEW.category = 'incident') THEN
            PERFORM paragon_refuse('only an event may change category, and only to incident');
        END IF;
        NEW.closed_at := NULL;
        NEW.closed_by_id := NULL;
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION paragon_check_case_users() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer; c cases; entering boolean;
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    me := paragon_me();
    c := paragon_case_row(NEW.case_id);
    IF TG_OP = 'UPDATE' AND (NEW.case_id <> OLD.case_id OR NEW.user_id <> OLD.user_id) THEN
        PERFORM paragon_refuse('a participation does not move to another case or user');
    END IF;
    IF NEW.user_id = me THEN
        IF NEW.invited AND (TG_OP = 'INSERT' OR NOT OLD.invited)
           AND NOT paragon_started_now(NEW.case_id)
           AND NOT (paragon_coordinates(NEW.case_id) AND c.status = 'open') THEN
            PERFORM paragon_refuse('only a coordinator of the case may invite you');
        END IF;
        IF NEW.organisation_id IS NOT NULL
           AND NEW.organisation_id NOT IN (SELECT paragon_my_organisations()) THEN
            PERFORM paragon_refuse('you can only act for an organisation you belong to');
        END IF;
        entering := NEW.participating AND (TG_OP = 'INSERT' OR NOT OLD.participating
            OR (NEW.organisation_id, NEW.crisis_role, NEW.crisis_cell, NEW.role_description,
                NEW.entered_at)
               IS DISTINCT FROM (OLD.organisation_id, OLD.crisis_role, OLD.crisis_cell,
                                 OLD.role_description, OLD.entered_at));
        IF entering THEN
            IF NOT (NEW.invited OR paragon_admitted(NEW.case_id)) THEN
                PERFORM paragon_refuse('you have no access to this case');
            END IF;
            IF c.status <> 'open' THEN
                PERFORM paragon_refuse('the case is closed: it is opened without a crisis role');
            END IF;
            IF NEW.organisation_id IS NULL OR NEW.crisis_role IS NULL OR btrim(NEW.crisis_role) = ''
               OR NOT paragon_role_allowed(NEW.organisation_id, NEW.crisis_role) THEN
                PERFORM paragon_refuse('choose a crisis role of your organisation or a generic one');
            END IF;
            NEW.entered_at := paragon_txn_time();
        END IF;
        IF NEW.left_at IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.left_at IS DISTINCT FROM OLD.left_at) THEN
            NEW.left_at := paragon_txn_time();
        END IF;
        RETURN NEW;
    END IF;
    -- Someone else's row: a coordinator of the open case invites or removes (nothing else).
    IF NOT (paragon_coordinates(NEW.case_id) AND c.status = 'open') THEN
        PERFORM paragon_refuse('only a coordinator of the open case may invite or remove users');
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NOT NEW.invited OR NEW.participating OR NEW.organisation_id IS NOT NULL
           OR NEW.crisis_role IS NOT NULL OR NEW.crisis_cell IS NOT NULL
           OR NEW.entered_at IS NOT NULL OR NEW.left_at IS NOT NULL THEN
            PERFORM paragon_refuse('an invitation carries no crisis role');
        END IF;
    ELSIF (NEW.organisation_id, NEW.crisis_role, NEW.crisis_cell, NEW.role_description,
           NEW.entered_at, NEW.left_at)
          IS DISTINCT FROM (OLD.organisation_id, OLD.crisis_role, OLD.crisis_cell,
                            OLD.role_description, OLD.entered_at, OLD.left_at)
          OR (NEW.participating AND NOT OLD.participating) THEN
        PERFORM paragon_refuse('a coordinator invites or removes users, nothing else');
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION paragon_check_case_shares() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE c cases;
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    PERFORM paragon_me();
    c := paragon_case_row(NEW.case_id);
    IF c.access <> 'public' OR c.status <> 'open' THEN
        PERFORM paragon_refuse('only an open public case is shared with organisations');
    END IF;
    IF NEW.reason = 'invited' THEN
        IF NOT paragon_coordinates(NEW.case_id) THEN
            PERFORM paragon_refuse('only a coordinator may invite an organisation');
        END IF;
    ELSIF NOT (paragon_writes_case(NEW.case_id)
               AND c.revision = paragon_current_revision()
               AND NEW.reason IS NOT DISTINCT FROM paragon_share_reason(NEW.case_id, NEW.organisation_id)) THEN
        PERFORM paragon_refuse('territorial sharing follows the case location');
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION paragon_check_feeds() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer; role case_users;
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    me := paragon_me();
    IF NEW.kind = 'multi' THEN
        IF NOT paragon_started_now(NEW.case_id) THEN
            PERFORM paragon_refuse('the Multi feed comes with a new case');
        END IF;
        RETURN NEW;
    END IF;
    IF paragon_level() NOT IN ('agent', 'coordinator') OR NOT paragon_writes_case(NEW.case_id) THEN
        PERFORM paragon_refuse('only agents and coordinators of an open case create feeds');
    END IF;
    SELECT * INTO role FROM case_users WHERE case_id = NEW.case_id AND user_id = me
        AND participating AND revision = paragon_current_revision();
    IF NOT FOUND OR NOT (
        (NEW.kind = 'cell' AND NEW.discipline IS NULL
         AND lower(btrim(NEW.cell)) = lower(btrim(role.crisis_cell)))
        OR (NEW.kind = 'discipline' AND NEW.cell IS NULL AND NEW.discipline
            = (SELECT discipline FROM organisations WHERE id = role.organisation_id))) THEN
        PERFORM paragon_refuse('a feed is created for the crisis cell or discipline you enter the case with');
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION paragon_check_messages() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer; feed_case integer; role case_users; original messages;
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    me := paragon_me();
    SELECT case_id INTO feed_case FROM feeds WHERE id = NEW.feed_id;
    SELECT * INTO role FROM case_users WHERE case_id = feed_case AND user_id = me
        AND participating AND crisis_role IS NOT NULL;
    IF NOT FOUND THEN
        PERFORM paragon_refuse('open the case in a crisis role before writing in its feeds');
    END IF;
    NEW.case_id := feed_case;
    NEW.author_id := me;
    NEW.organisation_id := role.organisation_id;
    NEW.crisis_role := role.crisis_role;
    NEW.created_at := paragon_txn_time();
    IF EXISTS (SELECT 1 FROM regexp_split_to_table(btrim(NEW.tags), '\s+') AS t
               WHERE t <> '' AND t NOT IN ('important', 'question', 'answer', 'decision', 'sitrep')) THEN
        PERFORM paragon_refuse('unknown message tag');
    END IF;
    -- Answers and corrections point to a thread (message as written) the author can read.
    IF NEW.answers_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM messages m WHERE coalesce(m.copy_of_id, m.id) = NEW.answers_id
        AND m.case_id = feed_case AND m.feed_id IN (SELECT paragon_visible_feeds()) AND ' ' || m.tags || ' ' LIKE '% question %') THEN
        PERFORM paragon_refuse('an answer answers a question you can read in this case');
    END IF;
    IF NEW.corrects_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM messages m WHERE coalesce(m.copy_of_id, m.id) = NEW.corrects_id
        AND m.case_id = feed_case AND m.feed_id IN (SELECT paragon_visible_feeds())) THEN
        PERFORM paragon_refuse('a correction corrects a message you can read in this case');
    END IF;
    -- A #FeedName copy: of the author's own message, written in the same transaction.
    IF NEW.copy_of_id IS NOT NULL THEN
        SELECT * INTO original FROM messages WHERE id = NEW.copy_of_id;
        IF NOT FOUND OR original.author_id <> me OR original.copy_of_id IS NOT NULL
           OR original.case_id <> feed_case OR original.feed_id = NEW.feed_id
           OR original.revision IS DISTINCT FROM paragon_current_revision()
           OR (original.text, original.tags, original.answers_id, original.corrects_id)
              IS DISTINCT FROM (NEW.text, NEW.tags, NEW.answers_id, NEW.corrects_id) THEN
            PERFORM paragon_refuse('a copy repeats your own message as you send it');
        END IF;
    END IF;
    IF NEW.layer_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM layers WHERE id = NEW.layer_id AND owner_id = me AND case_id = feed_case) THEN
        PERFORM paragon_refuse('a message announces a layer you added to this case');
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION paragon_check_attachments() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    IF NOT EXISTS (SELECT 1 FROM messages WHERE id = NEW.message_id AND author_id = paragon_me()
                   AND copy_of_id IS NULL AND revision = paragon_current_revision()) THEN
        PERFORM paragon_refuse('a document is attached to your own message as you send it');
    END IF;
    NEW.size := octet_length(NEW.data);
    IF NEW.size > 20 * 1024 * 1024 OR NEW.media_type NOT IN ('application/pdf', 'text/plain')
       OR (NEW.media_type = 'application/pdf' AND substring(NEW.data FROM 1 FOR 5) <> '\x255044462d'::bytea) THEN
        PERFORM paragon_refuse('a SITREP document is a PDF or a text file of at most 20 MB');
    END IF;
    RETURN NEW;
END $$;

-- Acknowledgements and operation ids: whose and when are the server's.
CREATE FUNCTION paragon_stamp_user_and_time() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    NEW.user_id := paragon_me();
    NEW.at := paragon_txn_time();
    RETURN NEW;
END $$;

CREATE FUNCTION paragon_check_layers() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    IF TG_OP = 'INSERT' THEN
        NEW.owner_id := paragon_me();
        NEW.created_at := paragon_txn_time();
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION paragon_check_layer_shares() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    IF (SELECT case_id FROM feeds WHERE id = NEW.feed_id)
       IS DISTINCT FROM (SELECT case_id FROM layers WHERE id = NEW.layer_id) THEN
        PERFORM paragon_refuse('a layer is shared in a feed of its own case');
    END IF;
    RETURN NEW;
END $$;

-- Plans: written by the responsible organisation's plan managers (DOMAIN.md, Emergency plans).
CREATE FUNCTION paragon_check_emergency_plans() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer;
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    me := paragon_me();
    IF NOT EXISTS (SELECT 1 FROM memberships WHERE user_id = me
                   AND organisation_id = NEW.organisation_id
                   AND management_roles LIKE '%plan_manager%') THEN
        PERFORM paragon_refuse('only a plan manager of the responsible organisation writes its plans');
    END IF;
    NEW.updated_by_id := me;
    NEW.updated_at := paragon_txn_time();
    RETURN NEW;
END $$;

-- An audit entry: who, when and in which role come from the server.
CREATE FUNCTION paragon_check_audit_events() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer;
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    me := paragon_me();
    NEW.user_id := me;
    NEW.at := paragon_txn_time();
    NEW.crisis_role := (SELECT crisis_role FROM case_users WHERE case_id = NEW.case_id
                        AND user_id = me AND participating);
    RETURN NEW;
END $$;

-- The one way an audit entry is written on PostgreSQL: by the server. For a login role its
-- BEFORE trigger replaces who, when and in which role with the server's own; the entry is
-- matched to the change at commit. A trusted session's values are stored as given.
CREATE FUNCTION paragon_audit(target integer, action text, details text, by_user integer,
                              in_role text, at_time timestamptz) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT paragon_trusted() THEN
        PERFORM paragon_me();
    END IF;
    INSERT INTO audit_events (case_id, user_id, at, crisis_role, action, details_json, revision)
    VALUES (target, by_user, at_time, in_role, action, coalesce(details, '{}'), 0);
END $$;

-- At commit: the entry records a change the same transaction made to its case (a closing, the
-- case's closing; a start, the start), whatever order the statements came in.
CREATE FUNCTION paragon_audit_matches() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE c cases;
BEGIN
    IF paragon_trusted() THEN RETURN NULL; END IF;
    IF NEW.case_id IS NULL OR NOT paragon_case_written_now(NEW.case_id) THEN
        PERFORM paragon_refuse('an audit entry records a change made in the same transaction');
    END IF;
    c := paragon_case_row(NEW.case_id);
    IF NEW.action = 'case.started' AND NOT paragon_started_now(NEW.case_id)
       OR NEW.action = 'case.closed' AND NOT (c.status = 'closed' AND c.closed_by_id = NEW.user_id
                                              AND c.revision = NEW.revision)
       OR NEW.action = 'case.reopened' AND NOT (c.status = 'open' AND c.revision = NEW.revision) THEN
        PERFORM paragon_refuse('this audit entry does not match the change made');
    END IF;
    RETURN NULL;
END $$;

-- At commit: a change to a case or its participants by a login role has its audit entry.
CREATE FUNCTION paragon_require_audit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE target integer := (to_jsonb(NEW) ->> TG_ARGV[0])::integer;
BEGIN
    IF paragon_trusted() THEN RETURN NULL; END IF;
    IF NOT EXISTS (SELECT 1 FROM audit_events WHERE case_id = target
                   AND revision = NEW.revision AND user_id = paragon_uid()) THEN
        PERFORM paragon_refuse('every change to a case is recorded in its audit trail');
    END IF;
    RETURN NULL;
END $$;
"""

# The case a written row belongs to, for the live-update notification (NULL: every window).
CASE_OF = {
    'cases': 'NEW.id',
    **{t: 'NEW.case_id' for t in ('case_plans', 'case_shares', 'case_users', 'feeds', 'messages',
                                  'anchors', 'contacts', 'layers', 'audit_events')},
    'feed_members': '(SELECT case_id FROM feeds WHERE id = NEW.feed_id)',
    **{t: '(SELECT case_id FROM messages WHERE id = NEW.message_id)'
       for t in ('attachments', 'acknowledgements')},
    **{t: '(SELECT case_id FROM layers WHERE id = NEW.layer_id)'
       for t in ('layer_data', 'layer_shares', 'layer_visibility')},
    **{t: 'NULL' for t in ('organisations', 'users', 'memberships', 'emergency_plans')},
}
assert set(CASE_OF) == set(REVISIONED)
STAMP = """
CREATE FUNCTION paragon_stamp_{table}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    NEW.revision := paragon_revision();
    PERFORM paragon_touch({case});
    RETURN NEW;
END $$;
"""

NEW_FUNCTIONS = ('paragon_trusted()', 'paragon_sees_case(integer)',
                 'paragon_write_lock_seconds()', 'paragon_release_stalled(integer)', 'paragon_revision()', 'paragon_current_revision()',
                 'paragon_txn_time()', *(f'paragon_stamp_{t}()' for t in REVISIONED),
                 'paragon_touch(integer)', 'paragon_tombstone()',
                 'paragon_refuse(text)', 'paragon_me()', 'paragon_case_name(text, text, text, text)',
                 'paragon_case_row(integer)', 'paragon_started_now(integer)',
                 'paragon_admitted(integer)', 'paragon_took_part(integer)',
                 'paragon_share_reason(integer, integer)', 'paragon_case_written_now(integer)',
                 'paragon_delete(text, integer)', 'paragon_require_audit()',
                 'paragon_audit_matches()', 'paragon_audit(integer, text, text, integer, text, timestamptz)',
                 *(f'{name}()' for name in sorted(set(CHECK_FUNCTION.values()))))
# Migration 0005's functions, which policies call as the querying user.
POLICY_FUNCTIONS = ('paragon_uid()', 'paragon_level()', 'paragon_my_organisations()',
                    'paragon_visible_cases()', 'paragon_visible_feeds()', 'paragon_visible_layers()',
                    'paragon_writes_case(integer)', 'paragon_coordinates(integer)',
                    'paragon_writes_feed(integer)', 'paragon_manages_layer(integer)',
                    'paragon_role_allowed(integer, text)', 'paragon_may_join(integer, integer)',
                    'paragon_astrid_holder(text, integer)', 'paragon_sees_case(integer)')
# The functions a login role may call itself (the rest run inside triggers and policies).
CALLABLE = ('paragon_revision()', 'paragon_current_revision()', 'paragon_txn_time()',
            'paragon_delete(text, integer)', 'paragon_audit(integer, text, text, integer, text, timestamptz)')


def _postgresql() -> None:
    # Ending a user's stalled session needs pg_signal_backend when the owner is no superuser
    # (a role with CREATEROLE may grant it); without it the limit only makes writers give up.
    op.execute("""
        DO $$ BEGIN
            IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
                GRANT pg_signal_backend TO CURRENT_USER;
            END IF;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'pg_signal_backend not granted: stalled writers are not ended';
        END $$""")
    op.execute("ALTER TABLE revision_counter ADD COLUMN txid bigint")
    op.execute("ALTER TABLE revision_counter ADD COLUMN at timestamptz")
    op.execute(FUNCTIONS)
    for table, case in CASE_OF.items():
        op.execute(STAMP.format(table=table, case=case))
    # Notifications now come from the rows written, naming their case (paragon_touch).
    op.execute("DROP TRIGGER revision_counter_notify ON revision_counter")
    op.execute("DROP FUNCTION paragon_notify_revision()")
    # Nobody but the app role calls Paragon's functions, and it only those that policies use and
    # the few a client calls itself; the checks run inside triggers as the owner. (PostGIS's
    # functions in the same schema keep their own grants.)
    op.execute(f"""
        DO $$ DECLARE f record; BEGIN
            FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
                     JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = 'public' AND p.proname LIKE 'paragon\\_%' LOOP
                EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f.sig);
                EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM {APP_ROLE}', f.sig);
            END LOOP;
        END $$""")
    for name in (*POLICY_FUNCTIONS, *CALLABLE):
        op.execute(f"GRANT EXECUTE ON FUNCTION {name} TO {APP_ROLE}")

    for table in REVISIONED:
        op.execute(f"CREATE TRIGGER a_revision BEFORE INSERT OR UPDATE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION paragon_stamp_{table}()")
    for table in CHECKED:
        op.execute(f"CREATE TRIGGER b_check BEFORE INSERT OR UPDATE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {CHECK_FUNCTION[table]}()")
    for table in DELETABLE:
        op.execute(f"CREATE TRIGGER tombstone AFTER DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION paragon_tombstone()")
    op.execute("CREATE CONSTRAINT TRIGGER matches AFTER INSERT ON audit_events "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION paragon_audit_matches()")
    for table, column in AUDITED.items():
        op.execute(f"CREATE CONSTRAINT TRIGGER audited AFTER INSERT OR UPDATE ON {table} "
                   "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                   f"EXECUTE FUNCTION paragon_require_audit('{column}')")

    # Privileges: reading as before; writing only inserts and the columns the app changes.
    op.execute("REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER "
               f"ON ALL TABLES IN SCHEMA public FROM {APP_ROLE}")
    op.execute(f"GRANT SELECT ON client_ops TO {APP_ROLE}")
    for table in INSERTS:
        op.execute(f"GRANT INSERT ON {table} TO {APP_ROLE}")
    for table, columns in UPDATES.items():
        op.execute(f"GRANT UPDATE ({', '.join((*columns, 'revision'))}) ON {table} TO {APP_ROLE}")
    op.execute("ALTER TABLE client_ops ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY paragon_select ON client_ops FOR SELECT TO {APP_ROLE} "
               "USING (user_id = (SELECT paragon_uid()))")
    op.execute(f"CREATE POLICY paragon_insert ON client_ops FOR INSERT TO {APP_ROLE} "
               "WITH CHECK (user_id = (SELECT paragon_uid()))")
    # Deletes go through paragon_delete(); its policies are no longer reachable.
    for table in DELETABLE:
        op.execute(f"DROP POLICY IF EXISTS paragon_delete ON {table}")
    # Audit entries and tombstones are written by the server's functions only.
    for table in ('audit_events', 'tombstones'):
        op.execute(f"DROP POLICY IF EXISTS paragon_insert ON {table}")


def upgrade() -> None:
    op.create_table(
        'client_ops',
        sa.Column('op_id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('result_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_client_ops_user_id_users')),
        sa.PrimaryKeyConstraint('op_id', name=op.f('pk_client_ops')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql()


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        # Going back would hand login roles the write privileges this migration took away.
        raise NotImplementedError(
            "Migration 0006 is not undone on PostgreSQL: restore a backup taken before it.")
    op.drop_table('client_ops')
