"""Contacts (DOMAIN.md, Anchors and contacts; original §1, §2.3.1): who keeps the directory and a
case's contacts, personal data apart and only for who needs it, the duplicate check, GDPR
consent and notices sent through a real SMTP server on 127.0.0.1, and the contact card.

The service tests run on SQLite, on PostgreSQL as the owner, and with each user's own login
role (the server's rules and notices, migration 0013)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from paragon_desktop.domain.contacts import (
    ConsentStatus,
    ContactDraft,
    ContactFacts,
    NoticeKind,
    Personal,
    normalise_name,
    normalise_phone,
    notice_mail,
    possible_duplicates,
    validate_contact,
    vcard,
)
from paragon_desktop.domain.enums import ContactKind
from paragon_desktop.domain.errors import AccessDenied, ValidationError
from paragon_desktop.services.mail import Mailer, MailError, SmtpSettings
from paragon_desktop.storage.models import AuditEvent, ContactPersonal
from tests.smtpserver import smtp_server

OP = "7b1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
PERSON = ContactDraft(ContactKind.PERSON, "Jan Peeters", "Gemeente Scheldemonde",
                      "Noodplanambtenaar", "+32 3 760 10 10", "jan.peeters@scheldemonde.example")


# -- the rules, plain --------------------------------------------------------------------------------
def test_names_and_numbers_are_compared_as_people_write_them():
    assert normalise_name("Dr. Jan  Peeters-Dé") == normalise_name("dr jan peeters de")
    assert normalise_phone("+32 3 123 45 67") == normalise_phone("0032 3/123.45.67") \
        == normalise_phone("03 123 45 67") == "031234567"


def test_possible_duplicates_by_name_email_and_phone_most_alike_first():
    existing = [
        ContactFacts(1, "Jan Peters", "Gemeente Scheldemonde", ("",), ("",)),
        ContactFacts(2, "Karel Janssens", "", ("03 760 10 10",), ("",)),
        ContactFacts(3, "Peeters Jan", "", ("",), ("JAN.PEETERS@scheldemonde.example",)),
        ContactFacts(4, "Anna Verhoeven", "", ("02 111 11 11",), ("anna@x.example",)),
    ]
    found = possible_duplicates(PERSON, existing)
    assert [d.id for d in found] == [3, 2, 1]  # name and e-mail; a number; a similar name
    assert found[0].reasons == ("same name", "same e-mail address")
    assert found[1].reasons == ("same phone number",)
    assert found[2].reasons[0].startswith("similar name (9")
    assert [d.id for d in possible_duplicates(PERSON, existing, exclude_id=3)] == [2, 1]


def test_a_contact_is_checked_before_it_is_stored():
    clean = validate_contact(ContactDraft(ContactKind.PERSON, "  Jan   Peeters ",
                                          email=" Jan@X.Example "))
    assert (clean.name, clean.email) == ("Jan Peeters", "jan@x.example")
    for draft, field in [
        (ContactDraft(ContactKind.PERSON, " "), "name"),
        (ContactDraft(ContactKind.PERSON, "A", email="geen adres"), "email"),
        (ContactDraft(ContactKind.PERSON, "A", phone="bel me"), "phone"),
        (ContactDraft(ContactKind.PERSON, "A", personal=Personal(phone="0475 12 34 56")),
         "personal_phone"),
        (ContactDraft(ContactKind.ORGANISATION, "A", personal=Personal(phone="0475 12 34 56"),
                      wants_personal=True), "personal_phone"),
    ]:
        with pytest.raises(ValidationError) as refused:
            validate_contact(draft)
        assert field in refused.value.fields


def test_the_personal_data_needs_the_persons_wish():
    with pytest.raises(ValidationError, match="only when the person wants them"):
        validate_contact(ContactDraft(ContactKind.PERSON, "A", personal=Personal(email="a@b.be")))


def test_a_contact_card_is_a_vcard_with_work_and_home_apart():
    card = vcard(ContactKind.PERSON, "Jan Peeters; jr", organisation_name="Gemeente, Scheldemonde",
                 phone="+32 3 760 10 10", email="jan@x.example",
                 personal=Personal(phone="0475 12 34 56"), function="Ambtenaar " + "x" * 80)
    lines = card.split("\r\n")
    assert lines[:4] == ["BEGIN:VCARD", "VERSION:4.0", "KIND:individual", "FN:Jan Peeters\\; jr"]
    assert "ORG:Gemeente\\, Scheldemonde" in lines
    assert "TEL;TYPE=work,voice;VALUE=text:+32 3 760 10 10" in lines
    assert "TEL;TYPE=home,voice;VALUE=text:0475 12 34 56" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the long title is folded
    assert card.endswith("END:VCARD\r\n")


def test_the_notices_speak_the_contacts_language_and_name_fields_not_values():
    subject, body = notice_mail(NoticeKind.CHANGE_NOTICE, name="Jean {x} Dupont", language="fr",
                                sender="Province de Scheldeland", changed=["phone"])
    assert subject == "Paragon : vos coordonnées ont été modifiées"
    assert body.endswith("Cordialement,\nProvince de Scheldeland")
    assert "Jean {x} Dupont" in body
    assert "Téléphone" in body
    subject, _body = notice_mail(NoticeKind.CONSENT_REQUEST, name="Jan", language="nl",
                                 sender="Gemeente Scheldemonde")
    assert subject == "Paragon: mag Gemeente Scheldemonde uw contactgegevens bewaren?"


# -- the service (SQLite, PostgreSQL, login roles) --------------------------------------------------------
def names(views):
    return [v.name for v in views]


def test_everyone_reads_the_directory_and_only_contact_managers_add_to_it(client):
    assert "Hilde Verstraete" in names(client.contacts.directory(client.user("wim.verhaegen")))
    with pytest.raises(AccessDenied, match="Only a contact manager"):
        client.contacts.create(client.user("an.peeters"), PERSON)
    contact_id = client.contacts.create(client.user("pieter.wouters"), PERSON, op_id=OP)
    assert client.contacts.create(client.user("pieter.wouters"), PERSON, op_id=OP) == contact_id
    assert names(client.contacts.directory(client.user("wim.verhaegen"))).count("Jan Peeters") == 1
    card = client.contacts.card(client.user("pieter.wouters"), contact_id)
    assert card.consent is ConsentStatus.REQUESTED
    assert card.consent_requested_at is not None
    assert card.created_by == "Pieter Wouters"
    assert card.may_edit
    assert [(n.kind, n.recipient, n.sent_at) for n in card.notices] == [
        (NoticeKind.CONSENT_REQUEST, "jan.peeters@scheldemonde.example", None)]


def test_the_duplicate_check_finds_the_directorys_contacts(client):
    user = client.user("pieter.wouters")
    draft = ContactDraft(ContactKind.PERSON, "Hilde Verstraeten", phone="09 260 30 10")
    found = client.contacts.duplicates(user, draft)
    assert found[0].name == "Hilde Verstraete"
    assert "same phone number" in found[0].reasons
    # By her personal number too, for who may see it; never for a read-only user.
    mobile = ContactDraft(ContactKind.PERSON, "H. V.", phone="0475/12.34.56")
    assert names(client.contacts.duplicates(user, mobile)) == ["Hilde Verstraete"]
    assert client.contacts.duplicates(client.user("wim.verhaegen"), mobile) == []


def test_personal_data_is_shown_only_to_who_needs_it(client):
    hilde = next(c.id for c in client.contacts.directory(client.user("an.peeters"))
                 if c.name == "Hilde Verstraete")
    assert client.contacts.card(client.user("an.peeters"), hilde).personal == \
        Personal(phone="+32 475 12 34 56")
    reader = client.contacts.card(client.user("wim.verhaegen"), hilde)
    assert reader.personal is None
    assert reader.notices == ()
    assert not reader.may_edit
    assert "0475" not in reader.vcard()
    assert "475 12" not in reader.vcard()


def test_an_edit_sends_a_notice_naming_what_changed_and_a_refusal_erases_personal_data(client):
    user = client.user("pieter.wouters")
    hilde = next(c.id for c in client.contacts.directory(user) if c.name == "Hilde Verstraete")
    draft = client.contacts.card(user, hilde).draft()
    assert client.contacts.edit(user, hilde, draft) == []  # nothing changed, nothing sent
    changed = client.contacts.edit(user, hilde, ContactDraft(
        **{**draft.__dict__, "function": "Kabinetschef",
           "personal": Personal(phone="+32 475 99 99 99")}))
    assert changed == ["function", "personal_phone"]
    card = client.contacts.card(user, hilde)
    assert [(n.kind, n.changed) for n in card.notices] == [
        (NoticeKind.CHANGE_NOTICE, ("function", "personal_phone"))]
    client.contacts.record_consent(user, hilde, ConsentStatus.REFUSED)
    card = client.contacts.card(user, hilde)
    assert card.consent is ConsentStatus.REFUSED
    assert card.consent_answered_at is not None
    assert card.personal is None
    with client.db.sessions() as session:  # erased, not hidden (the owner's view)
        assert session.get(ContactPersonal, hilde) is None
    with pytest.raises(ValidationError, match="refused consent"):
        client.contacts.edit(user, hilde, ContactDraft(
            **{**draft.__dict__, "personal": Personal(phone="0475 00 00 00")}))
    client.contacts.record_consent(user, hilde, ConsentStatus.REQUESTED)
    assert [n.kind for n in client.contacts.card(user, hilde).notices][-1] is \
        NoticeKind.CONSENT_REQUEST


def test_agents_keep_a_cases_own_contacts_with_an_audit_entry(client):
    case_id = client.seveso_case_id()
    draft = ContactDraft(ContactKind.PERSON, "Ria Dewitte", "Rode Kruis", "Teamleider",
                         "0470 11 22 33")
    with pytest.raises(AccessDenied, match="agents and coordinators"):
        client.contacts.create(client.user("wim.verhaegen"), draft, case_id)
    contact_id = client.contacts.create(client.user("sofie.janssens"), draft, case_id)
    assert "Ria Dewitte" not in names(client.contacts.directory(client.user("sofie.janssens")))
    card = client.contacts.card(client.user("sofie.janssens"), contact_id)
    assert card.case_id == case_id
    assert card.consent is ConsentStatus.UNKNOWN
    assert card.notices[0].recipient == ""  # to be told by hand
    with client.db.sessions() as session:
        actions = set(session.scalars(select(AuditEvent.action).where(
            AuditEvent.case_id == case_id)))
    assert "contact.added" in actions
    client.contacts.remove(client.user("sofie.janssens"), contact_id)
    snapshot = client.cases.open_case(client.user("sofie.janssens"), case_id)
    assert "Ria Dewitte" not in names(snapshot.changes.contacts)


def test_pending_mails_are_sent_through_the_smtp_server_once(client):
    user = client.user("pieter.wouters")
    contact_id = client.contacts.create(user, PERSON)
    pending = client.contacts.pending_notices(user)
    assert {"Jan Peeters", "Koen Baert"} <= set(n.contact_name for n in pending)
    assert client.contacts.pending_notices(client.user("wim.verhaegen")) == []
    with smtp_server() as inbox:
        settings = SmtpSettings("127.0.0.1", inbox.port, "none", "noodplanning@nc112.example")
        sent = client.contacts.send_pending(user, Mailer(settings), "NC112 Scheldeland")
        assert sent == len([n for n in pending if n.recipient])
        [mail] = inbox.to("jan.peeters@scheldemonde.example")
        assert mail["Subject"] == "Paragon: mag NC112 Scheldeland uw contactgegevens bewaren?"
        assert mail["From"] == "noodplanning@nc112.example"
        assert "Beste Jan Peeters" in mail.get_payload(decode=True).decode()
        # Sending again sends nothing: every mail is marked sent.
        assert client.contacts.send_pending(user, Mailer(settings), "NC112 Scheldeland") == 0
        assert len(inbox.to("jan.peeters@scheldemonde.example")) == 1
    notice = client.contacts.card(user, contact_id).notices[0]
    assert (notice.method, notice.sent_by) == ("smtp", "Pieter Wouters")
    client.contacts.mark_sent(user, notice.id, "hand")  # a second marking keeps the first
    assert client.contacts.card(user, contact_id).notices[0].method == "smtp"


def test_a_refusing_mail_server_leaves_the_mail_in_the_list(client):
    user = client.user("pieter.wouters")
    client.contacts.create(user, PERSON)
    with smtp_server() as inbox:
        inbox.refuse.add("jan.peeters@scheldemonde.example")
        settings = SmtpSettings("127.0.0.1", inbox.port, "none", "noodplanning@nc112.example")
        with pytest.raises(MailError, match="550"):
            client.contacts.send_pending(user, Mailer(settings), "NC112",
                                         [n.id for n in client.contacts.pending_notices(user)
                                          if n.contact_name == "Jan Peeters"])
    assert "Jan Peeters" in [n.contact_name for n in client.contacts.pending_notices(user)]


def test_a_mail_server_asking_a_login_gets_it():
    with smtp_server(login=("nc112", "geheim")) as inbox:
        settings = SmtpSettings("127.0.0.1", inbox.port, "none", "a@b.example", "nc112")
        with pytest.raises(MailError, match="cannot be used"):
            Mailer(settings, "fout").__enter__()
        from paragon_desktop.services.mail import Mail
        with Mailer(settings, "geheim") as mailer:
            mailer.send(Mail("c@d.example", "Onderwerp", "Tekst", "<1@x>"))
        assert inbox.to("c@d.example")[0]["Message-ID"] == "<1@x>"


def test_unreachable_mail_server_is_said_plainly():
    with pytest.raises(MailError, match="127.0.0.1:1 cannot be used"):
        Mailer(SmtpSettings("127.0.0.1", 1, "none", "a@b.example")).__enter__()
    with pytest.raises(ValidationError, match="sender's address"):
        SmtpSettings("smtp.example.be", 587, "starttls", "").check()
