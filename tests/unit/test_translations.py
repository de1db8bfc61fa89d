"""The catalogues: every text the code marks has a finished French and English translation,
none is left over, and a translation keeps its placeholders and its keyboard accelerator."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from paragon_desktop import i18n

PACKAGE = Path(i18n.__file__).parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "translate": (2,)}


def marked() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")],
            keywords=KEYWORDS):
        found.add(message)
    return found


def entries(language: str) -> dict[str | tuple[str, ...], object]:
    with (i18n.CATALOGUES / f"{language}.po").open("rb") as handle:
        catalogue = read_po(handle, locale=i18n.LOCALES[language])
    return {m.id: m for m in catalogue if m.id}


def fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_marked_text_is_translated_and_nothing_is_left_over(language):
    source = marked()
    catalogue = entries(language)
    missing = sorted(map(str, source - set(catalogue)))
    obsolete = sorted(map(str, set(catalogue) - source))
    untranslated = sorted(str(k) for k, m in catalogue.items()
                          if m.fuzzy or not all(m.string if isinstance(m.string, tuple)
                                                else [m.string]))
    assert (missing, obsolete, untranslated) == ([], [], []), "run `make i18n` and translate"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_translations_keep_placeholders_and_accelerators(language):
    wrong = []
    for msgid, message in entries(language).items():
        sources = msgid if isinstance(msgid, tuple) else (msgid,)
        targets = message.string if isinstance(message.string, tuple) else (message.string,)
        for target in targets:
            if not target:
                continue
            if fields(sources[0]) != fields(target):
                wrong.append(f"{sources[0]!r} -> {target!r}: placeholders")
            if ("&" in sources[0].replace("&&", "")) != ("&" in target.replace("&&", "")):
                wrong.append(f"{sources[0]!r} -> {target!r}: keyboard accelerator")
    assert wrong == []


def test_the_check_finds_a_text_the_catalogue_lacks(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text('from paragon_desktop.i18n import _\n_("Een tekst die nergens vertaald is")\n')
    found = {m for _f, _l, m, _c, _x in extract_from_dir(str(tmp_path), keywords=KEYWORDS)}
    assert "Een tekst die nergens vertaald is" in found
    assert "Een tekst die nergens vertaald is" not in entries("fr")


def test_one_language_at_a_time():
    try:
        assert i18n.use("fr") == "fr"
        assert i18n._("Annuleren") == "Annuler"
        assert i18n._("Nu in de case ({count}): {names}").format(count=2, names="A, B") == \
            "Dans le dossier maintenant (2) : A, B"
        assert i18n.ngettext("{count} wacht op verbinding", "{count} wachten op verbinding",
                             3).format(count=3) == "3 attendent la connexion"
        assert i18n.use("en") == "en"
        assert i18n._("Annuleren") == "Cancel"
        assert i18n._("een tekst buiten de catalogus") == "een tekst buiten de catalogus"
    finally:
        i18n.use("nl")
    assert i18n._("Annuleren") == "Annuleren"


def test_the_language_follows_the_computer_unless_chosen(monkeypatch):
    monkeypatch.delenv("PARAGON_LANGUAGE", raising=False)
    monkeypatch.setenv("LC_ALL", "fr_BE.UTF-8")
    assert i18n.system_language() == "fr"
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    assert i18n.system_language() == "nl"  # none of ours: Dutch
    try:
        assert i18n.use("") == "nl"
        assert i18n.use("en") == "en"
    finally:
        i18n.use("nl")


def test_times_are_brussels_time_in_the_languages_format(monkeypatch):
    """The new-case form took the computer's clock while lists showed Brussels time."""
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        moment = datetime(2026, 11, 19, 8, 48, tzinfo=UTC)  # 09:48 in Brussels (CET)
        assert i18n.when(moment) == "19/11/2026 09:48"
        summer = datetime(2026, 7, 1, 8, 48, tzinfo=UTC)  # 10:48 in Brussels (CEST)
        assert i18n.when(summer, "time") == "10:48"
        try:
            i18n.use("fr")
            assert i18n.number(1234.5, 1) == "1\u202f234,5"
            i18n.use("en")
            assert i18n.number(1234.5, 1) == "1,234.5"
        finally:
            i18n.use("nl")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_no_ui_module_builds_text_the_catalogue_cannot_see():
    """An f-string with words in a call that shows text (setText, addAction, QLabel, ...) would
    bypass the catalogue: words belong in _() with named fields."""
    shown = re.compile(r"(setText|setToolTip|setPlaceholderText|setWindowTitle|addAction|QLabel|"
                       r"QAction|showMessage|addItem|tell|note|show)\(\s*f\"[^\"]*[A-Za-zé]{3,} "
                       r"[a-zé]{2,}")
    offenders = []
    for path in [*(PACKAGE / "ui" / "controllers").glob("*.py"), *(PACKAGE / "ui" / "docks").glob("*.py"),
                 PACKAGE / "ui" / "main_window.py"]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if shown.search(line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []


ERROR_CLASSES = ("E_", "error_text", "ParagonError", "ValidationError", "SignInError",
                 "AccessDenied", "NotFound", "NotAvailable", "StorageFull", "LayerReadError",
                 "LayerReadCancelled", "LayerExportError", "BackupError", "DamagedDatabase",
                 "BasemapError", "TileSourceError", "ServiceError", "MailError")


def error_templates() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")],
            keywords={name: None for name in ERROR_CLASSES}):
        if isinstance(message, str):
            found.add(message)
    return found


def error_entries(language: str) -> dict[str, object]:
    with (i18n.CATALOGUES / f"errors-{language}.po").open("rb") as handle:
        catalogue = read_po(handle, locale=i18n.LOCALES[language])
    return {m.id: m for m in catalogue if m.id}


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_error_template_is_translated_and_keeps_its_fields(language):
    source = error_templates()
    catalogue = error_entries(language)
    assert sorted(source - set(catalogue)) == [], "run `make i18n` and translate"
    assert sorted(set(catalogue) - source) == []
    assert sorted(k for k, m in catalogue.items() if m.fuzzy or not m.string) == []
    assert [k for k, m in catalogue.items() if fields(k) != fields(m.string)] == []


def test_errors_are_raised_as_templates_the_catalogue_can_see():
    """A message built with an f-string or by joining pieces cannot be translated: the words
    go into the template, the values into named fields."""
    import ast

    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in ERROR_CLASSES[2:] and isinstance(node.args[0], ast.JoinedStr | ast.BinOp):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


def test_an_error_is_shown_in_the_users_language_with_its_values():
    from paragon_desktop.domain.errors import CredentialsRefused, NotFound

    error = NotFound("No feed “{name}” that you are in; your feeds: {known}.", name="GCC",
                     known="Multi")
    try:
        i18n.use("fr")
        assert str(error) == "Aucun fil « GCC » dont vous êtes membre ; vos fils : Multi."
        assert str(CredentialsRefused()).startswith("Nom d'utilisateur inconnu")
        i18n.use("nl")
        assert str(error) == "Geen feed “GCC” waarvan je lid bent; jouw feeds: Multi."
        i18n.use("en")
        assert str(error) == "No feed “GCC” that you are in; your feeds: Multi."
    finally:
        i18n.use("nl")


@pytest.mark.parametrize(("language", "expected"), [
    ("nl", "12.345 tekens"), ("fr", "12\u202f345 caractères"), ("en", "12,345 characters")])
def test_numbers_in_an_error_are_written_as_the_language_writes_them(language, expected):
    """They were always written the English way (12,345), also in Dutch and French."""
    from paragon_desktop.domain.errors import ValidationError
    from paragon_desktop.domain.feeds import MessageDraft, validate_message

    i18n.use(language)
    with pytest.raises(ValidationError) as refused:
        validate_message(MessageDraft(text="x" * 12345))
    assert expected in str(refused.value)
    # Values that are not numbers keep their dots and commas.
    assert i18n.fill("{size:.1f} MB in {name}", size=2.25, name="a,b.kml") == (
        f"{'2.2' if language == 'en' else '2,2'} MB in a,b.kml")


def test_an_error_may_have_a_field_called_text():
    """fill() took "text" for its own argument: such an error could not even be shown."""
    from paragon_desktop.domain.errors import ValidationError

    assert str(ValidationError("“{text}” is not a position.", text="Kaaiweg")) == (
        "“Kaaiweg” is not a position.")


def test_every_error_class_is_a_keyword_of_the_error_catalogue():
    """A new error class left out of the extraction keywords (Makefile, ERROR_CLASSES) was
    never translated: BasemapError's refusals were missing from the catalogues."""
    import ast
    import re

    defined = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    getattr(base, "id", "") in ERROR_CLASSES or getattr(base, "id", "") == "ParagonError"
                    for base in node.bases):
                defined.add(node.name)
    makefile = (PACKAGE.parents[1] / "Makefile").read_text()
    keywords = set(re.search(r"ERROR_KEYWORDS := ((?:.*\\\n)*.*)", makefile).group(1)
                   .replace("\\\n", " ").split())
    raised = defined - {"CredentialsRefused", "SignInThrottled"}  # fixed messages, no keyword
    assert sorted(raised - set(ERROR_CLASSES)) == []
    assert sorted(set(ERROR_CLASSES) - keywords) == []
