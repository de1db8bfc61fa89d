"""Row-level security: each user connects with their own PostgreSQL login role, and raw SQL with
those credentials shows and changes nothing more than the app allows.

Three roles as the issue names them: an outsider (an agent of an organisation no case is shared
with), a read-only user (wim.verhaegen) and a coordinator (an.peeters). What they may see is
computed by the app's own rules (services.access) on the owner's connection and compared.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from paragon_desktop.services.access import visible_case_ids, visible_feed_ids
from paragon_desktop.services.cases import CaseService
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import (
    Anchor,
    Case,
    CaseUser,
    Contact,
    Feed,
    Message,
    Organisation,
    User,
)
from tests.conftest import DEMO_PASSWORD, Client, login_url
from tests.integration.conftest import OUTSIDER_PASSWORD, REFUSED, ids, user_id

pytestmark = pytest.mark.postgres


def expected(owner: Database, username: str) -> dict[str, set[int]]:
    """What the app shows this user, by the app's rules (on the owner's connection)."""
    client = Client(owner)
    uid = user_id(owner, username)
    with owner.sessions() as session:
        cases = visible_case_ids(session, uid)
        feeds = set().union(*(visible_feed_ids(session, c, uid) for c in cases)) if cases else set()
        messages = set(session.scalars(select(Message.id).where(Message.feed_id.in_(feeds))))
        anchors = set(session.scalars(select(Anchor.id).where(
            Anchor.case_id.is_(None) | Anchor.case_id.in_(cases))))
        contacts = set(session.scalars(select(Contact.id).where(
            Contact.case_id.is_(None) | Contact.case_id.in_(cases))))
        all_feeds = set(session.scalars(select(Feed.id).where(Feed.case_id.in_(cases))))
        user = client.auth.user_by_name(username)
    layers: set[int] = set()
    for case_id in cases:
        layers |= {layer.id for layer in CaseService(owner).open_case(user, case_id).changes.layers}
    return dict(cases=cases, feeds=all_feeds, messages=messages, anchors=anchors,
                contacts=contacts, layers=layers)


SQL = dict(cases="SELECT id FROM cases", feeds="SELECT id FROM feeds",
           messages="SELECT id FROM messages", anchors="SELECT id FROM anchors",
           contacts="SELECT id FROM contacts", layers="SELECT id FROM layers")


@pytest.mark.parametrize("role", ["outsider", "read_only", "coordinator"])
def test_raw_sql_shows_exactly_what_the_app_shows(role, owner, outsider, connect):
    username = {"outsider": outsider, "read_only": "wim.verhaegen",
                "coordinator": "an.peeters"}[role]
    password = OUTSIDER_PASSWORD if role == "outsider" else DEMO_PASSWORD
    engine = connect(username, password)
    want = expected(owner, username)
    for name, sql in SQL.items():
        assert ids(engine, sql) == want[name], name
    # Layer contents (the app's map data and the QGIS table) follow the layers.
    assert ids(engine, "SELECT layer_id FROM layer_data") == want["layers"]
    assert ids(engine, "SELECT DISTINCT layer_id FROM layer_features") == want["layers"]
    if role == "outsider":
        assert want["cases"] == set()
    else:
        assert want["cases"], "the demo gives this user cases to see"


def test_private_case_is_invisible_outside_its_invitees(owner, outsider, connect):
    with owner.sessions() as session:
        private = session.scalars(select(Case.id).where(Case.access == "private")).one()
    for username, password in ((outsider, OUTSIDER_PASSWORD), ("wim.verhaegen", DEMO_PASSWORD),
                               ("an.peeters", DEMO_PASSWORD)):
        engine = connect(username, password)
        for table in ("cases", "feeds", "messages", "case_users", "case_shares", "layers",
                      "anchors", "contacts", "audit_events", "tombstones"):
            column = "id" if table == "cases" else "case_id"
            assert ids(engine, f"SELECT {column} FROM {table} WHERE {column} = :c",
                       c=private) == set(), (username, table)
    # Its invitee sees it.
    assert ids(connect("lotte.maes"), "SELECT id FROM cases WHERE id = :c", c=private) == {private}


def feed_not_in(owner: Database, username: str) -> tuple[int, int, str]:
    """A specific feed of the Seveso case the user is not a member of: (case, feed, name)."""
    uid = user_id(owner, username)
    with owner.sessions() as session:
        case_id = session.scalars(select(Case.id).where(Case.name.like("%Nordchem%"))).one()
        mine = visible_feed_ids(session, case_id, uid)
        feed = session.execute(select(Feed.id, Feed.name).where(
            Feed.case_id == case_id, Feed.id.not_in(mine))).first()
        assert feed is not None
        return case_id, feed.id, feed.name


def test_feeds_the_role_is_not_in_stay_closed(owner, connect):
    case_id, feed_id, _name = feed_not_in(owner, "an.peeters")
    coordinator = connect("an.peeters")
    with owner.sessions() as session:
        hidden = set(session.scalars(select(Message.id).where(Message.feed_id == feed_id)))
    assert hidden, "the demo has messages in that feed"
    assert ids(coordinator, "SELECT id FROM messages WHERE feed_id = :f", f=feed_id) == set()
    # Its name is known (the crisis-role rules and #-references need it), its content is not.
    assert ids(coordinator, "SELECT id FROM feeds WHERE id = :f", f=feed_id) == {feed_id}
    me = user_id(owner, "an.peeters")
    with pytest.raises(ProgrammingError, match=REFUSED), \
            coordinator.begin() as c:
        c.execute(text(
            "INSERT INTO messages (case_id, feed_id, author_id, crisis_role, created_at, text, "
            "tags, revision) VALUES (:c, :f, :u, 'Burgemeester', now(), 'sneaky', '', 0)"),
            dict(c=case_id, f=feed_id, u=me))
    # Joining it by hand is refused too: membership follows the crisis role.
    with pytest.raises(ProgrammingError, match=REFUSED), \
            coordinator.begin() as c:
        c.execute(text("INSERT INTO feed_members (feed_id, user_id, revision) VALUES (:f, :u, 0)"),
                  dict(f=feed_id, u=me))


def test_writes_that_are_not_theirs_are_refused(owner, outsider, connect):
    case_id, _feed, _ = feed_not_in(owner, "an.peeters")
    with owner.sessions() as session:
        multi = session.scalars(select(Feed.id).where(Feed.case_id == case_id,
                                                      Feed.kind == "multi")).one()
        name_before = session.get(Case, case_id).name
    wim, tom = user_id(owner, "wim.verhaegen"), user_id(owner, "tom.declercq")
    insert = ("INSERT INTO messages (case_id, feed_id, author_id, crisis_role, created_at, text, "
              "tags, revision) VALUES (:c, :f, :u, 'Observator', now(), 'x', '', 0)")
    # Read-only: sees the Multi feed but may not write in it.
    read_only = connect("wim.verhaegen")
    assert ids(read_only, "SELECT id FROM feeds WHERE id = :f", f=multi) == {multi}
    with pytest.raises(ProgrammingError, match=REFUSED), read_only.begin() as c:
        c.execute(text(insert), dict(c=case_id, f=multi, u=wim))
    # A coordinator may write in Multi, but only as themself: the server stamps the author,
    # organisation, crisis role and time, whatever the statement says.
    coordinator = connect("an.peeters")
    with coordinator.begin() as c:
        forged = c.execute(text(insert.replace("'x'", "'as tom'") + " RETURNING id"),
                           dict(c=case_id, f=multi, u=tom)).scalar_one()
    with owner.sessions() as session:
        stored = session.get(Message, forged)
        role = session.scalars(select(CaseUser).where(
            CaseUser.case_id == case_id, CaseUser.user_id == user_id(owner, "an.peeters"))).one()
        assert stored.author_id == role.user_id != tom
        assert (stored.organisation_id, stored.crisis_role) == (role.organisation_id, role.crisis_role)
        assert abs((stored.created_at - datetime.now(UTC)).total_seconds()) < 60
    # The outsider can change nothing of a case they do not see: the UPDATE finds no row.
    with connect(outsider, OUTSIDER_PASSWORD).begin() as c:
        assert c.execute(text("UPDATE cases SET name = 'hijacked' WHERE id = :c"),
                         dict(c=case_id)).rowcount == 0
    # Another user's layer ticks and crisis role are theirs alone.
    with coordinator.begin() as c:
        assert c.execute(text("UPDATE layer_visibility SET visible = false WHERE user_id = :u"),
                         dict(u=tom)).rowcount == 0
    # A crisis role that is neither the organisation's nor generic is refused.
    with pytest.raises(ProgrammingError, match=REFUSED), coordinator.begin() as c:
        c.execute(text("UPDATE case_users SET crisis_role = 'Gouverneur' "
                       "WHERE case_id = :c AND user_id = (SELECT paragon_uid())"), dict(c=case_id))
    # Tables the app never writes, and password hashes, are out of reach.
    with pytest.raises(ProgrammingError, match="permission denied"), coordinator.begin() as c:
        c.execute(text("UPDATE organisations SET name = 'x'"))
    with pytest.raises(ProgrammingError, match="permission denied"), coordinator.begin() as c:
        c.execute(text("SELECT password_hash FROM users"))
    with pytest.raises(ProgrammingError, match="permission denied"), coordinator.begin() as c:
        c.execute(text("UPDATE users SET case_access_level = 'coordinator'"))
    with owner.sessions() as session:
        assert session.get(Case, case_id).name == name_before
        assert session.scalars(select(Message).where(Message.text.in_(["x", "sneaky"]))).all() == []
        assert session.get(Message, forged).text == "as tom"


def test_draft_plans_of_other_organisations_are_hidden(owner, connect):
    with owner.sessions.begin() as session:
        province = session.scalars(select(Organisation.id).where(
            Organisation.kind == "province")).one()
        anchor = session.scalars(select(Anchor.id).where(Anchor.case_id.is_(None))).first()
        els = session.scalars(select(User.id).where(User.username == "els.vandamme")).one()
        now = datetime.now(UTC)
        for title, status in (("PNIP Scheldeland (ontwerp)", "draft"),
                              ("PNIP Scheldeland", "approved")):
            session.execute(text(
                "INSERT INTO emergency_plans (title, organisation_id, key_anchor_id, status, "
                "updated_at, updated_by_id, revision) VALUES (:t, :o, :a, :s, :n, :u, 0)"),
                dict(t=title, o=province, a=anchor, s=status, n=now, u=els))
    plans = "SELECT title FROM emergency_plans WHERE title LIKE 'PNIP%' ORDER BY title"
    with connect("els.vandamme").connect() as c:
        assert [r[0] for r in c.execute(text(plans))] == [
            "PNIP Scheldeland", "PNIP Scheldeland (ontwerp)"]
    municipality = connect("an.peeters")
    with municipality.connect() as c:
        assert [r[0] for r in c.execute(text(plans))] == ["PNIP Scheldeland"]
    insert = ("INSERT INTO emergency_plans (title, organisation_id, key_anchor_id, status, "
              "updated_at, updated_by_id, revision) VALUES (:t, :o, :a, :s, now(), "
              "(SELECT paragon_uid()), 0)")
    # Not for another organisation...
    with pytest.raises(ProgrammingError, match=REFUSED), municipality.begin() as c:
        c.execute(text(insert), dict(t="BNIP x", o=province, a=anchor, s="draft"))
    # ...and their draft cannot be changed (the UPDATE sees no row).
    with municipality.begin() as c:
        assert c.execute(text("UPDATE emergency_plans SET status = 'approved' "
                              "WHERE status = 'draft'")).rowcount == 0
    # Approving needs a plan manager: an.peeters is one for her municipality, sofie is not.
    with owner.sessions() as session:
        town = session.scalars(select(Organisation.id).where(
            Organisation.name == "Gemeente Scheldemonde")).one()
    # Since 0012 a plan manager adds drafts only (approving needs the approval letter).
    with pytest.raises(ProgrammingError, match="starts as a draft"), municipality.begin() as c:
        c.execute(text(insert), dict(t="ANIP Scheldemonde-Zuid", o=town, a=anchor, s="approved"))
    with municipality.begin() as c:
        c.execute(text(insert), dict(t="ANIP Scheldemonde-Zuid", o=town, a=anchor, s="draft"))
    with pytest.raises(ProgrammingError, match=REFUSED), \
            connect("sofie.janssens").begin() as c:
        c.execute(text(insert), dict(t="ANIP Scheldemonde-Oost", o=town, a=anchor, s="draft"))


def test_the_app_connects_with_no_superuser_or_owner_role(owner, connect):
    with connect("an.peeters").connect() as c:
        me = c.execute(text("SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls "
                            "FROM pg_roles WHERE rolname = current_user")).one()
        assert tuple(me) == (False, False, False, False)
        owned = c.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
                               "AND pg_has_role(current_user, tableowner, 'USAGE')")).scalar()
        assert owned == 0


def test_qgis_finds_geometry_columns_with_spatial_indexes(owner, connect):
    engine = connect("an.peeters")
    with engine.connect() as c:
        columns = set(c.execute(text(
            "SELECT f_table_name, f_geometry_column, srid FROM geometry_columns")).all())
        indexed = {row[0] for row in c.execute(text(
            "SELECT tablename FROM pg_indexes WHERE indexdef LIKE '%USING gist%'"))}
        features = c.execute(text(
            "SELECT count(*), bool_and(ST_IsValid(geom)), bool_and(ST_SRID(geom) = 4326) "
            "FROM layer_features")).one()
        layers = c.execute(text("SELECT coalesce(sum(feature_count), 0) FROM layers")).scalar()
        case_geoms = c.execute(text(
            "SELECT count(*) FROM cases WHERE location_geom IS NOT NULL")).scalar()
    assert {("cases", "location_geom", 4326), ("anchors", "geom", 4326),
            ("layer_features", "geom", 4326)} <= columns
    assert {"cases", "anchors", "layer_features", "organisations"} <= indexed
    assert features[0] == layers > 0
    assert features[1] is True and features[2] is True  # noqa: PT018 (one row's two flags)
    assert case_geoms == len(expected(owner, "an.peeters")["cases"])


def test_a_removed_layer_takes_along_what_others_hold_of_it(owner):
    """Other users' ticks, shares in feeds the remover is not in and announcing messages are
    hidden from the remover by row-level security; the database removes or detaches them."""
    with owner.sessions() as session:
        layer_id, count = session.execute(text(
            "SELECT layer_id, count(*) FROM layer_features GROUP BY layer_id "
            "ORDER BY layer_id LIMIT 1")).one()
    assert count > 0
    with owner.engine.begin() as c:
        c.execute(text("DELETE FROM layers WHERE id = :l"), dict(l=layer_id))
        for table in ("layer_features", "layer_data", "layer_visibility", "layer_shares",
                      "messages"):
            assert c.execute(text(f"SELECT count(*) FROM {table} WHERE layer_id = :l"),
                             dict(l=layer_id)).scalar() == 0, table


def test_wrong_password_is_refused_by_the_server(pg_demo_url):
    from paragon_desktop.domain.errors import SignInError
    from paragon_desktop.storage.db import normalise_url

    with pytest.raises(SignInError, match="Unknown user name or wrong password"):
        Database.open_login(normalise_url(pg_demo_url), "an.peeters", "wrong-password")
    with pytest.raises(DBAPIError):
        create_engine(login_url(pg_demo_url, "an.peeters", "wrong-password")).connect()
