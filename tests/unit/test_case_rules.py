"""The case rules of DOMAIN.md (Cases; People and organisations), without a database."""

from datetime import UTC, datetime

import pytest

from paragon_desktop.domain.access import CaseAction, case_refusal
from paragon_desktop.domain.cases import (
    EVENT_TYPES,
    INCIDENT_TYPES,
    MANDATORY_FIELDS,
    NAME_SUFFIX_MAX,
    OTHER_TYPE,
    CaseDraft,
    CaseLocation,
    LocationKind,
    check_category_change,
    closing_advice,
    default_type,
    missing_fields,
    normalise_astrid_block,
    preview_name,
    types_for,
    validate_draft,
)
from paragon_desktop.domain.enums import AccessLevel, CaseAccess, CaseCategory
from paragon_desktop.domain.errors import ValidationError

POINT = CaseLocation(LocationKind.POINT, "Scheldemonde", {"type": "Point", "coordinates": [4.27, 51.25]})


def complete(**changes) -> CaseDraft:
    values = dict(category=CaseCategory.INCIDENT, access=CaseAccess.PUBLIC, location=POINT,
                  case_type="Brand", occurred_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    values.update(changes)
    return CaseDraft(**values)


def test_an_empty_form_misses_every_mandatory_field_in_form_order():
    assert missing_fields(CaseDraft()) == MANDATORY_FIELDS
    assert MANDATORY_FIELDS == ("category", "access", "location", "case_type", "occurred_at")


@pytest.mark.parametrize("field", MANDATORY_FIELDS)
def test_each_mandatory_field_alone_blocks_the_start(field):
    draft = complete(**{field: "" if field == "case_type" else None})
    assert missing_fields(draft) == (field,)
    with pytest.raises(ValidationError) as info:
        validate_draft(draft)
    assert info.value.fields == (field,)


def test_a_location_without_a_name_or_a_geometry_is_missing():
    nameless = CaseLocation(LocationKind.POINT, "  ", POINT.geometry)
    placeless = CaseLocation(LocationKind.POINT, "Gent", {})
    assert missing_fields(complete(location=nameless)) == ("location",)
    assert missing_fields(complete(location=placeless)) == ("location",)


def test_optional_fields_may_stay_empty():
    validate_draft(complete(phase=None, astrid_block="", description="", name_suffix=""))


def test_type_must_come_from_the_category_list():
    assert "Brand" in types_for(CaseCategory.INCIDENT)
    with pytest.raises(ValidationError, match="not a type of the category Event") as info:
        validate_draft(complete(category=CaseCategory.EVENT, case_type="Brand"))
    assert info.value.fields == ("case_type",)


def test_events_default_to_other_and_incidents_make_the_user_choose():
    assert default_type(CaseCategory.EVENT) == OTHER_TYPE
    assert EVENT_TYPES[0] == OTHER_TYPE
    assert default_type(CaseCategory.INCIDENT) == ""
    assert default_type(CaseCategory.EXERCISE) == ""
    # Exercises practise incidents (and event preparations).
    assert set(INCIDENT_TYPES) <= set(types_for(CaseCategory.EXERCISE))


def test_a_phase_must_be_one_of_the_list():
    validate_draft(complete(phase="Provinciale fase"))
    with pytest.raises(ValidationError) as info:
        validate_draft(complete(phase="Fase 7"))
    assert info.value.fields == ("phase",)


def test_name_suffix_counts_after_collapsing_spaces_and_is_limited_to_50():
    validate_draft(complete(name_suffix="x" * NAME_SUFFIX_MAX))
    validate_draft(complete(name_suffix="  " + "x " * 25))  # 49 characters once collapsed
    with pytest.raises(ValidationError, match="51 characters") as info:
        validate_draft(complete(name_suffix="x" * (NAME_SUFFIX_MAX + 1)))
    assert info.value.fields == ("name_suffix",)


def test_the_name_forms_live_with_placeholders_for_what_is_missing():
    assert preview_name(CaseDraft()) == "… - … - …"
    # In the language shown (English in these tests) ...
    assert preview_name(CaseDraft(category=CaseCategory.EVENT, case_type=OTHER_TYPE)) == (
        "Event - Other - …")
    # ... or in the one the case's name is written in.
    assert preview_name(complete(name_suffix=" Kaaiweg  14 ", name_language="nl")) == (
        "Incident - Brand - Scheldemonde - Kaaiweg 14")


def test_astrid_block_index_is_compared_without_case_or_spaces():
    assert normalise_astrid_block(" blok-sch 07 ") == "BLOK-SCH07"
    assert normalise_astrid_block("   ") is None
    with pytest.raises(ValidationError) as info:
        normalise_astrid_block("X" * 40)
    assert info.value.fields == ("astrid_block",)


def test_only_an_event_may_become_an_incident():
    check_category_change(CaseCategory.EVENT, CaseCategory.INCIDENT)
    check_category_change(CaseCategory.EXERCISE, CaseCategory.EXERCISE)
    for old, new in [(CaseCategory.INCIDENT, CaseCategory.EVENT),
                     (CaseCategory.EXERCISE, CaseCategory.INCIDENT),
                     (CaseCategory.INCIDENT, CaseCategory.EXERCISE)]:
        with pytest.raises(ValidationError, match="separate case"):
            check_category_change(old, new)


def test_closing_advice_names_the_creator_for_private_cases_events_and_exercises():
    kwargs = dict(creator_name="An Peeters", creating_organisation="Gemeente Scheldemonde")
    assert closing_advice(CaseCategory.EXERCISE, CaseAccess.PUBLIC, closer_is_creator=True,
                          closer_in_creating_organisation=True, **kwargs) is None
    assert closing_advice(CaseCategory.EVENT, CaseAccess.PUBLIC, closer_is_creator=False,
                          closer_in_creating_organisation=True, **kwargs) is None
    advice = closing_advice(CaseCategory.INCIDENT, CaseAccess.PRIVATE, closer_is_creator=False,
                            closer_in_creating_organisation=False, **kwargs)
    assert advice is not None
    assert "An Peeters (Gemeente Scheldemonde)" in advice
    public_incident = closing_advice(CaseCategory.INCIDENT, CaseAccess.PUBLIC,
                                     closer_is_creator=False,
                                     closer_in_creating_organisation=True, **kwargs)
    assert public_incident is not None
    assert "Multi feed" in public_incident


# The permissions matrix: who may do what to an open case they can see.
ALLOWED = {
    AccessLevel.READ_ONLY: {CaseAction.READ},
    AccessLevel.AGENT: {CaseAction.READ, CaseAction.START, CaseAction.EDIT},
    AccessLevel.COORDINATOR: {CaseAction.READ, CaseAction.START, CaseAction.EDIT, CaseAction.CLOSE,
                              CaseAction.INVITE, CaseAction.REMOVE, CaseAction.READ_AUDIT},
}


@pytest.mark.parametrize("level", list(AccessLevel))
@pytest.mark.parametrize("action", [a for a in CaseAction if a is not CaseAction.REOPEN])
def test_permissions_matrix_on_an_open_case(level, action):
    refusal = case_refusal(action, level, case_open=True)
    assert (refusal is None) == (action in ALLOWED[level]), refusal
    if refusal:
        assert level.label in refusal  # says which access the user has


@pytest.mark.parametrize("level", list(AccessLevel))
@pytest.mark.parametrize("action", [a for a in CaseAction if a is not CaseAction.START])
def test_outsiders_can_do_nothing_to_a_case_they_cannot_see(level, action):
    refusal = case_refusal(action, level, sees_case=False, took_part=True)
    assert refusal is not None
    assert "no access" in refusal


def test_a_closed_case_is_read_only_and_only_reopened_by_a_coordinator_who_took_part():
    for level in AccessLevel:
        assert case_refusal(CaseAction.READ, level, case_open=False) is None
        for action in (CaseAction.EDIT, CaseAction.CLOSE, CaseAction.INVITE, CaseAction.REMOVE):
            assert case_refusal(action, level, case_open=False) is not None
    coordinator = AccessLevel.COORDINATOR
    assert "closed" in case_refusal(CaseAction.EDIT, coordinator, case_open=False)
    assert case_refusal(CaseAction.REOPEN, coordinator, case_open=False, took_part=True) is None
    assert "took part" in case_refusal(CaseAction.REOPEN, coordinator, case_open=False)
    assert case_refusal(CaseAction.REOPEN, AccessLevel.AGENT, case_open=False,
                        took_part=True) is not None
    assert "already" in case_refusal(CaseAction.REOPEN, coordinator, case_open=True, took_part=True)


def test_closing_is_refused_while_an_emergency_plan_is_active():
    refusal = case_refusal(CaseAction.CLOSE, AccessLevel.COORDINATOR,
                           active_plans=["BNIP Seveso Scheldemonde"])
    assert refusal is not None
    assert "Deactivate" in refusal
    assert "BNIP Seveso Scheldemonde" in refusal
    assert case_refusal(CaseAction.CLOSE, AccessLevel.COORDINATOR, active_plans=[]) is None
