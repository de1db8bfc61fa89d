"""Contacts on the shared server (migration 0013), tried as raw SQL with users' own login roles:
who writes the directory and a case's contacts, who reads personal data, what a refused consent
does, and that the GDPR notices are the server's (written by it, never by a user, marked sent
once)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import Contact, ContactNotice, ContactPersonal
from tests.integration.conftest import ids, user_id
from tests.integration.test_red_team import ALLOWED, DENIED, NO_ROW, attempt, case_named

pytestmark = pytest.mark.postgres

INSERT = ("INSERT INTO contacts (case_id, kind, name, organisation_name, function, phone, email, "
          "address, revision, language, consent_status, consent_requested_at, created_at, "
          "created_by_id) VALUES (:c, 'person', :name, '', '', '', :email, '', 0, 'nl', :status, "
          "'2020-01-01', '2020-01-01', :by) RETURNING id")


def contact(owner: Database, name: str) -> int:
    with owner.sessions() as session:
        return session.scalars(select(Contact.id).where(Contact.name == name)).one()


def values(owner: Database, **change) -> dict:
    base = dict(c=None, name="Jan Peeters", email="jan@x.example", status="given",
                by=user_id(owner, "an.peeters"))
    return {**base, **change}


def test_only_contact_managers_write_the_directory_and_writers_their_cases(owner, connect):
    directory = values(owner)
    assert "row-level security" in attempt(connect("an.peeters"), INSERT, "", directory,
                                           audited=False)
    assert attempt(connect("pieter.wouters"), INSERT, "", directory, audited=False) == ALLOWED
    seveso = values(owner, c=case_named(owner, "Nordchem"))
    assert attempt(connect("sofie.janssens"), INSERT, "contact.added", seveso) == ALLOWED
    assert "row-level security" in attempt(connect("wim.verhaegen"), INSERT, "contact.added",
                                           seveso)
    # A case's contact without its audit entry is refused at commit.
    assert "audit trail" in attempt(connect("sofie.janssens"), INSERT, "", seveso, audited=False)


def test_the_server_stamps_author_dates_and_consent_and_writes_the_request(owner, connect):
    with connect("pieter.wouters").begin() as c:
        new = c.execute(text(INSERT), values(owner)).scalar_one()
    with owner.sessions() as session:
        row = session.get(Contact, new)
        assert row.created_by_id == user_id(owner, "pieter.wouters")  # not an.peeters
        assert row.created_at.year > 2020
        assert row.consent_status == "requested"
        notices = session.scalars(select(ContactNotice).where(ContactNotice.contact_id == new)).all()
    assert [(n.kind, n.recipient, n.sent_at) for n in notices] == [
        ("consent_request", "jan@x.example", None)]


def test_users_cannot_write_or_delete_notices_and_a_marking_is_stamped_once(owner, connect):
    koen = contact(owner, "Koen Baert")
    with owner.sessions() as session:
        notice = session.scalars(select(ContactNotice.id).where(
            ContactNotice.contact_id == koen)).one()
    keeper = connect("pieter.wouters")
    insert = ("INSERT INTO contact_notices (contact_id, kind, recipient, created_at) "
              "VALUES (:k, 'change_notice', 'x@y.example', now())")
    assert DENIED in attempt(keeper, insert, "", dict(k=koen), audited=False)
    assert DENIED in attempt(keeper, "DELETE FROM contact_notices WHERE id = :n", "",
                             dict(n=notice), audited=False)
    assert DENIED in attempt(keeper, "UPDATE contact_notices SET recipient = 'x@y.example' "
                             "WHERE id = :n", "", dict(n=notice), audited=False)
    # Not a keeper: the row is not there to mark.
    mark = ("UPDATE contact_notices SET sent_at = '2020-01-01', sent_by_id = :by, method = 'hand' "
            "WHERE id = :n")
    other = dict(n=notice, by=user_id(owner, "an.peeters"))
    assert attempt(connect("an.peeters"), mark, "", other, audited=False) == NO_ROW
    with keeper.begin() as c:
        c.execute(text(mark), other)
    with keeper.begin() as c:  # marked again: the first marking stays
        c.execute(text("UPDATE contact_notices SET method = 'smtp' WHERE id = :n"), dict(n=notice))
    with owner.sessions() as session:
        row = session.get(ContactNotice, notice)
        assert (row.method, row.sent_by_id) == ("hand", user_id(owner, "pieter.wouters"))
        assert row.sent_at.year > 2020


def test_personal_data_is_read_by_who_needs_it_and_gone_with_a_refusal(owner, connect):
    hilde = contact(owner, "Hilde Verstraete")
    read = "SELECT contact_id FROM contact_personal"
    assert hilde in ids(connect("an.peeters"), read)  # a coordinator
    assert hilde in ids(connect("pieter.wouters"), read)  # the contact manager
    assert hilde not in ids(connect("wim.verhaegen"), read)  # read-only
    write = "UPDATE contact_personal SET phone = '0470 00 00 00' WHERE contact_id = :k"
    assert attempt(connect("an.peeters"), write, "", dict(k=hilde), audited=False) == NO_ROW
    assert attempt(connect("pieter.wouters"), write, "", dict(k=hilde), audited=False) == ALLOWED
    with connect("pieter.wouters").begin() as c:
        c.execute(text("UPDATE contacts SET consent_status = 'refused' WHERE id = :k"), dict(k=hilde))
    with owner.sessions() as session:
        assert session.get(ContactPersonal, hilde) is None
        assert session.get(Contact, hilde).consent_answered_at is not None
    again = ("INSERT INTO contact_personal (contact_id, phone, email, address) "
             "VALUES (:k, '0470 00 00 00', '', '')")
    assert "refused consent" in attempt(connect("pieter.wouters"), again, "", dict(k=hilde),
                                        audited=False)
    organisation = contact(owner, "AZ Scheldemonde - spoedgevallen")
    assert "no personal data" in attempt(connect("pieter.wouters"), again, "",
                                         dict(k=organisation), audited=False)


def test_a_contact_stays_where_it_was_made(owner, connect):
    marc = contact(owner, "Marc Claes")  # the Nordchem case's
    move = "UPDATE contacts SET case_id = NULL WHERE id = :k"
    # Not a column users may change at all (and the server's check refuses it besides).
    assert DENIED in attempt(connect("an.peeters"), move, "contact.edited",
                             dict(k=marc, c=case_named(owner, "Nordchem")))


def test_an_edit_by_sql_still_sends_the_change_notice(owner, connect):
    hilde = contact(owner, "Hilde Verstraete")
    with connect("pieter.wouters").begin() as c:
        c.execute(text("UPDATE contacts SET function = 'Kabinetschef', phone = '09 000 00 00' "
                       "WHERE id = :k"), dict(k=hilde))
        c.execute(text("UPDATE contact_personal SET phone = '0470 00 00 00' WHERE contact_id = :k"),
                  dict(k=hilde))
    with owner.sessions() as session:
        notices = session.scalars(select(ContactNotice).where(ContactNotice.contact_id == hilde)).all()
    assert [(n.kind, n.changed) for n in notices] == [
        ("change_notice", "function,personal_phone,phone")]
