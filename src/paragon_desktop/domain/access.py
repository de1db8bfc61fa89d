"""Who may see and do what in a case (DOMAIN.md: People and organisations, Cases, Feeds, Map)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from paragon_desktop.domain.enums import AccessLevel, CaseAccess, FeedKind


@dataclass(frozen=True)
class CaseAccessFacts:
    """What decides whether one user sees one case."""

    access: CaseAccess
    user_organisation_ids: frozenset[int]
    shared_organisation_ids: frozenset[int]
    invited: bool
    participant: bool


def can_see_case(facts: CaseAccessFacts) -> bool:
    """Public cases are shared by territory with organisations; private ones only by invitation.

    Invited users and participants always see the case (experts are invited manually).
    """
    if facts.invited or facts.participant:
        return True
    if facts.access is CaseAccess.PUBLIC:
        return bool(facts.user_organisation_ids & facts.shared_organisation_ids)
    return False


def can_write_messages(level: AccessLevel, case_open: bool) -> bool:
    return case_open and level in (AccessLevel.AGENT, AccessLevel.COORDINATOR)


def can_edit_case(level: AccessLevel, case_open: bool) -> bool:
    """Case information and its anchors: agents and coordinators, while the case is open."""
    return case_open and level in (AccessLevel.AGENT, AccessLevel.COORDINATOR)


def can_see_feed(kind: FeedKind, feed_id: int, member_feed_ids: Collection[int]) -> bool:
    """The Multi feed is for everyone in the case; specific feeds for their members only."""
    return kind is FeedKind.MULTI or feed_id in member_feed_ids


def can_see_layer(
    owner_id: int,
    user_id: int,
    shared_feed_ids: Collection[int],
    visible_feed_ids: Collection[int],
) -> bool:
    """A layer is personal to its owner unless it is shared through feeds the user sees."""
    if owner_id == user_id:
        return True
    return any(feed_id in visible_feed_ids for feed_id in shared_feed_ids)


def can_add_layer(level: AccessLevel, case_open: bool) -> bool:
    """Uploading a layer changes the case's picture: agents and coordinators, open cases."""
    return can_edit_case(level, case_open)


def can_manage_layer(owner_id: int, user_id: int, level: AccessLevel, case_open: bool) -> bool:
    """Renaming, describing or removing a layer: its owner, or any coordinator of the case."""
    if not case_open or level is AccessLevel.READ_ONLY:
        return False
    return owner_id == user_id or level is AccessLevel.COORDINATOR
