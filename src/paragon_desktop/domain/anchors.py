"""Anchor rules (DOMAIN.md, Anchors and contacts): named locations and contours, their
categories with the symbol each has on the map, and what a drawn anchor must be to be stored.

The shared server checks the same (migration 0009, ``paragon_check_anchors``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from paragon_desktop.domain.errors import ValidationError
from paragon_desktop.i18n import N_, _

NAME_MAX = 200
DESCRIPTION_MAX = 4000
MAX_VERTICES = 10_000
# Belgium with a margin (a command post may stand just across a border), longitude/latitude.
BELGIUM_EXTENT = (2.0, 49.0, 7.0, 52.0)
GEOMETRY_TYPES = ("Point", "LineString", "Polygon", "MultiPolygon")
# An organisation's anchor lies within its jurisdiction, with this much room for a drawn edge.
JURISDICTION_TOLERANCE_M = 10
# Who keeps an organisation's own anchors (key anchors of its plans): its planners and admins.
KEEPER_ROLES = ("plan_manager", "org_admin")


def can_keep_org_anchors(management_roles: str) -> bool:
    """``management_roles``: a membership's roles in that organisation, space-separated."""
    return bool(set(management_roles.split()) & set(KEEPER_ROLES))


@dataclass(frozen=True)
class Symbol:
    colour: str  # on the map and in the dock's icon
    glyph: str  # one or two letters in the point's marker and the icon
    dashed: bool = False  # lines and outlines
    fill: float = 0.15  # fill opacity of areas


class AnchorCategory(StrEnum):
    """Stored as the value; shown with ``label`` in the user's language."""

    COMMAND_POST = "command_post"
    CRISIS_CENTRE = "crisis_centre"
    RECEPTION_CENTRE = "reception_centre"
    MEDICAL_POST = "medical_post"
    ASSEMBLY_POINT = "assembly_point"
    SCHOOL = "school"
    HAZARD_CONTOUR = "hazard_contour"
    PERIMETER = "perimeter"
    BORDER = "border"
    INFRASTRUCTURE = "infrastructure"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _(LABELS[self])

    @property
    def symbol(self) -> Symbol:
        return SYMBOLS[self]


LABELS = {
    AnchorCategory.COMMAND_POST: N_("Commandopost (CP-Ops)"),
    AnchorCategory.CRISIS_CENTRE: N_("Crisiscentrum (CC)"),
    AnchorCategory.RECEPTION_CENTRE: N_("Opvangcentrum"),
    AnchorCategory.MEDICAL_POST: N_("Medische post / gewondennest"),
    AnchorCategory.ASSEMBLY_POINT: N_("Verzamelpunt"),
    AnchorCategory.SCHOOL: N_("School"),
    AnchorCategory.HAZARD_CONTOUR: N_("Risicocontour"),
    AnchorCategory.PERIMETER: N_("Perimeter / zone"),
    AnchorCategory.BORDER: N_("Grens"),
    AnchorCategory.INFRASTRUCTURE: N_("Kritieke infrastructuur"),
    AnchorCategory.OTHER: N_("Andere"),
}

SYMBOLS = {
    AnchorCategory.COMMAND_POST: Symbol("#1c7ed6", "CP"),
    AnchorCategory.CRISIS_CENTRE: Symbol("#5f3dc4", "CC"),
    AnchorCategory.RECEPTION_CENTRE: Symbol("#2b8a3e", "O"),
    AnchorCategory.MEDICAL_POST: Symbol("#e03131", "+"),
    AnchorCategory.ASSEMBLY_POINT: Symbol("#f08c00", "V"),
    AnchorCategory.SCHOOL: Symbol("#d6336c", "S"),
    AnchorCategory.HAZARD_CONTOUR: Symbol("#c92a2a", "!", fill=0.2),
    AnchorCategory.PERIMETER: Symbol("#e8590c", "Z", dashed=True, fill=0.12),
    AnchorCategory.BORDER: Symbol("#495057", "G", dashed=True, fill=0.0),
    AnchorCategory.INFRASTRUCTURE: Symbol("#0b7285", "I"),
    AnchorCategory.OTHER: Symbol("#495057", "•"),
}

# Categories typed by hand before there was a list (migration 0009 maps stored ones the same way).
LEGACY = {
    "cp-ops": AnchorCategory.COMMAND_POST, "crisiscentrum": AnchorCategory.CRISIS_CENTRE,
    "opvang": AnchorCategory.RECEPTION_CENTRE, "medisch": AnchorCategory.MEDICAL_POST,
    "school": AnchorCategory.SCHOOL, "seveso": AnchorCategory.HAZARD_CONTOUR,
    "grens": AnchorCategory.BORDER, "infrastructuur": AnchorCategory.INFRASTRUCTURE,
}


def category_of(stored: str) -> AnchorCategory:
    """The category of a stored value (older free text is mapped, anything else is "other")."""
    try:
        return AnchorCategory(stored)
    except ValueError:
        return LEGACY.get(stored.strip().lower(), AnchorCategory.OTHER)


@dataclass(frozen=True)
class AnchorDraft:
    """What the anchor dialog holds (and a file import makes of a feature)."""

    name: str
    category: AnchorCategory
    description: str = ""


def validate_anchor(draft: AnchorDraft) -> AnchorDraft:
    """The cleaned draft, or a refusal naming the field."""
    name = " ".join(draft.name.split())
    if not name:
        raise ValidationError("An anchor needs a name.", fields=("name",))
    if len(name) > NAME_MAX:
        raise ValidationError("An anchor's name has at most {name_max} characters; this one has "
                              "{count}.", name_max=NAME_MAX, count=len(name), fields=("name",))
    if not isinstance(draft.category, AnchorCategory):
        raise ValidationError("Choose a category for the anchor.", fields=("category",))
    description = draft.description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError("An anchor's description has at most {description_max} characters; "
                              "this one has {count}.", description_max=DESCRIPTION_MAX,
                              count=len(description), fields=("description",))
    return AnchorDraft(name, draft.category, description)


def vertices(geometry: dict[str, Any]) -> int:
    """Positions in a GeoJSON geometry (whatever they hold: checking them is shapely's job)."""
    def count(coords: Any) -> int:
        if not isinstance(coords, list | tuple):
            return 0
        if coords and not isinstance(coords[0], list | tuple):
            return 1
        return sum(count(c) for c in coords)

    return count(geometry.get("coordinates") or [])
