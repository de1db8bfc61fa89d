"""Loading the facts the domain's access rules need, for one user and one case."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from paragon_desktop.domain.access import CaseAccessFacts, can_see_case, can_see_feed
from paragon_desktop.domain.enums import CaseAccess, FeedKind
from paragon_desktop.domain.errors import AccessDenied, NotAvailable
from paragon_desktop.storage.models import Case, CaseShare, CaseUser, Feed, FeedMember, Membership


def user_organisation_ids(session: Session, user_id: int) -> frozenset[int]:
    return frozenset(
        session.scalars(select(Membership.organisation_id).where(Membership.user_id == user_id))
    )


def case_facts(session: Session, case: Case, user_id: int, orgs: frozenset[int]) -> CaseAccessFacts:
    shared = frozenset(
        session.scalars(select(CaseShare.organisation_id).where(CaseShare.case_id == case.id))
    )
    case_user = session.execute(
        select(CaseUser).where(CaseUser.case_id == case.id, CaseUser.user_id == user_id)
    ).scalar_one_or_none()
    # A temporary access that ended (the case closed, the date passed) lets nobody in.
    if case_user is not None and not case_user.grants_access(case.status == "open",
                                                              datetime.now(UTC)):
        case_user = None
    return CaseAccessFacts(
        access=CaseAccess(case.access),
        user_organisation_ids=orgs,
        shared_organisation_ids=shared,
        invited=bool(case_user and case_user.invited),
        participant=bool(case_user and case_user.participating),
    )


def visible_case_ids(session: Session, user_id: int) -> set[int]:
    """Every case this user may see, decided by the same rule as ``visible_case`` but with three
    queries for all cases instead of three per case."""
    orgs = user_organisation_ids(session, user_id)
    shared: dict[int, set[int]] = {}
    for case_id, org_id in session.execute(
        select(CaseShare.case_id, CaseShare.organisation_id).where(
            CaseShare.organisation_id.in_(orgs))
    ):
        shared.setdefault(case_id, set()).add(org_id)
    personal = {
        row.case_id: row
        for row in session.execute(
            select(CaseUser.case_id, CaseUser.invited, CaseUser.participating,
                   CaseUser.temporary, CaseUser.access_until).where(
                CaseUser.user_id == user_id)
        )
    }
    now = datetime.now(UTC)
    result = set()
    for case_id, access, status in session.execute(select(Case.id, Case.access, Case.status)):
        mine = personal.get(case_id)
        if mine is not None and mine.temporary and not (
                status == "open" and (mine.access_until is None or mine.access_until > now)):
            mine = None  # a temporary access that ended
        facts = CaseAccessFacts(
            access=CaseAccess(access),
            user_organisation_ids=orgs,
            shared_organisation_ids=frozenset(shared.get(case_id, ())),
            invited=bool(mine and mine.invited),
            participant=bool(mine and mine.participating),
        )
        if can_see_case(facts):
            result.add(case_id)
    return result


def visible_case(session: Session, user_id: int, case_id: int) -> Case:
    """The case, if this user may see it; otherwise a plain-language refusal."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotAvailable(
            "Case {case_id} is not available to you: it does not exist, or you have no access to it. "
            "Ask a coordinator of the case to invite you.",
            case_id=case_id)
    if not can_see_case(case_facts(session, case, user_id, user_organisation_ids(session, user_id))):
        raise AccessDenied(
            "You have no access to case “{name}”. Ask a coordinator of the case to invite you.",
            name=case.name
        )
    return case


def case_feeds(session: Session, case_id: int) -> list[Feed]:
    return list(session.scalars(select(Feed).where(Feed.case_id == case_id)))


def visible_feed_ids(session: Session, case_id: int, user_id: int,
                     feeds: Sequence[Feed] | None = None) -> set[int]:
    """The feeds of a case this user reads: Multi and the feeds they are a member of. ``feeds``:
    the case's feeds when the caller has them already (each read costs a row-level security
    check on PostgreSQL)."""
    feeds = case_feeds(session, case_id) if feeds is None else feeds
    ids = [f.id for f in feeds]
    member_of = set(session.scalars(select(FeedMember.feed_id).where(
        FeedMember.user_id == user_id, FeedMember.feed_id.in_(ids)))) if ids else set()
    return {f.id for f in feeds if can_see_feed(FeedKind(f.kind), f.id, member_of)}


def crisis_role(session: Session, case_id: int, user_id: int) -> CaseUser:
    """The user's participation in a case; writing in feeds needs a crisis role."""
    role = session.execute(
        select(CaseUser).where(CaseUser.case_id == case_id, CaseUser.user_id == user_id)
    ).scalar_one_or_none()
    if role is None or not role.participating or not role.crisis_role:
        raise AccessDenied("Open the case in a crisis role before writing in its feeds.")
    return role
