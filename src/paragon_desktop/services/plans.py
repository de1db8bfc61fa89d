"""Emergency plans (DOMAIN.md, Emergency plans; original §3): the plans a user may see, making
and editing them (plan managers of the responsible organisation), their documents and approval
letters, the elements they rely on, approving, and activating a plan in a case.

The rules are domain.plans'; on the shared server the same are enforced for login roles
(migration 0012), which also stamps who and when and writes the plan's history itself.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from shapely.geometry import shape
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from paragon_desktop.domain.access import can_write_messages
from paragon_desktop.domain.anchors import JURISDICTION_TOLERANCE_M, category_of
from paragon_desktop.domain.enums import FeedKind, ShareReason
from paragon_desktop.domain.errors import AccessDenied, NotAvailable, ValidationError
from paragon_desktop.domain.plans import (
    DocumentKind,
    PlanKind,
    PlanName,
    PlanStatus,
    can_see_plan,
    check_pdf,
    check_size,
    is_plan_manager,
    plan_title,
    status_after_edit,
)
from paragon_desktop.i18n import _, when
from paragon_desktop.services import audit
from paragon_desktop.services.access import crisis_role, visible_case
from paragon_desktop.services.events import CaseEvents
from paragon_desktop.services.once import exactly_once
from paragon_desktop.services.org_anchors import metres_outside
from paragon_desktop.services.views import UserView
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import (
    Anchor,
    CasePlan,
    CaseShare,
    Contact,
    EmergencyPlan,
    Feed,
    Membership,
    Message,
    Organisation,
    PlanDocument,
    PlanElement,
    PlanHistory,
    User,
)

CREATE_PLAN = "plan.create"
DOCUMENT_CHUNK = 1_000_000  # bytes read from the database at a time
ACTIVATE_PLAN = "plan.activate"
ELEMENT_KINDS = ("anchor", "contact", "organisation")


@dataclass(frozen=True)
class Upload:
    """A PDF chosen by the user: its name and bytes (read off the GUI thread)."""

    filename: str
    data: bytes

    @classmethod
    def read(cls, path: Path, kind: DocumentKind = DocumentKind.PLAN) -> Upload:
        """The file, refused by its size before it is read (a PDF of gigabytes is never held in
        memory)."""
        check_size(path.stat().st_size, kind)
        return cls(path.name[:300], path.read_bytes())


@dataclass(frozen=True)
class PlanSummary:
    id: int
    title: str
    kind: PlanKind
    status: PlanStatus
    organisation_id: int
    organisation: str
    updated_at: datetime
    key_anchor: str
    bbox: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class DocumentView:
    id: int
    kind: str
    filename: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str


@dataclass(frozen=True)
class ElementView:
    id: int
    kind: str
    ref_id: int
    label: str


@dataclass(frozen=True)
class HistoryView:
    at: datetime
    user: str
    action: str
    detail: str


@dataclass(frozen=True)
class PlanView:
    summary: PlanSummary
    name: PlanName
    key_anchor_id: int
    created_at: datetime | None
    created_by: str
    updated_by: str
    approved_at: datetime | None
    approved_by: str
    changed_at: datetime | None
    small_change: bool
    content_version: int
    may_manage: bool
    documents: list[DocumentView] = field(default_factory=list)
    elements: list[ElementView] = field(default_factory=list)
    history: list[HistoryView] = field(default_factory=list)


def _bbox(anchor: Anchor) -> tuple[float, float, float, float] | None:
    west, south, east, north = anchor.min_lon, anchor.min_lat, anchor.max_lon, anchor.max_lat
    if west is None or south is None or east is None or north is None:
        return None
    return west, south, east, north


def _name_json(name: PlanName) -> str:
    data = asdict(name)
    data["kind"] = name.kind.value
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _name_of(plan: EmergencyPlan) -> PlanName:
    try:
        raw = json.loads(plan.name_json or "{}")
        return PlanName(kind=PlanKind(plan.kind), **{k: str(v) for k, v in raw.items()
                                                       if k != "kind" and k in PlanName.__dataclass_fields__})
    except (ValueError, TypeError):
        return PlanName(kind=PlanKind.ANIP)


class PlanService:
    def __init__(self, db: Database, events: CaseEvents) -> None:
        self._db = db
        self.events = events

    # -- who may -------------------------------------------------------------------------------
    @staticmethod
    def _my_organisations(session: Session, user: UserView) -> set[int]:
        return set(session.scalars(select(Membership.organisation_id)
                                   .where(Membership.user_id == user.id)))

    @staticmethod
    def _manages(session: Session, user: UserView, organisation_id: int) -> bool:
        roles = session.scalars(select(Membership.management_roles).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation_id)).first()
        return roles is not None and is_plan_manager(roles)

    def managed_organisations(self, user: UserView) -> list[tuple[int, str]]:
        """The organisations whose plans this user keeps (plan manager there)."""
        with self._db.sessions() as session:
            rows = session.execute(
                select(Organisation.id, Organisation.name, Membership.management_roles)
                .join(Membership, Membership.organisation_id == Organisation.id)
                .where(Membership.user_id == user.id).order_by(Organisation.name)).all()
        return [(i, n) for i, n, roles in rows if is_plan_manager(roles)]

    def _visible(self, session: Session, user: UserView, plan_id: int) -> EmergencyPlan:
        plan = session.get(EmergencyPlan, plan_id)
        if plan is None or not can_see_plan(plan.status, plan.organisation_id,
                                            self._my_organisations(session, user)):
            raise NotAvailable("This plan no longer exists, or is a draft of another "
                               "organisation.")
        return plan

    def _managed(self, session: Session, user: UserView, plan_id: int) -> EmergencyPlan:
        plan = self._visible(session, user, plan_id)
        if not self._manages(session, user, plan.organisation_id):
            organisation = session.get(Organisation, plan.organisation_id)
            raise AccessDenied("Only the plan managers of {organisation} change this plan.",
                               organisation=organisation.name if organisation else "?")
        return plan

    # -- reading --------------------------------------------------------------------------------
    def list_plans(self, user: UserView, *, kind: PlanKind | None = None,
                   organisation_id: int | None = None, status: PlanStatus | None = None,
                   search: str = "",
                   area: tuple[float, float, float, float] | None = None,
                   area_of: int | None = None) -> list[PlanSummary]:
        """The plans this user may see (drafts of their own organisations, approved ones of
        all), filtered; ``area``: plans whose key anchor's box meets this box; ``area_of``: plans
        whose key anchor lies in or crosses that organisation's jurisdiction (a border it only
        shares does not count)."""
        with self._db.sessions() as session:
            mine = self._my_organisations(session, user)
            region = None
            if area_of is not None:
                holder = session.get(Organisation, area_of)
                if holder is not None and holder.jurisdiction_geojson:
                    region = shape(json.loads(holder.jurisdiction_geojson))
            query = (select(EmergencyPlan, Organisation.name, Anchor)
                     .join(Organisation, Organisation.id == EmergencyPlan.organisation_id)
                     .join(Anchor, Anchor.id == EmergencyPlan.key_anchor_id)
                     .where(or_(EmergencyPlan.status == PlanStatus.APPROVED.value,
                                EmergencyPlan.organisation_id.in_(mine)))
                     .order_by(EmergencyPlan.title))
            if kind is not None:
                query = query.where(EmergencyPlan.kind == kind.value)
            if organisation_id is not None:
                query = query.where(EmergencyPlan.organisation_id == organisation_id)
            if status is not None:
                query = query.where(EmergencyPlan.status == status.value)
            words = search.casefold().split()
            result = []
            for plan, organisation, anchor in session.execute(query):
                text = f"{plan.title} {organisation} {anchor.name}".casefold()
                if words and not all(w in text for w in words):
                    continue
                bbox = _bbox(anchor)
                if area is not None and bbox is not None and (
                        bbox[0] > area[2] or bbox[2] < area[0] or bbox[1] > area[3]
                        or bbox[3] < area[1]):
                    continue
                if region is not None:
                    found = shape(json.loads(anchor.geometry_geojson))
                    if not found.intersects(region) or found.touches(region):
                        continue
                result.append(PlanSummary(plan.id, plan.title, PlanKind(plan.kind),
                                          PlanStatus(plan.status), plan.organisation_id,
                                          organisation, plan.updated_at, anchor.name, bbox))
            return result

    def plan(self, user: UserView, plan_id: int) -> PlanView:
        """One plan with its documents (without their bytes), elements and history ("Over")."""
        with self._db.sessions() as session:
            plan = self._visible(session, user, plan_id)
            documents_found = session.scalars(select(PlanDocument).where(
                PlanDocument.plan_id == plan_id).order_by(PlanDocument.id)).all()
            history_found = session.scalars(select(PlanHistory).where(
                PlanHistory.plan_id == plan_id).order_by(PlanHistory.id)).all()
            wanted = {plan.created_by_id, plan.updated_by_id, plan.approved_by_id,
                      *(d.uploaded_by_id for d in documents_found), *(h.user_id for h in history_found)}
            names = dict(session.execute(select(User.id, User.display_name)
                                         .where(User.id.in_(wanted - {None}))).all())
            organisation = session.get(Organisation, plan.organisation_id)
            anchor = session.get(Anchor, plan.key_anchor_id)
            summary = PlanSummary(plan.id, plan.title, PlanKind(plan.kind), PlanStatus(plan.status),
                                  plan.organisation_id, organisation.name if organisation else "",
                                  plan.updated_at, anchor.name if anchor else "",
                                  _bbox(anchor) if anchor else None)
            documents = [DocumentView(d.id, d.kind, d.filename, d.size, d.sha256, d.uploaded_at,
                                      names.get(d.uploaded_by_id, "?")) for d in documents_found]
            elements = [ElementView(e.id, e.kind, e.ref_id, e.label)
                        for e in session.scalars(select(PlanElement).where(
                            PlanElement.plan_id == plan_id, PlanElement.removed_at.is_(None))
                            .order_by(PlanElement.kind, PlanElement.label))]
            history = [HistoryView(h.at, names.get(h.user_id, "?") if h.user_id else "",
                                   h.action, h.detail) for h in history_found]
            return PlanView(
                summary, _name_of(plan), plan.key_anchor_id, plan.created_at,
                names.get(plan.created_by_id, "") if plan.created_by_id else "",
                names.get(plan.updated_by_id, ""), plan.approved_at,
                names.get(plan.approved_by_id, "") if plan.approved_by_id else "",
                plan.changed_at, plan.small_change, plan.content_version,
                self._manages(session, user, plan.organisation_id), documents, elements, history)

    def document(self, user: UserView, document_id: int) -> tuple[str, bytes]:
        """A document's name and bytes (small documents; ``document_to`` streams)."""
        out = io.BytesIO()
        name = self.document_to(user, document_id, out)
        return name, out.getvalue()

    def document_to(self, user: UserView, document_id: int, out: IO[bytes],
                    chunk: int = DOCUMENT_CHUNK) -> str:
        """Write a document to ``out`` a piece at a time (the whole PDF is never one value
        in memory); returns its file name."""
        with self._db.sessions() as session:
            row = session.execute(select(PlanDocument.plan_id, PlanDocument.filename,
                                         PlanDocument.size)
                                  .where(PlanDocument.id == document_id)).first()
            if row is None:
                raise NotAvailable("This document no longer exists.")
            self._visible(session, user, row.plan_id)
            for start in range(1, row.size + 1, chunk):
                piece = session.scalar(select(func.substr(PlanDocument.data, start, chunk))
                                       .where(PlanDocument.id == document_id))
                out.write(bytes(piece or b""))
            return str(row.filename)

    def key_anchor_choices(self, user: UserView, organisation_id: int) -> list[tuple[int, str, str]]:
        """The anchors a plan of this organisation may take as its key anchor: organisations'
        anchors within its jurisdiction, (id, name, category)."""
        with self._db.sessions() as session:
            if not self._manages(session, user, organisation_id):
                return []
            return [(a.id, a.name, a.category) for a in session.scalars(
                select(Anchor).where(Anchor.case_id.is_(None)).order_by(Anchor.name))
                if self._outside(session, organisation_id, a) <= JURISDICTION_TOLERANCE_M]

    def areas(self) -> list[tuple[int, str]]:
        """Organisations with a jurisdiction (municipalities, provinces, zones), to filter
        plans by the area their key anchor lies in."""
        with self._db.sessions() as session:
            return [(o.id, o.name) for o in session.scalars(
                select(Organisation).where(Organisation.jurisdiction_geojson.is_not(None))
                .order_by(Organisation.name))]

    def element_choices(self, user: UserView) -> dict[str, list[tuple[int, str]]]:
        """What a plan may rely on: organisations' anchors, the directory's contacts and the
        organisations, (id, label) each."""
        with self._db.sessions() as session:
            anchors = [(a.id, a.name) for a in session.scalars(
                select(Anchor).where(Anchor.case_id.is_(None)).order_by(Anchor.name))]
            contacts = [(c.id, self._element_label(session, "contact", c.id))
                        for c in session.scalars(select(Contact).where(Contact.case_id.is_(None))
                                                 .order_by(Contact.name))]
            organisations = [(o.id, o.name) for o in session.scalars(
                select(Organisation).order_by(Organisation.name))]
        return {"anchor": anchors, "contact": contacts, "organisation": organisations}

    # -- writing --------------------------------------------------------------------------------
    def _history(self, session: Session, plan: EmergencyPlan, user: UserView, action: str) -> None:
        """On SQLite the app keeps the history; on PostgreSQL the server writes it itself."""
        if session.get_bind().dialect.name != "postgresql":
            session.add(PlanHistory(plan_id=plan.id, at=datetime.now(UTC), user_id=user.id,
                                    action=action, detail=plan.title))

    @staticmethod
    def _outside(session: Session, organisation_id: int, anchor: Anchor) -> float:
        """Metres the anchor lies outside the organisation's jurisdiction (0: within, or the
        organisation has none)."""
        organisation = session.get(Organisation, organisation_id)
        if organisation is None or not organisation.jurisdiction_geojson:
            return 0.0
        return metres_outside(shape(json.loads(anchor.geometry_geojson)),
                              shape(json.loads(organisation.jurisdiction_geojson)))

    def _check_key_anchor(self, session: Session, organisation_id: int, anchor_id: int) -> None:
        """An existing organisation anchor within the responsible organisation's jurisdiction
        (§3.1); the server checks the same (migration 0012)."""
        anchor = session.get(Anchor, anchor_id)
        if anchor is None or anchor.case_id is not None:
            raise ValidationError("The key anchor is an existing anchor of an organisation (draw "
                                  "it first as a key anchor).", fields=("key_anchor",))
        outside = self._outside(session, organisation_id, anchor)
        if outside > JURISDICTION_TOLERANCE_M:
            raise ValidationError("The key anchor “{name}” lies {metres} m outside the "
                                  "responsible organisation's jurisdiction.", name=anchor.name,
                                  metres=round(outside), fields=("key_anchor",))

    @staticmethod
    def _add_document(session: Session, plan: EmergencyPlan, user: UserView, kind: DocumentKind,
                      upload: Upload) -> None:
        data = check_pdf(upload.data, kind)
        session.add(PlanDocument(
            plan_id=plan.id, kind=kind.value, filename=upload.filename[:300] or "plan.pdf",
            size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data,
            uploaded_at=datetime.now(UTC), uploaded_by_id=user.id))

    def create_plan(self, user: UserView, organisation_id: int, name: PlanName,
                    key_anchor_id: int, document: Upload, *, op_id: str | None = None) -> int:
        """A new plan, as a draft, with its document (plan managers of its organisation)."""
        title = plan_title(name)
        check_pdf(document.data, DocumentKind.PLAN)

        def write(session: Session) -> int:
            if not self._manages(session, user, organisation_id):
                raise AccessDenied("Only a plan manager of the responsible organisation makes "
                                   "its plans; you are not one there.")
            self._check_key_anchor(session, organisation_id, key_anchor_id)
            now = datetime.now(UTC)
            plan = EmergencyPlan(
                title=title, organisation_id=organisation_id, key_anchor_id=key_anchor_id,
                status=PlanStatus.DRAFT.value, updated_at=now, updated_by_id=user.id,
                kind=name.kind.value, name_json=_name_json(name), created_at=now,
                created_by_id=user.id, content_version=1, changed_at=now, small_change=False)
            session.add(plan)
            session.flush()
            self._add_document(session, plan, user, DocumentKind.PLAN, document)
            self._history(session, plan, user, "created")
            return plan.id

        return exactly_once(self._db, op_id, user.id, CREATE_PLAN, write).result_id

    def _changed(self, session: Session, plan: EmergencyPlan, user: UserView, small: bool) -> None:
        """A change of content: an approved plan goes back to draft unless the change is
        marked small (the server does the same for login roles)."""
        before = plan.status
        plan.status = status_after_edit(plan.status, small).value
        plan.small_change = small
        plan.content_version = (plan.content_version or 0) + 1
        now = datetime.now(UTC)
        plan.changed_at = now
        plan.updated_at = now
        plan.updated_by_id = user.id
        if plan.status == PlanStatus.DRAFT.value:
            plan.approved_at = plan.approved_by_id = None
        session.flush()
        action = ("back_to_draft" if before == PlanStatus.APPROVED.value
                  and plan.status == PlanStatus.DRAFT.value
                  else "small_change" if plan.status == PlanStatus.APPROVED.value else "edited")
        self._history(session, plan, user, action)

    def edit_plan(self, user: UserView, plan_id: int, *, name: PlanName | None = None,
                  key_anchor_id: int | None = None, document: Upload | None = None,
                  small: bool = False) -> None:
        """Change the title's parts, the key anchor or the document (a new version). Marked
        ``small`` (a typo, a phone number) an approved plan stays approved; otherwise it goes
        back to draft and needs approving again (§3.3, §3.4)."""
        with self._db.sessions.begin() as session:
            plan = self._managed(session, user, plan_id)
            if name is not None:
                plan.title = plan_title(name)
                plan.kind = name.kind.value
                plan.name_json = _name_json(name)
            if key_anchor_id is not None:
                self._check_key_anchor(session, plan.organisation_id, key_anchor_id)
                plan.key_anchor_id = key_anchor_id
            self._changed(session, plan, user, small)
            if document is not None:
                self._add_document(session, plan, user, DocumentKind.PLAN, document)

    def approve(self, user: UserView, plan_id: int, letter: Upload) -> None:
        """Approve ("Goedkeuren"): a plan manager of the responsible organisation, with the
        approval letter attached (§3.4)."""
        check_pdf(letter.data, DocumentKind.LETTER)
        with self._db.sessions.begin() as session:
            plan = self._managed(session, user, plan_id)
            if plan.status == PlanStatus.APPROVED.value:
                raise ValidationError("This plan is already approved.")
            self._add_document(session, plan, user, DocumentKind.LETTER, letter)
            session.flush()
            now = datetime.now(UTC)
            plan.status = PlanStatus.APPROVED.value
            plan.approved_at = now
            plan.approved_by_id = user.id
            plan.updated_at = now
            plan.updated_by_id = user.id
            session.flush()
            self._history(session, plan, user, "approved")

    def add_element(self, user: UserView, plan_id: int, kind: str, ref_id: int, *,
                    small: bool = False) -> int:
        """An anchor (an organisation's own), a contact of the directory or an organisation
        the plan relies on."""
        if kind not in ELEMENT_KINDS:
            raise ValidationError("A plan element is an anchor, a contact or an organisation.")
        with self._db.sessions.begin() as session:
            plan = self._managed(session, user, plan_id)
            label = self._element_label(session, kind, ref_id)
            if session.scalar(select(PlanElement.id).where(
                    PlanElement.plan_id == plan_id, PlanElement.kind == kind,
                    PlanElement.ref_id == ref_id, PlanElement.removed_at.is_(None))):
                raise ValidationError("{label} is already in this plan.", label=label)
            self._changed(session, plan, user, small)
            element = PlanElement(plan_id=plan_id, kind=kind, ref_id=ref_id, label=label,
                                  added_at=datetime.now(UTC), added_by_id=user.id)
            session.add(element)
            session.flush()
            return element.id

    @staticmethod
    def _element_label(session: Session, kind: str, ref_id: int) -> str:
        if kind == "anchor":
            anchor = session.get(Anchor, ref_id)
            if anchor is not None and anchor.case_id is None:
                return anchor.name[:300]
        elif kind == "contact":
            contact = session.get(Contact, ref_id)
            if contact is not None and contact.case_id is None:
                return (f"{contact.name} ({contact.organisation_name})" if contact.organisation_name
                        else contact.name)[:300]
        else:
            organisation = session.get(Organisation, ref_id)
            if organisation is not None:
                return organisation.name[:300]
        raise ValidationError("A plan element is an organisation's anchor, a contact of the "
                              "directory or an organisation.")

    def remove_element(self, user: UserView, plan_id: int, element_id: int, *,
                       small: bool = False) -> None:
        with self._db.sessions.begin() as session:
            plan = self._managed(session, user, plan_id)
            element = session.get(PlanElement, element_id)
            if element is None or element.plan_id != plan_id or element.removed_at is not None:
                raise NotAvailable("This element is no longer in the plan.")
            self._changed(session, plan, user, small)
            element.removed_at = datetime.now(UTC)

    # -- in a case -------------------------------------------------------------------------------
    def active_in_case(self, user: UserView, case_id: int) -> list[tuple[int, int | None, str,
                                                                       datetime | None, bool]]:
        """The plans activated in a case: (case plan id, plan id, title, version, active)."""
        with self._db.sessions() as session:
            visible_case(session, user.id, case_id)
            return [(p.id, p.plan_id, p.title, p.plan_version_at, p.active)
                    for p in session.scalars(select(CasePlan).where(CasePlan.case_id == case_id)
                                             .order_by(CasePlan.activated_at))]

    def activate(self, user: UserView, case_id: int, plan_id: int, *,
                 anchors: Collection[int] = (), contacts: Collection[int] = (),
                 organisations: Collection[int] = (), op_id: str | None = None) -> int:
        """Activate a plan in an open case and load the chosen elements into the case's
        widgets as copies ("from plan X, version of D"); organisations are shared the case
        with the reason "plan" (public cases). The Multi feed says so."""

        def write(session: Session) -> int:
            case = visible_case(session, user.id, case_id)
            if case.status != "open" or not can_write_messages(user.access_level, True):
                raise AccessDenied("A plan is activated in an open case by an agent or a "
                                   "coordinator.")
            plan = self._visible(session, user, plan_id)
            if session.scalar(select(CasePlan.id).where(CasePlan.case_id == case_id,
                                                        CasePlan.plan_id == plan_id,
                                                        CasePlan.active.is_(True))):
                raise ValidationError("“{title}” is already active in this case.",
                                      title=plan.title)
            elements = {(e.kind, e.ref_id): e for e in session.scalars(select(PlanElement).where(
                PlanElement.plan_id == plan_id, PlanElement.removed_at.is_(None)))}
            chosen = ([("anchor", i) for i in anchors] + [("contact", i) for i in contacts]
                      + [("organisation", i) for i in organisations])
            for key in chosen:
                if key not in elements:
                    raise ValidationError("That element is no longer in the plan; open the plan "
                                          "again.")
            now = datetime.now(UTC)
            version = plan.changed_at or plan.updated_at
            row = CasePlan(case_id=case_id, plan_id=plan_id, title=plan.title, active=True,
                           activated_at=now, plan_version_at=version, activated_by_id=user.id)
            session.add(row)
            session.flush()
            origin = _("Uit noodplan {title}, versie van {date}").format(
                title=plan.title, date=when(version))
            for anchor_id in anchors:
                source = session.get(Anchor, anchor_id)
                if source is None:
                    continue
                session.add(Anchor(
                    case_id=case_id, name=source.name,
                    category=category_of(source.category).value,
                    description=(origin + ("\n" + source.description if source.description
                                           else ""))[:4000],
                    geometry_geojson=source.geometry_geojson, min_lon=source.min_lon,
                    min_lat=source.min_lat, max_lon=source.max_lon, max_lat=source.max_lat))
            for contact_id in contacts:
                person = session.get(Contact, contact_id)
                if person is None:
                    continue
                session.add(Contact(
                    case_id=case_id, kind=person.kind, name=person.name,
                    organisation_name=person.organisation_name,
                    function=(f"{person.function} ({origin})" if person.function
                              else origin)[:200],
                    phone=person.phone, email=person.email, address=person.address))
            shared = set(session.scalars(select(CaseShare.organisation_id)
                                         .where(CaseShare.case_id == case_id)))
            if case.access == "public":
                for organisation_id in organisations:
                    if organisation_id not in shared:
                        session.add(CaseShare(case_id=case_id, organisation_id=organisation_id,
                                              reason=ShareReason.PLAN.value))
            session.flush()
            self._announce(session, user, case_id, _("Noodplan geactiveerd: {title} (versie van "
                                                     "{date})").format(title=plan.title,
                                                                       date=when(version)))
            audit.record(session, "plan.activated", user_id=user.id, case_id=case_id,
                         plan=plan.title, anchors=len(anchors), contacts=len(contacts),
                         organisations=len(organisations))
            return row.id

        outcome = exactly_once(self._db, op_id, user.id, ACTIVATE_PLAN, write)
        if not outcome.replayed:
            self.events.case_changed(case_id)
        return outcome.result_id

    def deactivate(self, user: UserView, case_id: int, case_plan_id: int) -> None:
        """What the plan loaded stays in the case."""
        with self._db.sessions.begin() as session:
            case = visible_case(session, user.id, case_id)
            row = session.get(CasePlan, case_plan_id)
            if row is None or row.case_id != case_id or not row.active:
                raise NotAvailable("That plan is not active in this case.")
            if case.status != "open" or not can_write_messages(user.access_level, True):
                raise AccessDenied("A plan is deactivated in an open case by an agent or a "
                                   "coordinator.")
            row.active = False
            row.deactivated_at = datetime.now(UTC)
            session.flush()
            self._announce(session, user, case_id,
                           _("Noodplan gedeactiveerd: {title}").format(title=row.title))
            audit.record(session, "plan.deactivated", user_id=user.id, case_id=case_id,
                         plan=row.title)
        self.events.case_changed(case_id)

    @staticmethod
    def _announce(session: Session, user: UserView, case_id: int, text: str) -> None:
        """A line in the Multi feed, as the user in their crisis role."""
        role = crisis_role(session, case_id, user.id)
        multi = session.scalar(select(Feed.id).where(Feed.case_id == case_id,
                                                     Feed.kind == FeedKind.MULTI.value))
        if multi is None:
            return
        session.add(Message(case_id=case_id, feed_id=multi, author_id=user.id,
                            organisation_id=role.organisation_id, crisis_role=role.crisis_role,
                            created_at=datetime.now(UTC), text=text, tags=""))


def export_plans(service: PlanService, user: UserView, out: Path, *,
                 organisation_id: int | None = None) -> int:
    """A backup of one's own plans (§3.5): per plan a folder with every document version, the
    approval letters and ``plan.json`` (title, kind, status, key anchor, elements, history),
    in one zip. Returns how many plans went in. Written to a temporary name first."""
    import zipfile

    mine = {org for org, _name in service.managed_organisations(user)}
    if organisation_id is not None:
        mine &= {organisation_id}
    plans = [p for p in service.list_plans(user) if p.organisation_id in mine]
    partial = out.with_name(out.name + ".part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for summary in plans:
            view = service.plan(user, summary.id)
            folder = f"{summary.id:04d} {_safe_name(summary.title)}"
            archive.writestr(f"{folder}/plan.json", json.dumps({
                "title": summary.title, "kind": summary.kind.value,
                "status": summary.status.value, "organisation": summary.organisation,
                "key_anchor": summary.key_anchor, "name": asdict(view.name) | {
                    "kind": view.name.kind.value},
                "created": [str(view.created_at), view.created_by],
                "approved": [str(view.approved_at), view.approved_by],
                "elements": [asdict(e) for e in view.elements],
                "documents": [asdict(d) | {"uploaded_at": str(d.uploaded_at)}
                              for d in view.documents],
                "history": [asdict(h) | {"at": str(h.at)} for h in view.history],
            }, ensure_ascii=False, indent=1, default=str))
            for number, document in enumerate(view.documents, 1):
                prefix = "brief" if document.kind == "letter" else "plan"
                entry = f"{folder}/{prefix}-{number:02d} {_safe_name(document.filename)}"
                with archive.open(entry, "w") as stream:
                    service.document_to(user, document.id, stream)
    partial.replace(out)
    return len(plans)


def _safe_name(text: str) -> str:
    """A name usable as a file name everywhere (no separators or reserved characters)."""
    cleaned = "".join(c if c.isalnum() or c in " ._-()" else "_" for c in text).strip(" .")
    return cleaned[:120] or "plan"
