"""Who may see and do what in a case (DOMAIN.md: People and organisations, Cases, Feeds, Map)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from paragon_desktop.domain.enums import AccessLevel, CaseAccess, FeedKind
from paragon_desktop.i18n import E_, error_text


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
    return case_refusal(CaseAction.EDIT, level, case_open=case_open) is None


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


class CaseAction(StrEnum):
    """Everything a user can do to a case itself (DOMAIN.md, Cases; People and organisations)."""

    READ = "read"
    START = "start"
    EDIT = "edit"
    CLOSE = "close"
    REOPEN = "reopen"
    INVITE = "invite"
    REMOVE = "remove"
    READ_AUDIT = "read_audit"


_AGENT_ACTIONS = frozenset({CaseAction.READ, CaseAction.START, CaseAction.EDIT})
_COORDINATOR_ACTIONS = frozenset(CaseAction)
_ACTIONS_ON_CLOSED = frozenset({CaseAction.READ, CaseAction.REOPEN, CaseAction.READ_AUDIT})


def case_refusal(
    action: CaseAction,
    level: AccessLevel,
    *,
    sees_case: bool = True,
    case_open: bool = True,
    took_part: bool = False,
    active_plans: Collection[str] = (),
) -> str | None:
    """Why ``action`` is refused, in words a person can act on; ``None`` when it is allowed.

    Read-only users read; agents also start and edit cases; coordinators also close, reopen,
    invite and remove users and organisations, and read the audit trail. Nobody acts on a case
    they cannot see (starting one needs no case). A closed case is read-only: it can only be
    reopened, by a coordinator who took part in it. Closing waits until no emergency plan is
    active in the case.
    """
    if action is not CaseAction.START and not sees_case:
        return error_text("You have no access to this case. Ask a coordinator of the case to "
                          "invite you.")
    allowed = {
        AccessLevel.READ_ONLY: frozenset({CaseAction.READ}),
        AccessLevel.AGENT: _AGENT_ACTIONS,
        AccessLevel.COORDINATOR: _COORDINATOR_ACTIONS,
    }[level]
    if action not in allowed:
        return error_text(_ONLY[action]).format(level=level.label)
    if action is CaseAction.START:
        return None
    if not case_open and action not in _ACTIONS_ON_CLOSED:
        return error_text("The case is closed: it is read-only. A coordinator who took part may "
                          "reopen it.")
    if case_open and action is CaseAction.REOPEN:
        return error_text("The case is open already.")
    if action is CaseAction.REOPEN and not took_part:
        return error_text("Only a coordinator who took part in the case may reopen it.")
    if action is CaseAction.CLOSE and active_plans:
        return error_text("Deactivate the emergency plan first: {plans} is still active in this "
                          "case.").format(plans=", ".join(sorted(active_plans)))
    return None


_ONLY = {
    CaseAction.START: E_("Only an agent or coordinator may start a case; your case access is "
                         "{level}."),
    CaseAction.EDIT: E_("Only an agent or coordinator may edit the case information; your case "
                        "access is {level}."),
    CaseAction.CLOSE: E_("Only a coordinator may close a case; your case access is {level}."),
    CaseAction.REOPEN: E_("Only a coordinator may reopen a case; your case access is {level}."),
    CaseAction.INVITE: E_("Only a coordinator may invite users or organisations; your case "
                          "access is {level}."),
    CaseAction.REMOVE: E_("Only a coordinator may remove users or organisations from a case; "
                          "your case access is {level}."),
    CaseAction.READ_AUDIT: E_("Only a coordinator may read the audit trail; your case access is "
                              "{level}."),
}
