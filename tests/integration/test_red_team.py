"""Red team: what a user who took their own database credentials out of the app tries, as raw SQL
with their login role. Each attack found against the shared server (issue 13) is a named test
here (all passed as attacks before migration 0006); the matrix at the end tries every case action
the app's rules refuse some user, as SQL by that user, and expects the server to agree."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from paragon_desktop.domain.access import (
    CaseAction,
    can_manage_layer,
    can_see_layer,
    can_write_messages,
    case_refusal,
)
from paragon_desktop.domain.errors import NotAvailable
from paragon_desktop.services.access import visible_case_ids, visible_feed_ids
from paragon_desktop.services.auth import AuthService
from paragon_desktop.services.case_admin import _took_part
from paragon_desktop.services.cases import CaseService
from paragon_desktop.services.postgis import postgis_territorial_shares
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import (
    AuditEvent,
    Case,
    CaseShare,
    CaseUser,
    Feed,
    Layer,
    Message,
    Organisation,
    User,
)
from tests.conftest import login_url
from tests.integration.conftest import REFUSED, ids, user_id

pytestmark = pytest.mark.postgres
DENIED = "permission denied"


def case_named(owner: Database, part: str) -> int:
    with owner.sessions() as session:
        return session.scalars(select(Case.id).where(Case.name.like(f"%{part}%"))).one()


def org_named(owner: Database, name: str) -> int:
    with owner.sessions() as session:
        return session.scalars(select(Organisation.id).where(Organisation.name == name)).one()


def audit(c, case_id: int, action: str) -> None:
    """An audit entry, written as the app writes it: through the server's function."""
    c.execute(text("SELECT paragon_audit(:c, :a, '{}', 0, NULL, now())"),
              dict(c=case_id, a=action))


def commit_checks(c) -> None:
    """Run the checks PostgreSQL defers to COMMIT now, inside the test's transaction."""
    c.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))


ALLOWED, NO_ROW = "allowed", "no row"


def attempt(engine: Engine, sql: str, action: str, params: dict, *, audited: bool = True) -> str:
    """Try a write and (``audited``) its audit entry as the app would make them, up to the
    checks PostgreSQL runs at commit, then roll back: ``ALLOWED``, ``NO_ROW`` (an UPDATE that
    found nothing it may change) or the server's refusal."""
    try:
        with engine.connect() as c, c.begin() as transaction:
            if c.execute(text(sql), params).rowcount == 0:
                transaction.rollback()
                return NO_ROW
            if audited:
                audit(c, params["c"], action)
            commit_checks(c)
            transaction.rollback()  # leave the case as it was for the next attempt
            return ALLOWED
    except DBAPIError as exc:
        return str(exc)


def server_allows(engine: Engine, sql: str, action: str, params: dict, *,
                  audited: bool = True) -> bool:
    """``attempt``, where anything but our own refusal (a policy's or a check's) is a failure."""
    outcome = attempt(engine, sql, action, params, audited=audited)
    assert outcome in (ALLOWED, NO_ROW) or "paragon: " in outcome or "row-level" in outcome, outcome
    return outcome == ALLOWED


def test_read_only_neighbour_cannot_enter_a_private_case(owner, connect, pg_demo_url):
    private = case_named(owner, "Besloten")
    wim = user_id(owner, "wim.verhaegen")
    org = org_named(owner, "Gemeente Polderkerke")
    neighbour = connect("wim.verhaegen")
    insert = ("INSERT INTO case_users (case_id, user_id, invited, participating, organisation_id, "
              "crisis_role, revision) VALUES (:c, :u, :i, :p, :o, 'Observator', 0)")
    for invited, participating in ((True, False), (False, True), (True, True)):
        with pytest.raises(ProgrammingError, match=REFUSED), neighbour.begin() as c:
            c.execute(text(insert), dict(c=private, u=wim, i=invited, p=participating, o=org))
    # A harmless row first (neither invited nor taking part), then taking part: refused too.
    with neighbour.begin() as c:
        c.execute(text("INSERT INTO case_users (case_id, user_id, invited, participating, revision) "
                       "VALUES (:c, :u, false, false, 0)"), dict(c=private, u=wim))
        audit(c, private, "case.opened")
    with pytest.raises(ProgrammingError, match=REFUSED), neighbour.begin() as c:
        c.execute(text("UPDATE case_users SET participating = true, organisation_id = :o, "
                       "crisis_role = 'Observator' WHERE case_id = :c AND user_id = :u"),
                  dict(c=private, u=wim, o=org))
    # And so the app's own services, on his connection, show him nothing of it.
    db = Database.open(login_url(pg_demo_url, "wim.verhaegen"))
    try:
        with pytest.raises(NotAvailable):
            CaseService(db).open_case(AuthService(db).current_login(), private)
    finally:
        db.dispose()
    assert ids(neighbour, "SELECT id FROM messages WHERE case_id = :c", c=private) == set()


def test_participation_cannot_switch_to_another_organisation(owner, connect):
    case_id = case_named(owner, "Nordchem")
    police = org_named(owner, "Politiezone Scheldemonde-Polderkerke")
    tom = connect("tom.declercq")
    for role in (None, "Observator"):
        with pytest.raises(ProgrammingError, match=REFUSED), tom.begin() as c:
            c.execute(text("UPDATE case_users SET organisation_id = :o, crisis_role = :r "
                           "WHERE case_id = :c AND user_id = (SELECT paragon_uid())"),
                      dict(o=police, r=role, c=case_id))
    # Nor taking part without a crisis role.
    with pytest.raises(ProgrammingError, match=REFUSED), tom.begin() as c:
        c.execute(text("UPDATE case_users SET crisis_role = NULL "
                       "WHERE case_id = :c AND user_id = (SELECT paragon_uid())"), dict(c=case_id))
    with owner.sessions() as session:
        d3 = session.scalars(select(Feed.id).where(Feed.case_id == case_id,
                                                  Feed.discipline == "D3")).one()
    with pytest.raises(ProgrammingError, match=REFUSED), tom.begin() as c:
        c.execute(text("INSERT INTO feed_members (feed_id, user_id, revision) "
                       "VALUES (:f, (SELECT paragon_uid()), 0)"), dict(f=d3))
    assert ids(tom, "SELECT id FROM messages WHERE feed_id = :f", f=d3) == set()


def test_a_copy_of_a_message_one_cannot_read_is_refused(owner, connect):
    case_id = case_named(owner, "Nordchem")
    an = user_id(owner, "an.peeters")
    with owner.sessions() as session:
        mine = visible_feed_ids(session, case_id, an)
        hidden = session.scalars(select(Message.id).where(
            Message.case_id == case_id, Message.feed_id.not_in(mine),
            Message.copy_of_id.is_(None)).order_by(Message.id)).first()
        multi = session.scalars(select(Feed.id).where(Feed.case_id == case_id,
                                                     Feed.kind == "multi")).one()
    assert hidden is not None
    coordinator = connect("an.peeters")
    for column in ("copy_of_id", "corrects_id", "answers_id"):
        with pytest.raises(ProgrammingError, match=REFUSED), coordinator.begin() as c:
            c.execute(text(
                f"INSERT INTO messages (case_id, feed_id, author_id, crisis_role, created_at, text, "
                f"tags, {column}, revision) VALUES (:c, :f, (SELECT paragon_uid()), "
                f"'Noodplanningsambtenaar', now(), 'copy', '', :m, 0)"),
                dict(c=case_id, f=multi, m=hidden))
    assert ids(coordinator, "SELECT message_id FROM attachments WHERE message_id = :m", m=hidden) == set()


def test_agents_cannot_act_as_coordinators(owner, connect):
    case_id = case_named(owner, "Nordchem")
    closed = case_named(owner, "Voorjaarsoefening")
    agent = connect("sofie.janssens")
    with owner.sessions() as session:
        share = session.scalars(select(CaseShare).where(CaseShare.case_id == case_id)).first()
        unshared = session.scalars(select(Organisation.id).where(Organisation.id.not_in(
            select(CaseShare.organisation_id).where(CaseShare.case_id == case_id)))).first()
        before = {c.id: (c.status, c.access, c.name) for c in session.scalars(select(Case))}
    attempts = {
        "close": ("UPDATE cases SET status = 'closed' WHERE id = :c", case_id, "case.closed"),
        "reopen": ("UPDATE cases SET status = 'open' WHERE id = :c", closed, "case.reopened"),
        "share": ("INSERT INTO case_shares (case_id, organisation_id, reason, revision) "
                  f"VALUES (:c, {unshared}, 'invited', 0)", case_id, "case.organisation_invited"),
        "unshare": (f"SELECT paragon_delete('case_shares', {share.id})", case_id,
                    "case.organisation_removed"),
        "rename": ("UPDATE cases SET name = 'Gekaapt' WHERE id = :c", case_id, "case.edited"),
    }
    for what, (sql, target, action) in attempts.items():
        outcome = attempt(agent, sql, action, dict(c=target))
        assert outcome != ALLOWED, f"an agent could {what}"
        assert outcome == NO_ROW or "paragon: " in outcome or "row-level security" in outcome
    with pytest.raises(ProgrammingError, match=DENIED), agent.begin() as c:
        c.execute(text("DELETE FROM case_shares WHERE id = :s"), dict(s=share.id))
    # Editing is hers, but never without an audit entry.
    with pytest.raises(ProgrammingError, match="audit trail"), agent.begin() as c:
        c.execute(text("UPDATE cases SET description = 'stil' WHERE id = :c"), dict(c=case_id))
    with owner.sessions() as session:
        assert {c.id: (c.status, c.access, c.name) for c in session.scalars(select(Case))} == before


def test_a_private_case_made_public_is_shared_by_territory_only(owner, connect):
    private = case_named(owner, "Besloten")
    with owner.sessions() as session:
        case = session.get(Case, private)
        territory = postgis_territorial_shares(session, json.loads(case.location_geojson))
        far = session.scalars(select(Organisation.id).where(
            Organisation.id.not_in(list(territory)))).all()
    assert territory
    assert far
    lotte = connect("lotte.maes")
    make_public = "UPDATE cases SET access = 'public' WHERE id = :c"
    share = ("INSERT INTO case_shares (case_id, organisation_id, reason, revision) "
             "VALUES (:c, :o, :r, 0)")
    for org in far:  # every organisation the territory does not give it to
        with lotte.begin() as c:
            c.execute(text(make_public), dict(c=private))
            with pytest.raises(ProgrammingError, match=REFUSED):
                c.execute(text(share), dict(c=private, o=org, r="competent"))
            c.rollback()
    # An agent edits the case as the app does: public, shared by territory, audited.
    with lotte.begin() as c:
        c.execute(text(make_public), dict(c=private))
        for org, reason in territory.items():
            c.execute(text(share), dict(c=private, o=org, r=reason.value))
        audit(c, private, "case.edited")
    with owner.sessions() as session:
        assert set(session.scalars(select(CaseShare.organisation_id).where(
            CaseShare.case_id == private))) == set(territory)
    # Later, outside an edit of the location, no organisation is added by hand.
    with pytest.raises(ProgrammingError, match=REFUSED), lotte.begin() as c:
        c.execute(text(share), dict(c=private, o=far[0], r="invited"))


def test_messages_carry_what_the_server_stamps(owner, connect):
    case_id = case_named(owner, "Nordchem")
    with owner.sessions() as session:
        multi = session.scalars(select(Feed.id).where(Feed.case_id == case_id,
                                                     Feed.kind == "multi")).one()
        statement = session.scalars(select(Message.id).where(
            Message.feed_id == multi, ~Message.tags.contains("question"),
            Message.copy_of_id.is_(None))).first()
        other_org = org_named(owner, "Provincie Scheldeland")
    coordinator = connect("an.peeters")
    insert = ("INSERT INTO messages (case_id, feed_id, author_id, organisation_id, crisis_role, "
              "created_at, text, tags, answers_id, revision) VALUES (:c, :f, 1, :o, 'Gouverneur', "
              "'2020-01-01', :t, :g, :a, 999999) RETURNING id")
    with coordinator.begin() as c:
        forged = c.execute(text(insert), dict(c=case_id, f=multi, o=other_org, t="gestempeld",
                                              g="decision", a=None)).scalar_one()
    with owner.sessions() as session:
        message = session.get(Message, forged)
        role = session.scalars(select(CaseUser).where(
            CaseUser.case_id == case_id, CaseUser.user_id == message.author_id)).one()
        counter = session.execute(text("SELECT value FROM revision_counter")).scalar_one()
    assert message.author_id == user_id(owner, "an.peeters")
    assert (message.organisation_id, message.crisis_role) == (role.organisation_id, role.crisis_role)
    assert message.created_at.year == datetime.now(UTC).year
    assert message.revision <= counter
    # Unknown tags and an "answer" to something that is no question are refused.
    for tags, answers in (("bogus", None), ("answer", statement)):
        with pytest.raises(ProgrammingError, match=REFUSED), coordinator.begin() as c:
            c.execute(text(insert), dict(c=case_id, f=multi, o=other_org, t="x", g=tags, a=answers))


def test_audit_entries_cannot_be_forged(owner, connect):
    case_id = case_named(owner, "Nordchem")
    coordinator = connect("an.peeters")
    for action in ("case.closed", "case.edited", "case.started"):
        with pytest.raises(ProgrammingError, match=REFUSED), coordinator.begin() as c:
            audit(c, case_id, action)
    # Only the server writes entries...
    with pytest.raises(ProgrammingError, match=DENIED), coordinator.begin() as c:
        c.execute(text("INSERT INTO audit_events (case_id, user_id, at, action, details_json, "
                       "revision) VALUES (:c, 2, now(), 'case.closed', '{}', 0)"), dict(c=case_id))
    # ...and alongside a real change, the entry is hers, now, in her role, whatever it claims.
    with coordinator.begin() as c:
        c.execute(text("UPDATE cases SET description = description || '.' WHERE id = :c"),
                  dict(c=case_id))
        c.execute(text("SELECT paragon_audit(:c, 'case.edited', '{}', 2, 'Gouverneur', "
                       "'2001-01-01')"), dict(c=case_id))
    with owner.sessions() as session:
        entry = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        an = user_id(owner, "an.peeters")
        role = session.scalars(select(CaseUser.crisis_role).where(
            CaseUser.case_id == case_id, CaseUser.user_id == an)).one()
    assert (entry.user_id, entry.crisis_role, entry.at.year) == (an, role, datetime.now(UTC).year)
    with pytest.raises(ProgrammingError, match=DENIED), coordinator.begin() as c:
        c.execute(text("UPDATE audit_events SET action = 'x'"))
    with pytest.raises(ProgrammingError, match=DENIED), coordinator.begin() as c:
        c.execute(text("DELETE FROM audit_events"))


def test_read_only_user_cannot_edit_plans_or_create_feeds(owner, connect):
    case_id = case_named(owner, "Nordchem")
    polderkerke = org_named(owner, "Gemeente Polderkerke")
    with owner.sessions.begin() as session:
        anchor = session.execute(text("SELECT id FROM anchors LIMIT 1")).scalar_one()
        els = user_id(owner, "els.vandamme")
        plan = session.execute(text(
            "INSERT INTO emergency_plans (title, organisation_id, key_anchor_id, status, "
            "updated_at, updated_by_id, revision) VALUES ('ANIP Polderkerke', :o, :a, 'approved', "
            "now(), :u, 0) RETURNING id"), dict(o=polderkerke, a=anchor, u=els)).scalar_one()
    wim = connect("wim.verhaegen")
    # Not a plan manager of the plan's organisation: the UPDATE finds no row it may change.
    with wim.begin() as c:
        assert c.execute(text("UPDATE emergency_plans SET status = 'draft' WHERE id = :p"),
                         dict(p=plan)).rowcount == 0
    with pytest.raises(ProgrammingError, match=REFUSED), wim.begin() as c:
        c.execute(text("INSERT INTO feeds (case_id, name, kind, position, roles, revision) "
                       "VALUES (:c, 'Schaduw', 'cell', 9, '', 0)"), dict(c=case_id))
    with owner.sessions() as session:
        assert session.execute(text("SELECT status FROM emergency_plans WHERE id = :p"),
                               dict(p=plan)).scalar_one() == "approved"
        assert session.scalars(select(Feed).where(Feed.name == "Schaduw")).all() == []


def test_ownership_and_tombstones_are_out_of_reach(owner, connect):
    case_id = case_named(owner, "Nordchem")
    with owner.sessions() as session:
        layer = session.scalars(select(Layer).where(Layer.case_id == case_id)).first()
        anchor = session.execute(text("SELECT id FROM anchors WHERE case_id = :c LIMIT 1"),
                                 dict(c=case_id)).scalar_one()
        tom = session.scalars(select(User.id).where(User.username == "tom.declercq")).one()
    coordinator = connect("an.peeters")
    for sql in (f"UPDATE layers SET owner_id = {tom} WHERE id = {layer.id}",
                f"UPDATE layers SET case_id = case_id WHERE id = {layer.id}",
                f"UPDATE anchors SET case_id = NULL WHERE id = {anchor}",
                "INSERT INTO tombstones (table_name, row_id, case_id, revision) "
                f"VALUES ('anchors', {anchor}, {case_id}, 2147483647)",
                f"DELETE FROM anchors WHERE id = {anchor}",
                "TRUNCATE tombstones"):
        with pytest.raises(ProgrammingError, match=DENIED), coordinator.begin() as c:
            c.execute(text(sql))
    with pytest.raises(ProgrammingError, match=REFUSED), coordinator.begin() as c:
        c.execute(text("SELECT paragon_delete('tombstones', 1)"))


def test_bookkeeping_cannot_be_changed_or_locked(connect):
    reader = connect("wim.verhaegen")
    for sql in ("UPDATE revision_counter SET value = 0",
                "UPDATE revision_counter SET value = 2147483647",
                "SELECT value FROM revision_counter FOR UPDATE",
                "SELECT value FROM revision_counter FOR SHARE",
                "LOCK TABLE revision_counter IN EXCLUSIVE MODE",
                "LOCK TABLE anchors IN ACCESS EXCLUSIVE MODE",
                "LOCK TABLE messages IN SHARE MODE",
                "LOCK TABLE case_users IN SHARE ROW EXCLUSIVE MODE",
                "SELECT setval('messages_id_seq', 1)",
                "SELECT paragon_case_row(1)",
                "SELECT paragon_took_part(1)"):
        with pytest.raises(ProgrammingError, match=DENIED), reader.begin() as c:
            c.execute(text(sql))
    # Even the rows a user may edit lock only for that user's own short transactions.
    with pytest.raises(ProgrammingError, match=DENIED), connect("an.peeters").begin() as c:
        c.execute(text("LOCK TABLE cases IN ACCESS EXCLUSIVE MODE"))


# -- the matrix: every case action, every demo user, as the app's rules decide -----------------
ACTIONS = {
    CaseAction.EDIT: ("UPDATE cases SET description = description || ' (rt)' WHERE id = :c",
                      "case.edited"),
    CaseAction.CLOSE: ("UPDATE cases SET status = 'closed' WHERE id = :c", "case.closed"),
    CaseAction.REOPEN: ("UPDATE cases SET status = 'open' WHERE id = :c", "case.reopened"),
    CaseAction.INVITE: ("INSERT INTO case_users (case_id, user_id, invited, participating, "
                        "revision) VALUES (:c, :other, true, false, 0)", "case.user_invited"),
    CaseAction.REMOVE: ("UPDATE case_users SET invited = false, participating = false "
                        "WHERE case_id = :c AND user_id = :member", "case.user_removed"),
}
USERS = ("an.peeters", "tom.declercq", "sofie.janssens", "karim.elamrani", "lotte.maes",
         "jan.devos", "nina.desmet", "pieter.wouters", "els.vandamme", "wim.verhaegen",
         "marc.nordchem")
CASES = ("Nordchem", "Voorjaarsoefening", "Besloten", "Winterfeesten")


def app_allows(owner: Database, username: str, action: CaseAction, case_id: int) -> bool:
    """The services' decision: ``case_refusal`` with the facts CaseAdminService loads."""
    user = AuthService(owner).user_by_name(username)
    with owner.sessions() as session:
        case = session.get(Case, case_id)
        plans = session.execute(text("SELECT title FROM case_plans WHERE case_id = :c AND active"),
                                dict(c=case_id)).scalars().all()
        return case_refusal(action, user.access_level,
                            sees_case=case_id in visible_case_ids(session, user.id),
                            case_open=case.status == "open",
                            took_part=_took_part(session, case, user.id),
                            active_plans=plans) is None


@pytest.mark.parametrize("action", list(ACTIONS), ids=lambda a: a.value)
def test_the_server_refuses_exactly_what_the_app_refuses(action, owner, outsider, connect):
    sql, audit_action = ACTIONS[action]
    engines = {username: connect(username) for username in USERS}
    disagreements, refused, allowed = [], 0, 0
    for case_name in CASES:
        case_id = case_named(owner, case_name)
        with owner.sessions() as session:
            in_case = set(session.scalars(select(CaseUser.user_id).where(
                CaseUser.case_id == case_id, CaseUser.invited | CaseUser.participating)))
            other = session.scalars(select(User.id).where(User.id.not_in(in_case))
                                    .order_by(User.id)).first()
        assert other is not None  # the outsider at least
        for username in USERS:
            me = user_id(owner, username)
            member = min(in_case - {me}, default=-1)
            params = dict(c=case_id, other=other, member=member)
            want = app_allows(owner, username, action, case_id)
            if action is CaseAction.REMOVE and member == -1:
                want = False  # nobody else to remove
            got = server_allows(engines[username], sql, audit_action, params)
            allowed += got
            refused += not got
            if want != got:
                disagreements.append((username, case_name, "app" if want else "server"))
    assert disagreements == [], f"{action.value}: allowed only by " + repr(disagreements)
    assert refused, "the matrix has refusals"
    assert allowed, "the matrix has allowed writes"


def test_operation_ids_are_private_and_stamped(owner, connect):
    """The exactly-once table: whose id it is comes from the server, and nobody reads (or
    pre-empts by guessing) another user's operations through it."""
    tom, an = connect("tom.declercq"), connect("an.peeters")
    with tom.begin() as c:
        c.execute(text("INSERT INTO client_ops (op_id, user_id, kind, result_id, at) VALUES "
                       "('00000000-0000-4000-8000-000000000001', 1, 'message.post', 7, "
                       "'2001-01-01')"))
    with owner.sessions() as session:
        row = session.execute(text("SELECT user_id, at FROM client_ops")).one()
    assert row.user_id == user_id(owner, "tom.declercq")
    assert row.at.year == datetime.now(UTC).year
    assert ids(an, "SELECT result_id FROM client_ops") == set()
    assert ids(tom, "SELECT result_id FROM client_ops") == {7}
    for sql in ("UPDATE client_ops SET result_id = 1", "DELETE FROM client_ops"):
        with pytest.raises(ProgrammingError, match=DENIED), tom.begin() as c:
            c.execute(text(sql))


def test_a_document_goes_only_on_ones_own_new_message(owner, connect):
    case_id = case_named(owner, "Nordchem")
    with owner.sessions() as session:
        multi = session.scalars(select(Feed.id).where(Feed.case_id == case_id,
                                                     Feed.kind == "multi")).one()
        others = session.scalars(select(Message.id).where(
            Message.feed_id == multi, Message.author_id != user_id(owner, "an.peeters"),
            Message.id.not_in(select(text("message_id FROM attachments"))))).first()
    coordinator = connect("an.peeters")
    attach = ("INSERT INTO attachments (message_id, file_name, media_type, size, data, revision) "
              "VALUES (:m, 'x.pdf', :t, 1, :d, 0)")
    with pytest.raises(ProgrammingError, match=REFUSED), coordinator.begin() as c:
        c.execute(text(attach), dict(m=others, t="text/plain", d=b"untergeschoben"))
    # On her own message of the same transaction, a "PDF" that is none is refused too.
    with coordinator.connect() as c:
        mine = c.execute(text(
            "INSERT INTO messages (case_id, feed_id, author_id, crisis_role, created_at, text, "
            "tags, revision) VALUES (:c, :f, 0, 'x', now(), 'met bijlage', 'sitrep', 0) "
            "RETURNING id"), dict(c=case_id, f=multi)).scalar_one()
        with pytest.raises(ProgrammingError, match=REFUSED):
            c.execute(text(attach), dict(m=mine, t="application/pdf", d=b"MZ\x90\x00 not a pdf"))
        c.rollback()


def app_may_post(owner: Database, username: str, feed: Feed) -> bool:
    """FeedService.post's decision: write access, a feed one reads, a crisis role taken."""
    user = AuthService(owner).user_by_name(username)
    with owner.sessions() as session:
        case = session.get(Case, feed.case_id)
        if feed.case_id not in visible_case_ids(session, user.id):
            return False
        role = session.scalars(select(CaseUser).where(
            CaseUser.case_id == feed.case_id, CaseUser.user_id == user.id)).first()
        return (can_write_messages(user.access_level, case.status == "open")
                and feed.id in visible_feed_ids(session, feed.case_id, user.id)
                and role is not None and role.participating and bool(role.crisis_role))


def app_may_manage(owner: Database, username: str, layer: Layer) -> bool:
    """LayerService._managed's decision: a layer one sees, owned or as a coordinator, open case."""
    user = AuthService(owner).user_by_name(username)
    with owner.sessions() as session:
        case = session.get(Case, layer.case_id)
        if layer.case_id not in visible_case_ids(session, user.id):
            return False
        shares = set(session.execute(text("SELECT feed_id FROM layer_shares WHERE layer_id = :l"),
                                     dict(l=layer.id)).scalars())
        sees = can_see_layer(layer.owner_id, user.id, shares,
                             visible_feed_ids(session, layer.case_id, user.id))
        return sees and can_manage_layer(layer.owner_id, user.id, user.access_level,
                                         case.status == "open")


def test_the_server_lets_post_exactly_where_the_app_does(owner, connect):
    with owner.sessions() as session:
        feeds = session.scalars(select(Feed).order_by(Feed.id)).all()
    disagreements, allowed = [], 0
    for username in USERS:
        engine = connect(username)
        for feed in feeds:
            want = app_may_post(owner, username, feed)
            got = server_allows(engine, (
                "INSERT INTO messages (case_id, feed_id, author_id, crisis_role, created_at, text, "
                "tags, revision) VALUES (:c, :f, 0, 'x', now(), 'matrix', '', 0)"),
                "", dict(c=feed.case_id, f=feed.id), audited=False)
            allowed += got
            if want != got:
                disagreements.append((username, feed.id, feed.name, "app" if want else "server"))
    assert disagreements == []
    assert allowed, "some users may post somewhere"


def test_the_server_lets_manage_layers_exactly_where_the_app_does(owner, connect):
    with owner.sessions() as session:
        layers = session.scalars(select(Layer).order_by(Layer.id)).all()
    assert layers
    disagreements, allowed = [], 0
    for username in USERS:
        engine = connect(username)
        for layer in layers:
            want = app_may_manage(owner, username, layer)
            got = server_allows(engine, "UPDATE layers SET name = name || ' (matrix)' WHERE id = :l",
                                "layer.renamed", dict(c=layer.case_id, l=layer.id))
            allowed += got
            if want != got:
                disagreements.append((username, layer.name, "app" if want else "server"))
    assert disagreements == []
    assert allowed, "owners and coordinators manage some layers"
