"""One language at a time: Dutch (the source), French or English.

Standard gettext catalogues (``resources/i18n/<lang>.po``, maintained with ``make i18n``:
``pybabel extract`` + ``update``), read with Babel at start-up, so no compiled ``.mo`` file can
go stale. Code marks what a user reads with ``_("Dutch text {name}")`` and formats afterwards
(``.format(name=...)``); ``N_()`` marks text kept for later (constants). Dates and numbers go
through Babel in the language's Belgian locale, always in Europe/Brussels time.

No Qt here: the UI installs Qt's own translations (standard buttons, file dialogs) itself.
"""

from __future__ import annotations

import locale
import os
import string
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.messages.catalog import Message
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

SOURCE = "nl"
ERRORS_SOURCE = "en"  # domain, services, storage and readers raise English templates
LANGUAGES = {"nl": "Nederlands", "fr": "Français", "en": "English"}
LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}
BRUSSELS = ZoneInfo("Europe/Brussels")
CATALOGUES = Path(__file__).parent / "resources" / "i18n"

_current = SOURCE


@cache
def _entries(file: str, language: str) -> tuple[Message, ...]:
    """The finished entries of one catalogue file (fuzzy ones are not translations yet)."""
    with (CATALOGUES / file).open("rb") as handle:
        return tuple(m for m in read_po(handle, locale=LOCALES[language]) if m.id and not m.fuzzy)


def _singular(entries: tuple[Message, ...]) -> dict[str, str]:
    return {m.id: m.string for m in entries
            if isinstance(m.id, str) and isinstance(m.string, str) and m.string}


@cache
def catalogue(language: str) -> dict[str, str]:
    """msgid -> translation of one language (empty for the source, and for untranslated
    entries, which then show the source text)."""
    return {} if language == SOURCE else _singular(_entries(f"{language}.po", language))


@cache
def plurals(language: str) -> dict[str, tuple[str, ...]]:
    if language == SOURCE:
        return {}
    return {str(m.id[0]): tuple(str(s) for s in m.string)
            for m in _entries(f"{language}.po", language) if isinstance(m.id, tuple)}


@cache
def error_catalogue(language: str) -> dict[str, str]:
    """English error template -> translation (errors are written in English in the code)."""
    return ({} if language == ERRORS_SOURCE
            else _singular(_entries(f"errors-{language}.po", language)))


def error_text(template: str) -> str:
    """An error template (English) in the current language."""
    return error_catalogue(_current).get(template, template)


def system_language() -> str:
    """The language of the computer's locale when it is one of ours, else Dutch
    (``PARAGON_LANGUAGE`` overrides the locale, e.g. for scripts and tests)."""
    for name in ("PARAGON_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            break
    else:
        value = locale.getlocale()[0] or ""
    code = value.split(".")[0].split("_")[0].lower()
    return code if code in LANGUAGES else SOURCE


def use(language: str | None) -> str:
    """Show everything in ``language`` from now on ("" or None: the system's); returns it."""
    global _current
    chosen = language if language in LANGUAGES else system_language()
    catalogue(chosen)  # read now, not at the first string
    error_catalogue(chosen)
    _current = chosen
    return chosen


def language() -> str:
    return _current


def _(text: str) -> str:
    """``text`` (Dutch, the catalogues' msgid) in the current language."""
    return catalogue(_current).get(text, text) if _current != SOURCE else text


def translate(text: str, language: str) -> str:
    """``text`` (Dutch) in ``language``, whatever language is shown now (e.g. a case name is
    written in the language of the person who started the case)."""
    return catalogue(language).get(text, text) if language in LANGUAGES else text


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for ``count`` (the catalogue keeps both forms under the singular msgid)."""
    if _current == SOURCE:
        return singular if count == 1 else plural
    forms = plurals(_current).get(singular)
    if not forms:
        return singular if count == 1 else plural
    one = count in (0, 1) if _current == "fr" else count == 1  # French says "0 message"
    if one:
        return forms[0] or singular
    return next((form for form in forms[1:] if form), plural)


def E_(template: str) -> str:  # noqa: N802 (after gettext's N_)
    """Mark an English error template kept for later; shown with ``error_text()``."""
    return template


def N_(text: str) -> str:  # noqa: N802 (gettext's name)
    """Mark ``text`` for the catalogues; it is translated where it is shown, with ``_()``."""
    return text


def when(moment: datetime, pattern: str = "short") -> str:
    """A moment in Brussels time in the current language's format ("short": date and time;
    "time": hours and minutes; "day": the date)."""
    patterns = {"short": "dd/MM/yyyy HH:mm", "time": "HH:mm", "seconds": "HH:mm:ss",
                "day": "dd/MM/yyyy", "day_time": "dd/MM HH:mm"}
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time is the computer's own clock
    return format_datetime(moment, patterns.get(pattern, pattern), tzinfo=BRUSSELS,
                           locale=LOCALES[_current])


def number(value: float | int, digits: int = 0) -> str:
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=fmt, locale=LOCALES[_current])


class _LocalNumbers(string.Formatter):
    """``str.format`` that writes numbers the way the current language does (1.234,5 in Dutch,
    1 234,5 in French, 1,234.5 in English): Python's format spec, then the locale's symbols."""

    def format_field(self, value: object, format_spec: str) -> str:
        text = format(value, format_spec)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return text
        where = LOCALES[_current]
        group, decimal = get_group_symbol(where), get_decimal_symbol(where)
        return "".join(group if c == "," else decimal if c == "." else c for c in text)


_numbers = _LocalNumbers()


def fill(template: str, /, **fields: object) -> str:
    """``template.format(**fields)`` with the numbers among ``fields`` in the current language's
    form (the error catalogues' templates are filled this way; a field may be called anything,
    "template" and "text" included)."""
    return _numbers.vformat(template, (), fields)
