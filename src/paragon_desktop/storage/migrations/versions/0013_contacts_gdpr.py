"""contacts as the rule book has them: personal data apart, GDPR consent and notices, audited
case contacts (DOMAIN.md, Anchors and contacts; original §1, §2.3.1)

Tables and columns:
- ``contacts``: the language of the contact's mails; consent status (unknown, requested, given,
  refused) with when it was asked and answered; who made and last changed the contact, when.
- ``contact_personal``: personal phone, e-mail and address, one row per contact, stored only
  when the person wants it; read only by who needs it (agents and coordinators who see the
  contact, and contact managers), never when consent is refused.
- ``contact_notices``: the GDPR mails owed to a contact (a consent request when added or when
  an e-mail address first appears, a change notice naming the changed fields when edited), and
  when, by whom and how each was sent (by the app's SMTP server, or by hand).

On PostgreSQL (every connection, so nothing depends on the app being honest):
- notices are written by the server itself after every insert or change of a contact or its
  personal data; a user cannot write or delete one, only mark it sent (time and sender
  stamped, the first marking kept);
- for login roles: who made or changed a contact and when, and the consent dates, are the
  server's; a new contact's consent is "requested" when it has an e-mail address, else
  "unknown"; a contact does not move between cases or into the directory; a refused consent
  erases the personal data and refuses new; an organisation has no personal data;
- a case's contacts are changed with an entry in its audit trail, as anchors are.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

APP_ROLE = 'paragon_user'
NAME_MAX = 200
LANGUAGES = ('nl', 'fr', 'en')
STATUSES = ('unknown', 'requested', 'given', 'refused')
# The fields a change notice names (domain.contacts.FIELD_LABELS), on contacts and personal.
FIELDS = ('kind', 'name', 'organisation_name', 'function', 'phone', 'email', 'address',
          'language')
PERSONAL = ('phone', 'email', 'address')

FUNCTIONS = rf"""
CREATE FUNCTION paragon_contact_manager() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = (SELECT paragon_uid())
                   AND ' ' || m.management_roles || ' ' LIKE '% contact_manager %')
$$;

-- Who keeps a contact (domain.contacts.can_keep_directory / can_keep_case_contacts).
CREATE FUNCTION paragon_keeps_contact(target integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce((SELECT CASE WHEN c.case_id IS NULL THEN paragon_contact_manager()
                                 ELSE paragon_writes_case(c.case_id) END
                     FROM contacts c WHERE c.id = target), false)
$$;

-- Need to know (domain.contacts.sees_personal): agents and coordinators who see the contact,
-- and contact managers; nobody once consent is refused.
CREATE FUNCTION paragon_sees_personal(target integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (
        SELECT 1 FROM contacts c WHERE c.id = target AND c.consent_status <> 'refused'
          AND (c.case_id IS NULL OR c.case_id IN (SELECT paragon_visible_cases()))
          AND ((SELECT paragon_level()) IN ('agent', 'coordinator')
               OR paragon_contact_manager()))
$$;

CREATE FUNCTION paragon_sees_notices(target integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (
        SELECT 1 FROM contacts c WHERE c.id = target
          AND (c.case_id IS NULL OR c.case_id IN (SELECT paragon_visible_cases()))
          AND (paragon_contact_manager() OR paragon_keeps_contact(c.id)))
$$;

CREATE FUNCTION paragon_check_contacts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer;
BEGIN
    IF paragon_trusted() THEN
        IF TG_OP = 'INSERT' THEN
            NEW.created_at := coalesce(NEW.created_at, now());
            NEW.updated_at := coalesce(NEW.updated_at, NEW.created_at);
        END IF;
        RETURN NEW;
    END IF;
    me := paragon_me();
    IF btrim(NEW.name) = '' OR char_length(NEW.name) > {NAME_MAX} THEN
        PERFORM paragon_refuse('a contact needs a name of at most {NAME_MAX} characters');
    END IF;
    IF NEW.kind NOT IN ('person', 'organisation') OR NEW.language NOT IN {LANGUAGES!r}
       OR NEW.consent_status NOT IN {STATUSES!r} THEN
        PERFORM paragon_refuse('a contact is a person or an organisation, with mails in nl, fr or en');
    END IF;
    NEW.updated_at := now();
    NEW.updated_by_id := me;
    IF TG_OP = 'INSERT' THEN
        NEW.created_at := now();
        NEW.created_by_id := me;
        NEW.consent_answered_at := NULL;
        IF NEW.email <> '' THEN
            NEW.consent_status := 'requested';
            NEW.consent_requested_at := now();
        ELSE
            NEW.consent_status := 'unknown';
            NEW.consent_requested_at := NULL;
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.case_id IS DISTINCT FROM OLD.case_id THEN
        PERFORM paragon_refuse('a contact does not move to another case or into the directory');
    END IF;
    NEW.created_at := OLD.created_at;
    NEW.created_by_id := OLD.created_by_id;
    NEW.consent_requested_at := OLD.consent_requested_at;
    NEW.consent_answered_at := OLD.consent_answered_at;
    IF NEW.consent_status <> OLD.consent_status THEN
        IF NEW.consent_status = 'unknown' THEN
            PERFORM paragon_refuse('a consent asked is not forgotten: record the answer');
        ELSIF NEW.consent_status = 'requested' THEN
            NEW.consent_requested_at := now();
            NEW.consent_answered_at := NULL;
        ELSE
            NEW.consent_answered_at := now();
        END IF;
    ELSIF NEW.consent_status = 'unknown' AND OLD.email = '' AND NEW.email <> '' THEN
        NEW.consent_status := 'requested';
        NEW.consent_requested_at := now();
    END IF;
    RETURN NEW;
END $$;

-- The GDPR notices, written by the server for every connection. One change notice per contact
-- and transaction, naming every changed field (of the contact and of its personal data).
CREATE FUNCTION paragon_contact_notice(target integer, notice_kind text, fields text[])
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE c contacts;
DECLARE found integer;
DECLARE before text[];
BEGIN
    SELECT * INTO c FROM contacts WHERE id = target;
    IF notice_kind = 'change_notice' THEN
        IF EXISTS (SELECT 1 FROM contact_notices WHERE contact_id = target
                   AND kind = 'consent_request' AND created_at = now()) THEN
            RETURN;  -- made (or asked again) in this transaction: the request says it all
        END IF;
        SELECT id, string_to_array(changed, ',') INTO found, before FROM contact_notices
        WHERE contact_id = target AND kind = 'change_notice' AND created_at = now()
          AND sent_at IS NULL;
        IF found IS NOT NULL THEN
            UPDATE contact_notices SET changed = array_to_string(ARRAY(
                SELECT DISTINCT unnest(before || fields) ORDER BY 1), ',')
            WHERE id = found;
            RETURN;
        END IF;
    END IF;
    INSERT INTO contact_notices (contact_id, kind, recipient, language, changed, created_at,
                                 created_by_id)
    VALUES (target, notice_kind, c.email, c.language,
            array_to_string(ARRAY(SELECT DISTINCT unnest(fields) ORDER BY 1), ','), now(),
            paragon_uid());
END $$;

CREATE FUNCTION paragon_contacts_notify() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE fields text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.consent_status NOT IN ('given', 'refused') THEN
            PERFORM paragon_contact_notice(NEW.id, 'consent_request', '{{}}');
        END IF;
        RETURN NULL;
    END IF;
    IF NEW.consent_status = 'refused' AND OLD.consent_status <> 'refused' THEN
        DELETE FROM contact_personal WHERE contact_id = NEW.id;
    END IF;
    IF NEW.consent_status = 'requested' AND NEW.consent_requested_at IS DISTINCT FROM
       OLD.consent_requested_at THEN
        PERFORM paragon_contact_notice(NEW.id, 'consent_request', '{{}}');
    END IF;
    SELECT array_agg(key ORDER BY key) INTO fields FROM jsonb_each_text(to_jsonb(NEW)) n
    WHERE key = ANY ({"ARRAY" + repr(list(FIELDS))}::text[])
      AND value IS DISTINCT FROM to_jsonb(OLD) ->> key;
    IF fields IS NOT NULL THEN
        PERFORM paragon_contact_notice(NEW.id, 'change_notice', fields);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION paragon_check_contact_personal() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE c contacts;
BEGIN
    SELECT * INTO c FROM contacts WHERE id = NEW.contact_id;
    IF TG_OP = 'UPDATE' AND NEW.contact_id <> OLD.contact_id THEN
        PERFORM paragon_refuse('personal data stays with its contact');
    END IF;
    IF c.consent_status = 'refused' AND (NEW.phone <> '' OR NEW.email <> '' OR NEW.address <> '') THEN
        PERFORM paragon_refuse('the person refused consent: no personal data is stored');
    END IF;
    IF c.kind = 'organisation' AND (NEW.phone <> '' OR NEW.email <> '' OR NEW.address <> '') THEN
        PERFORM paragon_refuse('an organisation has no personal data');
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION paragon_personal_notify() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE fields text[] := '{{}}';
BEGIN
    IF NEW.phone IS DISTINCT FROM (CASE WHEN TG_OP = 'UPDATE' THEN OLD.phone ELSE '' END) THEN
        fields := fields || 'personal_phone'::text;
    END IF;
    IF NEW.email IS DISTINCT FROM (CASE WHEN TG_OP = 'UPDATE' THEN OLD.email ELSE '' END) THEN
        fields := fields || 'personal_email'::text;
    END IF;
    IF NEW.address IS DISTINCT FROM (CASE WHEN TG_OP = 'UPDATE' THEN OLD.address ELSE '' END) THEN
        fields := fields || 'personal_address'::text;
    END IF;
    IF cardinality(fields) > 0 THEN
        PERFORM paragon_contact_notice(NEW.contact_id, 'change_notice', fields);
    END IF;
    RETURN NULL;
END $$;

-- Marking a notice sent: when and by whom are the server's; the first marking stays (a resend
-- of the marking after a lost connection changes nothing).
CREATE FUNCTION paragon_check_contact_notices() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF paragon_trusted() THEN RETURN NEW; END IF;
    IF NEW.changed IS DISTINCT FROM OLD.changed THEN
        -- paragon_contact_notice() adding fields (users may not update this column)
        NEW.sent_at := OLD.sent_at;
        NEW.sent_by_id := OLD.sent_by_id;
        NEW.method := OLD.method;
        RETURN NEW;
    END IF;
    IF OLD.sent_at IS NOT NULL THEN
        RETURN OLD;
    END IF;
    IF NEW.method IS NULL OR NEW.method NOT IN ('smtp', 'hand') THEN
        PERFORM paragon_refuse('a notice is sent by the mail server or by hand');
    END IF;
    NEW.sent_at := now();
    NEW.sent_by_id := paragon_me();
    RETURN NEW;
END $$;
"""
SIGNATURES = ('paragon_contact_manager()', 'paragon_keeps_contact(integer)',
              'paragon_sees_personal(integer)', 'paragon_sees_notices(integer)',
              'paragon_check_contacts()', 'paragon_contact_notice(integer, text, text[])',
              'paragon_contacts_notify()', 'paragon_check_contact_personal()',
              'paragon_personal_notify()', 'paragon_check_contact_notices()')
POLICY_FUNCTIONS = SIGNATURES[:4]


def _written_now() -> str:
    """0012's ``paragon_case_written_now`` (0006's, with case plans), with a case's contacts:
    an audit entry may record a change to them."""
    path = Path(__file__).with_name('0012_emergency_plans.py')
    spec = importlib.util.spec_from_file_location('paragon_migration_0012', path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    contacts = ("        OR EXISTS (SELECT 1 FROM contacts, rev WHERE case_id = target "
                "AND revision = rev.r)\n")
    return str(module._from_0006('paragon_case_written_now', module.OLD_WRITTEN,
                                 module.NEW_WRITTEN + contacts))


def _tables() -> None:
    with op.batch_alter_table('contacts') as batch:
        batch.add_column(sa.Column('language', sa.String(2), nullable=False, server_default='nl'))
        batch.add_column(sa.Column('consent_status', sa.String(16), nullable=False,
                                   server_default='unknown'))
        batch.add_column(sa.Column('consent_requested_at', sa.DateTime(timezone=True)))
        batch.add_column(sa.Column('consent_answered_at', sa.DateTime(timezone=True)))
        batch.add_column(sa.Column('created_at', sa.DateTime(timezone=True)))
        batch.add_column(sa.Column('created_by_id', sa.Integer()))
        batch.add_column(sa.Column('updated_at', sa.DateTime(timezone=True)))
        batch.add_column(sa.Column('updated_by_id', sa.Integer()))
        batch.create_foreign_key(op.f('fk_contacts_created_by_id_users'), 'users',
                                 ['created_by_id'], ['id'])
        batch.create_foreign_key(op.f('fk_contacts_updated_by_id_users'), 'users',
                                 ['updated_by_id'], ['id'])
    op.create_table(
        'contact_personal',
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(64), nullable=False, server_default=''),
        sa.Column('email', sa.String(200), nullable=False, server_default=''),
        sa.Column('address', sa.String(300), nullable=False, server_default=''),
        sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], ondelete='CASCADE',
                                name=op.f('fk_contact_personal_contact_id_contacts')),
        sa.PrimaryKeyConstraint('contact_id', name=op.f('pk_contact_personal')),
    )
    op.create_table(
        'contact_notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('recipient', sa.String(200), nullable=False, server_default=''),
        sa.Column('language', sa.String(2), nullable=False, server_default='nl'),
        sa.Column('changed', sa.Text(), nullable=False, server_default=''),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('method', sa.String(8), nullable=True),
        sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], ondelete='CASCADE',
                                name=op.f('fk_contact_notices_contact_id_contacts')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_contact_notices_created_by_id_users')),
        sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'],
                                name=op.f('fk_contact_notices_sent_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_notices')),
    )
    op.create_index(op.f('ix_contact_notices_contact_id'), 'contact_notices', ['contact_id'])


def _postgresql() -> None:
    op.execute(FUNCTIONS)
    op.execute(_written_now())
    for signature in SIGNATURES:
        op.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")
    for signature in POLICY_FUNCTIONS:
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {APP_ROLE}")
    # Named to run first (triggers run by name), as anchors' a_check (0009).
    op.execute("CREATE TRIGGER a_check BEFORE INSERT OR UPDATE ON contacts "
               "FOR EACH ROW EXECUTE FUNCTION paragon_check_contacts()")
    op.execute("CREATE TRIGGER z_notices AFTER INSERT OR UPDATE ON contacts "
               "FOR EACH ROW EXECUTE FUNCTION paragon_contacts_notify()")
    op.execute("CREATE CONSTRAINT TRIGGER audited AFTER INSERT OR UPDATE ON contacts "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.case_id IS NOT NULL) "
               "EXECUTE FUNCTION paragon_require_audit('case_id')")
    op.execute("CREATE CONSTRAINT TRIGGER audited_removal AFTER DELETE ON contacts "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.case_id IS NOT NULL) "
               "EXECUTE FUNCTION paragon_require_audit_removed()")
    op.execute("CREATE TRIGGER b_check BEFORE INSERT OR UPDATE ON contact_personal "
               "FOR EACH ROW EXECUTE FUNCTION paragon_check_contact_personal()")
    op.execute("CREATE TRIGGER z_notices AFTER INSERT OR UPDATE ON contact_personal "
               "FOR EACH ROW EXECUTE FUNCTION paragon_personal_notify()")
    op.execute("CREATE TRIGGER b_check BEFORE UPDATE ON contact_notices "
               "FOR EACH ROW EXECUTE FUNCTION paragon_check_contact_notices()")
    # contacts: the new columns the app writes (the stamped ones are overwritten by a_check).
    op.execute(f"GRANT UPDATE (language, consent_status, consent_requested_at, "
               f"consent_answered_at, created_at, created_by_id, updated_at, updated_by_id) "
               f"ON contacts TO {APP_ROLE}")
    for table in ('contact_personal', 'contact_notices'):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"GRANT SELECT ON {table} TO {APP_ROLE}")
    op.execute(f"GRANT INSERT, UPDATE (phone, email, address) ON contact_personal TO {APP_ROLE}")
    op.execute(f"CREATE POLICY paragon_select ON contact_personal FOR SELECT TO {APP_ROLE} "
               "USING (paragon_sees_personal(contact_id))")
    op.execute(f"CREATE POLICY paragon_insert ON contact_personal FOR INSERT TO {APP_ROLE} "
               "WITH CHECK (paragon_keeps_contact(contact_id))")
    op.execute(f"CREATE POLICY paragon_update ON contact_personal FOR UPDATE TO {APP_ROLE} "
               "USING (paragon_keeps_contact(contact_id)) "
               "WITH CHECK (paragon_keeps_contact(contact_id))")
    op.execute(f"GRANT UPDATE (sent_at, sent_by_id, method) ON contact_notices TO {APP_ROLE}")
    op.execute(f"CREATE POLICY paragon_select ON contact_notices FOR SELECT TO {APP_ROLE} "
               "USING (paragon_sees_notices(contact_id))")
    op.execute(f"CREATE POLICY paragon_update ON contact_notices FOR UPDATE TO {APP_ROLE} "
               "USING (paragon_keeps_contact(contact_id)) "
               "WITH CHECK (paragon_keeps_contact(contact_id))")


def upgrade() -> None:
    _tables()
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql()


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        raise NotImplementedError(
            "Migration 0013 is not undone on PostgreSQL: restore a backup taken before it.")
    op.drop_table('contact_notices')
    op.drop_table('contact_personal')
    with op.batch_alter_table('contacts') as batch:
        for column in ('updated_by_id', 'updated_at', 'created_by_id', 'created_at',
                       'consent_answered_at', 'consent_requested_at', 'consent_status',
                       'language'):
            batch.drop_column(column)
