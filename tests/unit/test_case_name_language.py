"""The words of a generated case name: the domain, the catalogues and the server agree."""

from __future__ import annotations

import pytest

from paragon_desktop import i18n
from paragon_desktop.domain.cases import (
    CASE_TYPES,
    CaseDraft,
    generate_case_name,
    preview_name,
)
from paragon_desktop.domain.enums import CaseCategory
from paragon_desktop.domain.errors import ValidationError
from tests.released import migration


def test_a_case_name_is_written_in_the_language_asked_for():
    assert generate_case_name(CaseCategory.EXERCISE, "Gaslek", "Scheldemonde", "Nordchem",
                              "fr") == "Exercice - Fuite de gaz - Scheldemonde - Nordchem"
    assert generate_case_name(CaseCategory.EVENT, "Sportevenement", "Gent", "", "en") == (
        "Event - Sports event - Gent")
    assert generate_case_name(CaseCategory.EVENT, "Sportevenement", "Gent") == (
        "Evenement - Sportevenement - Gent")


def test_the_form_previews_the_name_in_the_language_it_will_have():
    draft = CaseDraft(category=CaseCategory.INCIDENT, case_type="Overstroming")
    i18n.use("fr")
    assert preview_name(draft) == "Incident - Inondation - …"
    # Editing a case started in Dutch keeps its Dutch name whatever language is shown.
    assert preview_name(CaseDraft(**{**draft.__dict__, "name_language": "nl"})) == (
        "Incident - Overstroming - …")


def test_a_language_without_names_is_refused():
    from paragon_desktop.domain.cases import validate_draft
    from tests.unit.test_case_service import draft

    with pytest.raises(ValidationError, match="Dutch, French or English"):
        validate_draft(draft(name_language="de"))


def test_the_server_knows_every_word_a_name_can_hold_as_the_catalogues_say_it():
    """The server's words (migration 0008) are those of the catalogues: a later change of a
    catalogue needs a new migration, or the server would refuse the app's own names."""
    terms = {c.name_label for c in CaseCategory} | {t for ts in CASE_TYPES.values() for t in ts}
    server = migration("0008_case_name_language.py").TERMS
    for language in ("fr", "en"):
        assert server[language] == {t: i18n.translate(t, language) for t in terms}, language
