"""Case rules: the generated name (DOMAIN.md, Cases)."""

from __future__ import annotations

from paragon_desktop.domain.enums import CaseCategory
from paragon_desktop.domain.errors import ValidationError

NAME_SUFFIX_MAX = 50


def validate_name_suffix(suffix: str) -> str:
    """Return the cleaned free suffix, or raise if it is longer than the rule book allows."""
    cleaned = " ".join(suffix.split())
    if len(cleaned) > NAME_SUFFIX_MAX:
        raise ValidationError(
            f"The name suffix has {len(cleaned)} characters; at most {NAME_SUFFIX_MAX} are allowed.",
            fields=("name_suffix",),
        )
    return cleaned


def generate_case_name(
    category: CaseCategory, case_type: str, location_name: str, suffix: str = ""
) -> str:
    """The case name is generated from category, type and location, plus a free suffix.

    The category keeps its Dutch label, as users know it from the portal.
    """
    missing = [
        name
        for name, value in (("type", case_type), ("location", location_name))
        if not value.strip()
    ]
    if missing:
        raise ValidationError(
            "A case name needs " + " and ".join(missing) + ".", fields=tuple(missing)
        )
    parts = [category.label_nl, case_type.strip(), location_name.strip()]
    cleaned = validate_name_suffix(suffix)
    if cleaned:
        parts.append(cleaned)
    return " - ".join(parts)
