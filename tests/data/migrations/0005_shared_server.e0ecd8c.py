"""shared server: users' login roles, emergency plans; on PostgreSQL geometry columns for QGIS,
live-update notifications and row-level security for the users' own login roles

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# The group role every user's login role belongs to. It owns nothing and is no superuser:
# row-level security applies to it. The role that runs the migrations owns the tables.
APP_ROLE = 'paragon_user'

# What the app role may do per table; row-level security then narrows it to rows. Tables not
# listed are read-only (organisations, memberships, users without password_hash) or hidden.
WRITES = {
    'cases': 'INSERT, UPDATE',
    'case_shares': 'INSERT, DELETE',
    'case_users': 'INSERT, UPDATE',
    'case_plans': 'INSERT, UPDATE',
    'feeds': 'INSERT',
    'feed_members': 'INSERT, DELETE',
    'messages': 'INSERT',
    'attachments': 'INSERT',
    'acknowledgements': 'INSERT',
    'anchors': 'INSERT, UPDATE, DELETE',
    'contacts': 'INSERT, UPDATE, DELETE',
    'layers': 'INSERT, UPDATE, DELETE',
    'layer_data': 'INSERT, UPDATE, DELETE',
    'layer_shares': 'INSERT, DELETE',
    'layer_visibility': 'INSERT, UPDATE, DELETE',
    'audit_events': 'INSERT',
    'tombstones': 'INSERT',
    'emergency_plans': 'INSERT, UPDATE',
    'revision_counter': 'UPDATE',
}
READ_ALL = ('organisations', 'memberships', 'revision_counter', 'workspace_info',
            'jurisdiction_neighbours', 'alembic_version', 'spatial_ref_sys')
USER_COLUMNS = ('id', 'username', 'display_name', 'case_access_level', 'coordinator_label',
                'active', 'db_role', 'revision')

# Who the connected user is, and what they may see, computed without row-level security
# (SECURITY DEFINER, owned by the tables' owner) so policies never recurse. The user is found by
# the login role; under SET ROLE (an administrator checking a user's view) by that role.
FUNCTIONS = r"""
CREATE FUNCTION paragon_uid() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT id FROM users WHERE active AND db_role = CASE
        WHEN current_setting('role') = 'none' THEN session_user::text
        ELSE current_setting('role') END
$$;

CREATE FUNCTION paragon_level() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT case_access_level FROM users WHERE id = (SELECT paragon_uid())
$$;

CREATE FUNCTION paragon_my_organisations() RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT organisation_id FROM memberships WHERE user_id = (SELECT paragon_uid())
$$;

-- domain.access.can_see_case: invited users and participants; public cases through the
-- organisations they are shared with. The starter sees a new case until their own case_users
-- row exists (it is written in the same transaction, right after the case).
CREATE FUNCTION paragon_visible_cases() RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT case_id FROM case_users
    WHERE user_id = (SELECT paragon_uid()) AND (invited OR participating)
    UNION
    SELECT s.case_id FROM case_shares s JOIN cases c ON c.id = s.case_id
    WHERE c.access = 'public'
      AND s.organisation_id IN (SELECT organisation_id FROM memberships
                                WHERE user_id = (SELECT paragon_uid()))
    UNION
    SELECT c.id FROM cases c
    WHERE c.created_by_id = (SELECT paragon_uid())
      AND NOT EXISTS (SELECT 1 FROM case_users u
                      WHERE u.case_id = c.id AND u.user_id = c.created_by_id)
$$;

-- domain.access.can_see_feed: Multi for everyone in the case, other feeds for their members.
CREATE FUNCTION paragon_visible_feeds() RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH cases AS MATERIALIZED (SELECT paragon_visible_cases() AS id)
    SELECT f.id FROM feeds f WHERE f.kind = 'multi' AND f.case_id IN (SELECT id FROM cases)
    UNION ALL
    SELECT f.id FROM feed_members m JOIN feeds f ON f.id = m.feed_id
    WHERE m.user_id = (SELECT paragon_uid()) AND f.kind <> 'multi'
      AND f.case_id IN (SELECT id FROM cases)
$$;

-- domain.access.can_see_layer: personal to the owner unless shared through a feed one sees.
CREATE FUNCTION paragon_visible_layers() RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT l.id FROM layers l
    WHERE l.case_id IN (SELECT paragon_visible_cases())
      AND (l.owner_id = (SELECT paragon_uid())
           OR EXISTS (SELECT 1 FROM layer_shares s WHERE s.layer_id = l.id
                      AND s.feed_id IN (SELECT paragon_visible_feeds())))
$$;

-- Agents and coordinators write in open cases they see (domain.access.case_refusal EDIT).
CREATE FUNCTION paragon_writes_case(target integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT (SELECT paragon_level()) IN ('agent', 'coordinator')
       AND EXISTS (SELECT 1 FROM cases WHERE id = target AND status = 'open')
       AND target IN (SELECT paragon_visible_cases())
$$;

CREATE FUNCTION paragon_coordinates(target integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT (SELECT paragon_level()) = 'coordinator' AND target IN (SELECT paragon_visible_cases())
$$;

-- Writing a message: in a feed one sees, of an open case, having entered it in a crisis role.
CREATE FUNCTION paragon_writes_feed(target integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT target IN (SELECT paragon_visible_feeds())
       AND EXISTS (SELECT 1 FROM feeds f JOIN case_users u ON u.case_id = f.case_id
                   WHERE f.id = target AND u.user_id = (SELECT paragon_uid()) AND u.participating
                     AND u.crisis_role IS NOT NULL AND paragon_writes_case(f.case_id))
$$;

-- Layers: the owner or a coordinator of the case (domain.access.can_manage_layer).
CREATE FUNCTION paragon_manages_layer(target integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM layers l WHERE l.id = target
                   AND paragon_writes_case(l.case_id)
                   AND (l.owner_id = (SELECT paragon_uid()) OR (SELECT paragon_level()) = 'coordinator'))
$$;

-- A crisis role is the organisation's own or a generic one, for an organisation one is in
-- (domain.feeds.validate_role_choice).
CREATE FUNCTION paragon_role_allowed(organisation integer, role text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT role IS NULL OR (
        organisation IN (SELECT paragon_my_organisations())
        AND (lower(btrim(role)) IN ('observator', 'expert', 'vertegenwoordiger')
             OR lower(btrim(role)) IN (
                 SELECT lower(btrim(r)) FROM organisations o,
                        regexp_split_to_table(o.crisis_roles, E'\n') AS r
                 WHERE o.id = organisation)))
$$;

-- Joining a feed follows the role one entered the case with (domain.feeds.member_feed_ids):
-- the feed of one's crisis cell, of the discipline of the organisation one acts for, or a feed
-- that lists one's role. Nobody adds anyone else (the app has no such action).
CREATE FUNCTION paragon_may_join(target integer, member integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT member = (SELECT paragon_uid()) AND EXISTS (
        SELECT 1 FROM feeds f
        JOIN case_users u ON u.case_id = f.case_id AND u.user_id = member
        LEFT JOIN organisations o ON o.id = u.organisation_id
        WHERE f.id = target AND f.kind <> 'multi' AND u.participating
          AND f.case_id IN (SELECT paragon_visible_cases())
          AND ((f.cell IS NOT NULL AND lower(btrim(f.cell)) = lower(btrim(u.crisis_cell)))
               OR (f.discipline IS NOT NULL AND f.discipline = o.discipline)
               OR lower(btrim(u.crisis_role)) IN (
                   SELECT lower(btrim(r)) FROM regexp_split_to_table(f.roles, E'\n') AS r)))
$$;

-- An Astrid block index is reserved across all open cases; someone who cannot see the holding
-- case is told only its organisation (CaseAdminService._astrid_refusal).
CREATE FUNCTION paragon_astrid_holder(block text, except_case integer) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT o.name FROM cases c JOIN organisations o ON o.id = c.organisation_id
    WHERE c.status = 'open' AND c.astrid_block = block AND c.id IS DISTINCT FROM except_case
    LIMIT 1
$$;
"""

# (table, command, USING, WITH CHECK). ``x IN (SELECT f())`` is evaluated once per query (a
# hashed subplan), so a million messages cost one set of visible feeds, not a call per row.
CASES = "case_id IN (SELECT paragon_visible_cases())"
FEEDS = "feed_id IN (SELECT paragon_visible_feeds())"
LAYERS = "layer_id IN (SELECT paragon_visible_layers())"
ME = "user_id = (SELECT paragon_uid())"
WRITER = "(SELECT paragon_level()) IN ('agent', 'coordinator')"
POLICIES = [
    ('cases', 'SELECT', "id IN (SELECT paragon_visible_cases()) "
                        "OR (created_by_id = (SELECT paragon_uid()) AND status = 'open' "
                        "AND NOT EXISTS (SELECT 1 FROM case_users u WHERE u.case_id = cases.id))", None),
    ('cases', 'INSERT', None, f"created_by_id = (SELECT paragon_uid()) AND {WRITER}"),
    ('cases', 'UPDATE', f"id IN (SELECT paragon_visible_cases()) AND {WRITER}",
     f"{WRITER} AND (status = 'open' OR (SELECT paragon_level()) = 'coordinator')"),
    ('case_shares', 'SELECT', CASES, None),
    ('case_shares', 'INSERT', None, "paragon_writes_case(case_id)"),
    ('case_shares', 'DELETE', "paragon_writes_case(case_id)", None),
    ('case_users', 'SELECT', f"{CASES} OR {ME}", None),
    ('case_users', 'INSERT', None,
     f"({ME} AND paragon_role_allowed(organisation_id, crisis_role)) "
     "OR paragon_coordinates(case_id)"),
    ('case_users', 'UPDATE', f"{ME} OR paragon_coordinates(case_id)",
     f"({ME} AND paragon_role_allowed(organisation_id, crisis_role)) "
     "OR (paragon_coordinates(case_id) AND NOT participating)"),
    ('case_plans', 'SELECT', CASES, None),
    ('case_plans', 'INSERT', None, "paragon_writes_case(case_id)"),
    ('case_plans', 'UPDATE', "paragon_writes_case(case_id)", "paragon_writes_case(case_id)"),
    ('feeds', 'SELECT', CASES, None),
    ('feeds', 'INSERT', None, f"{CASES} AND (kind <> 'multi' OR paragon_writes_case(case_id))"),
    ('feed_members', 'SELECT', f"feed_id IN (SELECT id FROM feeds WHERE {CASES})", None),
    ('feed_members', 'INSERT', None, "paragon_may_join(feed_id, user_id)"),
    ('feed_members', 'DELETE',
     f"{ME} OR feed_id IN (SELECT id FROM feeds WHERE paragon_coordinates(case_id))", None),
    ('messages', 'SELECT', FEEDS, None),
    ('messages', 'INSERT', None, f"author_id = (SELECT paragon_uid()) "
                                 "AND paragon_writes_feed(feed_id)"),
    # History is never edited; the one change allowed is detaching a layer being removed.
    ('messages', 'UPDATE', "paragon_manages_layer(layer_id)", "layer_id IS NULL"),
    # Correlated EXISTS on indexed columns: ``message_id IN (SELECT id FROM messages)`` hashed
    # every visible message (a million: 350 ms) for one attachment.
    ('attachments', 'SELECT',
     "EXISTS (SELECT 1 FROM messages m WHERE m.id = attachments.message_id) OR EXISTS "
     "(SELECT 1 FROM messages m WHERE m.copy_of_id = attachments.message_id)", None),
    ('attachments', 'INSERT', None,
     "EXISTS (SELECT 1 FROM messages m WHERE m.id = attachments.message_id "
     "AND m.author_id = (SELECT paragon_uid()))"),
    ('acknowledgements', 'SELECT',
     "EXISTS (SELECT 1 FROM messages m WHERE m.id = acknowledgements.message_id)", None),
    ('acknowledgements', 'INSERT', None,
     f"{ME} AND EXISTS (SELECT 1 FROM messages m WHERE m.id = acknowledgements.message_id)"),
    ('anchors', 'SELECT', f"case_id IS NULL OR {CASES}", None),
    ('anchors', 'INSERT', None,
     "CASE WHEN case_id IS NULL THEN organisation_id IN (SELECT paragon_my_organisations()) "
     f"AND {WRITER} ELSE paragon_writes_case(case_id) END"),
    ('anchors', 'UPDATE',
     "CASE WHEN case_id IS NULL THEN organisation_id IN (SELECT paragon_my_organisations()) "
     f"AND {WRITER} ELSE paragon_writes_case(case_id) END", None),
    ('anchors', 'DELETE',
     "CASE WHEN case_id IS NULL THEN organisation_id IN (SELECT paragon_my_organisations()) "
     f"AND {WRITER} ELSE paragon_writes_case(case_id) END", None),
    ('contacts', 'SELECT', f"case_id IS NULL OR {CASES}", None),
    ('contacts', 'INSERT', None,
     "CASE WHEN case_id IS NULL THEN EXISTS (SELECT 1 FROM memberships m WHERE "
     "m.user_id = (SELECT paragon_uid()) AND m.management_roles LIKE '%contact_manager%') "
     "ELSE paragon_writes_case(case_id) END"),
    ('contacts', 'UPDATE',
     "CASE WHEN case_id IS NULL THEN EXISTS (SELECT 1 FROM memberships m WHERE "
     "m.user_id = (SELECT paragon_uid()) AND m.management_roles LIKE '%contact_manager%') "
     "ELSE paragon_writes_case(case_id) END", None),
    ('contacts', 'DELETE',
     "CASE WHEN case_id IS NULL THEN EXISTS (SELECT 1 FROM memberships m WHERE "
     "m.user_id = (SELECT paragon_uid()) AND m.management_roles LIKE '%contact_manager%') "
     "ELSE paragon_writes_case(case_id) END", None),
    ('layers', 'SELECT', "id IN (SELECT paragon_visible_layers()) "
                         f"OR (owner_id = (SELECT paragon_uid()) AND {CASES})", None),
    ('layers', 'INSERT', None, "owner_id = (SELECT paragon_uid()) AND paragon_writes_case(case_id)"),
    ('layers', 'UPDATE', "paragon_manages_layer(id)", "paragon_writes_case(case_id)"),
    ('layers', 'DELETE', "paragon_manages_layer(id)", None),
    ('layer_data', 'SELECT', LAYERS, None),
    ('layer_data', 'INSERT', None, "paragon_manages_layer(layer_id)"),
    ('layer_data', 'UPDATE', "paragon_manages_layer(layer_id)", None),
    ('layer_data', 'DELETE', "paragon_manages_layer(layer_id)", None),
    ('layer_features', 'SELECT', LAYERS, None),
    ('layer_shares', 'SELECT', LAYERS, None),
    ('layer_shares', 'INSERT', None, f"paragon_manages_layer(layer_id) AND {FEEDS}"),
    ('layer_shares', 'DELETE', "paragon_manages_layer(layer_id)", None),
    ('layer_visibility', 'SELECT', ME, None),
    ('layer_visibility', 'INSERT', None, f"{ME} AND {LAYERS}"),
    ('layer_visibility', 'UPDATE', ME, None),
    ('layer_visibility', 'DELETE', f"{ME} OR paragon_manages_layer(layer_id)", None),
    ('audit_events', 'SELECT',
     f"{ME} OR ((SELECT paragon_level()) = 'coordinator' AND {CASES})", None),
    ('audit_events', 'INSERT', None, ME),
    ('tombstones', 'SELECT', f"case_id IS NULL OR {CASES}", None),
    ('tombstones', 'INSERT', None, f"case_id IS NULL OR {CASES}"),
    # DOMAIN.md, Emergency plans: drafts only for the responsible organisation; approving
    # needs a plan manager of that organisation.
    ('emergency_plans', 'SELECT',
     "status = 'approved' OR organisation_id IN (SELECT paragon_my_organisations())", None),
    ('emergency_plans', 'INSERT', None,
     "organisation_id IN (SELECT paragon_my_organisations()) AND updated_by_id = "
     "(SELECT paragon_uid()) AND (status = 'draft' OR EXISTS (SELECT 1 FROM memberships m "
     "WHERE m.user_id = (SELECT paragon_uid()) AND m.organisation_id = emergency_plans."
     "organisation_id AND m.management_roles LIKE '%plan_manager%'))"),
    ('emergency_plans', 'UPDATE', "organisation_id IN (SELECT paragon_my_organisations())",
     "organisation_id IN (SELECT paragon_my_organisations()) AND updated_by_id = "
     "(SELECT paragon_uid()) AND (status = 'draft' OR EXISTS (SELECT 1 FROM memberships m "
     "WHERE m.user_id = (SELECT paragon_uid()) AND m.organisation_id = emergency_plans."
     "organisation_id AND m.management_roles LIKE '%plan_manager%'))"),
]


def _postgresql() -> None:
    # Geometry columns for QGIS, kept by triggers from the GeoJSON the app writes (as the
    # jurisdictions since 0003), with spatial indexes.
    for table, source, column in (('cases', 'location_geojson', 'location_geom'),
                                  ('anchors', 'geometry_geojson', 'geom')):
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} geometry(Geometry, 4326)")
        op.execute(f"""
            CREATE FUNCTION paragon_{table}_geom() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.{column} := ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(NEW.{source})), 4326);
                RETURN NEW;
            END $$""")
        op.execute(f"""
            CREATE TRIGGER {table}_geom BEFORE INSERT OR UPDATE OF {source} ON {table}
            FOR EACH ROW EXECUTE FUNCTION paragon_{table}_geom()""")
        op.execute(f"UPDATE {table} SET {source} = {source}")
        op.execute(f"CREATE INDEX ix_{table}_{column} ON {table} USING gist ({column})")
    # One row per feature of every layer, with its properties: what QGIS opens.
    op.execute("""
        CREATE TABLE layer_features (
            id bigserial PRIMARY KEY,
            layer_id integer NOT NULL REFERENCES layers (id) ON DELETE CASCADE,
            feature_index integer NOT NULL,
            properties jsonb NOT NULL,
            geom geometry(Geometry, 4326) NOT NULL)""")
    op.execute("CREATE INDEX ix_layer_features_layer_id ON layer_features (layer_id)")
    op.execute("CREATE INDEX ix_layer_features_geom ON layer_features USING gist (geom)")
    op.execute("""
        CREATE FUNCTION paragon_layer_features() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        BEGIN
            DELETE FROM layer_features WHERE layer_id = NEW.layer_id;
            INSERT INTO layer_features (layer_id, feature_index, properties, geom)
            SELECT NEW.layer_id, f.ordinality - 1,
                   coalesce(f.value -> 'properties', '{}'::jsonb) - '_style',
                   ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(f.value -> 'geometry')), 4326)
            FROM jsonb_array_elements(NEW.geojson::jsonb -> 'features') WITH ORDINALITY AS f
            WHERE jsonb_typeof(f.value -> 'geometry') = 'object';
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER layer_data_features AFTER INSERT OR UPDATE OF geojson ON layer_data
        FOR EACH ROW EXECUTE FUNCTION paragon_layer_features()""")
    op.execute("UPDATE layer_data SET geojson = geojson")

    # Removing a layer takes along what other users hold of it (their ticks, shares in feeds
    # the remover is not in, messages that announced it), which row-level security hides.
    for table, action in (('layer_data', 'CASCADE'), ('layer_shares', 'CASCADE'),
                          ('layer_visibility', 'CASCADE'), ('messages', 'SET NULL')):
        name = f"fk_{table}_layer_id_layers"
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY (layer_id) "
                   f"REFERENCES layers (id) ON DELETE {action}")

    # Live updates: every committed write bumps the counter; NOTIFY is delivered at commit.
    op.execute("""
        CREATE FUNCTION paragon_notify_revision() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('paragon_changes', NEW.value::text);
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER revision_counter_notify AFTER UPDATE ON revision_counter
        FOR EACH ROW EXECUTE FUNCTION paragon_notify_revision()""")

    # The app's group role and what it may touch.
    op.execute(f"""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
            END IF;
        END $$""")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT SELECT ({', '.join(USER_COLUMNS)}) ON users TO {APP_ROLE}")
    for table in READ_ALL:
        op.execute(f"GRANT SELECT ON {table} TO {APP_ROLE}")
    for table, privileges in WRITES.items():
        op.execute(f"GRANT SELECT, {privileges} ON {table} TO {APP_ROLE}")
    op.execute(f"GRANT SELECT ON layer_features TO {APP_ROLE}")
    op.execute(f"GRANT UPDATE (layer_id, revision) ON messages TO {APP_ROLE}")
    op.execute(FUNCTIONS)
    for table in {*WRITES, 'layer_features'} - {'revision_counter'}:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for table, command, using, check in POLICIES:
        clauses = f" USING ({using})" if using else ""
        clauses += f" WITH CHECK ({check})" if check else ""
        op.execute(f"CREATE POLICY paragon_{command.lower()} ON {table} FOR {command} "
                   f"TO {APP_ROLE}{clauses}")


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('db_role', sa.String(length=63), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_db_role'), ['db_role'])
    op.create_table(
        'emergency_plans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('key_anchor_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['key_anchor_id'], ['anchors.id'],
                                name=op.f('fk_emergency_plans_key_anchor_id_anchors')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_emergency_plans_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_emergency_plans_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_plans')),
    )
    op.create_index(op.f('ix_emergency_plans_organisation_id'), 'emergency_plans',
                    ['organisation_id'])
    op.create_index(op.f('ix_emergency_plans_revision'), 'emergency_plans', ['revision'])
    op.create_index(op.f('ix_case_shares_organisation_id'), 'case_shares', ['organisation_id'])
    op.create_index(op.f('ix_cases_created_by_id'), 'cases', ['created_by_id'])
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql()


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        for table in {*WRITES, 'layer_features'} - {'revision_counter'}:
            for command in ('select', 'insert', 'update', 'delete'):
                op.execute(f"DROP POLICY IF EXISTS paragon_{command} ON {table}")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE}")
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {APP_ROLE}")
        op.execute(f"REVOKE ALL ON SCHEMA public FROM {APP_ROLE}")
        for name in ('paragon_astrid_holder(text, integer)', 'paragon_may_join(integer, integer)', 'paragon_role_allowed(integer, text)',
                     'paragon_manages_layer(integer)', 'paragon_writes_feed(integer)',
                     'paragon_coordinates(integer)', 'paragon_writes_case(integer)',
                     'paragon_visible_layers()', 'paragon_visible_feeds()',
                     'paragon_visible_cases()', 'paragon_my_organisations()',
                     'paragon_level()', 'paragon_uid()'):
            op.execute(f"DROP FUNCTION {name}")
        op.execute("DROP TRIGGER revision_counter_notify ON revision_counter")
        op.execute("DROP FUNCTION paragon_notify_revision()")
        op.execute("DROP TABLE layer_features")
        op.execute("DROP FUNCTION paragon_layer_features()")
        for table, column in (('cases', 'location_geom'), ('anchors', 'geom')):
            op.execute(f"DROP TRIGGER {table}_geom ON {table}")
            op.execute(f"DROP FUNCTION paragon_{table}_geom()")
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.drop_index(op.f('ix_cases_created_by_id'), table_name='cases')
    op.drop_index(op.f('ix_case_shares_organisation_id'), table_name='case_shares')
    op.drop_index(op.f('ix_emergency_plans_revision'), table_name='emergency_plans')
    op.drop_index(op.f('ix_emergency_plans_organisation_id'), table_name='emergency_plans')
    op.drop_table('emergency_plans')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_db_role'), type_='unique')
        batch_op.drop_column('db_role')
