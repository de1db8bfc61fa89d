"""Contact rules (DOMAIN.md, Anchors and contacts; original §1, §2.3.1): who keeps which contacts,
what a contact must be to be stored, professional before personal data, the duplicate check
before creating, GDPR consent and notices, and the contact card (vCard).

The shared server checks the same (migration 0013, ``paragon_check_contacts`` and the policies
of ``contact_personal`` and ``contact_notices``)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from paragon_desktop.domain.enums import AccessLevel, ContactKind
from paragon_desktop.domain.errors import ValidationError
from paragon_desktop.i18n import N_, _, translate

NAME_MAX = 200
TEXT_MAX = 200
PHONE_MAX = 64
ADDRESS_MAX = 300
LANGUAGES = ("nl", "fr", "en")
# Names at least this alike (difflib's ratio on the normalised names) are shown as possible
# duplicates: "Jan Peeters" / "Jan Peters" (0.95), "Brandweer Zone Rand" / "Brandweerzone Rand".
SIMILAR_NAME = 0.85
EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")
PHONE = re.compile(r"^\+?[0-9 ()./-]{6,}$")
_NOT_WORD = re.compile(r"[^\w]+")


class ConsentStatus(StrEnum):
    """GDPR: a contact is asked when added (by e-mail, or by hand without an address)."""

    UNKNOWN = "unknown"  # stored before consent was asked, or no e-mail to ask it with
    REQUESTED = "requested"
    GIVEN = "given"
    REFUSED = "refused"  # the personal data is erased; professional data stays

    @property
    def label(self) -> str:
        return _(CONSENT_LABELS[self.value])


class NoticeKind(StrEnum):
    CONSENT_REQUEST = "consent_request"
    CHANGE_NOTICE = "change_notice"

    @property
    def label(self) -> str:
        return _(NOTICE_LABELS[self.value])


CONSENT_LABELS = {"unknown": N_("niet gevraagd"), "requested": N_("gevraagd"),
                  "given": N_("gegeven"), "refused": N_("geweigerd")}
NOTICE_LABELS = {"consent_request": N_("toestemmingsvraag"),
                 "change_notice": N_("melding van wijziging")}


# The fields of a contact, in the order of the card: professional first, then personal.
FIELD_LABELS = {
    "kind": N_("Soort"),
    "name": N_("Naam"),
    "organisation_name": N_("Organisatie"),
    "function": N_("Functie"),
    "phone": N_("Telefoon (beroepsmatig)"),
    "email": N_("E-mail (beroepsmatig)"),
    "address": N_("Adres (beroepsmatig)"),
    "language": N_("Taal"),
    "personal_phone": N_("Telefoon (persoonlijk)"),
    "personal_email": N_("E-mail (persoonlijk)"),
    "personal_address": N_("Adres (persoonlijk)"),
}
PERSONAL_FIELDS = ("personal_phone", "personal_email", "personal_address")


@dataclass(frozen=True)
class Personal:
    """Personal phone, e-mail and address: stored only when the person wants them."""

    phone: str = ""
    email: str = ""
    address: str = ""

    def __bool__(self) -> bool:
        return bool(self.phone or self.email or self.address)


@dataclass(frozen=True)
class ContactDraft:
    kind: ContactKind
    name: str
    organisation_name: str = ""
    function: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    language: str = "nl"  # of the GDPR mails
    personal: Personal = field(default_factory=Personal)
    # The person said they want their personal data stored (§2.3.1: "enkel indien gewenst").
    wants_personal: bool = False

    def values(self) -> dict[str, str]:
        return {"kind": self.kind.value, "name": self.name,
                "organisation_name": self.organisation_name, "function": self.function,
                "phone": self.phone, "email": self.email, "address": self.address,
                "language": self.language, "personal_phone": self.personal.phone,
                "personal_email": self.personal.email,
                "personal_address": self.personal.address}


def _clean(value: str) -> str:
    return " ".join(str(value or "").split())


def validate_contact(draft: ContactDraft) -> ContactDraft:
    """The draft as stored (spaces tidied), or a ValidationError naming the fields to mend."""
    kind = draft.kind if isinstance(draft.kind, ContactKind) else ContactKind(draft.kind)
    personal = Personal(_clean(draft.personal.phone), _clean(draft.personal.email).lower(),
                        _clean(draft.personal.address))
    clean = replace(draft, kind=kind, name=_clean(draft.name),
                    organisation_name=_clean(draft.organisation_name),
                    function=_clean(draft.function), phone=_clean(draft.phone),
                    email=_clean(draft.email).lower(), address=_clean(draft.address),
                    personal=personal)
    if not clean.name:
        raise ValidationError("A contact needs a name.", fields=("name",))
    if len(clean.name) > NAME_MAX:
        raise ValidationError("A contact's name has at most {max} characters.", max=NAME_MAX,
                              fields=("name",))
    for name, limit in (("organisation_name", TEXT_MAX), ("function", TEXT_MAX),
                        ("address", ADDRESS_MAX)):
        if len(getattr(clean, name)) > limit:
            raise ValidationError("This field has at most {max} characters.", max=limit,
                                  fields=(name,))
    if len(personal.address) > ADDRESS_MAX:
        raise ValidationError("This field has at most {max} characters.", max=ADDRESS_MAX,
                              fields=("personal_address",))
    for name, value in (("phone", clean.phone), ("personal_phone", personal.phone)):
        if value and (len(value) > PHONE_MAX or not PHONE.match(value)):
            raise ValidationError(
                "“{value}” is not a phone number: digits, spaces and + ( ) . / - only, "
                "at least six.", value=value, fields=(name,))
    for name, value in (("email", clean.email), ("personal_email", personal.email)):
        if value and (len(value) > TEXT_MAX or not EMAIL.match(value)):
            raise ValidationError("“{value}” is not an e-mail address (name@domain.be).",
                                  value=value, fields=(name,))
    if clean.language not in LANGUAGES:
        raise ValidationError("Choose the language of the contact's mails: nl, fr or en.",
                              fields=("language",))
    if personal and not clean.wants_personal:
        raise ValidationError(
            "Personal phone numbers and addresses are stored only when the person wants "
            "them: tick that they asked for it, or leave the personal fields empty.",
            fields=PERSONAL_FIELDS)
    if personal and kind is ContactKind.ORGANISATION:
        raise ValidationError("An organisation has no personal data; use the professional "
                              "fields.", fields=PERSONAL_FIELDS)
    return clean


# -- who may do what -----------------------------------------------------------------------------
def can_keep_directory(management_roles: Iterable[str]) -> bool:
    """The global directory: contact managers (of any of the user's organisations)."""
    return any("contact_manager" in roles.split() for roles in management_roles)


def can_keep_case_contacts(level: AccessLevel, case_open: bool) -> bool:
    """A case's own contacts: its agents and coordinators while it is open."""
    return case_open and level in (AccessLevel.AGENT, AccessLevel.COORDINATOR)


def sees_personal(level: AccessLevel, contact_manager: bool) -> bool:
    """Need to know (§2): those who act in cases (agents, coordinators) and those who keep the
    directory; a read-only user never."""
    return contact_manager or level in (AccessLevel.AGENT, AccessLevel.COORDINATOR)


# -- duplicates -----------------------------------------------------------------------------------
def normalise_name(value: str) -> str:
    """Lower case, without accents, punctuation or extra spaces: "Dr. Jan  Peeters-Dé" and
    "dr jan peeters de" are the same name."""
    text = value or ""
    if not text.isascii():  # most names are: no need to take accents off
        text = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def normalise_phone(value: str) -> str:
    """Digits only, Belgian form: +32 3 123 45 67, 0032 3/123.45.67 and 03 123 45 67 are one
    number."""
    digits = re.sub(r"\D", "", value or "")
    if (value or "").strip().startswith("+"):
        digits = "00" + digits
    if digits.startswith("0032"):
        digits = "0" + digits[4:]
    return digits


def normalise_email(value: str) -> str:
    return (value or "").strip().lower()


@dataclass(frozen=True)
class ContactFacts:
    """What the duplicate check compares of an existing contact."""

    id: int
    name: str
    organisation_name: str
    phones: tuple[str, ...]
    emails: tuple[str, ...]


@dataclass(frozen=True)
class Duplicate:
    id: int
    name: str
    organisation_name: str
    reasons: tuple[str, ...]  # translated: "same e-mail", "similar name (92 %)"


class _NameMatcher:
    """How alike a normalised name is to one given name, for many names in a row: difflib keeps
    what it learnt of the given name, and the cheap upper bounds (length, then characters) skip
    the full comparison for nearly every other name (a directory of 10,000 in a few tens of ms).
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.tokens = sorted(name.split())
        self.joined = name.replace(" ", "")
        self._spaced = difflib.SequenceMatcher(None, autojunk=False)
        self._spaced.set_seq2(name)
        self._joined = difflib.SequenceMatcher(None, autojunk=False)
        self._joined.set_seq2(self.joined)

    def score(self, other: str) -> float:
        if not other or not self.name:
            return 0.0
        if other == self.name or sorted(other.split()) == self.tokens:  # "Peeters Jan"
            return 1.0
        best = 0.0
        for matcher, text in ((self._spaced, other), (self._joined, other.replace(" ", ""))):
            matcher.set_seq1(text)
            if matcher.real_quick_ratio() < SIMILAR_NAME or matcher.quick_ratio() < SIMILAR_NAME:
                continue
            best = max(best, matcher.ratio())
        return best


def possible_duplicates(draft: ContactDraft, existing: Iterable[ContactFacts],
                        exclude_id: int | None = None) -> list[Duplicate]:
    """Contacts that may be the same as ``draft``: the same or a similar name, the same e-mail
    or phone number (normalised), most alike first."""
    names = _NameMatcher(normalise_name(draft.name))
    phones = {normalise_phone(p) for p in (draft.phone, draft.personal.phone)} - {""}
    emails = {normalise_email(e) for e in (draft.email, draft.personal.email)} - {""}
    found: list[tuple[float, Duplicate]] = []
    for facts in existing:
        if facts.id == exclude_id:
            continue
        reasons: list[str] = []
        score = names.score(normalise_name(facts.name))
        if score == 1.0:
            reasons.append(_("dezelfde naam"))
        elif score >= SIMILAR_NAME:
            reasons.append(_("gelijkaardige naam ({percent} %)").format(percent=round(score * 100)))
        else:
            score = 0.0
        if emails & {normalise_email(e) for e in facts.emails}:
            reasons.append(_("hetzelfde e-mailadres"))
            score += 1
        if phones & {normalise_phone(p) for p in facts.phones}:
            reasons.append(_("hetzelfde telefoonnummer"))
            score += 1
        if reasons:
            found.append((score, Duplicate(facts.id, facts.name, facts.organisation_name,
                                           tuple(reasons))))
    found.sort(key=lambda item: (-item[0], item[1].name))
    return [duplicate for _score, duplicate in found]


# -- GDPR notices -----------------------------------------------------------------------------------
def changed_fields(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The fields (keys of FIELD_LABELS) whose value an edit changes."""
    return [key for key in FIELD_LABELS if (before.get(key) or "") != (after.get(key) or "")]


def notice_mail(kind: NoticeKind, *, name: str, language: str, sender: str,
                changed: Iterable[str] = ()) -> tuple[str, str]:
    """Subject and text of a GDPR mail to a contact, in the contact's language. ``changed``:
    field keys (a change notice names what changed, never the values)."""
    def t(text: str) -> str:
        return translate(text, language)

    fields = "\n".join(f"- {t(FIELD_LABELS[key])}" for key in changed if key in FIELD_LABELS)
    if kind is NoticeKind.CONSENT_REQUEST:
        subject = t(N_("Paragon: mag {organisation} uw contactgegevens bewaren?"))
        body = t(N_(
            "Beste {name},\n\n"
            "{organisation} heeft uw contactgegevens opgenomen in Paragon, het nationale "
            "veiligheidsportaal, om u te kunnen bereiken bij een noodsituatie.\n\n"
            "Wij bewaren uw beroepsgegevens. Persoonlijke nummers en adressen bewaren wij "
            "enkel als u dat wenst.\n\n"
            "Antwoord op deze e-mail om uw toestemming te geven of te weigeren, of om uw "
            "gegevens te laten aanpassen of wissen.\n\n"
            "Met vriendelijke groeten,\n{organisation}"))
    else:
        subject = t(N_("Paragon: uw contactgegevens zijn gewijzigd"))
        body = t(N_(
            "Beste {name},\n\n"
            "{organisation} heeft uw contactgegevens in Paragon gewijzigd. Gewijzigd:\n"
            "{fields}\n\n"
            "Klopt dit niet, of wilt u uw gegevens laten wissen? Antwoord dan op deze e-mail.\n\n"
            "Met vriendelijke groeten,\n{organisation}"))
    # One pass, not str.format: a name with braces in it stays as typed.
    values = {"name": name, "organisation": sender, "fields": fields}

    def fill_in(text: str) -> str:
        return re.sub(r"\{(name|organisation|fields)\}", lambda m: values[m.group(1)], text)

    return fill_in(subject), fill_in(body)


# -- the contact card (vCard 4.0, RFC 6350) ---------------------------------------------------------
def _vcard_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,")
            .replace(";", "\\;"))


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets, continued with a space (RFC 6350 §3.2), not splitting a
    character."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > (75 if not out else 74):
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return [out[0], *(" " + part for part in out[1:])]


def vcard(kind: ContactKind, name: str, *, organisation_name: str = "", function: str = "",
          phone: str = "", email: str = "", address: str = "",
          personal: Personal = Personal()) -> str:  # noqa: B008 (frozen, never changed)
    """One contact card; personal data only when given (the caller decides who sees it)."""
    lines = ["BEGIN:VCARD", "VERSION:4.0",
             f"KIND:{'org' if kind is ContactKind.ORGANISATION else 'individual'}",
             f"FN:{_vcard_text(name)}"]
    if kind is ContactKind.ORGANISATION:
        lines.append(f"ORG:{_vcard_text(name)}")
    elif organisation_name:
        lines.append(f"ORG:{_vcard_text(organisation_name)}")
    if function:
        lines.append(f"TITLE:{_vcard_text(function)}")
    if phone:
        lines.append(f"TEL;TYPE=work,voice;VALUE=text:{_vcard_text(phone)}")
    if email:
        lines.append(f"EMAIL;TYPE=work:{_vcard_text(email)}")
    if address:
        lines.append(f"ADR;TYPE=work:;;{_vcard_text(address)};;;;")
    if personal.phone:
        lines.append(f"TEL;TYPE=home,voice;VALUE=text:{_vcard_text(personal.phone)}")
    if personal.email:
        lines.append(f"EMAIL;TYPE=home:{_vcard_text(personal.email)}")
    if personal.address:
        lines.append(f"ADR;TYPE=home:;;{_vcard_text(personal.address)};;;;")
    lines.append("END:VCARD")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))
