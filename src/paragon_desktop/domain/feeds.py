"""Feeds and crisis roles (DOMAIN.md: Opening a case: crisis role; Feeds).

Which specific feeds a crisis role gives, how ``#FeedName`` copies a message, what each tag
("type invoer") demands, and what a filter of a feed asks for.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from paragon_desktop.domain.enums import FeedKind, MessageTag
from paragon_desktop.domain.errors import ValidationError
from paragon_desktop.i18n import N_, _

MULTI = "Multi"
# The generic roles every user may take besides their organisation's own list (§4.6).
# Stored as written here (in Dutch), shown in the user's language with role_label().
GENERIC_ROLES: tuple[str, ...] = (N_("Observator"), N_("Expert"), N_("Vertegenwoordiger"))
def role_label(role: str | None) -> str:
    """A crisis role as shown: Paragon's generic roles in the user's language, an organisation's
    own roles as the organisation named them (they are data)."""
    if not role:
        return ""
    return _(role) if role in GENERIC_ROLES else role


OBSERVER_HINT = N_(
    "Observator is voor wie een case voor zijn functie opvolgt zonder actieve rol; "
    "niet om uit nieuwsgierigheid een case te openen."
)
# Crisis cells users pick most; any other name may be typed.
KNOWN_CELLS: tuple[str, ...] = ("CP-Ops", "GCC", "PCC", "Federale crisiscel")
# Discipline feeds are named as users know them.
DISCIPLINE_FEEDS: dict[str, str] = {
    "D1": "D1 Brandweer",
    "D2": "D2 Medisch",
    "D3": "D3 Politie",
    "D4": "D4 Civiele Bescherming",
    "D5": "D5 Communicatie",
}
# Roles that belong in a cell's feed even when their holder did not pick the cell (the directors
# of the disciplines and the secretary sit in the CP-Ops).
CELL_ROLES: dict[str, tuple[str, ...]] = {
    "CP-Ops": ("Dir-CP-Ops", "Secretaris CP-Ops", "Dir-Brw", "Dir-Med", "Dir-Pol", "Dir-Log",
               "Dir-Info"),
}
MAX_ROLE_TEXT = 100
MAX_DESCRIPTION = 500
MAX_MESSAGE = 10_000
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FeedRule:
    """A feed and what makes a user a member of it."""

    id: int
    name: str
    kind: FeedKind
    discipline: str | None = None
    cell: str | None = None
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoleChoice:
    """What a user picks when opening a case (§4.6)."""

    organisation_id: int
    crisis_role: str
    crisis_cell: str | None = None
    description: str = ""


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


def role_options(organisation_roles: Iterable[str]) -> list[str]:
    """The organisation's own roles first (preferred), then the generic ones."""
    own = [r.strip() for r in organisation_roles if r.strip()]
    return own + [r for r in GENERIC_ROLES if _fold(r) not in {_fold(o) for o in own}]


def validate_role_choice(choice: RoleChoice, organisation_roles: Iterable[str],
                         user_organisation_ids: Collection[int]) -> RoleChoice:
    """The choice, cleaned; a ValidationError names what is wrong."""
    if choice.organisation_id not in user_organisation_ids:
        raise ValidationError("You are not a member of that organisation: pick one of your own.",
                              fields=("organisation",))
    options = role_options(organisation_roles)
    wanted = _fold(choice.crisis_role)
    role = next((r for r in options if _fold(r) == wanted), None)
    if role is None:
        raise ValidationError(
            "Pick a crisis role from your organisation's list or a generic one ({roles}).",
            roles=", ".join(GENERIC_ROLES), fields=("crisis_role",))
    cell = " ".join((choice.crisis_cell or "").split()) or None
    if cell is not None:
        cell = next((c for c in KNOWN_CELLS if _fold(c) == _fold(cell)), cell)
        if len(cell) > MAX_ROLE_TEXT:
            raise ValidationError("The crisis cell name is longer than {max_role_text} characters.",
                                  max_role_text=MAX_ROLE_TEXT,
                                  fields=("crisis_cell",))
        if cell.startswith("#") or not any(ch.isalnum() for ch in cell):
            raise ValidationError("A crisis cell name needs letters or digits (no leading #).",
                                  fields=("crisis_cell",))
    description = choice.description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError("The description is longer than {max_description} characters.",
                              max_description=MAX_DESCRIPTION,
                              fields=("description",))
    return RoleChoice(choice.organisation_id, role, cell, description)


def member_feed_ids(feeds: Iterable[FeedRule], discipline: str | None, crisis_role: str,
                    crisis_cell: str | None) -> set[int]:
    """The specific feeds a crisis role gives: the feed of the user's crisis cell, the feed of
    the discipline of the organisation they act for, and feeds that list their role. The Multi
    feed is everyone's and needs no membership."""
    role, cell = _fold(crisis_role), _fold(crisis_cell or "")
    result = set()
    for feed in feeds:
        if feed.kind is FeedKind.MULTI:
            continue
        if (cell and feed.cell and _fold(feed.cell) == cell) \
                or (discipline and feed.discipline == discipline) \
                or role in {_fold(r) for r in feed.roles}:
            result.add(feed.id)
    return result


def feeds_to_create(feeds: Iterable[FeedRule], discipline: str | None,
                    crisis_cell: str | None) -> list[FeedRule]:
    """Specific feeds a case lacks for this user's cell and discipline (id 0: not stored yet)."""
    existing = list(feeds)
    wanted = []
    if crisis_cell and not any(f.cell and _fold(f.cell) == _fold(crisis_cell) for f in existing):
        wanted.append(FeedRule(0, crisis_cell, FeedKind.CELL, cell=crisis_cell,
                               roles=CELL_ROLES.get(crisis_cell, ())))
    if discipline in DISCIPLINE_FEEDS and not any(f.discipline == discipline for f in existing):
        wanted.append(FeedRule(0, DISCIPLINE_FEEDS[discipline], FeedKind.DISCIPLINE,
                               discipline=discipline))
    taken = {_fold(f.name) for f in existing}
    return [f for f in wanted if _fold(f.name) not in taken]


# -- #FeedName --------------------------------------------------------------------------------
# A hashtag starts a word: at the start or after a space or an opening bracket or quote. In
# "http://x.be/a#b", "C#" or "nr#3" the # is inside a word and means nothing.
_TAG_START = re.compile(r"(?:^|(?<=[\s(\[{\"'“‘«]))#(?=\w)")
_WORD = re.compile(r"[\w-]+")


@dataclass(frozen=True)
class FeedReferences:
    feeds: tuple[str, ...] = ()  # known feed names, as the case spells them, in order, once each
    unknown: tuple[str, ...] = ()  # hashtags that name no feed


def _name_at(text: str, start: int, names: list[str]) -> str | None:
    """The longest feed name written at ``start`` (case-insensitive, ``_`` for a space), ended by
    something that is not part of a word."""
    for name in names:
        end = start + len(name)
        written = text[start:end].replace("_", " ")
        if _fold(written) != _fold(name) or len(written) != len(name):
            continue
        if end < len(text) and (text[end].isalnum() or text[end] in "_-"):
            continue
        return name
    return None


def parse_feed_references(text: str, feed_names: Iterable[str]) -> FeedReferences:
    """The feeds a message names with ``#FeedName`` (DOMAIN.md, Feeds)."""
    names = sorted({n for n in feed_names if n}, key=len, reverse=True)
    found: list[str] = []
    unknown: list[str] = []
    for match in _TAG_START.finditer(text):
        start = match.end()
        name = _name_at(text, start, names)
        if name is not None:
            if name not in found:
                found.append(name)
            continue
        word = _WORD.match(text, start)
        if word and not word.group().isdigit():
            tag = "#" + word.group()
            if tag not in unknown:
                unknown.append(tag)
    return FeedReferences(tuple(found), tuple(unknown))


def hashtag_prefix(text: str, cursor: int) -> str | None:
    """The part of a feed name typed so far when the cursor is in a ``#…`` that starts a word
    (for completion); ``None`` elsewhere."""
    start = text.rfind("#", 0, cursor)
    if start < 0:
        return None
    if start > 0 and not (text[start - 1].isspace() or text[start - 1] in "([{\"'“‘«"):
        return None
    typed = text[start + 1:cursor]
    if "\n" in typed or len(typed) > MAX_ROLE_TEXT:
        return None
    return typed


# -- tags, answers, corrections ------------------------------------------------------------------
@dataclass(frozen=True)
class MessageDraft:
    """What the composer sends."""

    text: str
    tags: frozenset[MessageTag] = frozenset()
    answers_tags: tuple[str, ...] | None = None  # tags of the message answered, if any
    attachment_name: str | None = None


def validate_message(draft: MessageDraft) -> None:
    """Tag rules of §4.7: an Answer answers a Question; a SITREP carries its report."""
    if not draft.text.strip():
        raise ValidationError("The message is empty: type something before sending.", fields=("text",))
    if len(draft.text) > MAX_MESSAGE:
        raise ValidationError(
            "The message is {count:,} characters long; the limit is {max_message:,}. Attach long "
            "reports as a SITREP document.",
            count=len(draft.text), max_message=MAX_MESSAGE, fields=("text",))
    if MessageTag.ANSWER in draft.tags:
        if draft.answers_tags is None:
            raise ValidationError("An answer answers a question: pick the question first "
                                  "(right-click it, “Beantwoorden”).", fields=("answers",))
        if MessageTag.QUESTION.value not in draft.answers_tags:
            raise ValidationError("Only a question can be answered; that message is no question.",
                                  fields=("answers",))
    elif draft.answers_tags is not None:
        raise ValidationError("A reply to a question carries the tag Answer.", fields=("answers",))
    if MessageTag.SITREP in draft.tags and not draft.attachment_name:
        raise ValidationError("A SITREP carries the situation report: attach the document "
                              "(PDF or text) first.", fields=("attachment",))


def pops_up(tags: Collection[str], feed_kind: FeedKind) -> bool:
    """Important pops up for everyone in the case only when it is in the Multi feed (§4.7)."""
    return MessageTag.IMPORTANT.value in tags and feed_kind is FeedKind.MULTI


def check_attachment(name: str, data: bytes) -> str:
    """The media type of a SITREP document, or a ValidationError saying why it is refused."""
    if not data:
        raise ValidationError("“{name}” is empty.",
                              name=name, fields=("attachment",))
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            "“{name}” is {size:.1f} MB; a SITREP document may be at most {limit} MB.",
            name=name, size=len(data) / 1e6, limit=MAX_ATTACHMENT_BYTES // (1024 * 1024),
            fields=("attachment",))
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if b"\x00" not in data[:65536]:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return "text/plain"
    raise ValidationError("“{name}” is neither a PDF nor a UTF-8 text file; save the report as "
                          "PDF or text and attach that.",
                          name=name, fields=("attachment",))


# -- filters ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FeedFilter:
    """What a user narrows a feed to. Empty: the whole feed."""

    text: str = ""
    tag: MessageTag | None = None
    author_id: int | None = None
    organisation_id: int | None = None
    open_questions: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.text.strip() or self.tag or self.author_id or self.organisation_id
                    or self.open_questions)
