"""Case rules (DOMAIN.md, Cases): the form's mandatory fields, the generated name, types per
category, phases, the Astrid block index, category changes and who normally closes a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from paragon_desktop.domain.enums import CaseAccess, CaseCategory
from paragon_desktop.domain.errors import ValidationError
from paragon_desktop.i18n import E_, LANGUAGES, N_, SOURCE, error_text, translate
from paragon_desktop.i18n import language as current_language

NAME_SUFFIX_MAX = 50
ASTRID_BLOCK_MAX = 32

OTHER_TYPE = N_("Andere")
"""For the category event the rule book says: choose "other" by default (§4.2, type).
Types are stored (and written into case names) as here, in Dutch; shown with ``_()``."""

INCIDENT_TYPES: tuple[str, ...] = (
    N_("Brand"),
    N_("Explosie"),
    N_("Gaslek"),
    N_("Lek gevaarlijke stoffen"),
    N_("Verkeersongeval"),
    N_("Treinongeval"),
    N_("Luchtvaartongeval"),
    N_("Scheepvaartongeval"),
    N_("Overstroming"),
    N_("Storm"),
    N_("Hittegolf"),
    N_("Stroomuitval"),
    N_("Drinkwaterincident"),
    N_("Nucleair of radiologisch incident"),
    N_("Cyberincident"),
    N_("Openbare orde"),
    N_("Terroristische dreiging"),
    N_("Volksgezondheid"),
    N_("Vermiste persoon"),
    OTHER_TYPE,
)
EVENT_TYPES: tuple[str, ...] = (
    OTHER_TYPE,
    N_("Concert of festival"),
    N_("Sportevenement"),
    N_("Betoging"),
    N_("Markt of kermis"),
    N_("Officieel bezoek"),
    N_("Stoet of optocht"),
)
# An exercise practises an incident, or the preparation of an event.
EXERCISE_TYPES: tuple[str, ...] = (*INCIDENT_TYPES[:-1], N_("Evenement"), OTHER_TYPE)

CASE_TYPES: dict[CaseCategory, tuple[str, ...]] = {
    CaseCategory.INCIDENT: INCIDENT_TYPES,
    CaseCategory.EVENT: EVENT_TYPES,
    CaseCategory.EXERCISE: EXERCISE_TYPES,
}

# "Select the phase that was declared, or say that there is operational coordination" (§4.2, 6).
# Stored as written here; shown in the user's language (``_(phase)``).
PHASES: tuple[str, ...] = (
    N_("Gemeentelijke fase"),
    N_("Provinciale fase"),
    N_("Federale fase"),
    N_("Operationele coördinatie"),
)


class LocationKind(StrEnum):
    """How the case location was chosen on the form."""

    POINT = "point"
    AREA = "area"
    ANCHOR = "anchor"
    TERRITORY = "territory"  # the territory of the competent authority, when there is no one place


@dataclass(frozen=True)
class CaseLocation:
    kind: LocationKind
    name: str
    geometry: dict[str, Any]
    # The anchor or organisation the location was taken from (kinds ANCHOR and TERRITORY).
    ref_id: int | None = None


@dataclass(frozen=True)
class CaseDraft:
    """What the new-case (and edit-case) form holds. ``None``/empty: not filled in yet."""

    category: CaseCategory | None = None
    access: CaseAccess | None = None
    location: CaseLocation | None = None
    case_type: str = ""
    occurred_at: datetime | None = None
    phase: str | None = None
    astrid_block: str = ""
    description: str = ""
    name_suffix: str = ""
    organisation_id: int | None = None
    # The language the case name is written in: the starter's; None: the language shown now.
    name_language: str | None = None


MANDATORY_FIELDS: tuple[str, ...] = ("category", "access", "location", "case_type", "occurred_at")

FIELD_LABELS = {
    "category": E_("category"),
    "access": E_("access"),
    "location": E_("location"),
    "case_type": E_("type"),
    "occurred_at": E_("date and time"),
    "organisation_id": E_("organisation"),
    "name_suffix": E_("name suffix"),
    "astrid_block": "Astrid block index",
    "phase": E_("phase"),
}


def types_for(category: CaseCategory) -> tuple[str, ...]:
    return CASE_TYPES[category]


def default_type(category: CaseCategory) -> str:
    """Events start on "other"; incidents and exercises make the user choose."""
    return OTHER_TYPE if category is CaseCategory.EVENT else ""


def missing_fields(draft: CaseDraft) -> tuple[str, ...]:
    """The mandatory fields not filled in, in form order. "Start case" waits for none."""
    missing = []
    if draft.category is None:
        missing.append("category")
    if draft.access is None:
        missing.append("access")
    if draft.location is None or not draft.location.name.strip() or not draft.location.geometry:
        missing.append("location")
    if not draft.case_type.strip():
        missing.append("case_type")
    if draft.occurred_at is None:
        missing.append("occurred_at")
    return tuple(missing)


def normalise_astrid_block(value: str) -> str | None:
    """Block indexes are compared without regard to case or spacing; empty means none."""
    cleaned = "".join(value.split()).upper()
    if not cleaned:
        return None
    if len(cleaned) > ASTRID_BLOCK_MAX:
        raise ValidationError(
            "The Astrid block index has {count} characters; at most {astrid_block_max}.",
            count=len(cleaned), astrid_block_max=ASTRID_BLOCK_MAX,
            fields=("astrid_block",),
        )
    return cleaned


def validate_draft(draft: CaseDraft) -> None:
    """Refuse a draft that may not start (or be saved), naming every field that is wrong."""
    missing = missing_fields(draft)
    if missing:
        raise ValidationError(
            "Fill in the mandatory fields: {fields_missing}.",
            fields=missing, fields_missing=", ".join(error_text(FIELD_LABELS[f]) for f in missing),
        )
    assert draft.category is not None
    assert draft.occurred_at is not None
    if draft.occurred_at.tzinfo is None:
        raise ValidationError("The date and time needs a time zone.", fields=("occurred_at",))
    if draft.case_type.strip() not in types_for(draft.category):
        raise ValidationError(
            "“{case_type}” is not a type of the category {label}; choose one from the list.",
            case_type=draft.case_type, label=draft.category.label,
            fields=("case_type",),
        )
    if draft.phase is not None and draft.phase not in PHASES:
        raise ValidationError("“{phase}” is not a phase; choose one from the list.",
                              phase=draft.phase,
                              fields=("phase",))
    validate_name_suffix(draft.name_suffix)
    normalise_astrid_block(draft.astrid_block)
    if draft.name_language is not None and draft.name_language not in LANGUAGES:
        raise ValidationError("A case name is written in Dutch, French or English, not in "
                              "“{language}”.", language=draft.name_language)


def validate_name_suffix(suffix: str) -> str:
    """Return the cleaned free suffix, or raise if it is longer than the rule book allows."""
    cleaned = " ".join(suffix.split())
    if len(cleaned) > NAME_SUFFIX_MAX:
        raise ValidationError(
            "The name suffix has {count} characters; at most {name_suffix_max} are allowed.",
            count=len(cleaned), name_suffix_max=NAME_SUFFIX_MAX,
            fields=("name_suffix",),
        )
    return cleaned


def name_terms(category: CaseCategory, case_type: str, language: str) -> tuple[str, str]:
    """Category and type as a case name in ``language`` writes them (Paragon's own words are
    translated; a type that is not one of ours stays as typed)."""
    return translate(category.name_label, language), translate(case_type.strip(), language)


def generate_case_name(
    category: CaseCategory, case_type: str, location_name: str, suffix: str = "",
    language: str = SOURCE,
) -> str:
    """The case name is generated from category, type and location, plus a free suffix, in the
    language of the one who started the case (the shared server checks it the same way)."""
    missing = [
        name
        for name, value in (("type", case_type), ("location", location_name))
        if not value.strip()
    ]
    if missing:
        raise ValidationError(
            E_("A case name needs a type and a location.") if len(missing) == 2
            else E_("A case name needs a type.") if missing == ["type"]
            else E_("A case name needs a location."), fields=tuple(missing)
        )
    parts = [*name_terms(category, case_type, language), location_name.strip()]
    cleaned = validate_name_suffix(suffix)
    if cleaned:
        parts.append(cleaned)
    return " - ".join(parts)


def preview_name(draft: CaseDraft, placeholder: str = "…") -> str:
    """The name as it forms on the form: what is missing shows as a placeholder."""
    language = draft.name_language or current_language()
    parts = [
        translate(draft.category.name_label, language) if draft.category else placeholder,
        translate(draft.case_type.strip(), language) or placeholder,
        (draft.location.name.strip() if draft.location else "") or placeholder,
    ]
    suffix = " ".join(draft.name_suffix.split())
    if suffix:
        parts.append(suffix[:NAME_SUFFIX_MAX])
    return " - ".join(parts)


def check_category_change(old: CaseCategory, new: CaseCategory) -> None:
    """Only an event fully taken over by an incident may become an incident (§4.5.1); any other
    change means a separate case, referenced in the Multi feed."""
    if old is new or (old is CaseCategory.EVENT and new is CaseCategory.INCIDENT):
        return
    raise ValidationError(
        "A case of category {old} cannot become {new}. Only an event fully taken over by an "
        "incident may change to incident; otherwise start a separate case and refer to it in the "
        "Multi feed.",
        old=old.label, new=new.label,
        fields=("category",),
    )


def closing_advice(
    category: CaseCategory,
    access: CaseAccess,
    *,
    closer_is_creator: bool,
    closer_in_creating_organisation: bool,
    creator_name: str,
    creating_organisation: str,
) -> str | None:
    """Who normally closes a case (§4.3.1): private cases, events and exercises by their creator
    or a colleague of the same organisation (or a coordinator designated in the Multi feed);
    public incidents by a coordinator of the organisation last active, after agreement in the
    Multi feed. Advice, not a refusal: the agreements allow designating another coordinator."""
    if closer_is_creator:
        return None
    if access is CaseAccess.PRIVATE or category in (CaseCategory.EVENT, CaseCategory.EXERCISE):
        if closer_in_creating_organisation:
            return None
        return error_text(
            "Normally {creator} ({organisation}), who started this case, or a colleague of that "
            "organisation closes it. Close it only if you were designated in the Multi feed."
        ).format(creator=creator_name, organisation=creating_organisation)
    return error_text(
        "Close a public incident only after the Multi feed shows that the participants plan no "
        "further follow-up."
    )
