"""Opening a case in a crisis role, and leaving it (DOMAIN.md: Opening a case: crisis role)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paragon_desktop.domain.enums import AccessLevel, FeedKind
from paragon_desktop.domain.errors import AccessDenied
from paragon_desktop.domain.feeds import (
    KNOWN_CELLS,
    FeedRule,
    RoleChoice,
    feeds_to_create,
    member_feed_ids,
    role_options,
    validate_role_choice,
)
from paragon_desktop.services import audit
from paragon_desktop.services.access import visible_case
from paragon_desktop.services.events import CaseEvents
from paragon_desktop.services.views import Participation, UserView
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import (
    Case,
    CaseUser,
    Feed,
    FeedMember,
    Membership,
    Organisation,
)
from paragon_desktop.storage.revisions import remove


@dataclass(frozen=True)
class OrganisationRoles:
    id: int
    name: str
    roles: tuple[str, ...]  # the organisation's own list, then the generic roles


@dataclass(frozen=True)
class RoleOptions:
    """What the crisis-role dialog offers one user for one case."""

    organisations: tuple[OrganisationRoles, ...]
    cells: tuple[str, ...]
    last: RoleChoice | None  # the user's previous choice in this case, to confirm with one key


def feed_rules(session: Session, case_id: int) -> list[FeedRule]:
    return [
        FeedRule(f.id, f.name, FeedKind(f.kind), f.discipline, f.cell,
                 tuple(r for r in f.roles.splitlines() if r.strip()))
        for f in session.scalars(select(Feed).where(Feed.case_id == case_id))
    ]


def assign_feeds(session: Session, case_id: int, user_id: int, discipline: str | None,
                 crisis_role: str, crisis_cell: str | None, *, create: bool = True) -> set[int]:
    """Create the cell and discipline feeds the case lacks for this role (with ``create``: a
    read-only user creates nothing), and make the user a member of exactly the specific feeds
    the role gives. Returns those feed ids."""
    rules = feed_rules(session, case_id)
    position = session.scalar(select(func.max(Feed.position)).where(Feed.case_id == case_id)) or 0
    for new in feeds_to_create(rules, discipline, crisis_cell) if create else ():
        position += 1
        feed = Feed(case_id=case_id, name=new.name, kind=new.kind.value, position=position,
                    discipline=new.discipline, cell=new.cell, roles="\n".join(new.roles))
        session.add(feed)
        session.flush()
        rules.append(FeedRule(feed.id, new.name, new.kind, new.discipline, new.cell, new.roles))
    wanted = member_feed_ids(rules, discipline, crisis_role, crisis_cell)
    case_feed_ids = [r.id for r in rules]
    have = set(session.scalars(select(FeedMember.feed_id).where(
        FeedMember.user_id == user_id, FeedMember.feed_id.in_(case_feed_ids))))
    if have - wanted:
        # One by one, so that each removal leaves a tombstone for other clients' refresh.
        for member in list(session.scalars(select(FeedMember).where(
                FeedMember.user_id == user_id, FeedMember.feed_id.in_(have - wanted)))):
            remove(session, member)
    for feed_id in wanted - have:
        session.add(FeedMember(feed_id=feed_id, user_id=user_id))
    return wanted


def _granted_organisation(session: Session, case_id: int, user_id: int) -> int | None:
    """The organisation that gave this user temporary access to the case, while it lasts."""
    row = session.execute(select(CaseUser).where(
        CaseUser.case_id == case_id, CaseUser.user_id == user_id)).scalar_one_or_none()
    case = session.get(Case, case_id)
    if row is None or not row.temporary or case is None \
            or not row.grants_access(case.status == "open", datetime.now(UTC)):
        return None
    return row.granted_organisation_id


class ParticipationService:
    def __init__(self, db: Database, events: CaseEvents) -> None:
        self._db = db
        self.events = events

    def role_options(self, user: UserView, case_id: int) -> RoleOptions:
        with self._db.sessions() as session:
            visible_case(session, user.id, case_id)
            organisations = tuple(
                OrganisationRoles(org.id, org.name, tuple(role_options(org.crisis_roles.splitlines())))
                for org in session.scalars(
                    select(Organisation)
                    .join(Membership, Membership.organisation_id == Organisation.id)
                    .where(Membership.user_id == user.id)
                    .order_by(Organisation.name))
            )
            granted = _granted_organisation(session, case_id, user.id)
            if granted is not None and granted not in {o.id for o in organisations}:
                org = session.get(Organisation, granted)
                if org is not None:  # temporary access: acting for the organisation that gave it
                    organisations += (OrganisationRoles(
                        org.id, org.name, tuple(role_options(org.crisis_roles.splitlines()))),)
            cells = list(KNOWN_CELLS)
            for cell in session.scalars(select(Feed.cell).where(
                    Feed.case_id == case_id, Feed.cell.is_not(None)).order_by(Feed.position)):
                if cell and cell not in cells:
                    cells.append(cell)
            row = session.execute(select(CaseUser).where(
                CaseUser.case_id == case_id, CaseUser.user_id == user.id)).scalar_one_or_none()
            last = None
            if row is not None and row.crisis_role and row.organisation_id:
                last = RoleChoice(row.organisation_id, row.crisis_role, row.crisis_cell,
                                  row.role_description or "")
            return RoleOptions(organisations, tuple(cells), last)

    def enter_case(self, user: UserView, case_id: int, choice: RoleChoice) -> Participation:
        """Open the case in a crisis role: recorded (audit trail), and the role decides the
        specific feeds the user is in. Refused on a closed case (it is only read)."""
        with self._db.sessions.begin() as session:
            case = visible_case(session, user.id, case_id)
            if case.status != "open":
                raise AccessDenied("The case is closed: open it to read, without a crisis role.")
            organisation = session.get(Organisation, choice.organisation_id)
            user_orgs = {org_id for org_id, _ in user.organisations}
            granted = _granted_organisation(session, case_id, user.id)
            if granted is not None:
                user_orgs.add(granted)
            choice = validate_role_choice(
                choice, organisation.crisis_roles.splitlines() if organisation else (), user_orgs)
            assert organisation is not None
            row = session.execute(select(CaseUser).where(
                CaseUser.case_id == case_id, CaseUser.user_id == user.id)).scalar_one_or_none()
            if row is None:
                row = CaseUser(case_id=case_id, user_id=user.id, invited=False)
                session.add(row)
            row.participating = True
            row.organisation_id = organisation.id
            row.crisis_role = choice.crisis_role
            row.crisis_cell = choice.crisis_cell
            row.role_description = choice.description or None
            row.entered_at = datetime.now(UTC)
            row.left_at = None
            feeds = assign_feeds(session, case_id, user.id, organisation.discipline,
                                 choice.crisis_role, choice.crisis_cell,
                                 create=user.access_level is not AccessLevel.READ_ONLY)
            names = sorted(session.scalars(select(Feed.name).where(Feed.id.in_(feeds))))
            audit.record(session, "case.opened", user_id=user.id, case_id=case_id,
                         crisis_role=choice.crisis_role, organisation=organisation.name,
                         crisis_cell=choice.crisis_cell, description=choice.description,
                         feeds=names)
            participation = Participation(organisation.name, choice.crisis_role,
                                          choice.crisis_cell, choice.description)
        self.events.case_changed(case_id)
        return participation

    def leave_case(self, user: UserView, case_id: int) -> None:
        """The user is no longer in the case (window closed, or leaving to change role)."""
        with self._db.sessions.begin() as session:
            row = session.execute(select(CaseUser).where(
                CaseUser.case_id == case_id, CaseUser.user_id == user.id)).scalar_one_or_none()
            if row is None or row.entered_at is None or row.left_at is not None:
                return
            row.left_at = datetime.now(UTC)
            audit.record(session, "case.left", user_id=user.id, case_id=case_id,
                         crisis_role=row.crisis_role)
        self.events.case_changed(case_id)

