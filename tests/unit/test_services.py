import pytest
from sqlalchemy import select

from paragon_desktop.domain.enums import MessageTag
from paragon_desktop.domain.errors import AccessDenied, SignInError, ValidationError
from paragon_desktop.services import demo_data
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import Anchor, User
from paragon_desktop.storage.revisions import remove
from tests.conftest import DEMO_PASSWORD, Client


def test_sign_in_checks_the_argon2_hash(client):
    user = client.auth.sign_in("an.peeters", DEMO_PASSWORD)
    assert user.display_name == "An Peeters"
    assert user.organisations == ((user.organisations[0][0], "Gemeente Scheldemonde"),)
    with pytest.raises(SignInError, match="Unknown user name or wrong password"):
        client.auth.sign_in("an.peeters", "wrong")
    with pytest.raises(SignInError, match="Unknown user name or wrong password"):
        client.auth.sign_in("nobody", DEMO_PASSWORD)


def test_passwords_are_stored_only_as_argon2_hashes(demo_db):
    with demo_db.sessions() as session:
        hashes = list(session.scalars(select(User.password_hash)))
    assert len(hashes) == len(demo_data.USERS)
    assert all(h.startswith("$argon2id$") and DEMO_PASSWORD not in h for h in hashes)


def test_case_list_follows_access_rules(client):
    def names(username, **kw):
        return {c.name for c in client.cases.list_cases(client.user(username), **kw)}

    coordinator = names("an.peeters")
    assert any("Nordchem" in n for n in coordinator)
    assert not any("Besloten" in n for n in coordinator), "private case leaked"
    assert any("Besloten" in n for n in names("lotte.maes")), "invited user misses private case"
    assert not any("Voorjaarsoefening" in n for n in coordinator), "closed case in active list"
    assert any("Voorjaarsoefening" in n for n in names("an.peeters", include_closed=True))
    # The neighbour municipality sees the public case through territorial sharing.
    assert any("Nordchem" in n for n in names("wim.verhaegen"))
    # Every demo case is labelled as an exercise.
    all_cases = client.cases.list_cases(client.user("lotte.maes"), include_closed=True)
    assert all(c.is_exercise and c.name.startswith("Oefening") for c in all_cases)


def test_outsider_cannot_open_a_private_case(client):
    lotte = client.user("lotte.maes")
    private = client.cases.find_case(lotte, "Besloten")
    with pytest.raises(AccessDenied, match="no access"):
        client.cases.open_case(client.user("an.peeters"), private.id)


def test_opening_the_seveso_case_shows_only_the_users_feeds(client):
    an = client.user("an.peeters")
    snapshot = client.cases.open_case(an, client.seveso_case_id())
    changes = snapshot.changes
    feeds = [f.name for f in changes.feeds]
    assert feeds == ["Multi", "CP-Ops", "GCC"]
    # Messages come a page at a time per feed, not with the case (it may hold 100,000).
    assert changes.messages == []
    shown = [m for f in changes.feeds for m in client.feeds.page(an, f.id)]
    expected = [m for m in demo_data.MESSAGES if m[1] in feeds]
    assert len(shown) == len(expected)
    first = min(shown, key=lambda m: m.key)
    assert (first.author, first.crisis_role) == ("Pieter Wouters", "Dispatcher 112")
    assert first.tags == ("important",)
    assert snapshot.participation.crisis_role == "Noodplanningsambtenaar"
    assert {lyr.name for lyr in changes.layers} == {lyr[1] for lyr in demo_data.LAYERS}
    assert len(changes.anchors) == len(demo_data.ANCHORS) + 3
    assert {c.scope for c in changes.contacts} == {"case", "global"}
    # The people in the case come whole, apart from the contacts (everyone has entered).
    assert {p.scope for p in changes.people} == {"participant"}
    assert len(changes.jurisdictions) == len(demo_data.MUNICIPALITIES) + 1


def test_layers_shared_in_feeds_the_user_is_not_in_stay_hidden(client):
    # Wim (read-only, neighbour municipality) is only in Multi: he sees the perimeter layer,
    # not the measurement layers shared in CP-Ops and D4.
    wim = client.user("wim.verhaegen")
    layers = client.cases.open_case(wim, client.seveso_case_id()).changes.layers
    assert [lyr.name for lyr in layers] == ["Perimeters Nordchem"]


def test_no_change_refresh_returns_nothing(client):
    an = client.user("an.peeters")
    case_id = client.seveso_case_id()
    revision = client.cases.open_case(an, case_id).changes.revision
    changes = client.cases.changes_since(an, case_id, revision)
    assert changes.is_empty
    assert changes.revision == revision


def test_changes_from_another_client_arrive_and_only_they(client, demo_url):
    an = client.user("an.peeters")
    case_id = client.seveso_case_id()
    revision = client.cases.open_case(an, case_id).changes.revision
    other = Client(Database.open(demo_url))
    tom = other.user("tom.declercq")
    multi = next(f for f in other.cases.open_case(tom, case_id).changes.feeds if f.name == "Multi")
    d1 = next(f for f in other.cases.open_case(tom, case_id).changes.feeds if f.name == "D1 Brandweer")
    other.feeds.post(tom, multi.id, "Vrijgave oranje zone om 12:00.",
                               [MessageTag.DECISION])
    other.feeds.post(tom, d1.id, "Alleen voor D1.")
    anchor_id = other.editing.add_anchor(tom, case_id, "Tweede CP-Ops",
                                         {"type": "Point", "coordinates": [4.25, 51.24]})
    changes = client.cases.changes_since(an, case_id, revision)
    assert [m.text for m in changes.messages] == ["Vrijgave oranje zone om 12:00."]
    assert changes.messages[0].tags == ("decision",)
    assert changes.messages[0].crisis_role == "Dir-CP-Ops"
    assert [a.id for a in changes.anchors] == [anchor_id]
    assert changes.feeds is None
    assert changes.layers is None
    assert changes.jurisdictions is None
    other.db.dispose()


def test_removed_anchor_is_reported(client):
    an = client.user("an.peeters")
    case_id = client.seveso_case_id()
    revision = client.cases.open_case(an, case_id).changes.revision
    with client.db.sessions.begin() as session:
        anchor = session.scalars(select(Anchor).where(Anchor.name.like("Gewondennest%"))).one()
        anchor_id = anchor.id
        remove(session, anchor)
    changes = client.cases.changes_since(an, case_id, revision)
    assert changes.removed_anchor_ids == [anchor_id]


def test_layer_ticks_are_personal_and_survive_a_restart(client, demo_url):
    an, tom = client.user("an.peeters"), client.user("tom.declercq")
    case_id = client.seveso_case_id()
    perimeter = next(lyr for lyr in client.cases.open_case(an, case_id).changes.layers
                     if lyr.name == "Perimeters Nordchem")
    assert perimeter.visible
    client.editing.set_layer_visible(an, perimeter.id, False)
    restarted = Client(Database.open(demo_url))
    def visible(user):
        layers = restarted.cases.open_case(user, case_id).changes.layers
        return next(lyr.visible for lyr in layers if lyr.id == perimeter.id)
    assert visible(an) is False
    assert visible(tom) is True
    restarted.db.dispose()


def test_read_only_user_cannot_post_and_empty_text_is_refused(client):
    case_id = client.seveso_case_id()
    wim = client.user("wim.verhaegen")
    multi = client.cases.open_case(wim, case_id).changes.feeds[0]
    with pytest.raises(AccessDenied, match="read-only"):
        client.feeds.post(wim, multi.id, "Mag ik iets zeggen?")
    an = client.user("an.peeters")
    with pytest.raises(ValidationError, match="empty"):
        client.feeds.post(an, multi.id, "   ")


def test_posting_in_a_feed_the_user_is_not_in_is_refused(client):
    case_id = client.seveso_case_id()
    tom = client.user("tom.declercq")
    d1 = next(f for f in client.cases.open_case(tom, case_id).changes.feeds
              if f.name == "D1 Brandweer")
    with pytest.raises(AccessDenied, match="not a member of feed “D1 Brandweer”"):
        client.feeds.post(client.user("an.peeters"), d1.id, "Hallo D1")


def test_services_notify_listeners_after_commit(client):
    seen = []
    client.editing.events.subscribe(seen.append)
    case_id = client.seveso_case_id()
    an = client.user("an.peeters")
    multi = client.cases.open_case(an, case_id).changes.feeds[0]
    client.feeds.post(an, multi.id, "Test")
    assert seen == [case_id]


def test_layer_data_is_given_only_for_layers_the_user_may_see(client):
    from paragon_desktop.gis import read_layer
    from paragon_desktop.services.demo import demo_file
    from paragon_desktop.services.layers import store_layer

    case_id = client.seveso_case_id()
    tom, an = client.user("tom.declercq"), client.user("an.peeters")
    path = demo_file("meetroute-d4.gpx")
    with client.db.sessions.begin() as session:
        personal = store_layer(session, case_id=case_id, owner_id=tom.id, name="Tom's schets",
                               read=read_layer(path), source_name=path.name).id
    shared = next(lyr.id for lyr in client.cases.open_case(an, case_id).changes.layers)
    data = client.cases.layer_geojsons(an, [shared, personal])
    assert set(data) == {shared}
    assert '"FeatureCollection"' in data[shared]
    assert set(client.cases.layer_geojsons(tom, [personal])) == {personal}
