"""Starting, editing, closing and reopening cases (DOMAIN.md, Cases). Who a case is shared with
is ``services.sharing``; its history ``services.case_reports``; places and jurisdictions
``services.places``.

Every action checks the user's case access level through ``domain.access.case_refusal`` and
records who did what, when, in which crisis role and what changed in the audit trail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paragon_desktop import i18n
from paragon_desktop.domain.access import CaseAction, case_refusal
from paragon_desktop.domain.cases import (
    CaseDraft,
    CaseLocation,
    LocationKind,
    check_category_change,
    closing_advice,
    generate_case_name,
    normalise_astrid_block,
    validate_draft,
    validate_name_suffix,
)
from paragon_desktop.domain.enums import CaseAccess, CaseCategory, ShareReason
from paragon_desktop.domain.errors import AccessDenied, ValidationError
from paragon_desktop.gis.geometry import bbox_of
from paragon_desktop.i18n import error_text
from paragon_desktop.services import audit
from paragon_desktop.services.access import visible_case, visible_case_ids
from paragon_desktop.services.cases import summary_of
from paragon_desktop.services.events import CaseEvents
from paragon_desktop.services.places import PlaceService, share_views
from paragon_desktop.services.postgis import hidden_astrid_holder
from paragon_desktop.services.views import (
    CaseSummary,
    UserView,
)
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import (
    AuditEvent,
    Case,
    CasePlan,
    CaseShare,
    CaseUser,
    Feed,
    Message,
    Organisation,
    User,
)
from paragon_desktop.storage.revisions import remove


@dataclass(frozen=True)
class Outcome:
    """What an action did, with anything the user should know about it."""

    case: CaseSummary
    notes: tuple[str, ...] = ()


class CaseAdminService:
    def __init__(self, db: Database, events: CaseEvents, places: PlaceService) -> None:
        self._db = db
        self.events = events
        self._places = places

    def astrid_holder(self, user: UserView, block: str, except_case_id: int | None = None) -> str | None:
        """Why this block index cannot be used (the open case holding it), or None when free."""
        normalised = normalise_astrid_block(block)
        if normalised is None:
            return None
        with self._db.sessions() as session:
            return self._astrid_refusal(session, user, normalised, except_case_id)

    def _astrid_refusal(
        self, session: Session, user: UserView, block: str, except_case_id: int | None
    ) -> str | None:
        query = select(Case).where(Case.status == "open", Case.astrid_block == block)
        if except_case_id is not None:
            query = query.where(Case.id != except_case_id)
        holder = session.scalars(query).first()
        if holder is None:
            hidden = (hidden_astrid_holder(session, block, except_case_id)
                      if session.get_bind().dialect.name == "postgresql" else None)
            if hidden is None:
                return None
            return error_text("Astrid block index {block} is reserved by another open case (of "
                              "{organisation}) you have no access to. Choose another block "
                              "index, or ask that case to clear it.").format(
                block=block, organisation=hidden)
        if holder.id in visible_case_ids(session, user.id):
            return error_text("Astrid block index {block} is reserved by case “{case}”. Choose "
                              "another block index, or ask that case to clear it.").format(
                block=block, case=holder.name)
        org = session.get(Organisation, holder.organisation_id)
        return error_text("Astrid block index {block} is reserved by another open case (of "
                          "{organisation}) you have no access to. Choose another block index, or "
                          "ask that case to clear it.").format(
            block=block, organisation=org.name if org else error_text("another organisation"))

    # -- start and edit -----------------------------------------------------------------------
    def start_case(self, user: UserView, draft: CaseDraft) -> Outcome:
        """Start a case from a complete form. A public case is shared by territory at once."""
        _require(case_refusal(CaseAction.START, user.access_level))
        validate_draft(draft)
        assert draft.category is not None
        assert draft.access is not None
        assert draft.location is not None
        assert draft.occurred_at is not None
        organisation_id = self._organisation_for(user, draft.organisation_id)
        block = normalise_astrid_block(draft.astrid_block)
        suffix = validate_name_suffix(draft.name_suffix)
        now = datetime.now(UTC)
        # Written in the starter's language (the one they see), kept so when others edit it.
        name_language = draft.name_language or i18n.language()
        with self._db.sessions.begin() as session:
            if block:
                _require_valid(self._astrid_refusal(session, user, block, None), "astrid_block")
            case = Case(
                name=generate_case_name(draft.category, draft.case_type, draft.location.name,
                                        suffix, name_language),
                name_suffix=suffix, name_language=name_language,
                category=draft.category.value, access=draft.access.value,
                case_type=draft.case_type.strip(), occurred_at=draft.occurred_at,
                phase=draft.phase, astrid_block=block, description=draft.description.strip(),
                status="open", created_by_id=user.id, organisation_id=organisation_id,
                created_at=now,
            )
            _set_location(case, draft.location)
            session.add(case)
            session.flush()
            session.add(Feed(case_id=case.id, name="Multi", kind="multi", position=0))
            # The one who starts a case always has access to it, also when it is private.
            session.add(CaseUser(case_id=case.id, user_id=user.id, invited=True,
                                 organisation_id=organisation_id))
            shares: dict[int, ShareReason] = {}
            if draft.access is CaseAccess.PUBLIC:
                shares = self._places.territorial_shares(session, draft.location.geometry,
                                                         _territory_of(draft.location))
                for org_id, reason in shares.items():
                    session.add(CaseShare(case_id=case.id, organisation_id=org_id, reason=reason.value))
            audit.record(session, "case.started", user_id=user.id, case_id=case.id,
                         **_draft_facts(draft, block, suffix),
                         shared_with={v.organisation: v.reason for v in share_views(session, shares)})
            _flush_unique(session, block)
            summary = summary_of(session, case)
        self.events.case_changed(summary.id)
        return Outcome(summary)

    def case_draft(self, user: UserView, case_id: int) -> CaseDraft:
        """The form's contents for editing a case."""
        with self._db.sessions() as session:
            case = visible_case(session, user.id, case_id)
            return CaseDraft(
                category=CaseCategory(case.category), access=CaseAccess(case.access),
                location=CaseLocation(LocationKind(case.location_kind), case.location_name,
                                      json.loads(case.location_geojson), case.location_ref_id),
                case_type=case.case_type, occurred_at=case.occurred_at, phase=case.phase,
                astrid_block=case.astrid_block or "", description=case.description,
                name_suffix=case.name_suffix, organisation_id=case.organisation_id,
                name_language=case.name_language,
            )

    def edit_case(self, user: UserView, case_id: int, draft: CaseDraft) -> Outcome:
        """Save the edited case information; what changed goes to the audit trail.

        A public case reaches organisations that become competent (or neighbours) at a new
        location; organisations it was shared with keep it. Made private, it is shared with no
        organisation any more (invited users and those taking part keep it); made public, it is
        shared by territory.
        """
        validate_draft(draft)
        assert draft.category is not None
        assert draft.access is not None
        assert draft.location is not None
        assert draft.occurred_at is not None
        block = normalise_astrid_block(draft.astrid_block)
        suffix = validate_name_suffix(draft.name_suffix)
        notes: list[str] = []
        with self._db.sessions.begin() as session:
            case = case_for(session, user, case_id, CaseAction.EDIT)
            check_category_change(CaseCategory(case.category), draft.category)
            if block and block != case.astrid_block:
                _require_valid(self._astrid_refusal(session, user, block, case.id), "astrid_block")
            before = _case_facts(case)
            case.name = generate_case_name(draft.category, draft.case_type, draft.location.name,
                                           suffix, case.name_language)
            case.name_suffix = suffix
            case.category = draft.category.value
            case.access = draft.access.value
            case.case_type = draft.case_type.strip()
            case.occurred_at = draft.occurred_at
            case.phase = draft.phase
            case.astrid_block = block
            case.description = draft.description.strip()
            _set_location(case, draft.location)
            after = _case_facts(case)
            changes: dict[str, Any] = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
            if "location" in changes:  # the geometry itself is in the case; say that it moved
                changes["location"] = "moved"
            if not changes:
                return Outcome(summary_of(session, case), (error_text("Nothing changed."),))
            added, dropped = self._reshare(session, case, before)
            details: dict[str, Any] = {"changes": changes}
            if added:
                details["shared_with"] = added
                notes.append(error_text("Now also shared with {organisations}.").format(
                    organisations=", ".join(added)))
            if dropped:
                details["unshared"] = dropped
                notes.append(error_text("No longer shared with {organisations}.").format(
                    organisations=", ".join(dropped)))
            audit.record(session, "case.edited", user_id=user.id, case_id=case.id,
                         crisis_role=role_in_case(session, case.id, user.id), **details)
            _flush_unique(session, block)
            summary = summary_of(session, case)
        self.events.case_changed(case_id)
        return Outcome(summary, tuple(notes))

    def _reshare(self, session: Session, case: Case, before: dict[str, Any]) -> tuple[list[str], list[str]]:
        existing = {s.organisation_id: s for s in session.scalars(
            select(CaseShare).where(CaseShare.case_id == case.id))}
        added: dict[int, ShareReason] = {}
        dropped: list[int] = []
        if case.access == CaseAccess.PUBLIC.value:
            if before["access"] != case.access or before["location"] != case.location_geojson:
                for org_id, reason in self._places.territorial_shares(
                        session, json.loads(case.location_geojson),
                        case.location_ref_id if case.location_kind == LocationKind.TERRITORY
                        else None).items():
                    if org_id not in existing:
                        session.add(CaseShare(case_id=case.id, organisation_id=org_id,
                                              reason=reason.value))
                        added[org_id] = reason
        elif before["access"] != case.access:
            # A private case is for users invited one by one (§4.2, access): no organisation
            # keeps it. Invited users and those taking part keep their access.
            for org_id, share in existing.items():
                remove(session, share)
                dropped.append(org_id)
        names = dict(session.execute(select(Organisation.id, Organisation.name).where(
            Organisation.id.in_([*added, *dropped]))).all())
        return [names[i] for i in added], sorted(names[i] for i in dropped)

    # -- close and reopen ---------------------------------------------------------------------
    def closing_advice(self, user: UserView, case_id: int) -> str | None:
        """Who normally closes this case, when it is not this user (shown before closing)."""
        with self._db.sessions() as session:
            case = visible_case(session, user.id, case_id)
            creator = session.get(User, case.created_by_id)
            organisation = session.get(Organisation, case.organisation_id)
            return closing_advice(
                CaseCategory(case.category), CaseAccess(case.access),
                closer_is_creator=case.created_by_id == user.id,
                closer_in_creating_organisation=case.organisation_id
                in {org_id for org_id, _ in user.organisations},
                creator_name=creator.display_name if creator else "?",
                creating_organisation=organisation.name if organisation else "?",
            )

    def close_case(self, user: UserView, case_id: int) -> Outcome:
        """Close: coordinators only, and only when no emergency plan is active in the case. The
        case becomes read-only, leaves the active list and frees its Astrid block index."""
        with self._db.sessions.begin() as session:
            case = case_for(session, user, case_id, CaseAction.CLOSE)
            case.status = "closed"
            case.closed_at = datetime.now(UTC)
            case.closed_by_id = user.id
            audit.record(session, "case.closed", user_id=user.id, case_id=case.id,
                         crisis_role=role_in_case(session, case.id, user.id),
                         released_astrid_block=case.astrid_block)
            summary = summary_of(session, case)
        self.events.case_changed(case_id)
        return Outcome(summary)

    def reopen_case(self, user: UserView, case_id: int) -> Outcome:
        """Reopen: a coordinator who took part in the case. Its Astrid block index comes back
        with it unless another open case took the index meanwhile; then it is cleared."""
        notes: list[str] = []
        with self._db.sessions.begin() as session:
            case = case_for(session, user, case_id, CaseAction.REOPEN)
            details: dict[str, Any] = {}
            if case.astrid_block:
                refusal = self._astrid_refusal(session, user, case.astrid_block, case.id)
                if refusal:
                    notes.append(error_text("Astrid block index {block} was cleared: it is in use "
                                            "by another open case now.").format(
                        block=case.astrid_block))
                    details["cleared_astrid_block"] = case.astrid_block
                    case.astrid_block = None
            case.status = "open"
            case.closed_at = None
            case.closed_by_id = None
            audit.record(session, "case.reopened", user_id=user.id, case_id=case.id,
                         crisis_role=role_in_case(session, case.id, user.id), **details)
            summary = summary_of(session, case)
        self.events.case_changed(case_id)
        return Outcome(summary, tuple(notes))

    # -- helpers --------------------------------------------------------------------------------
    def _organisation_for(self, user: UserView, organisation_id: int | None) -> int:
        mine = [org_id for org_id, _ in user.organisations]
        if organisation_id is None:
            if len(mine) == 1:
                return mine[0]
            raise ValidationError("Choose the organisation you start the case for.",
                                  fields=("organisation_id",))
        if organisation_id not in mine:
            raise AccessDenied("You can only start a case for an organisation you belong to.")
        return organisation_id



def case_for(session: Session, user: UserView, case_id: int, action: CaseAction) -> Case:
    """The case, when ``user`` sees it and may do ``action`` in it now (else AccessDenied)."""
    case = visible_case(session, user.id, case_id)
    active_plans = list(session.scalars(select(CasePlan.title).where(
        CasePlan.case_id == case_id, CasePlan.active.is_(True)))) if action is CaseAction.CLOSE else []
    took_part = action is CaseAction.REOPEN and _took_part(session, case, user.id)
    _require(case_refusal(action, user.access_level, case_open=case.status == "open",
                          took_part=took_part, active_plans=active_plans))
    return case


def _require(refusal: str | None) -> None:
    if refusal:
        raise AccessDenied(refusal)


def _require_valid(refusal: str | None, field_name: str) -> None:
    if refusal:
        raise ValidationError(refusal, fields=(field_name,))


def _flush_unique(session: Session, block: str | None) -> None:
    """Flush now so that a block index taken by a racing writer is refused in words."""
    try:
        session.flush()
    except IntegrityError as exc:
        if block and "astrid" in str(exc.orig).lower():
            raise ValidationError(
                "Astrid block index {block} was just reserved by another case. Choose another.",
                block=block,
                fields=("astrid_block",)) from exc
        raise


def _set_location(case: Case, location: CaseLocation) -> None:
    case.location_kind = location.kind.value
    case.location_ref_id = location.ref_id
    case.location_name = " ".join(location.name.split())
    case.location_geojson = json.dumps(location.geometry, separators=(",", ":"))
    case.min_lon, case.min_lat, case.max_lon, case.max_lat = bbox_of(shape(location.geometry))


def _case_facts(case: Case) -> dict[str, Any]:
    return {
        "name": case.name, "category": case.category, "access": case.access,
        "type": case.case_type, "location_name": case.location_name,
        # As _set_location writes it: the same place written with other spacing is no move.
        "location": json.dumps(json.loads(case.location_geojson), separators=(",", ":")),
        "occurred_at": case.occurred_at.isoformat(),
        "phase": case.phase, "astrid_block": case.astrid_block,
        "description": case.description, "name_suffix": case.name_suffix,
    }


def _draft_facts(draft: CaseDraft, block: str | None, suffix: str) -> dict[str, Any]:
    assert draft.category is not None
    assert draft.access is not None
    assert draft.location is not None
    assert draft.occurred_at is not None
    return {
        "category": draft.category.value, "access": draft.access.value, "type": draft.case_type,
        "location_name": draft.location.name, "location_kind": draft.location.kind.value,
        "occurred_at": draft.occurred_at.isoformat(), "phase": draft.phase,
        "astrid_block": block, "description": draft.description, "name_suffix": suffix,
    }


def role_in_case(session: Session, case_id: int, user_id: int) -> str | None:
    row = session.scalars(select(CaseUser).where(
        CaseUser.case_id == case_id, CaseUser.user_id == user_id)).first()
    return row.crisis_role if row is not None and row.participating else None


def _took_part(session: Session, case: Case, user_id: int) -> bool:
    """Started it, opened it in a crisis role, wrote in it, or acted on it."""
    if case.created_by_id == user_id:
        return True
    if session.scalar(select(CaseUser.id).where(
            CaseUser.case_id == case.id, CaseUser.user_id == user_id,
            CaseUser.participating.is_(True))) is not None:
        return True
    if session.scalar(select(Message.id).where(
            Message.case_id == case.id, Message.author_id == user_id).limit(1)) is not None:
        return True
    return session.scalar(select(AuditEvent.id).where(
        AuditEvent.case_id == case.id, AuditEvent.user_id == user_id).limit(1)) is not None


def _territory_of(location: CaseLocation) -> int | None:
    """The organisation whose territory the case is placed on, if it is."""
    return location.ref_id if location.kind is LocationKind.TERRITORY else None
