"""Emergency plan rules (DOMAIN.md, Emergency plans; original §3): the kinds of plan and their
naming convention, the key anchor each kind suggests, who may write, approve and see a plan,
and what an edit does to an approved plan.

Plain Python: the services apply these, the shared server enforces the same for login roles
(migration 0012, ``paragon_check_emergency_plans``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from paragon_desktop.domain.anchors import AnchorCategory
from paragon_desktop.domain.errors import ValidationError
from paragon_desktop.i18n import E_, N_, _

TITLE_MAX = 300
# The plan document and the approval letter: PDF files, at most this large.
DOCUMENT_MAX_BYTES = 50_000_000
PDF_MAGIC = b"%PDF-"


class PlanKind(StrEnum):
    """Stored as the value; ``label`` in the user's language."""

    ANIP = "anip"  # algemeen nood- en interventieplan (municipality, province)
    BNIP = "bnip"  # bijzonder nood- en interventieplan, per risk type
    MONO = "mono"  # monodisciplinary plans: PIP, IPI, ...
    INTERNAL = "internal"  # an organisation's internal emergency plan
    NATIONAL = "national"

    @property
    def label(self) -> str:
        return _(KIND_LABELS[self])


KIND_LABELS = {
    PlanKind.ANIP: N_("ANIP (algemeen nood- en interventieplan)"),
    PlanKind.BNIP: N_("BNIP (bijzonder nood- en interventieplan)"),
    PlanKind.MONO: N_("Monodisciplinair plan (PIP, IPI, …)"),
    PlanKind.INTERNAL: N_("Intern noodplan"),
    PlanKind.NATIONAL: N_("Nationaal noodplan"),
}

# Monodisciplinary plan types as the rule book's examples name them (PIP provincie Limburg,
# IPI Melle), with the other disciplines' usual ones.
MONO_TYPES = ("PIP", "IPI", "MIP", "PSIP", "MDIP")
# National plans carry fixed titles in Dutch and French.
NATIONAL_TITLES = (
    "Noodplan Nationaal - Plan d'Urgence Nationale",
    "Nucleair Noodplan Nationaal - Plan d'Urgence Nucléaire Nationale",
)


class PlanStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return _("Ontwerp") if self is PlanStatus.DRAFT else _("Goedgekeurd")


@dataclass(frozen=True)
class PlanName:
    """What the title is built from."""

    kind: PlanKind
    area: str = ""  # toepassingsgebied: "Scheldemonde", "provincie Luik", "Noordzee"
    risk_type: str = ""  # BNIP: "Seveso Nordchem", "Spoorwegongevallen"
    mono_type: str = ""  # MONO: one of MONO_TYPES
    organisation: str = ""  # INTERNAL: the organisation the plan is of
    municipality: str = ""  # INTERNAL: where it lies
    national: str = ""  # NATIONAL: one of NATIONAL_TITLES


# One sentence per missing part: a fragment put into a sentence cannot be translated.
_MISSING = {
    "area": E_("The title names the area the plan covers (e.g. Scheldemonde, provincie Luik)."),
    "risk_type": E_("A BNIP's title names its risk type (e.g. Seveso Nordchem)."),
    "organisation": E_("An internal plan's title names its organisation."),
    "municipality": E_("An internal plan's title names its municipality."),
}


def _part(text: str, field: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise ValidationError(_MISSING[field], fields=(field,))
    return text


def plan_title(name: PlanName) -> str:
    """The title by the naming convention (§3.1), from its parts as typed (capitals and accents
    as the user writes them); raises ``ValidationError`` for a missing part."""
    kind = name.kind
    if kind is PlanKind.ANIP:
        return f"ANIP {_part(name.area, 'area')}"
    if kind is PlanKind.BNIP:
        return (f"BNIP {_part(name.risk_type, 'risk_type')} "
                f"{_part(name.area, 'area')}")
    if kind is PlanKind.MONO:
        mono = " ".join(name.mono_type.split()).upper()
        if not re.fullmatch(r"[A-Z]{2,6}", mono):
            raise ValidationError("A monodisciplinary plan starts with its type (PIP, IPI, …).",
                                  fields=("mono_type",))
        return f"{mono} {_part(name.area, 'area')}"
    if kind is PlanKind.INTERNAL:
        return (f"Intern noodplan {_part(name.organisation, 'organisation')} "
                f"{_part(name.municipality, 'municipality')}")
    if name.national not in NATIONAL_TITLES:
        raise ValidationError("A national plan has one of the fixed national titles.",
                              fields=("national",))
    return name.national


def check_title(title: str, name: PlanName) -> str:
    """The stored title: exactly the convention's (the server checks the same prefix rules)."""
    built = plan_title(name)
    if len(built) > TITLE_MAX:
        raise ValidationError("A plan title has at most {limit} characters.", limit=TITLE_MAX,
                              fields=("title",))
    if " ".join(title.split()) != built:
        raise ValidationError("The title of this plan is “{built}” by the naming convention.",
                              built=built, fields=("title",))
    return built


# The pattern the shared server holds each kind's title to (migration 0012).
TITLE_PATTERNS = {
    PlanKind.ANIP: r"^ANIP \S.*$",
    PlanKind.BNIP: r"^BNIP \S+ \S.*$",
    PlanKind.MONO: r"^[A-Z]{2,6} \S.*$",
    PlanKind.INTERNAL: r"^Intern noodplan \S+ \S.*$",
    PlanKind.NATIONAL: "^(" + "|".join(re.escape(t) for t in NATIONAL_TITLES) + ")$",
}


def title_fits(kind: PlanKind, title: str) -> bool:
    return bool(re.match(TITLE_PATTERNS[kind], title)) and title == " ".join(title.split())


# The key anchor each kind suggests (§3.1's table): the category to pick it from.
SUGGESTED_ANCHOR = {
    PlanKind.ANIP: (AnchorCategory.BORDER, N_("de gemeentegrenzen (of provinciegrenzen)")),
    PlanKind.BNIP: (AnchorCategory.HAZARD_CONTOUR,
                    N_("de contour van het risico (Sevesobedrijf, luchthaven, …)")),
    PlanKind.MONO: (AnchorCategory.BORDER, N_("de provinciegrenzen")),
    PlanKind.INTERNAL: (AnchorCategory.HAZARD_CONTOUR, N_("de contour van de organisatie")),
    PlanKind.NATIONAL: (AnchorCategory.BORDER, N_("het Belgisch grondgebied")),
}


def is_plan_manager(management_roles: str) -> bool:
    """``management_roles``: a membership's roles in that organisation, space-separated."""
    return "plan_manager" in management_roles.split()


def can_see_plan(status: str, organisation_id: int, my_organisations: set[int]) -> bool:
    """Drafts only for the responsible organisation; approved plans for everyone (§3.2)."""
    return status == PlanStatus.APPROVED or organisation_id in my_organisations


def status_after_edit(status: str, small: bool) -> PlanStatus:
    """An edit sends an approved plan back to draft, unless the plan manager marks it small
    (a typo, a phone number: §3.4)."""
    if status == PlanStatus.APPROVED and small:
        return PlanStatus.APPROVED
    return PlanStatus.DRAFT


class DocumentKind(StrEnum):
    PLAN = "plan"  # the plan itself, in versions
    LETTER = "letter"  # an approval letter


_TOO_LARGE = {
    DocumentKind.PLAN: E_("The plan document is larger than {megabytes} MB; make a smaller PDF."),
    DocumentKind.LETTER: E_("The approval letter is larger than {megabytes} MB; make a smaller "
                            "PDF."),
}
_NOT_PDF = {
    DocumentKind.PLAN: E_("The plan document is not a PDF file; save it as PDF first."),
    DocumentKind.LETTER: E_("The approval letter is not a PDF file; save it as PDF first."),
}


def check_size(size: int, kind: DocumentKind) -> None:
    """Refused by its size alone (a file is checked before it is read)."""
    if size > DOCUMENT_MAX_BYTES:
        raise ValidationError(_TOO_LARGE[kind], megabytes=DOCUMENT_MAX_BYTES // 1_000_000)


def check_pdf(data: bytes, kind: DocumentKind) -> bytes:
    """A plan document or approval letter: a PDF by content, not too large."""
    check_size(len(data), kind)
    if not data.startswith(PDF_MAGIC):
        raise ValidationError(_NOT_PDF[kind])
    return data
