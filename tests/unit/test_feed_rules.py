"""The feed rules of DOMAIN.md (Opening a case: crisis role; Feeds), without a database."""

from __future__ import annotations

import pytest

from paragon_desktop.domain.enums import FeedKind, MessageTag
from paragon_desktop.domain.errors import ValidationError
from paragon_desktop.domain.feeds import (
    GENERIC_ROLES,
    MAX_ATTACHMENT_BYTES,
    FeedRule,
    MessageDraft,
    RoleChoice,
    check_attachment,
    feeds_to_create,
    hashtag_prefix,
    member_feed_ids,
    parse_feed_references,
    pops_up,
    role_options,
    validate_message,
    validate_role_choice,
)

NAMES = ["Multi", "CP-Ops", "D1 Brandweer", "D4 Civiele Bescherming", "GCC"]


# -- #FeedName ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "feeds"), [
    ("Vrijgave om 12:00 #Multi", ("Multi",)),
    ("#multi #cp-ops en #GCC", ("Multi", "CP-Ops", "GCC")),  # several, any case
    ("#MULTI, ook #Multi nog eens", ("Multi",)),  # each feed once
    ("Zie #D1 Brandweer voor de ploegen", ("D1 Brandweer",)),  # names with a space
    ("zie #d4_civiele_bescherming", ("D4 Civiele Bescherming",)),  # _ for the space
    ("(#GCC) en \"#Multi\".", ("GCC", "Multi")),  # after brackets and quotes, before punctuation
    ("Link: https://paragon.be/case/12#Multi", ()),  # inside a URL
    ("Gebruik C#Multi of mail#GCC", ()),  # inside a word
])
def test_hashtags_name_the_feeds_to_copy_to(text, feeds):
    assert parse_feed_references(text, NAMES).feeds == feeds
    assert parse_feed_references(text, NAMES).unknown == ()


def test_a_hashtag_naming_no_feed_is_reported_and_numbers_are_not_hashtags():
    refs = parse_feed_references("Naar #Mlti en #Multi-team, lot #3 is klaar", NAMES)
    assert refs.feeds == ()
    assert refs.unknown == ("#Mlti", "#Multi-team")


def test_the_longest_feed_name_wins():
    refs = parse_feed_references("#CP-Ops Noord gaat mee", ["CP-Ops", "CP-Ops Noord"])
    assert refs.feeds == ("CP-Ops Noord",)


def test_completion_sees_the_hashtag_being_typed():
    assert hashtag_prefix("Kopie naar #CP", 14) == "CP"
    assert hashtag_prefix("#", 1) == ""
    assert hashtag_prefix("http://x.be/#M", 14) is None
    assert hashtag_prefix("geen tag hier", 8) is None


# -- tags ---------------------------------------------------------------------------------------
def test_an_answer_needs_a_question():
    with pytest.raises(ValidationError, match="pick the question"):
        validate_message(MessageDraft("Ja.", frozenset({MessageTag.ANSWER})))
    with pytest.raises(ValidationError, match="no question"):
        validate_message(MessageDraft("Ja.", frozenset({MessageTag.ANSWER}), ("decision",)))
    with pytest.raises(ValidationError, match="carries the tag Answer"):
        validate_message(MessageDraft("Ja.", frozenset(), ("question",)))
    validate_message(MessageDraft("Ja.", frozenset({MessageTag.ANSWER}), ("question",)))


def test_a_sitrep_carries_its_document():
    with pytest.raises(ValidationError, match="attach the document"):
        validate_message(MessageDraft("SITREP 10:15", frozenset({MessageTag.SITREP})))
    validate_message(MessageDraft("SITREP 10:15", frozenset({MessageTag.SITREP}),
                                  attachment_name="sitrep.pdf"))


def test_empty_and_overlong_messages_are_refused():
    with pytest.raises(ValidationError, match="empty"):
        validate_message(MessageDraft("  \n "))
    with pytest.raises(ValidationError, match="limit"):
        validate_message(MessageDraft("x" * 10_001))


def test_important_pops_up_only_from_multi():
    assert pops_up(("important",), FeedKind.MULTI)
    assert not pops_up(("important",), FeedKind.CELL)
    assert not pops_up(("important",), FeedKind.DISCIPLINE)
    assert not pops_up(("decision",), FeedKind.MULTI)


def test_attachments_are_pdf_or_text_and_not_too_large():
    assert check_attachment("a.pdf", b"%PDF-1.7\n...") == "application/pdf"
    assert check_attachment("a.txt", "Sitrep: één gewonde".encode()) == "text/plain"
    with pytest.raises(ValidationError, match="neither a PDF nor"):
        check_attachment("a.docx", b"PK\x03\x04\x00\x00binary")
    with pytest.raises(ValidationError, match="empty"):
        check_attachment("a.txt", b"")
    with pytest.raises(ValidationError, match="at most 20 MB"):
        check_attachment("a.pdf", b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES)


# -- crisis roles and membership -----------------------------------------------------------------
FEEDS = [
    FeedRule(1, "Multi", FeedKind.MULTI),
    FeedRule(2, "CP-Ops", FeedKind.CELL, cell="CP-Ops", roles=("Dir-Med", "Secretaris CP-Ops")),
    FeedRule(3, "D1 Brandweer", FeedKind.DISCIPLINE, discipline="D1"),
    FeedRule(4, "D2 Medisch", FeedKind.DISCIPLINE, discipline="D2"),
    FeedRule(5, "GCC", FeedKind.CELL, cell="GCC"),
]


@pytest.mark.parametrize(("discipline", "role", "cell", "expected"), [
    ("D1", "Officier van dienst", None, {3}),  # the discipline's feed
    ("D1", "Officier van dienst", "cp-ops", {2, 3}),  # + the cell chosen (any case)
    ("D2", "Dir-Med", None, {2, 4}),  # a role that belongs in the CP-Ops
    (None, "Secretaris CP-Ops", None, {2}),
    (None, "Burgemeester", "GCC", {5}),
    (None, "Observator", None, set()),  # Multi only
])
def test_role_and_cell_decide_the_specific_feeds(discipline, role, cell, expected):
    assert member_feed_ids(FEEDS, discipline, role, cell) == expected


def test_missing_cell_and_discipline_feeds_are_created_once():
    new = feeds_to_create(FEEDS, "D4", "PCC")
    assert [(f.name, f.kind, f.cell, f.discipline) for f in new] == [
        ("PCC", FeedKind.CELL, "PCC", None),
        ("D4 Civiele Bescherming", FeedKind.DISCIPLINE, None, "D4"),
    ]
    assert feeds_to_create(FEEDS, "D1", "gcc") == []
    assert feeds_to_create(FEEDS, None, None) == []


def test_roles_offered_are_the_organisations_then_the_generic_ones():
    options = role_options(["Dir-Brw", "Officier van dienst", "", "expert"])
    assert options == ["Dir-Brw", "Officier van dienst", "expert", "Observator", "Vertegenwoordiger"]
    assert set(GENERIC_ROLES) <= set(role_options([]))


def test_role_choice_is_checked_and_cleaned():
    roles = ["Dir-Brw"]
    choice = validate_role_choice(RoleChoice(7, "dir-brw", "  cp-ops ", "  Dir-Brw van wacht "),
                                  roles, {7})
    assert choice == RoleChoice(7, "Dir-Brw", "CP-Ops", "Dir-Brw van wacht")
    assert validate_role_choice(RoleChoice(7, "observator"), roles, {7}).crisis_role == "Observator"
    with pytest.raises(ValidationError, match="not a member of that organisation"):
        validate_role_choice(RoleChoice(8, "Dir-Brw"), roles, {7})
    with pytest.raises(ValidationError, match="Pick a crisis role"):
        validate_role_choice(RoleChoice(7, "Burgemeester"), roles, {7})
    with pytest.raises(ValidationError, match="longer than 100"):
        validate_role_choice(RoleChoice(7, "Dir-Brw", "x" * 101), roles, {7})
    with pytest.raises(ValidationError, match="no leading #"):
        validate_role_choice(RoleChoice(7, "Dir-Brw", "#Multi"), roles, {7})
