"""What services hand to the UI: plain snapshots of rows the user may see (most of them frozen
dataclasses; the change set and the snapshot of a case are filled in by the services)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from paragon_desktop.domain.enums import AccessLevel, CaseCategory
from paragon_desktop.gis.ows import Service

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    display_name: str
    access_level: AccessLevel
    organisations: tuple[tuple[int, str], ...]
    coordinator_label: str | None = None


@dataclass(frozen=True)
class CaseSummary:
    id: int
    name: str
    category: CaseCategory
    access: str
    status: str
    case_type: str
    location_name: str
    occurred_at: datetime
    phase: str | None
    description: str
    bbox: BBox | None
    revision: int
    astrid_block: str | None = None
    name_suffix: str = ""
    created_by: str = ""
    organisation: str = ""
    closed_at: datetime | None = None
    closed_by: str = ""
    location_geojson: str = ""  # the case location as drawn on its map

    @property
    def is_exercise(self) -> bool:
        return self.category is CaseCategory.EXERCISE

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class FeedView:
    id: int
    name: str
    kind: str
    members: tuple[str, ...]  # who has access to the feed
    present: tuple[str, ...] = ()  # of those, who is in the case now


@dataclass(frozen=True)
class MessageView:
    id: int
    feed_id: int
    author: str
    crisis_role: str
    organisation: str
    created_at: datetime
    text: str
    tags: tuple[str, ...]
    revision: int
    author_id: int = 0
    organisation_id: int | None = None
    thread_id: int = 0  # the message as written; its #FeedName copies share this id
    answers_id: int | None = None  # thread id of the question answered
    corrects_id: int | None = None  # thread id of the message corrected
    copied_from: str = ""  # for a copy: the feed the message was written in
    attachment: str = ""  # file name of the SITREP document
    attachment_size: int = 0
    answered: bool = False
    corrected: bool = False

    @property
    def key(self) -> tuple[datetime, int]:
        """Feed order: newest first is descending on this key."""
        return (self.created_at, self.id)


@dataclass(frozen=True)
class AnchorView:
    id: int
    name: str
    category: str
    description: str
    geometry: dict[str, Any]
    bbox: BBox | None
    revision: int


@dataclass(frozen=True)
class ContactView:
    id: int
    scope: str  # "case", "global", "participant" or "access" (with access, not participating)
    kind: str
    name: str
    organisation_name: str
    function: str
    phone: str
    email: str
    revision: int


@dataclass(frozen=True)
class LayerView:
    id: int
    name: str
    description: str
    feature_count: int
    source_file: str
    source_format: str
    owner: str
    shared_in: tuple[str, ...]  # feed names; empty: personal
    style: dict[str, Any]
    bbox: BBox | None
    visible: bool
    revision: int
    owner_id: int = 0
    opacity: float = 1.0  # the user's own choice
    # Revision of the features alone: renaming or ticking does not make the map fetch them again.
    data_revision: int = 0
    # A partner's map service (WMS/WMTS images, WFS/OGC API data); None: read from a file.
    service: Service | None = None


@dataclass(frozen=True)
class JurisdictionView:
    id: int
    name: str
    kind: str
    geometry: dict[str, Any]


@dataclass(frozen=True)
class Participation:
    organisation: str
    crisis_role: str
    crisis_cell: str | None
    description: str = ""


@dataclass
class ChangeSet:
    """What changed in a case since a revision, as seen by one user.

    ``feeds`` and ``layers`` are full lists when anything about them changed (they are short and
    their visibility depends on memberships); the rest are only the changed rows.
    """

    revision: int
    case: CaseSummary | None = None
    feeds: list[FeedView] | None = None
    messages: list[MessageView] = field(default_factory=list)
    anchors: list[AnchorView] = field(default_factory=list)
    removed_anchor_ids: list[int] = field(default_factory=list)
    contacts: list[ContactView] = field(default_factory=list)
    removed_contact_ids: list[int] = field(default_factory=list)
    # Participants and users with access who are not participating: the full list when
    # anything about them changed.
    people: list[ContactView] | None = None
    layers: list[LayerView] | None = None
    jurisdictions: list[JurisdictionView] | None = None

    @property
    def is_empty(self) -> bool:
        return (
            self.case is None
            and self.feeds is None
            and not self.messages
            and not self.anchors
            and not self.removed_anchor_ids
            and not self.contacts
            and not self.removed_contact_ids
            and self.people is None
            and self.layers is None
            and self.jurisdictions is None
        )


@dataclass
class CaseSnapshot:
    """Everything a user sees of a case when opening it: a ChangeSet from revision 0."""

    user: UserView
    participation: Participation | None
    changes: ChangeSet


@dataclass(frozen=True)
class ShareView:
    """An organisation a case is (or would be) shared with, and why."""

    organisation_id: int
    organisation: str
    kind: str
    reason: str  # ShareReason value


@dataclass(frozen=True)
class CaseUserView:
    user_id: int
    display_name: str
    organisations: str
    invited: bool
    participating: bool
    crisis_role: str | None


@dataclass(frozen=True)
class SharingView:
    organisations: list[ShareView]
    users: list[CaseUserView]


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    user: str
    crisis_role: str | None
    action: str
    details: dict[str, Any]


@dataclass(frozen=True)
class InactiveCase:
    case: CaseSummary
    last_activity: datetime


@dataclass(frozen=True)
class PlaceChoice:
    """A place the new-case form can take a location from: an anchor or an authority's territory."""

    id: int
    name: str
    detail: str  # anchor category and organisation, or organisation kind
    geometry: dict[str, Any]


@dataclass(frozen=True)
class DirectoryEntry:
    id: int
    name: str
    detail: str
