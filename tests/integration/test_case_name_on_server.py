"""A case name in the starter's language, checked by the shared server (migration 0008): raw SQL
with a user's own login role, as someone who took the credentials out of the app would."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, ProgrammingError

from paragon_desktop.storage.models import Case
from tests.integration.test_red_team import ALLOWED, attempt, case_named

pytestmark = pytest.mark.postgres


@pytest.fixture
def french_case(owner) -> int:
    """The demo's Nordchem case, as if a French-speaking agent had started it."""
    case_id = case_named(owner, "Nordchem")
    with owner.sessions.begin() as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.name_language = "fr"
        case.name = f"Exercice - Fuite de gaz - {case.location_name} - {case.name_suffix}"
    return case_id


def test_the_server_checks_the_name_in_the_cases_own_language(owner, connect, french_case):
    agent = connect("sofie.janssens")
    with owner.sessions() as session:
        case = session.get(Case, french_case)
        assert case is not None
        place, suffix = case.location_name, case.name_suffix
    rename = "UPDATE cases SET case_type = 'Brand', name = :n WHERE id = :c"
    french = f"Exercice - Incendie - {place} - {suffix}"
    assert attempt(agent, rename, "case.edited", dict(c=french_case, n=french)) == ALLOWED
    for wrong in (f"Oefening - Brand - {place} - {suffix}",  # Dutch: not the case's language
                  f"Exercise - Fire - {place} - {suffix}",
                  f"Exercice - Incendie - {place} - {suffix} (gekaapt)"):
        outcome = attempt(agent, rename, "case.edited", dict(c=french_case, n=wrong))
        assert "a case name is generated" in outcome, (wrong, outcome)


def test_a_user_cannot_switch_the_language_of_a_name(owner, connect, french_case):
    agent = connect("sofie.janssens")
    with pytest.raises(ProgrammingError, match="permission denied"), agent.begin() as c:
        c.execute(text("UPDATE cases SET name_language = 'nl' WHERE id = :c"), dict(c=french_case))
    # Not even the owner stores a language the app does not write names in.
    with pytest.raises(IntegrityError, match="ck_cases_name_language"), owner.sessions.begin() as s:
        s.execute(text("UPDATE cases SET name_language = 'de' WHERE id = :c"), dict(c=french_case))
    with owner.sessions() as session:
        assert session.scalars(select(Case.name_language).where(Case.id == french_case)).one() == "fr"


def test_users_cannot_call_the_naming_functions(connect):
    agent = connect("sofie.janssens")
    for sql in ("SELECT paragon_name_term('Brand', 'fr')",
                "SELECT paragon_case_name('incident', 'Brand', 'Gent', '', 'fr')"):
        with pytest.raises(ProgrammingError, match="permission denied"), agent.connect() as c:
            c.execute(text(sql))


def test_a_dutch_name_for_a_dutch_case_still_passes(owner, connect):
    agent = connect("sofie.janssens")
    case_id = case_named(owner, "Nordchem")
    with owner.sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None
        assert case.name_language == "nl"
        name = f"Oefening - Brand - {case.location_name} - {case.name_suffix}"
    outcome = attempt(agent, "UPDATE cases SET case_type = 'Brand', name = :n WHERE id = :c",
                      "case.edited", dict(c=case_id, n=name))
    assert outcome == ALLOWED, outcome
