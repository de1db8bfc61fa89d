import pytest

from paragon_desktop.domain.access import (
    CaseAccessFacts,
    can_edit_case,
    can_see_case,
    can_see_feed,
    can_see_layer,
    can_write_messages,
)
from paragon_desktop.domain.cases import NAME_SUFFIX_MAX, generate_case_name
from paragon_desktop.domain.enums import AccessLevel, CaseAccess, CaseCategory, FeedKind
from paragon_desktop.domain.errors import ValidationError


def test_case_name_is_generated_from_category_type_location_and_suffix():
    name = generate_case_name(CaseCategory.EXERCISE, "Gaslek", "Scheldemonde", "  Nordchem  NH3 ")
    assert name == "Oefening - Gaslek - Scheldemonde - Nordchem NH3"
    assert generate_case_name(CaseCategory.EVENT, "andere", "Gent") == "Evenement - andere - Gent"


def test_case_name_suffix_is_limited_to_50_characters():
    generate_case_name(CaseCategory.INCIDENT, "Brand", "Gent", "x" * NAME_SUFFIX_MAX)
    with pytest.raises(ValidationError, match="51 characters") as info:
        generate_case_name(CaseCategory.INCIDENT, "Brand", "Gent", "x" * (NAME_SUFFIX_MAX + 1))
    assert info.value.fields == ("name_suffix",)


def test_case_name_needs_type_and_location():
    with pytest.raises(ValidationError) as info:
        generate_case_name(CaseCategory.INCIDENT, " ", "")
    assert set(info.value.fields) == {"type", "location"}


def _facts(access, mine=(1,), shared=(), invited=False, participant=False):
    return CaseAccessFacts(CaseAccess(access), frozenset(mine), frozenset(shared), invited,
                           participant)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (_facts("public", mine=(1,), shared=(1, 2)), True),
        (_facts("public", mine=(3,), shared=(1, 2)), False),
        (_facts("private", mine=(1,), shared=(1,)), False),
        (_facts("private", mine=(3,), invited=True), True),
        (_facts("public", mine=(), participant=True), True),
    ],
)
def test_who_sees_a_case(facts, expected):
    assert can_see_case(facts) is expected


def test_multi_feed_is_for_everyone_specific_feeds_for_members():
    assert can_see_feed(FeedKind.MULTI, 1, member_feed_ids=())
    assert not can_see_feed(FeedKind.DISCIPLINE, 2, member_feed_ids=(3,))
    assert can_see_feed(FeedKind.CELL, 3, member_feed_ids=(3,))


def test_layer_is_personal_unless_shared_through_a_feed_the_user_sees():
    assert can_see_layer(owner_id=1, user_id=1, shared_feed_ids=(), visible_feed_ids=())
    assert not can_see_layer(owner_id=1, user_id=2, shared_feed_ids=(), visible_feed_ids=(5,))
    assert can_see_layer(owner_id=1, user_id=2, shared_feed_ids=(5,), visible_feed_ids=(5, 6))
    assert not can_see_layer(owner_id=1, user_id=2, shared_feed_ids=(7,), visible_feed_ids=(5,))


def test_read_only_users_and_closed_cases_cannot_edit_the_case():
    assert can_edit_case(AccessLevel.AGENT, case_open=True)
    assert not can_edit_case(AccessLevel.READ_ONLY, case_open=True)
    assert not can_edit_case(AccessLevel.COORDINATOR, case_open=False)


def test_read_only_users_and_closed_cases_cannot_write():
    assert can_write_messages(AccessLevel.AGENT, case_open=True)
    assert can_write_messages(AccessLevel.COORDINATOR, case_open=True)
    assert not can_write_messages(AccessLevel.READ_ONLY, case_open=True)
    assert not can_write_messages(AccessLevel.COORDINATOR, case_open=False)
