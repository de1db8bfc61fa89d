"""Starting, editing, closing, reopening and sharing cases, on SQLite and on PostgreSQL + PostGIS."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import Point, box, mapping, shape
from sqlalchemy import select

from paragon_desktop.domain.cases import CaseDraft, CaseLocation, LocationKind
from paragon_desktop.domain.enums import CaseAccess, CaseCategory, ShareReason
from paragon_desktop.domain.errors import AccessDenied, ValidationError
from paragon_desktop.gis.territory import Jurisdiction, JurisdictionIndex
from paragon_desktop.services.places import PlaceService
from paragon_desktop.services.postgis import postgis_territorial_shares
from paragon_desktop.storage.models import (
    AuditEvent,
    Case,
    CasePlan,
    CaseShare,
    Feed,
    Message,
    Organisation,
)

# Points in the demo's municipalities (a 3 x 2 grid of cells in the Waasland).
SCHELDEMONDE = (4.2775, 51.2540)
WAASBROEK = (4.19, 51.17)
KALLOO = (4.36, 51.25)
MUNICIPALITIES = {"Gemeente Doelmeer", "Gemeente Scheldemonde", "Gemeente Kalloo",
                  "Gemeente Waasbroek", "Gemeente Polderkerke", "Gemeente Verrebeke"}


def draft(where=SCHELDEMONDE, **changes) -> CaseDraft:
    values = dict(
        category=CaseCategory.INCIDENT, access=CaseAccess.PUBLIC,
        location=CaseLocation(LocationKind.POINT, "Scheldemonde",
                              {"type": "Point", "coordinates": list(where)}),
        case_type="Brand", occurred_at=datetime(2026, 11, 23, 8, 30, tzinfo=UTC),
        name_language="nl",
    )
    values.update(changes)
    return CaseDraft(**values)


def shares_by_name(client, case_id) -> dict[str, str]:
    with client.db.sessions() as session:
        return dict(session.execute(
            select(Organisation.name, CaseShare.reason)
            .join(CaseShare, CaseShare.organisation_id == Organisation.id)
            .where(CaseShare.case_id == case_id)).all())


def audit_actions(client, case_id) -> list[str]:
    with client.db.sessions() as session:
        return list(session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case_id)
                                    .order_by(AuditEvent.id)))


# -- starting ------------------------------------------------------------------------------------
def test_a_public_case_is_shared_by_territory_and_says_why(client):
    sofie = client.user("sofie.janssens")  # agent, Gemeente Scheldemonde
    started = client.admin.start_case(sofie, draft(name_suffix="Kaaiweg 14"))
    case = started.case
    assert case.name == "Incident - Brand - Scheldemonde - Kaaiweg 14"
    assert case.is_open
    assert case.organisation == "Gemeente Scheldemonde"
    shares = shares_by_name(client, case.id)
    competent = {n for n, r in shares.items() if r == "competent"}
    neighbours = {n for n, r in shares.items() if r == "neighbour"}
    # The municipality and everything whose territory covers the whole province.
    assert "Gemeente Scheldemonde" in competent
    assert {"Provincie Scheldeland", "NC112 Scheldeland", "Brandweerzone Waasland"} <= competent
    # Every other municipality of the 3 x 2 grid touches Scheldemonde (two at a corner).
    assert neighbours == MUNICIPALITIES - {"Gemeente Scheldemonde"}
    # Organisations without a jurisdiction are not shared by territory.
    assert "Nationaal Crisiscentrum (NCCN)" not in shares
    sharing = client.sharing.sharing(sofie, case.id)
    assert {(s.organisation, s.reason) for s in sharing.organisations} == set(shares.items())
    assert sharing.organisations[0].reason == "competent"  # competent first, then neighbours
    # Users of those organisations see it; others do not.
    assert client.cases.find_case(client.user("wim.verhaegen"), "Kaaiweg 14") is not None
    assert client.cases.find_case(client.user("marc.nordchem"), "Kaaiweg 14") is None
    # A Multi feed is there from the start, and the start is in the audit trail.
    with client.db.sessions() as session:
        assert session.scalars(select(Feed.name).where(Feed.case_id == case.id)).all() == ["Multi"]
    assert audit_actions(client, case.id) == ["case.started"]


def test_a_case_in_a_corner_cell_reaches_only_the_municipalities_that_touch_it(client):
    case = client.admin.start_case(client.user("sofie.janssens"), draft(WAASBROEK)).case
    shares = shares_by_name(client, case.id)
    assert {n for n, r in shares.items() if r == "neighbour"} == {
        "Gemeente Doelmeer", "Gemeente Polderkerke", "Gemeente Scheldemonde"}


def test_a_private_case_is_shared_with_nobody_but_its_creator(client):
    sofie = client.user("sofie.janssens")
    case = client.admin.start_case(sofie, draft(access=CaseAccess.PRIVATE, name_suffix="geheim")).case
    assert shares_by_name(client, case.id) == {}
    assert client.cases.find_case(sofie, "geheim") is not None
    assert client.cases.find_case(client.user("an.peeters"), "geheim") is None
    with pytest.raises(AccessDenied):
        client.cases.open_case(client.user("an.peeters"), case.id)


def test_read_only_users_cannot_start_a_case_and_nothing_is_written(client):
    wim = client.user("wim.verhaegen")
    with client.db.sessions() as session:
        before = len(session.scalars(select(Case.id)).all())
    with pytest.raises(AccessDenied, match="your case access is Read only"):
        client.admin.start_case(wim, draft())
    with client.db.sessions() as session:
        assert len(session.scalars(select(Case.id)).all()) == before


def test_an_incomplete_form_is_refused_naming_the_missing_fields(client):
    with pytest.raises(ValidationError) as info:
        client.admin.start_case(client.user("sofie.janssens"), draft(location=None, case_type=""))
    assert info.value.fields == ("location", "case_type")


def test_a_case_is_started_for_one_of_the_users_own_organisations(client):
    sofie = client.user("sofie.janssens")
    with client.db.sessions() as session:
        province = session.scalar(select(Organisation.id).where(
            Organisation.name == "Provincie Scheldeland"))
    with pytest.raises(AccessDenied, match="organisation you belong to"):
        client.admin.start_case(sofie, draft(organisation_id=province))


# -- Astrid block index -------------------------------------------------------------------------
def test_astrid_block_is_unique_among_open_cases_and_released_by_closing(client):
    an = client.user("an.peeters")
    first = client.admin.start_case(an, draft(astrid_block="blok-42")).case
    assert first.astrid_block == "BLOK-42"
    with pytest.raises(ValidationError, match=f"reserved by case “{first.name}”") as info:
        client.admin.start_case(client.user("sofie.janssens"), draft(astrid_block=" Blok-42 "))
    assert info.value.fields == ("astrid_block",)
    assert "reserved" in client.admin.astrid_holder(an, "blok-42")
    client.admin.close_case(an, first.id)
    assert client.admin.astrid_holder(an, "blok-42") is None
    second = client.admin.start_case(an, draft(astrid_block="BLOK-42")).case
    # Reopening the first case cannot take the index back: it is cleared, and the user told.
    reopened = client.admin.reopen_case(an, first.id)
    assert reopened.case.astrid_block is None
    assert "BLOK-42 was cleared" in reopened.notes[0]
    assert client.admin.astrid_holder(an, "BLOK-42", except_case_id=second.id) is None


def test_clearing_the_block_index_releases_it(client):
    an = client.user("an.peeters")
    case = client.admin.start_case(an, draft(astrid_block="B7")).case
    client.admin.edit_case(an, case.id, draft(astrid_block=""))
    assert client.admin.astrid_holder(an, "B7") is None


def test_the_holder_of_a_block_is_not_named_to_someone_who_cannot_see_it(client):
    lotte = client.user("lotte.maes")
    client.admin.start_case(lotte, draft(KALLOO, access=CaseAccess.PRIVATE, astrid_block="P1",
                                         name_suffix="zeer geheim"))
    refusal = client.admin.astrid_holder(client.user("an.peeters"), "P1")
    assert "zeer geheim" not in refusal
    assert "Politiezone" in refusal


def test_the_database_refuses_a_second_open_case_on_one_block(client):
    """Two writers racing past the service check still cannot both hold the index."""
    from sqlalchemy.exc import IntegrityError

    with client.db.sessions() as session:
        template = session.scalars(select(Case).where(Case.status == "open")).first()
        assert template.astrid_block == "BLOK-SCH-07"
    copy = Case(**{c.name: getattr(template, c.name) for c in Case.__table__.columns
                   if c.name not in ("id", "revision")})

    def add_copy() -> None:
        with client.db.sessions.begin() as session:
            session.add(copy)

    with pytest.raises(IntegrityError):
        add_copy()


# -- closing and reopening ------------------------------------------------------------------------
def test_only_coordinators_close_and_a_closed_case_is_read_only(client):
    sofie, an = client.user("sofie.janssens"), client.user("an.peeters")
    case = client.admin.start_case(sofie, draft(name_suffix="sluiten")).case
    with pytest.raises(AccessDenied, match="Only a coordinator may close"):
        client.admin.close_case(sofie, case.id)
    closed = client.admin.close_case(an, case.id).case
    assert not closed.is_open
    assert closed.closed_at is not None
    # Leaves the active list, shows on the closed one.
    assert all(c.id != case.id for c in client.cases.list_cases(an))
    assert any(c.id == case.id for c in client.cases.list_cases(an, closed_only=True))
    with pytest.raises(AccessDenied, match="closed"):
        client.admin.edit_case(an, case.id, draft(name_suffix="nog open?"))
    with pytest.raises(AccessDenied, match="closed"):
        client.sharing.invite_user(an, case.id, client.user("marc.nordchem").id)
    assert audit_actions(client, case.id)[-1] == "case.closed"


def test_closing_waits_until_every_emergency_plan_is_deactivated(client):
    an = client.user("an.peeters")
    case_id = client.admin.start_case(an, draft()).case.id
    with client.db.sessions.begin() as session:
        session.add(CasePlan(case_id=case_id, title="BNIP Seveso Scheldemonde", active=True,
                             activated_at=datetime.now(UTC)))
    with pytest.raises(AccessDenied, match="BNIP Seveso Scheldemonde"):
        client.admin.close_case(an, case_id)
    with client.db.sessions() as session:
        assert session.get(Case, case_id).status == "open"
    with client.db.sessions.begin() as session:
        plan = session.scalars(select(CasePlan).where(CasePlan.case_id == case_id)).one()
        plan.active = False
    assert not client.admin.close_case(an, case_id).case.is_open


def test_reopening_needs_a_coordinator_who_took_part(client):
    an, tom, els = client.user("an.peeters"), client.user("tom.declercq"), client.user("els.vandamme")
    case_id = client.admin.start_case(an, draft()).case.id
    client.admin.close_case(an, case_id)
    with pytest.raises(AccessDenied, match="took part"):
        client.admin.reopen_case(els, case_id)  # coordinator who never acted in it
    with pytest.raises(AccessDenied, match="Only a coordinator"):
        client.admin.reopen_case(client.user("sofie.janssens"), case_id)
    assert client.admin.reopen_case(an, case_id).case.is_open
    # In the demo's Seveso case Tom took part in a crisis role: he may reopen it.
    seveso = client.seveso_case_id()
    client.deactivate_plans("an.peeters", seveso)
    client.admin.close_case(an, seveso)
    assert client.admin.reopen_case(tom, seveso).case.is_open


# -- editing ------------------------------------------------------------------------------------
def test_edits_are_recorded_with_what_changed_and_the_crisis_role(client):
    tom = client.user("tom.declercq")
    seveso = client.seveso_case_id()
    before = client.admin.case_draft(tom, seveso)
    edited = client.admin.edit_case(tom, seveso, CaseDraft(**{
        **before.__dict__, "phase": "Provinciale fase", "name_suffix": "NH3 tankpark 3"}))
    assert edited.case.name.endswith(" - NH3 tankpark 3")
    entry = client.reports.audit_trail(client.user("an.peeters"), seveso)[-1]
    assert entry.action == "case.edited"
    assert entry.user == "Tom De Clercq"
    assert entry.crisis_role == "Dir-CP-Ops"
    assert entry.details["changes"]["phase"] == ["Gemeentelijke fase", "Provinciale fase"]
    assert entry.details["changes"]["name_suffix"] == ["Nordchem ammoniak", "NH3 tankpark 3"]
    assert "category" not in entry.details["changes"]
    # The place was not touched: no "moved" (the demo wrote it with other spacing than the form).
    assert "location" not in entry.details["changes"]


def test_the_case_name_is_in_the_starters_language_and_stays_so(client):
    an, tom = client.user("an.peeters"), client.user("tom.declercq")
    started = client.admin.start_case(an, draft(category=CaseCategory.EXERCISE, case_type="Gaslek",
                                                name_language="fr", name_suffix="Nordchem")).case
    assert started.name == "Exercice - Fuite de gaz - Scheldemonde - Nordchem"
    # Edited by someone who works in Dutch (the form hands back the case's own language).
    before = client.admin.case_draft(tom, started.id)
    assert before.name_language == "fr"
    edited = client.admin.edit_case(tom, started.id, CaseDraft(**{
        **before.__dict__, "case_type": "Brand", "name_language": "nl"})).case
    assert edited.name == "Exercice - Incendie - Scheldemonde - Nordchem"
    # Without a language on the form: the language the starter sees now (English in tests).
    english = client.admin.start_case(an, draft(name_language=None, case_type="Overstroming")).case
    assert english.name == "Incident - Flood - Scheldemonde"
    with client.db.sessions() as session:
        assert session.get(Case, english.id).name_language == "en"


def test_read_only_users_cannot_edit(client):
    with pytest.raises(AccessDenied, match="Only an agent or coordinator"):
        client.admin.edit_case(client.user("wim.verhaegen"), client.seveso_case_id(), draft())


def test_an_event_may_become_an_incident_but_not_the_other_way(client):
    an = client.user("an.peeters")
    event = client.admin.start_case(an, draft(category=CaseCategory.EVENT, case_type="Andere")).case
    with pytest.raises(ValidationError, match="separate case"):
        client.admin.edit_case(an, event.id, draft(category=CaseCategory.EXERCISE))
    incident = client.admin.edit_case(an, event.id, draft(category=CaseCategory.INCIDENT)).case
    assert incident.category is CaseCategory.INCIDENT
    assert incident.name.startswith("Incident - Brand")


def test_moving_a_public_case_shares_it_with_the_new_area_and_keeps_the_old(client):
    an = client.user("an.peeters")
    case = client.admin.start_case(an, draft(WAASBROEK)).case
    before = shares_by_name(client, case.id)
    assert "Gemeente Kalloo" not in before
    moved = client.admin.edit_case(an, case.id, draft(KALLOO, location=CaseLocation(
        LocationKind.POINT, "Kalloo", {"type": "Point", "coordinates": list(KALLOO)})))
    after = shares_by_name(client, case.id)
    assert after["Gemeente Kalloo"] == "competent"
    assert after["Gemeente Waasbroek"] == "competent"  # nobody loses access during a case
    assert "Gemeente Kalloo" in moved.notes[0]


def test_a_case_made_private_is_shared_with_no_organisation_any_more(client):
    an, wim = client.user("an.peeters"), client.user("wim.verhaegen")
    case = client.admin.start_case(an, draft(name_suffix="wordt privé")).case
    assert client.cases.find_case(wim, "wordt privé") is not None  # Polderkerke: a neighbour
    current = client.admin.case_draft(an, case.id)
    outcome = client.admin.edit_case(an, case.id, CaseDraft(**{**current.__dict__,
                                                               "access": CaseAccess.PRIVATE}))
    assert shares_by_name(client, case.id) == {}
    assert "Gemeente Polderkerke" in outcome.notes[0]
    assert client.cases.find_case(wim, "wordt privé") is None
    assert client.cases.find_case(an, "wordt privé") is not None  # who started it keeps it
    with pytest.raises(ValidationError, match="invited individually"):
        client.sharing.invite_organisation(an, case.id, client.user("marc.nordchem").organisations[0][0])


# -- inviting and removing ----------------------------------------------------------------------
def test_coordinators_invite_and_remove_experts_and_organisations(client):
    an, sofie, marc = client.user("an.peeters"), client.user("sofie.janssens"), client.user("marc.nordchem")
    els = client.user("els.vandamme")  # coordinator, Provincie Scheldeland
    private = client.admin.start_case(sofie, draft(KALLOO, access=CaseAccess.PRIVATE,
                                                   name_suffix="expert")).case.id
    with pytest.raises(AccessDenied, match="no access"):
        client.sharing.invite_user(an, private, marc.id)  # An cannot even see the private case
    with pytest.raises(AccessDenied, match="Only a coordinator"):
        client.sharing.invite_user(sofie, private, an.id)  # Sofie started it, but is an agent
    # A public case: An (coordinator) invites the company's expert, then his organisation.
    public = client.admin.start_case(sofie, draft(name_suffix="deskundige")).case.id
    assert client.cases.find_case(marc, "deskundige") is None
    client.sharing.invite_user(an, public, marc.id)
    assert client.cases.find_case(marc, "deskundige") is not None
    assert "Marc Claes" in {u.display_name for u in client.sharing.sharing(an, public).users}
    client.sharing.remove_user(an, public, marc.id)
    assert client.cases.find_case(marc, "deskundige") is None
    nordchem = marc.organisations[0][0]
    client.sharing.invite_organisation(els, public, nordchem)
    assert shares_by_name(client, public)["Nordchem Scheldemonde NV"] == "invited"
    assert client.cases.find_case(marc, "deskundige") is not None
    client.sharing.remove_organisation(els, public, nordchem)
    assert client.cases.find_case(marc, "deskundige") is None
    with pytest.raises(AccessDenied, match="Only a coordinator"):
        client.sharing.invite_organisation(sofie, public, nordchem)
    assert audit_actions(client, public)[-4:] == [
        "case.user_invited", "case.user_removed", "case.organisation_invited",
        "case.organisation_removed"]


def test_removing_a_user_who_still_sees_the_case_through_an_organisation_says_so(client):
    an = client.user("an.peeters")
    seveso = client.seveso_case_id()
    karim = client.user("karim.elamrani")
    outcome = client.sharing.remove_user(an, seveso, karim.id)
    assert "still sees the case" in outcome.notes[0]
    assert "Karim El Amrani" not in {u.display_name for u in client.sharing.sharing(an, seveso).users}


# -- lists, report, audit ------------------------------------------------------------------------
def test_case_list_filters_by_category_and_text_and_keeps_closed_cases_apart(client):
    an = client.user("an.peeters")
    client.admin.start_case(an, draft(name_suffix="Loods 5"))
    client.admin.start_case(an, draft(category=CaseCategory.EVENT, case_type="Sportevenement",
                                      name_suffix="Waaslandloop"))
    names = [c.name for c in client.cases.list_cases(an, category=CaseCategory.EVENT)]
    assert names == ["Evenement - Sportevenement - Scheldemonde - Waaslandloop"]
    assert [c.name for c in client.cases.list_cases(an, text="loods")] == [
        "Incident - Brand - Scheldemonde - Loods 5"]
    assert [c.name for c in client.cases.list_cases(an, text="AMMONIAK")] == [
        "Oefening - Lek gevaarlijke stoffen - Scheldemonde - Nordchem ammoniak"]
    closed = client.cases.list_cases(an, closed_only=True)
    assert [c.status for c in closed] == ["closed"]
    assert all(c.is_open for c in client.cases.list_cases(an))


def test_report_lists_public_cases_inactive_for_more_than_a_month(client):
    an = client.user("an.peeters")
    seveso = client.seveso_case_id()
    now = datetime.now(UTC)
    assert client.reports.inactive_public_cases(an, now=now) == []
    later = now + timedelta(days=45)
    report = client.reports.inactive_public_cases(an, now=later)
    names = [item.case.name for item in report]
    # Public open cases only: the private and the closed case are not listed.
    assert any("Nordchem" in n for n in names)
    assert not any("Besloten" in n or "Voorjaarsoefening" in n for n in names)
    # A message today makes the case active again.
    tom = client.user("tom.declercq")
    multi = next(f.id for f in client.cases.open_case(tom, seveso).changes.feeds if f.kind == "multi")
    posted = client.feeds.post(tom, multi, "Nog actief.", at=later - timedelta(days=1))
    # A login role's message carries the server's time, whatever the client asks.
    stamped = next(m.created_at for m in client.feeds.page(tom, multi) if m.id == posted.message_id)
    assert all(item.case.id != seveso
               for item in client.reports.inactive_public_cases(an, now=stamped + timedelta(days=1)))
    with client.db.sessions() as session:
        assert session.scalar(select(Message.id).where(Message.text == "Nog actief.")) is not None


def test_only_coordinators_read_the_audit_trail(client):
    seveso = client.seveso_case_id()
    trail = client.reports.audit_trail(client.user("an.peeters"), seveso)
    assert trail[0].action == "case.started"
    assert all(entry.at.tzinfo is not None for entry in trail)
    for username in ("sofie.janssens", "wim.verhaegen"):
        with pytest.raises(AccessDenied, match="coordinator"):
            client.reports.audit_trail(client.user(username), seveso)
    with pytest.raises(AccessDenied, match="no access"):
        client.reports.audit_trail(client.user("marc.nordchem"), client.admin.start_case(
            client.user("an.peeters"), draft(access=CaseAccess.PRIVATE)).case.id)


# -- the same answer on both backends ------------------------------------------------------------
def _grid_organisations(db, size: int = 4) -> dict[str, int]:
    """A size x size grid of 0.1-degree test municipalities plus two provinces."""
    ids = {}
    with db.sessions.begin() as session:
        for row in range(size):
            for col in range(size):
                area = box(3 + col / 10, 50 + row / 10, 3 + (col + 1) / 10, 50 + (row + 1) / 10)
                org = Organisation(name=f"Test {row}{col}", kind="municipality",
                                   jurisdiction_geojson=json.dumps(mapping(area)))
                session.add(org)
                session.flush()
                ids[org.name] = org.id
        for name, west in (("Testprovincie West", 3.0), ("Testprovincie Oost", 3.2)):
            org = Organisation(name=name, kind="province", jurisdiction_geojson=json.dumps(
                mapping(box(west, 50, west + 0.2, 50 + size / 10))))
            session.add(org)
            session.flush()
            ids[name] = org.id
    return ids


GRID_CASES = {
    "inside": (Point(3.15, 50.15), {"Test 11", "Testprovincie West"},
               {"Test 00", "Test 01", "Test 02", "Test 10", "Test 12", "Test 20", "Test 21",
                "Test 22", "Testprovincie Oost"}),
    "on a border": (Point(3.2, 50.05), {"Test 01", "Test 02", "Testprovincie West",
                                        "Testprovincie Oost"},
                    {"Test 00", "Test 03", "Test 10", "Test 11", "Test 12", "Test 13"}),
    "corner point": (Point(3.1, 50.1), {"Test 00", "Test 01", "Test 10", "Test 11",
                                        "Testprovincie West"},
                     {"Test 02", "Test 12", "Test 20", "Test 21", "Test 22", "Testprovincie Oost"}),
    "outside": (Point(5.0, 50.0), set(), set()),
}


@pytest.mark.parametrize("where", list(GRID_CASES))
def test_territorial_sharing_gives_the_same_organisations_on_both_backends(empty_db, where):
    """SQLite answers with shapely, PostgreSQL with PostGIS: both must match the expectation."""
    ids = _grid_organisations(empty_db)
    names = {v: k for k, v in ids.items()}
    location, competent, neighbours = GRID_CASES[where]
    service = PlaceService(empty_db)
    with empty_db.sessions() as session:
        shares = service.territorial_shares(session, mapping(location))
    got = {names[i]: r for i, r in shares.items()}
    assert {n for n, r in got.items() if r is ShareReason.COMPETENT} == competent
    assert {n for n, r in got.items() if r is ShareReason.NEIGHBOUR} == neighbours


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_postgis_and_shapely_agree_on_many_random_locations(demo_db, backend):
    """Both run the same predicates through GEOS; compare on the demo's drawn (bent) borders."""
    with demo_db.sessions() as session:
        orgs = session.scalars(select(Organisation).where(
            Organisation.jurisdiction_geojson.is_not(None))).all()
        index = JurisdictionIndex([Jurisdiction(o.id, (o.kind, o.discipline or ""),
                                                shape(json.loads(o.jurisdiction_geojson)))
                                   for o in orgs])
        rng = random.Random(4)
        locations = [Point(rng.uniform(4.10, 4.45), rng.uniform(51.10, 51.33)) for _ in range(150)]
        # And areas straddling borders.
        locations += [box(x, y, x + 0.02, y + 0.02) for x, y in
                      ((4.225, 51.205), (4.31, 51.21), (4.40, 51.29), (4.14, 51.12))]
        differences = []
        for location in locations:
            by_postgis = postgis_territorial_shares(session, mapping(location))
            by_shapely = index.shares(location)
            if by_postgis != by_shapely:
                differences.append((location.wkt, by_postgis, by_shapely))
    assert differences == []
    assert any(index.shares(loc) for loc in locations)


def test_the_postgis_neighbour_trigger_uses_the_shapely_tolerance():
    import re
    from pathlib import Path

    from paragon_desktop.gis.territory import TOUCH_TOLERANCE_DEG
    from paragon_desktop.storage import migrate

    migration = next((Path(migrate.MIGRATIONS) / "versions").glob("0003_*.py")).read_text()
    found = re.search(r"ST_DWithin\(o\.jurisdiction_geom, NEW\.jurisdiction_geom, ([0-9.e-]+)\)", migration)
    assert found is not None
    assert float(found.group(1)) == TOUCH_TOLERANCE_DEG


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_postgis_neighbours_follow_a_jurisdiction_that_changes(empty_db, backend):
    ids = _grid_organisations(empty_db)
    service = PlaceService(empty_db)
    with empty_db.sessions.begin() as session:
        moved = session.get(Organisation, ids["Test 33"])  # a corner cell, moved far away
        moved.jurisdiction_geojson = json.dumps(mapping(box(9, 9, 9.1, 9.1)))
    with empty_db.sessions() as session:
        shares = service.territorial_shares(session, mapping(Point(3.25, 50.25)))  # in Test 22
    assert ids["Test 33"] not in shares
    assert shares[ids["Test 23"]] is ShareReason.NEIGHBOUR


def test_the_anchor_search_is_answered_by_the_database(client):
    """Case-insensitive on name or category, wildcards typed by the user taken literally, each
    place once, only anchors of organisations or of cases the user sees."""
    sofie = client.user("sofie.janssens")
    names = [p.name for p in client.places.search_anchors(sofie, "GEMEENTEHUIS")]
    assert names
    assert all("gemeentehuis" in n.casefold() for n in names)
    assert len(names) == len(set(names))
    assert [p.name for p in client.places.search_anchors(sofie, "risicocontour")]  # by category (Dutch)
    assert [p.name for p in client.places.search_anchors(sofie, "hazard")]  # (English, shown)
    assert client.places.search_anchors(sofie, "%") == []
    assert client.places.search_anchors(sofie, "_") == []
    everything = client.places.search_anchors(sofie, "", limit=1000)
    assert len(everything) > len(names)
    assert len(client.places.search_anchors(sofie, "", limit=3)) == 3
