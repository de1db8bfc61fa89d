"""Contacts (DOMAIN.md, Anchors and contacts): the global directory kept by contact managers, a
case's own contacts kept by its agents and coordinators, personal data apart and only for who
needs it, the duplicate check, GDPR consent and the notices owed to a contact, sent through the
organisation's mail server or by hand.

The rules are domain.contacts'; on the shared server the same are enforced for login roles
(migration 0013), and the notices are written by the server itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from paragon_desktop.domain.contacts import (
    ConsentStatus,
    ContactDraft,
    ContactFacts,
    Duplicate,
    NoticeKind,
    Personal,
    can_keep_case_contacts,
    can_keep_directory,
    changed_fields,
    notice_mail,
    possible_duplicates,
    sees_personal,
    validate_contact,
    vcard,
)
from paragon_desktop.domain.enums import CaseStatus, ContactKind
from paragon_desktop.domain.errors import AccessDenied, NotAvailable, ValidationError
from paragon_desktop.services import audit
from paragon_desktop.services.access import visible_case, visible_case_ids
from paragon_desktop.services.events import CaseEvents
from paragon_desktop.services.mail import Mail, Mailer
from paragon_desktop.services.once import exactly_once
from paragon_desktop.services.views import ContactView, UserView
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import (
    Contact,
    ContactNotice,
    ContactPersonal,
    Membership,
    User,
)
from paragon_desktop.storage.revisions import remove

ADD_CONTACT = "contact.add"


@dataclass(frozen=True)
class NoticeView:
    id: int
    contact_id: int
    contact_name: str
    kind: NoticeKind
    recipient: str  # empty: no e-mail address, to be told by phone or letter
    language: str
    changed: tuple[str, ...]  # field keys (domain.contacts.FIELD_LABELS)
    created_at: datetime
    created_by: str
    sent_at: datetime | None
    sent_by: str
    method: str | None  # "smtp", "hand"; None: still to send

    def mail(self, sender: str) -> tuple[str, str]:
        return notice_mail(self.kind, name=self.contact_name, language=self.language,
                           sender=sender, changed=self.changed)


@dataclass(frozen=True)
class ContactCard:
    """A contact as its card shows it to one user."""

    id: int
    case_id: int | None
    kind: ContactKind
    name: str
    organisation_name: str
    function: str
    phone: str
    email: str
    address: str
    language: str
    personal: Personal | None  # None: not for this user to see (or consent refused)
    consent: ConsentStatus
    consent_requested_at: datetime | None
    consent_answered_at: datetime | None
    created_at: datetime | None
    created_by: str
    updated_at: datetime | None
    updated_by: str
    notices: tuple[NoticeView, ...]
    may_edit: bool

    def draft(self) -> ContactDraft:
        personal = self.personal or Personal()
        return ContactDraft(self.kind, self.name, self.organisation_name, self.function,
                            self.phone, self.email, self.address, self.language, personal,
                            wants_personal=bool(personal))

    def vcard(self) -> str:
        return vcard(self.kind, self.name, organisation_name=self.organisation_name,
                     function=self.function, phone=self.phone, email=self.email,
                     address=self.address, personal=self.personal or Personal())


def contact_view(contact: Contact) -> ContactView:
    return ContactView(contact.id, "case" if contact.case_id else "global", contact.kind,
                       contact.name, contact.organisation_name, contact.function, contact.phone,
                       contact.email, contact.revision)


def _server(session: Session) -> bool:
    """On PostgreSQL the server writes the notices and stamps the dates itself."""
    return session.get_bind().dialect.name == "postgresql"


class ContactService:
    def __init__(self, db: Database, events: CaseEvents | None = None) -> None:
        self._db = db
        self.events = events

    # -- who may do what ------------------------------------------------------------------------
    @staticmethod
    def _contact_manager(session: Session, user: UserView) -> bool:
        return can_keep_directory(session.scalars(
            select(Membership.management_roles).where(Membership.user_id == user.id)))

    def is_contact_manager(self, user: UserView) -> bool:
        with self._db.sessions() as session:
            return self._contact_manager(session, user)

    def _may_keep(self, session: Session, user: UserView, case_id: int | None) -> bool:
        if case_id is None:
            return self._contact_manager(session, user)
        try:
            case = visible_case(session, user.id, case_id)
        except AccessDenied:
            return False
        return can_keep_case_contacts(user.access_level, case.status == CaseStatus.OPEN)

    def _keep(self, session: Session, user: UserView, case_id: int | None) -> None:
        if self._may_keep(session, user, case_id):
            return
        if case_id is None:
            raise AccessDenied("Only a contact manager adds to or changes the global contact "
                               "directory. Ask one of your organisation, or add the contact to "
                               "the case.")
        raise AccessDenied("Only agents and coordinators keep a case's contacts, while the case "
                           "is open.")

    def _sees(self, session: Session, user: UserView, contact: Contact) -> bool:
        if contact.case_id is None:
            return True
        return contact.case_id in visible_case_ids(session, user.id)

    def _contact(self, session: Session, user: UserView, contact_id: int) -> Contact:
        contact = session.get(Contact, contact_id)
        if contact is None or not self._sees(session, user, contact):
            raise NotAvailable("This contact no longer exists, or is not yours to see.")
        return contact

    # -- reading ------------------------------------------------------------------------------------
    def directory(self, user: UserView) -> list[ContactView]:
        """The global directory (persons and organisations), readable by everyone."""
        with self._db.sessions() as session:
            return [contact_view(c) for c in session.scalars(
                select(Contact).where(Contact.case_id.is_(None)).order_by(Contact.name))]

    def card(self, user: UserView, contact_id: int) -> ContactCard:
        with self._db.sessions() as session:
            contact = self._contact(session, user, contact_id)
            manager = self._contact_manager(session, user)
            personal = None
            if (sees_personal(user.access_level, manager)
                    and contact.consent_status != ConsentStatus.REFUSED):
                row = session.get(ContactPersonal, contact.id)  # the server decides too
                personal = Personal(row.phone, row.email, row.address) if row else Personal()
            notices: tuple[NoticeView, ...] = ()
            may_edit = self._may_keep(session, user, contact.case_id)
            if manager or may_edit:
                notices = tuple(self._notices(session, ContactNotice.contact_id == contact.id))
            names = self._names(session, {contact.created_by_id, contact.updated_by_id})
            return ContactCard(
                contact.id, contact.case_id, ContactKind(contact.kind), contact.name,
                contact.organisation_name, contact.function, contact.phone, contact.email,
                contact.address, contact.language, personal,
                ConsentStatus(contact.consent_status), contact.consent_requested_at,
                contact.consent_answered_at, contact.created_at,
                names.get(contact.created_by_id or 0, ""), contact.updated_at,
                names.get(contact.updated_by_id or 0, ""), notices, may_edit)

    @staticmethod
    def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
        wanted = {i for i in ids if i}
        if not wanted:
            return {}
        return {user_id: name for user_id, name in session.execute(
            select(User.id, User.display_name).where(User.id.in_(wanted)))}

    def _notices(self, session: Session, *where: ColumnElement[bool]) -> list[NoticeView]:
        rows = session.execute(
            select(ContactNotice, Contact.name).join(Contact, Contact.id == ContactNotice.contact_id)
            .where(*where).order_by(ContactNotice.created_at, ContactNotice.id)).all()
        names = self._names(session, {n.created_by_id for n, _ in rows}
                            | {n.sent_by_id for n, _ in rows})
        return [NoticeView(n.id, n.contact_id, name, NoticeKind(n.kind), n.recipient, n.language,
                           tuple(k for k in n.changed.split(",") if k), n.created_at,
                           names.get(n.created_by_id or 0, ""), n.sent_at,
                           names.get(n.sent_by_id or 0, ""), n.method)
                for n, name in rows]

    def pending_notices(self, user: UserView) -> list[NoticeView]:
        """The GDPR mails still to send, of the contacts this user keeps."""
        with self._db.sessions() as session:
            notices = self._notices(session, ContactNotice.sent_at.is_(None))
            keeps: dict[int | None, bool] = {}
            contacts = {c.id: c.case_id for c in session.scalars(select(Contact).where(
                Contact.id.in_({n.contact_id for n in notices})))}
            result = []
            for notice in notices:
                case_id = contacts.get(notice.contact_id)
                if case_id not in keeps:
                    keeps[case_id] = self._may_keep(session, user, case_id)
                if keeps[case_id]:
                    result.append(notice)
            return result

    def duplicates(self, user: UserView, draft: ContactDraft, case_id: int | None = None,
                   exclude_id: int | None = None) -> list[Duplicate]:
        """Contacts of the directory (and of the case) that may be the same person or
        organisation: to show before creating (DOMAIN.md: check for an existing contact)."""
        with self._db.sessions() as session:
            where = Contact.case_id.is_(None) if case_id is None else or_(
                Contact.case_id.is_(None), Contact.case_id == case_id)
            # Columns, not ORM objects: the whole directory is compared.
            contacts = session.execute(select(Contact.id, Contact.name, Contact.organisation_name,
                                              Contact.phone, Contact.email).where(where)).all()
            personal: dict[int, tuple[str, str]] = {}
            if sees_personal(user.access_level, self._contact_manager(session, user)):
                personal = {contact_id: (phone, email) for contact_id, phone, email in
                            session.execute(select(ContactPersonal.contact_id,
                                                   ContactPersonal.phone, ContactPersonal.email))}
            facts = []
            for contact_id, name, organisation, phone, email in contacts:
                own_phone, own_email = personal.get(contact_id, ("", ""))
                facts.append(ContactFacts(contact_id, name, organisation, (phone, own_phone),
                                          (email, own_email)))
        return possible_duplicates(draft, facts, exclude_id)

    # -- writing -------------------------------------------------------------------------------------
    def create(self, user: UserView, draft: ContactDraft, case_id: int | None = None,
               op_id: str | None = None) -> int:
        """A new contact in the directory (``case_id`` None) or in a case. A resend of the same
        ``op_id`` returns the contact stored the first time."""
        clean = validate_contact(draft)

        def write(session: Session) -> int:
            self._keep(session, user, case_id)
            now = datetime.now(UTC)
            status = ConsentStatus.REQUESTED if clean.email else ConsentStatus.UNKNOWN
            contact = Contact(case_id=case_id, kind=clean.kind.value, name=clean.name,
                              organisation_name=clean.organisation_name, function=clean.function,
                              phone=clean.phone, email=clean.email, address=clean.address,
                              language=clean.language, consent_status=status.value,
                              consent_requested_at=now if clean.email else None,
                              created_at=now, created_by_id=user.id, updated_at=now,
                              updated_by_id=user.id)
            session.add(contact)
            session.flush()
            if clean.personal:
                session.add(ContactPersonal(contact_id=contact.id, phone=clean.personal.phone,
                                            email=clean.personal.email,
                                            address=clean.personal.address))
            if not _server(session):
                self._notice(session, contact, NoticeKind.CONSENT_REQUEST, user, now)
            if case_id is not None:
                audit.record(session, "contact.added", user_id=user.id, case_id=case_id,
                             name=clean.name)
            session.flush()
            return contact.id

        outcome = exactly_once(self._db, op_id, user.id, ADD_CONTACT, write)
        if not outcome.replayed and case_id is not None and self.events is not None:
            self.events.case_changed(case_id)
        return outcome.result_id

    @staticmethod
    def _notice(session: Session, contact: Contact, kind: NoticeKind, user: UserView,
                now: datetime, changed: list[str] | tuple[str, ...] = ()) -> None:
        """What the server's triggers do on PostgreSQL (migration 0013), for SQLite."""
        session.add(ContactNotice(contact_id=contact.id, kind=kind.value,
                                  recipient=contact.email, language=contact.language,
                                  changed=",".join(sorted(changed)), created_at=now,
                                  created_by_id=user.id))

    def edit(self, user: UserView, contact_id: int, draft: ContactDraft) -> list[str]:
        """Change a contact; the contact is sent a notice naming what changed (GDPR). Returns
        the changed fields (none: nothing was written)."""
        clean = validate_contact(draft)
        with self._db.sessions.begin() as session:
            contact = self._contact(session, user, contact_id)
            self._keep(session, user, contact.case_id)
            own = session.get(ContactPersonal, contact.id)
            if clean.personal and contact.consent_status == ConsentStatus.REFUSED:
                raise ValidationError("This person refused consent: their personal data is not "
                                      "stored. Ask for consent again first.",
                                      fields=("personal_phone",))
            before = {"kind": contact.kind, "name": contact.name,
                      "organisation_name": contact.organisation_name,
                      "function": contact.function, "phone": contact.phone,
                      "email": contact.email, "address": contact.address,
                      "language": contact.language,
                      "personal_phone": own.phone if own else "",
                      "personal_email": own.email if own else "",
                      "personal_address": own.address if own else ""}
            changed = changed_fields(before, clean.values())
            if not changed:
                return []
            now = datetime.now(UTC)
            asked = contact.consent_status == ConsentStatus.UNKNOWN and not contact.email \
                and bool(clean.email)
            contact.kind, contact.name = clean.kind.value, clean.name
            contact.organisation_name, contact.function = clean.organisation_name, clean.function
            contact.phone, contact.email, contact.address = clean.phone, clean.email, clean.address
            contact.language = clean.language
            contact.updated_at, contact.updated_by_id = now, user.id
            if asked:
                contact.consent_status = ConsentStatus.REQUESTED.value
                contact.consent_requested_at = now
            personal = clean.personal
            if own is None and personal:
                session.add(ContactPersonal(contact_id=contact.id, phone=personal.phone,
                                            email=personal.email, address=personal.address))
            elif own is not None:
                own.phone, own.email, own.address = personal.phone, personal.email, personal.address
            session.flush()
            if not _server(session):
                if asked:
                    self._notice(session, contact, NoticeKind.CONSENT_REQUEST, user, now)
                else:
                    self._notice(session, contact, NoticeKind.CHANGE_NOTICE, user, now, changed)
            if contact.case_id is not None:
                audit.record(session, "contact.edited", user_id=user.id,
                             case_id=contact.case_id, name=clean.name, fields=changed)
            case_id = contact.case_id
        if case_id is not None and self.events is not None:
            self.events.case_changed(case_id)
        return changed

    def record_consent(self, user: UserView, contact_id: int, status: ConsentStatus) -> None:
        """The person's answer (given, refused), or asking again (requested). A refusal erases
        their personal data."""
        status = ConsentStatus(status)
        if status is ConsentStatus.UNKNOWN:
            raise ValidationError("Record the person's answer: given or refused.")
        with self._db.sessions.begin() as session:
            contact = self._contact(session, user, contact_id)
            self._keep(session, user, contact.case_id)
            if status.value == contact.consent_status and status is not ConsentStatus.REQUESTED:
                return
            now = datetime.now(UTC)
            contact.consent_status = status.value
            if status is ConsentStatus.REQUESTED:
                contact.consent_requested_at, contact.consent_answered_at = now, None
            else:
                contact.consent_answered_at = now
            contact.updated_at, contact.updated_by_id = now, user.id
            session.flush()
            if not _server(session):
                if status is ConsentStatus.REFUSED:
                    own = session.get(ContactPersonal, contact.id)
                    if own is not None:
                        session.delete(own)
                if status is ConsentStatus.REQUESTED:
                    self._notice(session, contact, NoticeKind.CONSENT_REQUEST, user, now)
            if contact.case_id is not None:
                audit.record(session, "contact.consent", user_id=user.id,
                             case_id=contact.case_id, name=contact.name, consent=status.value)

    def remove(self, user: UserView, contact_id: int) -> None:
        with self._db.sessions.begin() as session:
            contact = self._contact(session, user, contact_id)
            self._keep(session, user, contact.case_id)
            case_id = contact.case_id
            if case_id is not None:
                audit.record(session, "contact.removed", user_id=user.id, case_id=case_id,
                             name=contact.name)
            remove(session, contact)
        if case_id is not None and self.events is not None:
            self.events.case_changed(case_id)

    # -- GDPR mails --------------------------------------------------------------------------------
    def mark_sent(self, user: UserView, notice_id: int, method: str = "hand") -> None:
        """The notice was sent (by the app's mail server, or by hand). Marking it again keeps
        the first marking."""
        if method not in ("smtp", "hand"):
            raise ValidationError("A notice is sent by the mail server or by hand.")
        with self._db.sessions.begin() as session:
            notice = session.get(ContactNotice, notice_id)
            contact = session.get(Contact, notice.contact_id) if notice else None
            if notice is None or contact is None or not self._sees(session, user, contact):
                raise NotAvailable("This mail is no longer in the list.")
            self._keep(session, user, contact.case_id)
            if notice.sent_at is not None:
                return
            notice.sent_at, notice.sent_by_id, notice.method = datetime.now(UTC), user.id, method

    def message_id(self, notice_id: int) -> str:
        host = self._db.engine.url.host or "embedded"
        database = (self._db.engine.url.database or "paragon").rsplit("/", 1)[-1]
        return f"<paragon-notice-{notice_id}.{database}@{host}>"

    def send_pending(self, user: UserView, mailer: Mailer, sender: str,
                     notice_ids: list[int] | None = None,
                     progress: Callable[[int, int], bool] = lambda done, total: True) -> int:
        """Send the pending notices that have an address (all, or ``notice_ids``) through
        ``mailer``, marking each sent as soon as the server took it. ``progress(done, total)``
        returning False stops after the current mail. Returns how many were sent."""
        pending = [n for n in self.pending_notices(user)
                   if n.recipient and (notice_ids is None or n.id in notice_ids)]
        sent = 0
        with mailer:
            for notice in pending:
                if not progress(sent, len(pending)):
                    break
                subject, body = notice.mail(sender)
                mailer.send(Mail(notice.recipient, subject, body, self.message_id(notice.id)))
                self.mark_sent(user, notice.id, "smtp")
                sent += 1
        progress(sent, len(pending))
        return sent
