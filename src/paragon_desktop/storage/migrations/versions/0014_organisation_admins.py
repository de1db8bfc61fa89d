"""organisation admins manage their users: link, unlink, create, roles, access level, deactivate
(DOMAIN.md, People and organisations; original §2)

Until now users were made only by the database owner (``db create-user``) and their roles
were stored but nothing let an organisation admin change them.

- ``admin_events``: who did what to whose account, in which organisation, when; written by
  the server on PostgreSQL (by the app on SQLite), never by a user.

On PostgreSQL a login role has no right on ``users`` or ``memberships`` beyond reading; an
organisation admin acts through these functions (SECURITY DEFINER, owned by the tables' owner,
which needs CREATEROLE as for ``db create-user``), each checking the caller is an admin of the
organisation concerned:
- ``paragon_admin_link(user, org)`` / ``paragon_admin_unlink(user, org)``;
- ``paragon_admin_set_roles(user, org, roles)``: organisation admin, contact manager,
  emergency-plan manager;
- ``paragon_admin_set_level(user, level, label)``: the case access level, and the label a
  coordinator carries; for a user of one of the caller's organisations;
- ``paragon_admin_set_active(user, active)``: deactivate (the login role may no longer log in,
  and the server no longer knows it as a user, which ends its open sessions' access) or
  reactivate; never oneself;
- ``paragon_admin_create_user(username, name, level, label, org, verifier)``: a new user with
  their own login role (NOSUPERUSER NOCREATEDB NOCREATEROLE, member of paragon_user only),
  the password given as a SCRAM verifier computed by the client (it never travels in clear).
Nobody gets CREATEROLE.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

APP_ROLE = 'paragon_user'
ROLES = ('org_admin', 'contact_manager', 'plan_manager')
LEVELS = ('read_only', 'agent', 'coordinator')

FUNCTIONS = rf"""
CREATE FUNCTION paragon_admin_of(org integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = (SELECT paragon_uid())
                   AND m.organisation_id = org
                   AND ' ' || m.management_roles || ' ' LIKE '% org_admin %')
$$;

-- The caller administers an organisation the target user belongs to.
CREATE FUNCTION paragon_admin_of_user(target integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = target
                   AND paragon_admin_of(m.organisation_id))
$$;

CREATE FUNCTION paragon_admin_check(allowed boolean) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer := paragon_me();
BEGIN
    IF NOT coalesce(allowed, false) THEN
        PERFORM paragon_refuse('only an admin of the organisation manages its users');
    END IF;
    RETURN me;
END $$;

CREATE FUNCTION paragon_admin_log(me integer, org integer, target integer, what text,
                                  detail text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    INSERT INTO admin_events (at, actor_id, organisation_id, target_user_id, action, detail)
    VALUES (now(), me, org, target, what, coalesce(detail, ''))
$$;

CREATE FUNCTION paragon_admin_link(target integer, org integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer := paragon_admin_check(paragon_admin_of(org));
BEGIN
    IF NOT EXISTS (SELECT 1 FROM users WHERE id = target) THEN
        PERFORM paragon_refuse('no such user');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM memberships WHERE user_id = target AND organisation_id = org) THEN
        INSERT INTO memberships (user_id, organisation_id, management_roles, revision)
        VALUES (target, org, '', 0);
        PERFORM paragon_admin_log(me, org, target, 'linked', NULL);
    END IF;
END $$;

CREATE FUNCTION paragon_admin_unlink(target integer, org integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer := paragon_admin_check(paragon_admin_of(org));
BEGIN
    DELETE FROM memberships WHERE user_id = target AND organisation_id = org;
    IF FOUND THEN
        PERFORM paragon_admin_log(me, org, target, 'unlinked', NULL);
    END IF;
END $$;

CREATE FUNCTION paragon_admin_set_roles(target integer, org integer, roles text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer := paragon_admin_check(paragon_admin_of(org));
DECLARE clean text;
BEGIN
    IF EXISTS (SELECT 1 FROM unnest(string_to_array(btrim(roles), ' ')) r
               WHERE r <> '' AND r NOT IN {ROLES!r}) THEN
        PERFORM paragon_refuse('a management role is org_admin, contact_manager or plan_manager');
    END IF;
    clean := array_to_string(ARRAY(SELECT r FROM unnest(ARRAY{list(ROLES)!r}) WITH ORDINALITY AS t(r, n)
                                   WHERE r = ANY (string_to_array(roles, ' ')) ORDER BY n), ' ');
    UPDATE memberships SET management_roles = clean
    WHERE user_id = target AND organisation_id = org AND management_roles <> clean;
    IF FOUND THEN
        PERFORM paragon_admin_log(me, org, target, 'roles', clean);
    ELSIF NOT EXISTS (SELECT 1 FROM memberships WHERE user_id = target AND organisation_id = org) THEN
        PERFORM paragon_refuse('the user is not linked to this organisation');
    END IF;
END $$;

CREATE FUNCTION paragon_admin_set_level(target integer, level text, label text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer := paragon_admin_check(paragon_admin_of_user(target));
DECLARE clean text := nullif(btrim(regexp_replace(coalesce(label, ''), '\s+', ' ', 'g')), '');
BEGIN
    IF level NOT IN {LEVELS!r} THEN
        PERFORM paragon_refuse('the case access level is read_only, agent or coordinator');
    END IF;
    IF level <> 'coordinator' THEN
        clean := NULL;
    ELSIF clean IS NULL OR char_length(clean) > 100 THEN
        PERFORM paragon_refuse('a coordinator carries a label of at most 100 characters');
    END IF;
    UPDATE users SET case_access_level = level, coordinator_label = clean
    WHERE id = target AND (case_access_level, coordinator_label) IS DISTINCT FROM (level, clean);
    IF FOUND THEN
        PERFORM paragon_admin_log(me, NULL, target, 'level', level);
    END IF;
END $$;

CREATE FUNCTION paragon_admin_set_active(target integer, active_now boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer := paragon_admin_check(paragon_admin_of_user(target));
DECLARE login text;
BEGIN
    IF target = me THEN
        PERFORM paragon_refuse('nobody deactivates their own account');
    END IF;
    SELECT db_role INTO login FROM users WHERE id = target;
    -- Only a user's own login role, a member of the app role: never the owner or a superuser.
    IF login IS NOT NULL AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login
                                     AND NOT rolsuper AND NOT rolcreaterole
                                     AND pg_has_role(oid, '{APP_ROLE}', 'MEMBER')) THEN
        EXECUTE format('ALTER ROLE %I %s', login, CASE WHEN active_now THEN 'LOGIN' ELSE 'NOLOGIN' END);
    END IF;
    UPDATE users SET active = active_now WHERE id = target AND active <> active_now;
    IF FOUND THEN
        PERFORM paragon_admin_log(me, NULL, target,
                                  CASE WHEN active_now THEN 'reactivated' ELSE 'deactivated' END, NULL);
    END IF;
END $$;

CREATE FUNCTION paragon_admin_create_user(username text, display_name text, level text,
                                          label text, org integer, verifier text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer := paragon_admin_check(paragon_admin_of(org));
DECLARE made integer;
BEGIN
    IF username !~ '^[a-z][a-z0-9._-]{{1,62}}$' THEN
        PERFORM paragon_refuse('a user name is 2-63 lower-case letters, digits, ., _ or -');
    END IF;
    IF btrim(display_name) = '' OR char_length(display_name) > 200 THEN
        PERFORM paragon_refuse('a user needs a full name of at most 200 characters');
    END IF;
    IF verifier !~ '^SCRAM-SHA-256\$' THEN
        PERFORM paragon_refuse('the password arrives as a SCRAM verifier');
    END IF;
    IF EXISTS (SELECT 1 FROM users u WHERE u.username = paragon_admin_create_user.username)
       OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = paragon_admin_create_user.username) THEN
        PERFORM paragon_refuse('that user name is taken on this server');
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L',
                   username, verifier);
    EXECUTE format('GRANT {APP_ROLE} TO %I', username);
    INSERT INTO users (username, display_name, password_hash, case_access_level,
                       coordinator_label, active, db_role, revision)
    VALUES (username, btrim(display_name), '!login-role', 'read_only', NULL, true, username, 0)
    RETURNING id INTO made;
    INSERT INTO memberships (user_id, organisation_id, management_roles, revision)
    VALUES (made, org, '', 0);
    PERFORM paragon_admin_log(me, org, made, 'created', username);
    PERFORM paragon_admin_set_level(made, level, label);
    RETURN made;
END $$;
"""
CALLABLE = ('paragon_admin_link(integer, integer)', 'paragon_admin_unlink(integer, integer)',
            'paragon_admin_set_roles(integer, integer, text)',
            'paragon_admin_set_level(integer, text, text)',
            'paragon_admin_set_active(integer, boolean)',
            'paragon_admin_create_user(text, text, text, text, integer, text)',
            'paragon_admin_of(integer)')
INTERNAL = ('paragon_admin_of_user(integer)', 'paragon_admin_check(boolean)',
            'paragon_admin_log(integer, integer, integer, text, text)')


def upgrade() -> None:
    op.create_table(
        'admin_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('target_user_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(32), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False, server_default=''),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                                name=op.f('fk_admin_events_actor_id_users')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_admin_events_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['target_user_id'], ['users.id'],
                                name=op.f('fk_admin_events_target_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_events')),
    )
    op.create_index(op.f('ix_admin_events_target_user_id'), 'admin_events', ['target_user_id'])
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(FUNCTIONS)
    for signature in CALLABLE + INTERNAL:
        op.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")
    for signature in CALLABLE:
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {APP_ROLE}")
    # Admins read what happened to the accounts of their organisations' users.
    op.execute("ALTER TABLE admin_events ENABLE ROW LEVEL SECURITY")
    op.execute(f"GRANT SELECT ON admin_events TO {APP_ROLE}")
    op.execute(f"CREATE POLICY paragon_select ON admin_events FOR SELECT TO {APP_ROLE} "
               "USING (paragon_admin_of(organisation_id) OR "
               "EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = target_user_id "
               "AND paragon_admin_of(m.organisation_id)))")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        raise NotImplementedError(
            "Migration 0014 is not undone on PostgreSQL: restore a backup taken before it.")
    op.drop_table('admin_events')
