"""Feeds and crisis roles through the services, on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from paragon_desktop.domain.enums import MessageTag
from paragon_desktop.domain.errors import AccessDenied, ValidationError
from paragon_desktop.domain.feeds import FeedFilter, RoleChoice
from paragon_desktop.services.feed_export import write_csv
from paragon_desktop.storage.models import Feed, FeedMember, Message


def feed_ids(client, user, case_id) -> dict[str, int]:
    return {f.name: f.id for f in client.cases.open_case(user, case_id).changes.feeds}


def message_count(client) -> int:
    with client.db.sessions() as session:
        return session.scalar(select(func.count()).select_from(Message))


def org_id(user, name) -> int:
    return next(i for i, n in user.organisations if n == name)


# -- crisis role ---------------------------------------------------------------------------------
def test_opening_a_case_in_a_role_records_it_and_decides_the_feeds(client):
    case_id = client.seveso_case_id()
    karim = client.user("karim.elamrani")
    options = client.participation.role_options(karim, case_id)
    org = options.organisations[0]
    assert org.roles[:3] == ("Dir-Med", "PSIF", "Ambulancier")
    assert org.roles[-3:] == ("Observator", "Expert", "Vertegenwoordiger")
    assert options.last == RoleChoice(org.id, "Dir-Med", "CP-Ops", "")
    assert list(feed_ids(client, karim, case_id)) == ["Multi", "CP-Ops", "D2 Medisch"]

    # Changing role (leave, reopen as observer without a cell): CP-Ops goes, D2 stays (discipline).
    client.participation.leave_case(karim, case_id)
    part = client.participation.enter_case(
        karim, case_id, RoleChoice(org.id, "observator", None, "Volgt op voor de FOD"))
    assert (part.crisis_role, part.crisis_cell, part.description) == (
        "Observator", None, "Volgt op voor de FOD")
    assert list(feed_ids(client, karim, case_id)) == ["Multi", "D2 Medisch"]
    snapshot = client.cases.open_case(karim, case_id)
    assert snapshot.participation.crisis_role == "Observator"
    trail = client.reports.audit_trail(client.user("an.peeters"), case_id)
    actions = [(e.action, e.user, e.crisis_role) for e in trail]
    assert ("case.left", "Karim El Amrani", "Dir-Med") in actions
    opened = next(e for e in trail if e.action == "case.opened" and e.user == "Karim El Amrani"
                  and e.crisis_role == "Observator")
    assert opened.details["description"] == "Volgt op voor de FOD"
    assert opened.details["feeds"] == ["D2 Medisch"]


def test_a_role_creates_the_cell_and_discipline_feeds_a_case_lacks(client):
    case_id = client.seveso_case_id()
    tom = client.user("tom.declercq")
    brw = org_id(tom, "Brandweerzone Waasland")
    client.participation.enter_case(tom, case_id, RoleChoice(brw, "Dir-Brw", "Provinciale crisiscel"))
    names = list(feed_ids(client, tom, case_id))
    # Dir-Brw sits in the CP-Ops (the feed lists the role); D1 by discipline; the new cell.
    assert names == ["Multi", "CP-Ops", "D1 Brandweer", "Provinciale crisiscel"]
    # The next one choosing that cell joins the same feed; no duplicate is made.
    lotte = client.user("lotte.maes")
    pol = org_id(lotte, "Politiezone Scheldemonde-Polderkerke")
    client.participation.enter_case(lotte, case_id, RoleChoice(pol, "Dir-Pol", "provinciale crisiscel"))
    feeds = client.cases.open_case(lotte, case_id).changes.feeds
    cell = next(f for f in feeds if f.name == "Provinciale crisiscel")
    # Coordinators carry their label wherever users are listed (DOMAIN.md, People).
    assert cell.members == ("Lotte Maes", "Tom De Clercq [Dir-CP-Ops]")
    assert cell.present == ("Lotte Maes", "Tom De Clercq [Dir-CP-Ops]")


def test_a_role_outside_the_list_or_an_organisation_not_ones_own_is_refused(client):
    case_id = client.seveso_case_id()
    karim = client.user("karim.elamrani")
    med = org_id(karim, "Medische Hulpverlening Scheldeland")
    before = feed_ids(client, karim, case_id)
    with pytest.raises(ValidationError, match="Pick a crisis role"):
        client.participation.enter_case(karim, case_id, RoleChoice(med, "Burgemeester"))
    with pytest.raises(ValidationError, match="not a member of that organisation"):
        client.participation.enter_case(karim, case_id, RoleChoice(med + 1000, "Dir-Med"))
    assert feed_ids(client, karim, case_id) == before


def test_who_is_in_the_case_now_shows_with_the_feed_members(client):
    case_id = client.seveso_case_id()
    an, sofie = client.user("an.peeters"), client.user("sofie.janssens")
    client.participation.leave_case(sofie, case_id)
    multi = client.cases.open_case(an, case_id).changes.feeds[0]
    assert "Sofie Janssens" in multi.members
    assert "Sofie Janssens" not in multi.present
    assert "An Peeters [Noodplanningscoördinator Scheldemonde, Org-Admin]" in multi.present


def test_a_closed_case_is_opened_without_a_role(client):
    an = client.user("an.peeters")
    case_id = client.seveso_case_id()
    client.deactivate_plans("an.peeters", case_id)
    client.admin.close_case(an, case_id)
    with pytest.raises(AccessDenied, match="closed"):
        client.participation.enter_case(
            an, case_id, RoleChoice(org_id(an, "Gemeente Scheldemonde"), "Burgemeester"))


# -- writing -------------------------------------------------------------------------------------
def test_hashtags_copy_a_message_to_other_feeds(client):
    case_id = client.seveso_case_id()
    tom = client.user("tom.declercq")
    feeds = feed_ids(client, tom, case_id)
    result = client.feeds.post(tom, feeds["D1 Brandweer"], "Ploeg 2 ter plaatse #multi #CP-Ops",
                               [MessageTag.IMPORTANT])
    assert result.copied_to == ("Multi", "CP-Ops")
    copy = client.feeds.page(tom, feeds["Multi"])[0]
    assert copy.text == "Ploeg 2 ter plaatse #multi #CP-Ops"
    assert copy.copied_from == "D1 Brandweer"
    assert copy.thread_id == result.message_id
    assert copy.tags == ("important",)
    assert client.feeds.page(tom, feeds["CP-Ops"])[0].thread_id == result.message_id
    # The copy in Multi pops up for the others; the one in D1 would not have.
    wim = client.user("wim.verhaegen")
    assert [m.id for m in client.feeds.pending_important(wim, case_id)] == [copy.id]


def test_copying_to_an_unknown_feed_or_one_the_user_is_not_in_sends_nothing(client):
    case_id = client.seveso_case_id()
    sofie = client.user("sofie.janssens")  # CP-Ops only, besides Multi
    feeds = feed_ids(client, sofie, case_id)
    before = message_count(client)
    with pytest.raises(AccessDenied, match="not a member of feed “D1 Brandweer”"):
        client.feeds.post(sofie, feeds["Multi"], "Zie ook #D1 Brandweer")
    with pytest.raises(ValidationError, match="no feed named #Mutli") as refused:
        client.feeds.post(sofie, feeds["CP-Ops"], "Ook naar #Mutli aub")
    assert "#CP-Ops, #Multi" in str(refused.value)
    assert message_count(client) == before


def test_an_answer_links_to_its_question_and_closes_it(client):
    case_id = client.seveso_case_id()
    lotte, tom = client.user("lotte.maes"), client.user("tom.declercq")
    multi = feed_ids(client, lotte, case_id)["Multi"]
    question = client.feeds.post(lotte, multi, "Is de N451 weer vrij? #CP-Ops", [MessageTag.QUESTION])
    open_q = FeedFilter(open_questions=True)
    assert question.message_id in [m.id for m in client.feeds.page(tom, multi, open_q)]
    with pytest.raises(ValidationError, match="pick the question"):
        client.feeds.post(tom, multi, "Ja.", [MessageTag.ANSWER])
    decision = client.feeds.page(tom, multi, FeedFilter(tag=MessageTag.DECISION))[0]
    with pytest.raises(ValidationError, match="no question"):
        client.feeds.post(tom, multi, "Ja.", [MessageTag.ANSWER], answers_id=decision.id)
    # Answering the copy in CP-Ops answers the question as written.
    cp_ops = feed_ids(client, tom, case_id)["CP-Ops"]
    copy = client.feeds.page(tom, cp_ops)[0]
    client.feeds.post(tom, cp_ops, "Ja, sinds 11:40.", [MessageTag.ANSWER], answers_id=copy.id)
    assert question.message_id not in [m.id for m in client.feeds.page(tom, multi, open_q)]
    shown = client.feeds.page(tom, multi)
    assert next(m for m in shown if m.id == question.message_id).answered
    answer = client.feeds.page(tom, cp_ops)[0]
    assert answer.answers_id == question.message_id


def test_a_correction_is_a_new_linked_message_and_history_stays(client):
    case_id = client.seveso_case_id()
    jan = client.user("jan.devos")
    cp_ops = feed_ids(client, jan, case_id)["CP-Ops"]
    wrong = client.feeds.post(jan, cp_ops, "Meting MP04: 13 ppm")
    fix = client.feeds.post(jan, cp_ops, "Correctie: MP04 meet 31 ppm, niet 13.",
                            corrects_id=wrong.message_id)
    shown = {m.id: m for m in client.feeds.page(jan, cp_ops)}
    assert shown[wrong.message_id].text == "Meting MP04: 13 ppm"  # never edited
    assert shown[wrong.message_id].corrected
    assert shown[fix.message_id].corrects_id == wrong.message_id
    assert not shown[fix.message_id].corrected


def test_a_sitrep_carries_a_document_that_copies_share(client, tmp_path):
    case_id = client.seveso_case_id()
    karim = client.user("karim.elamrani")
    d2 = feed_ids(client, karim, case_id)["D2 Medisch"]
    with pytest.raises(ValidationError, match="attach the document"):
        client.feeds.post(karim, d2, "SITREP 11:00", [MessageTag.SITREP])
    with pytest.raises(ValidationError, match="neither a PDF nor"):
        client.feeds.post(karim, d2, "SITREP 11:00", [MessageTag.SITREP],
                          attachment=("rapport.xlsx", b"PK\x03\x04\x00\x00\xff\xfe"))
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    result = client.feeds.post(karim, d2, "SITREP 11:00 #Multi", [MessageTag.SITREP],
                               attachment=("SITREP D2 1100.pdf", pdf))
    multi = feed_ids(client, karim, case_id)["Multi"]
    copy = client.feeds.page(karim, multi)[0]
    assert (copy.attachment, copy.attachment_size) == ("SITREP D2 1100.pdf", len(pdf))
    wim = client.user("wim.verhaegen")  # read-only, sees Multi: may read the report
    document = client.feeds.attachment(wim, copy.id)
    assert (document.media_type, document.data) == ("application/pdf", pdf)
    with pytest.raises(AccessDenied):
        client.feeds.attachment(wim, result.message_id)  # the original is in D2


def test_read_only_users_and_closed_cases_cannot_write(client):
    case_id = client.seveso_case_id()
    wim, an = client.user("wim.verhaegen"), client.user("an.peeters")
    multi = feed_ids(client, an, case_id)["Multi"]
    with pytest.raises(AccessDenied, match="read-only"):
        client.feeds.post(wim, multi, "Mag ik iets zeggen?")
    client.deactivate_plans("an.peeters", case_id)
    client.admin.close_case(an, case_id)
    with pytest.raises(AccessDenied, match="closed"):
        client.feeds.post(an, multi, "Nog iets")


# -- important pop-ups -------------------------------------------------------------------------
def test_important_in_multi_waits_for_each_users_acknowledgement(client):
    case_id = client.seveso_case_id()
    tom, an, wim = (client.user(u) for u in ("tom.declercq", "an.peeters", "wim.verhaegen"))
    feeds = feed_ids(client, tom, case_id)
    # The demo's earlier Important messages were seen by everyone present.
    assert client.feeds.pending_important(an, case_id) == []
    client.feeds.post(tom, feeds["D1 Brandweer"], "Alleen D1: ademlucht", [MessageTag.IMPORTANT])
    result = client.feeds.post(tom, feeds["Multi"], "Oranje zone uitgebreid tot 2 km",
                               [MessageTag.IMPORTANT])
    assert [m.id for m in client.feeds.pending_important(an, case_id)] == [result.message_id]
    assert client.feeds.pending_important(tom, case_id) == []  # not to its author
    client.feeds.acknowledge(an, result.message_id)
    client.feeds.acknowledge(an, result.message_id)  # twice is once
    assert client.feeds.pending_important(an, case_id) == []
    assert [m.id for m in client.feeds.pending_important(wim, case_id)] == [result.message_id]
    seen = client.feeds.acknowledged_by(tom, result.message_id)
    assert [name for name, _at in seen] == ["An Peeters"]


# -- reading -----------------------------------------------------------------------------------
def test_pages_run_newest_first_without_gaps_or_repeats(client):
    case_id = client.seveso_case_id()
    tom = client.user("tom.declercq")
    d1 = feed_ids(client, tom, case_id)["D1 Brandweer"]
    start = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    for i in range(25):  # several messages share one second: the id breaks the tie
        client.feeds.post(tom, d1, f"Bericht {i}", at=start + timedelta(seconds=i // 3))
    seen, before = [], None
    while page := client.feeds.page(tom, d1, before=before, limit=7):
        seen += page
        before = page[-1].key
    keys = [m.key for m in seen]
    assert keys == sorted(keys, reverse=True)
    assert len({m.id for m in seen}) == len(seen)
    assert [m.text for m in seen[:25]] == [f"Bericht {i}" for i in reversed(range(25))]
    with client.db.sessions() as session:
        assert len(seen) == session.scalar(
            select(func.count()).select_from(Message).where(Message.feed_id == d1))


def test_filters_by_text_tag_author_and_organisation(client):
    case_id = client.seveso_case_id()
    an = client.user("an.peeters")
    multi = feed_ids(client, an, case_id)["Multi"]
    texts = lambda flt: [m.text for m in client.feeds.page(an, multi, flt)]  # noqa: E731
    assert texts(FeedFilter(text="be-alert")) == [
        "BE-Alert verstuurd om 09:54 naar oranje zone (sms, spraak, e-mail)."]
    assert texts(FeedFilter(text="100%")) == []  # % is a character, not a wildcard
    decisions = texts(FeedFilter(tag=MessageTag.DECISION))
    assert decisions
    assert all("decision" in m[3].split() for m in _demo(decisions))
    tom = client.user("tom.declercq")
    by_tom = client.feeds.page(an, multi, FeedFilter(author_id=tom.id))
    assert by_tom
    assert {m.author for m in by_tom} == {"Tom De Clercq"}
    facets = client.feeds.facets(an, multi)
    assert ("Tom De Clercq" in dict(facets.authors).values())
    pol = org_id(client.user("lotte.maes"), "Politiezone Scheldemonde-Polderkerke")
    by_pol = client.feeds.page(an, multi, FeedFilter(organisation_id=pol))
    assert {m.organisation for m in by_pol} == {"Politiezone Scheldemonde-Polderkerke"}


def _demo(texts):
    from paragon_desktop.services import demo_data

    return [m for m in demo_data.MESSAGES if m[4] in texts]


def test_a_user_reads_no_feed_they_are_not_in(client):
    case_id = client.seveso_case_id()
    tom, wim = client.user("tom.declercq"), client.user("wim.verhaegen")
    d1 = feed_ids(client, tom, case_id)["D1 Brandweer"]
    with pytest.raises(AccessDenied, match="not a member"):
        client.feeds.page(wim, d1)
    with pytest.raises(AccessDenied):
        client.feeds.facets(wim, d1)


def test_membership_changes_reach_other_clients_as_feed_changes(client):
    case_id = client.seveso_case_id()
    an, jan = client.user("an.peeters"), client.user("jan.devos")
    revision = client.cases.open_case(an, case_id).changes.revision
    client.participation.leave_case(jan, case_id)
    changes = client.cases.changes_since(an, case_id, revision)
    cp_ops = next(f for f in changes.feeds if f.name == "CP-Ops")
    assert "Jan De Vos" in cp_ops.members
    assert "Jan De Vos" not in cp_ops.present
    with client.db.sessions() as session:
        in_cp = session.scalar(select(func.count()).select_from(FeedMember).join(Feed).where(
            Feed.name == "CP-Ops", Feed.case_id == case_id))
    assert in_cp == len(cp_ops.members)


def test_export_writes_every_message_as_csv_text(client, tmp_path):
    """In the exporter's language: Dutch here (French below)."""
    from paragon_desktop import i18n

    i18n.use("nl")
    case_id = client.seveso_case_id()
    tom = client.user("tom.declercq")
    multi = feed_ids(client, tom, case_id)["Multi"]
    client.feeds.post(tom, multi, '=HYPERLINK("http://evil") en "quotes",\nnieuwe regel')
    rows = client.feeds.export_rows(tom, multi)
    path = tmp_path / "multi.csv"
    write_csv(rows, path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle, delimiter=";"))
    assert table[0][:6] == ["Tijd", "Auteur", "Crisisrol", "Organisatie", "Tags", "Bericht"]
    assert len(table) == len(rows) + 1
    assert table[1][1] == "Pieter Wouters"
    assert table[1][4] == "Belangrijk"
    # A spreadsheet must not run a formula someone typed in the feed.
    assert table[-1][5] == "'=HYPERLINK(\"http://evil\") en \"quotes\",\nnieuwe regel"
    i18n.use("fr")
    write_csv(rows, path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        french = list(csv.reader(handle, delimiter=";"))
    assert french[0][:6] == ["Heure", "Auteur", "Rôle de crise", "Organisation", "Types", "Message"]
    assert french[1][4] == "Important"


def test_a_new_case_is_written_in_once_its_starter_takes_a_role(client):
    from tests.unit.test_case_service import draft

    tom = client.user("tom.declercq")
    case = client.admin.start_case(tom, draft()).case
    multi = feed_ids(client, tom, case.id)["Multi"]
    with pytest.raises(AccessDenied, match="crisis role"):
        client.feeds.post(tom, multi, "Eerste melding")
    brw = org_id(tom, "Brandweerzone Waasland")
    client.participation.enter_case(tom, case.id, RoleChoice(brw, "Dir-CP-Ops", "CP-Ops"))
    feeds = feed_ids(client, tom, case.id)
    assert list(feeds) == ["Multi", "CP-Ops", "D1 Brandweer"]
    result = client.feeds.post(tom, feeds["D1 Brandweer"], "Eerste ploeg vertrekt #Multi")
    assert result.copied_to == ("Multi",)
    assert client.feeds.page(tom, multi)[0].crisis_role == "Dir-CP-Ops"
