"""Emergency plans as the rule book has them (DOMAIN.md, Emergency plans; original §3)

Until now a plan was a title, an organisation, a key anchor and a status, and the shared
server's policies disagreed with §3: a plan manager could insert a plan directly as approved
without a letter, an edit could keep a plan approved, and the key anchor was not checked.

Tables and columns:
- ``emergency_plans``: its kind and the parts its title is built from (``name_json``), who made
  it and when, the last approval (who, when), ``content_version`` (raised by every change of
  content: title, key anchor, document, elements), when the content last changed, and
  ``small_change`` (the plan manager marked the last change small: a typo, a phone number).
- ``plan_documents``: the plan's PDF in versions and its approval letters, stored in the
  database (both backends), with size and SHA-256.
- ``plan_elements``: the anchors, contacts and organisations a plan relies on (removed ones keep
  their row with ``removed_at``).
- ``plan_history``: created, edited, small change, approved, back to draft; on PostgreSQL
  written by the server itself for every write, never by a user.
- ``case_plans``: the plan activated, the version (its content's date) and who activated it.

On PostgreSQL, for login roles (``paragon_check_emergency_plans`` replaced, and new checks):
- only a plan manager of the responsible organisation writes a plan, its documents and elements;
- a new plan is a draft; the title follows its kind's naming convention; the key anchor is an
  existing organisation anchor within the responsible organisation's jurisdiction (§3.1: "moet
  al bestaan in de databank en binnen de bevoegdheid liggen"; 10 m to spare, as 0010);
- a change of content sends an approved plan back to draft unless marked small; a document or
  element comes with a change of the plan's content in the same transaction;
- approving needs an approval letter uploaded since the last change of content;
- who, when, sizes and checksums are stamped by the server; documents are PDFs of at most 50 MB;
- a plan is activated only in an open case by one who writes in it; what it loads into the
  case is written as ordinary case rows (their own checks apply), organisations shared with the
  reason "plan" only when they are elements of a plan activated in this transaction.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

APP_ROLE = 'paragon_user'
TOLERANCE_M = 10  # as 0010: room for a drawn edge
DOCUMENT_MAX_BYTES = 50_000_000
KINDS = ('anip', 'bnip', 'mono', 'internal', 'national')
NATIONAL_TITLES = (
    "Noodplan Nationaal - Plan d''Urgence Nationale",
    "Nucleair Noodplan Nationaal - Plan d''Urgence Nucléaire Nationale",
)
# The naming convention's form per kind (domain.plans.TITLE_PATTERNS, in SQL).
TITLE_CHECK = (
    "CASE kind "
    "WHEN 'anip' THEN title ~ '^ANIP \\S.*$' "
    "WHEN 'bnip' THEN title ~ '^BNIP \\S+ \\S.*$' "
    "WHEN 'mono' THEN title ~ '^[A-Z]{2,6} \\S.*$' "
    "WHEN 'internal' THEN title ~ '^Intern noodplan \\S+ \\S.*$' "
    f"WHEN 'national' THEN title IN ('{NATIONAL_TITLES[0]}', '{NATIONAL_TITLES[1]}') "
    "ELSE false END "
    "AND title = regexp_replace(btrim(title), '\\s+', ' ', 'g')"
)

FUNCTIONS = f"""
CREATE FUNCTION paragon_manages_plans(org integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT org IS NOT NULL AND EXISTS (
        SELECT 1 FROM memberships m WHERE m.user_id = (SELECT paragon_uid())
        AND m.organisation_id = org
        AND 'plan_manager' = ANY (string_to_array(m.management_roles, ' ')))
$$;

CREATE FUNCTION paragon_manages_plan(plan integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT paragon_manages_plans((SELECT organisation_id FROM emergency_plans WHERE id = plan))
$$;

CREATE FUNCTION paragon_sees_plan(plan integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM emergency_plans p WHERE p.id = plan
                   AND (p.status = 'approved'
                        OR p.organisation_id IN (SELECT paragon_my_organisations())))
$$;

CREATE OR REPLACE FUNCTION paragon_check_emergency_plans() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer; now_ timestamptz; content boolean; shape text; area text;
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    me := paragon_me();
    now_ := paragon_txn_time();
    IF NOT paragon_manages_plans(NEW.organisation_id) THEN
        PERFORM paragon_refuse('only a plan manager of the responsible organisation writes its plans');
    END IF;
    IF NOT (NEW.kind IN {KINDS!r} AND {TITLE_CHECK.replace('kind', 'NEW.kind', 1).replace('title', 'NEW.title')}) THEN
        PERFORM paragon_refuse('a plan title follows the naming convention of its kind');
    END IF;
    IF TG_OP = 'INSERT' OR NEW.key_anchor_id IS DISTINCT FROM OLD.key_anchor_id THEN
        SELECT geometry_geojson INTO shape FROM anchors WHERE id = NEW.key_anchor_id AND case_id IS NULL;
        IF shape IS NULL THEN
            PERFORM paragon_refuse('a plan''s key anchor is an existing anchor of an organisation');
        END IF;
        SELECT jurisdiction_geojson INTO area FROM organisations WHERE id = NEW.organisation_id;
        IF area IS NOT NULL AND NOT ST_CoveredBy(
                ST_SetSRID(ST_GeomFromGeoJSON(shape), 4326),
                ST_Buffer(ST_SetSRID(ST_GeomFromGeoJSON(area), 4326)::geography, {TOLERANCE_M})::geometry) THEN
            PERFORM paragon_refuse('a plan''s key anchor lies within the responsible organisation''s jurisdiction');
        END IF;
    END IF;
    NEW.updated_by_id := me;
    NEW.updated_at := now_;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' THEN
            PERFORM paragon_refuse('a new plan starts as a draft');
        END IF;
        NEW.created_by_id := me;
        NEW.created_at := now_;
        NEW.changed_at := now_;
        NEW.changed_revision := NEW.revision;
        NEW.content_version := 1;
        NEW.approved_at := NULL;
        NEW.approved_by_id := NULL;
        NEW.small_change := false;
        RETURN NEW;
    END IF;
    IF NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.created_by_id IS DISTINCT FROM OLD.created_by_id THEN
        PERFORM paragon_refuse('when and by whom a plan was made is the server''s');
    END IF;
    content := NEW.title IS DISTINCT FROM OLD.title OR NEW.kind IS DISTINCT FROM OLD.kind
        OR NEW.key_anchor_id IS DISTINCT FROM OLD.key_anchor_id
        OR NEW.name_json IS DISTINCT FROM OLD.name_json
        OR NEW.content_version IS DISTINCT FROM OLD.content_version;
    IF content THEN
        NEW.content_version := OLD.content_version + 1;
        NEW.changed_at := now_;
        NEW.changed_revision := NEW.revision;
        IF NOT (OLD.status = 'approved' AND NEW.small_change) THEN
            NEW.status := 'draft';
        END IF;
    ELSE
        NEW.changed_at := OLD.changed_at;
        NEW.changed_revision := OLD.changed_revision;
        NEW.small_change := OLD.small_change;
    END IF;
    IF NEW.status = 'approved' AND OLD.status <> 'approved' THEN
        IF NOT EXISTS (SELECT 1 FROM plan_documents WHERE plan_id = NEW.id AND kind = 'letter'
                       AND uploaded_at >= NEW.changed_at) THEN
            PERFORM paragon_refuse('a plan is approved with an approval letter attached after its last change');
        END IF;
        NEW.approved_at := now_;
        NEW.approved_by_id := me;
    ELSIF NEW.status = 'draft' THEN
        NEW.approved_at := NULL;
        NEW.approved_by_id := NULL;
    ELSE
        NEW.approved_at := OLD.approved_at;
        NEW.approved_by_id := OLD.approved_by_id;
    END IF;
    RETURN NEW;
END $$;

-- The plan's history, for every write (the owner's too: it names the user it stored).
CREATE FUNCTION paragon_plan_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE who integer; action text;
BEGIN
    who := CASE WHEN paragon_trusted() THEN NEW.updated_by_id ELSE paragon_uid() END;
    IF TG_OP = 'INSERT' THEN
        action := 'created';
    ELSIF NEW.status = 'approved' AND OLD.status <> 'approved' THEN
        action := 'approved';
    ELSIF NEW.content_version IS DISTINCT FROM OLD.content_version THEN
        action := CASE WHEN OLD.status = 'approved' AND NEW.status = 'draft' THEN 'back_to_draft'
                       WHEN NEW.status = 'approved' THEN 'small_change' ELSE 'edited' END;
    ELSIF NEW.status = 'draft' AND OLD.status = 'approved' THEN
        action := 'back_to_draft';
    ELSE
        RETURN NULL;
    END IF;
    INSERT INTO plan_history (plan_id, at, user_id, action, detail)
    VALUES (NEW.id, coalesce(NEW.updated_at, now()), who, action, NEW.title);
    RETURN NULL;
END $$;

-- Documents: the plan's managers upload PDFs; the server says who, when, how large.
CREATE FUNCTION paragon_check_plan_documents() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    IF NOT paragon_manages_plan(NEW.plan_id) THEN
        PERFORM paragon_refuse('only a plan manager of the responsible organisation writes its plans');
    END IF;
    IF NEW.kind NOT IN ('plan', 'letter') OR NEW.data IS NULL
       OR substring(NEW.data FROM 1 FOR 5) <> '\\x255044462d'::bytea THEN
        PERFORM paragon_refuse('a plan document or approval letter is a PDF file');
    END IF;
    IF octet_length(NEW.data) > {DOCUMENT_MAX_BYTES} THEN
        PERFORM paragon_refuse('a plan document or approval letter is at most 50 MB');
    END IF;
    NEW.size := octet_length(NEW.data);
    NEW.sha256 := encode(sha256(NEW.data), 'hex');
    NEW.uploaded_by_id := paragon_me();
    NEW.uploaded_at := paragon_txn_time();
    RETURN NEW;
END $$;

CREATE FUNCTION paragon_check_plan_elements() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    IF NOT paragon_manages_plan(NEW.plan_id) THEN
        PERFORM paragon_refuse('only a plan manager of the responsible organisation writes its plans');
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF (NEW.plan_id, NEW.kind, NEW.ref_id, NEW.label) IS DISTINCT FROM (OLD.plan_id, OLD.kind, OLD.ref_id, OLD.label)
           OR OLD.removed_at IS NOT NULL OR NEW.removed_at IS NULL THEN
            PERFORM paragon_refuse('a plan element is only removed, once');
        END IF;
        NEW.removed_at := paragon_txn_time();
        RETURN NEW;
    END IF;
    IF NOT (CASE NEW.kind
        WHEN 'anchor' THEN EXISTS (SELECT 1 FROM anchors WHERE id = NEW.ref_id AND case_id IS NULL)
        WHEN 'contact' THEN EXISTS (SELECT 1 FROM contacts WHERE id = NEW.ref_id AND case_id IS NULL)
        WHEN 'organisation' THEN EXISTS (SELECT 1 FROM organisations WHERE id = NEW.ref_id)
        ELSE false END) THEN
        PERFORM paragon_refuse('a plan element is an organisation''s anchor, a contact of the directory or an organisation');
    END IF;
    NEW.added_by_id := paragon_me();
    NEW.added_at := paragon_txn_time();
    NEW.removed_at := NULL;
    RETURN NEW;
END $$;

-- At commit: a new plan version or element goes with a change of the plan's content in the
-- same transaction (which sent an approved plan back to draft, or was marked small).
CREATE FUNCTION paragon_require_plan_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF paragon_trusted() THEN RETURN NULL; END IF;
    IF NOT EXISTS (SELECT 1 FROM emergency_plans WHERE id = NEW.plan_id
                   AND changed_revision = paragon_current_revision()) THEN
        PERFORM paragon_refuse('a change to a plan''s document or elements is a change of the plan');
    END IF;
    RETURN NULL;
END $$;

-- Activating a plan in a case: an open case one writes in, a plan one sees; what the row says
-- about the plan is the server's.
CREATE FUNCTION paragon_check_case_plans() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE p emergency_plans;
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    IF NOT paragon_writes_case(NEW.case_id) OR (paragon_case_row(NEW.case_id)).status <> 'open' THEN
        PERFORM paragon_refuse('a plan is activated in an open case by one who writes in it');
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NOT (OLD.active AND NOT NEW.active) OR (NEW.plan_id, NEW.title, NEW.case_id, NEW.plan_version_at, NEW.activated_at)
               IS DISTINCT FROM (OLD.plan_id, OLD.title, OLD.case_id, OLD.plan_version_at, OLD.activated_at) THEN
            PERFORM paragon_refuse('an active plan is only deactivated');
        END IF;
        NEW.deactivated_at := paragon_txn_time();
        RETURN NEW;
    END IF;
    SELECT * INTO p FROM emergency_plans WHERE id = NEW.plan_id;
    IF p.id IS NULL OR NOT paragon_sees_plan(p.id) THEN
        PERFORM paragon_refuse('a plan is activated from the plans one may see');
    END IF;
    IF EXISTS (SELECT 1 FROM case_plans WHERE case_id = NEW.case_id AND plan_id = NEW.plan_id AND active) THEN
        PERFORM paragon_refuse('that plan is already active in this case');
    END IF;
    NEW.title := p.title;
    NEW.plan_version_at := p.changed_at;
    NEW.active := true;
    NEW.activated_at := paragon_txn_time();
    NEW.activated_by_id := paragon_me();
    NEW.deactivated_at := NULL;
    RETURN NEW;
END $$;
"""

# case_shares: an organisation loaded from a plan is shared with the reason 'plan', when it is an
# element of a plan activated in this case in this transaction.
OLD_SHARE_BRANCH = "    IF NEW.reason = 'invited' THEN\n"
NEW_SHARE_BRANCH = (
    "    IF NEW.reason = 'plan' THEN\n"
    "        IF NOT (paragon_writes_case(NEW.case_id) AND EXISTS (\n"
    "                SELECT 1 FROM case_plans cp JOIN plan_elements e ON e.plan_id = cp.plan_id\n"
    "                WHERE cp.case_id = NEW.case_id AND cp.active AND cp.revision = paragon_current_revision()\n"
    "                AND e.kind = 'organisation' AND e.ref_id = NEW.organisation_id AND e.removed_at IS NULL)) THEN\n"
    "            PERFORM paragon_refuse('an organisation is shared for a plan when it is one of the plan''s elements');\n"
    "        END IF;\n"
    "    ELSIF NEW.reason = 'invited' THEN\n")


# A case's audit entry matches a change of the case in the transaction: activating or
# deactivating a plan is one.
OLD_WRITTEN = ("        OR EXISTS (SELECT 1 FROM tombstones, rev WHERE case_id = target "
               "AND revision = rev.r)\n")
NEW_WRITTEN = OLD_WRITTEN + ("        OR EXISTS (SELECT 1 FROM case_plans, rev WHERE case_id = "
                             "target AND revision = rev.r)\n")


def _from_0006(function: str, old: str, new: str) -> str:
    """One of 0006's functions as released, with one part changed (released migrations are
    never edited; this one replaces the function)."""
    path = Path(__file__).with_name('0006_server_write_path.py')
    spec = importlib.util.spec_from_file_location('paragon_migration_0006', path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = re.search(r'CREATE FUNCTION ' + re.escape(function) + r'\(.*?(END \$\$;|\n\$\$;)',
                      module.FUNCTIONS, re.DOTALL)
    assert found is not None and found.group(0).count(old) == 1, function
    return (found.group(0).replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION', 1)
            .replace(old, new))


def _tables() -> None:
    with op.batch_alter_table('emergency_plans') as batch:
        batch.add_column(sa.Column('kind', sa.String(16), nullable=False, server_default='anip'))
        batch.add_column(sa.Column('name_json', sa.Text(), nullable=False, server_default='{}'))
        batch.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('approved_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('content_version', sa.Integer(), nullable=False,
                                   server_default='1'))
        batch.add_column(sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('changed_revision', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('small_change', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.create_foreign_key(op.f('fk_emergency_plans_created_by_id_users'), 'users',
                                 ['created_by_id'], ['id'])
        batch.create_foreign_key(op.f('fk_emergency_plans_approved_by_id_users'), 'users',
                                 ['approved_by_id'], ['id'])
    op.create_table(
        'plan_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(8), nullable=False),
        sa.Column('filename', sa.String(300), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['emergency_plans.id'], ondelete='CASCADE',
                                name=op.f('fk_plan_documents_plan_id_emergency_plans')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name=op.f('fk_plan_documents_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_documents')),
    )
    op.create_index(op.f('ix_plan_documents_plan_id'), 'plan_documents', ['plan_id'])
    op.create_table(
        'plan_elements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('ref_id', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(300), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=False),
        sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['plan_id'], ['emergency_plans.id'], ondelete='CASCADE',
                                name=op.f('fk_plan_elements_plan_id_emergency_plans')),
        sa.ForeignKeyConstraint(['added_by_id'], ['users.id'],
                                name=op.f('fk_plan_elements_added_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_elements')),
    )
    op.create_index(op.f('ix_plan_elements_plan_id'), 'plan_elements', ['plan_id'])
    op.create_table(
        'plan_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(32), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False, server_default=''),
        sa.ForeignKeyConstraint(['plan_id'], ['emergency_plans.id'], ondelete='CASCADE',
                                name=op.f('fk_plan_history_plan_id_emergency_plans')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_plan_history_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_history')),
    )
    op.create_index(op.f('ix_plan_history_plan_id'), 'plan_history', ['plan_id'])
    with op.batch_alter_table('case_plans') as batch:
        batch.add_column(sa.Column('plan_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('plan_version_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('activated_by_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_case_plans_plan_id_emergency_plans'),
                                 'emergency_plans', ['plan_id'], ['id'])
        batch.create_foreign_key(op.f('fk_case_plans_activated_by_id_users'), 'users',
                                 ['activated_by_id'], ['id'])


def _postgresql() -> None:
    op.execute(FUNCTIONS)
    op.execute(_from_0006('paragon_check_case_shares', OLD_SHARE_BRANCH, NEW_SHARE_BRANCH))
    op.execute(_from_0006('paragon_case_written_now', OLD_WRITTEN, NEW_WRITTEN))
    for signature in ('paragon_manages_plans(integer)', 'paragon_manages_plan(integer)',
                      'paragon_sees_plan(integer)', 'paragon_plan_history()',
                      'paragon_check_plan_documents()', 'paragon_check_plan_elements()',
                      'paragon_require_plan_change()', 'paragon_check_case_plans()'):
        op.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")
    for signature in ('paragon_manages_plans(integer)', 'paragon_manages_plan(integer)',
                      'paragon_sees_plan(integer)'):
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {APP_ROLE}")
    op.execute("CREATE TRIGGER z_history AFTER INSERT OR UPDATE ON emergency_plans "
               "FOR EACH ROW EXECUTE FUNCTION paragon_plan_history()")
    op.execute("CREATE TRIGGER b_check BEFORE INSERT ON plan_documents "
               "FOR EACH ROW EXECUTE FUNCTION paragon_check_plan_documents()")
    op.execute("CREATE TRIGGER b_check BEFORE INSERT OR UPDATE ON plan_elements "
               "FOR EACH ROW EXECUTE FUNCTION paragon_check_plan_elements()")
    op.execute("CREATE CONSTRAINT TRIGGER plan_changed AFTER INSERT ON plan_documents "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.kind = 'plan') "
               "EXECUTE FUNCTION paragon_require_plan_change()")
    op.execute("CREATE CONSTRAINT TRIGGER plan_changed AFTER INSERT OR UPDATE ON plan_elements "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
               "EXECUTE FUNCTION paragon_require_plan_change()")
    op.execute("CREATE TRIGGER b_check BEFORE INSERT OR UPDATE ON case_plans "
               "FOR EACH ROW EXECUTE FUNCTION paragon_check_case_plans()")
    # Privileges: reading through the policies below; writing what the app writes.
    for table in ('plan_documents', 'plan_elements', 'plan_history'):
        op.execute(f"GRANT SELECT ON {table} TO {APP_ROLE}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY paragon_select ON {table} FOR SELECT TO {APP_ROLE} "
                   "USING (paragon_sees_plan(plan_id))")
    for table in ('plan_documents', 'plan_elements'):
        op.execute(f"GRANT INSERT ON {table} TO {APP_ROLE}")
        op.execute(f"GRANT USAGE ON SEQUENCE {table}_id_seq TO {APP_ROLE}")
        op.execute(f"CREATE POLICY paragon_insert ON {table} FOR INSERT TO {APP_ROLE} "
                   "WITH CHECK (paragon_manages_plan(plan_id))")
    op.execute(f"GRANT UPDATE (removed_at) ON plan_elements TO {APP_ROLE}")
    op.execute(f"CREATE POLICY paragon_update ON plan_elements FOR UPDATE TO {APP_ROLE} "
               "USING (paragon_manages_plan(plan_id))")
    # The stamped columns too: the app writes the same on every backend, the server's trigger
    # puts its own values in.
    op.execute(f"GRANT UPDATE (kind, name_json, content_version, small_change, changed_at, "
               f"approved_at, approved_by_id) ON emergency_plans TO {APP_ROLE}")
    for command in ('insert', 'update'):
        op.execute(f"DROP POLICY paragon_{command} ON emergency_plans")
    op.execute(f"CREATE POLICY paragon_insert ON emergency_plans FOR INSERT TO {APP_ROLE} "
               "WITH CHECK (paragon_manages_plans(organisation_id) AND status = 'draft')")
    op.execute(f"CREATE POLICY paragon_update ON emergency_plans FOR UPDATE TO {APP_ROLE} "
               "USING (paragon_manages_plans(organisation_id)) "
               "WITH CHECK (paragon_manages_plans(organisation_id))")


def upgrade() -> None:
    _tables()
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql()


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        raise NotImplementedError(
            "Migration 0012 is not undone on PostgreSQL: restore a backup taken before it.")
    with op.batch_alter_table('case_plans') as batch:
        for column in ('activated_by_id', 'plan_version_at', 'plan_id'):
            batch.drop_column(column)
    for table in ('plan_history', 'plan_elements', 'plan_documents'):
        op.drop_table(table)
    with op.batch_alter_table('emergency_plans') as batch:
        for column in ('small_change', 'changed_revision', 'changed_at', 'content_version',
                       'approved_by_id', 'approved_at', 'created_by_id', 'created_at',
                       'name_json', 'kind'):
            batch.drop_column(column)
