"""Who sees which case (migration 0018) and which feed (0020) is kept in tables by triggers
(issue 21): after every kind of change made through the app as users' own login roles, the
tables say what the rules say, and what a login role reads through the policies (which look the
tables up since 0020) is what the rules give; the end of a temporary access is read against the
clock; users read only their own rows and write none."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from paragon_desktop.domain.feeds import RoleChoice
from paragon_desktop.services.bundle import build_services
from paragon_desktop.storage.db import Database
from tests.conftest import login_url
from tests.integration.conftest import OUTSIDER_PASSWORD, ids, user_id
from tests.integration.test_red_team import DENIED, attempt, case_named

pytestmark = pytest.mark.postgres

# The rule as 0005 and 0015 wrote it (domain.access.can_see_case), for every user at once.
RULE = """
SELECT cu.user_id, cu.case_id FROM case_users cu JOIN cases c ON c.id = cu.case_id
WHERE (cu.invited OR cu.participating)
  AND (NOT cu.temporary OR ((cu.access_until IS NULL OR cu.access_until > now())
                            AND c.status = 'open'))
UNION
SELECT m.user_id, s.case_id FROM case_shares s JOIN cases c ON c.id = s.case_id
JOIN memberships m ON m.organisation_id = s.organisation_id WHERE c.access = 'public'
UNION
SELECT c.created_by_id, c.id FROM cases c WHERE c.created_by_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM case_users u WHERE u.case_id = c.id AND u.user_id = c.created_by_id)
"""
KEPT = "SELECT user_id, case_id FROM case_visibility WHERE until IS NULL OR until > now()"
# domain.access.can_see_feed: Multi of every case one sees, the other feeds one is a member of.
FEED_RULE = f"""
SELECT r.user_id, f.id FROM ({RULE}) AS r (user_id, case_id) JOIN feeds f ON f.case_id = r.case_id
WHERE f.kind = 'multi'
   OR EXISTS (SELECT 1 FROM feed_members m WHERE m.feed_id = f.id AND m.user_id = r.user_id)
"""
FEEDS_KEPT = "SELECT user_id, feed_id FROM feed_visibility WHERE until IS NULL OR until > now()"


def pairs(owner: Database, sql: str) -> set[tuple[int, int]]:
    with owner.engine.connect() as c:
        return {(row[0], row[1]) for row in c.execute(text(sql))}


def assert_kept(owner: Database) -> None:
    for rule, kept in ((RULE, KEPT), (FEED_RULE, FEEDS_KEPT)):
        should, has = pairs(owner, rule), pairs(owner, kept)
        assert has == should, {"missing": should - has, "extra": has - should}


@pytest.fixture
def as_user(pg_demo_url: str) -> Iterator:
    opened: list[Database] = []

    def services(username: str, password: str | None = None):
        db = Database.open(login_url(pg_demo_url, username, *([password] if password else [])))
        opened.append(db)
        built = build_services(db)
        return built, built.auth.user_by_name(username)

    yield services
    for db in opened:
        db.dispose()


def test_the_kept_answer_follows_every_kind_of_change(owner, outsider, as_user):
    assert_kept(owner)  # the demo, written after the migration: kept all along
    an_services, an = as_user("an.peeters")
    admin = an_services.organisation_admin
    organisation = next(o for o, name in admin.administered(an) if name == "Gemeente Scheldemonde")
    case_id = case_named(owner, "Nordchem")
    # A membership: the organisation's shared public cases come with it, and go with it.
    olaf = user_id(owner, outsider)
    before = {c for u, c in pairs(owner, RULE) if u == olaf}
    admin.link(an, organisation, outsider)
    assert {c for u, c in pairs(owner, RULE) if u == olaf} > before  # the change matters
    assert_kept(owner)
    admin.unlink(an, organisation, olaf)
    assert {c for u, c in pairs(owner, RULE) if u == olaf} == before
    assert_kept(owner)
    # A temporary access for an outside person: given, used, ended.
    admin.grant_case_access(an, organisation, case_id, outsider)
    assert_kept(owner)
    olaf_services, olaf_user = as_user(outsider, OUTSIDER_PASSWORD)
    assert case_id in {c.id for c in olaf_services.cases.list_cases(olaf_user)}
    olaf_services.participation.enter_case(olaf_user, case_id,
                                           RoleChoice(organisation, "Expert"))
    assert_kept(owner)
    admin.end_case_access(an, olaf, case_id)
    assert_kept(owner)
    assert case_id not in {c.id for c in olaf_services.cases.list_cases(olaf_user)}
    # A temporary access again, then the case closes: it ends with it.
    admin.grant_case_access(an, organisation, case_id, outsider)
    assert_kept(owner)
    for row, _plan, _title, _version, active in an_services.plans.active_in_case(an, case_id):
        if active:
            an_services.plans.deactivate(an, case_id, row)
    an_services.admin.close_case(an, case_id)
    assert_kept(owner)
    assert case_id not in {c.id for c in olaf_services.cases.list_cases(olaf_user)}


def test_a_temporary_access_ends_by_the_clock_and_users_cannot_touch_the_table(
        owner, outsider, as_user, connect):
    an_services, an = as_user("an.peeters")
    admin = an_services.organisation_admin
    organisation = next(o for o, name in admin.administered(an) if name == "Gemeente Scheldemonde")
    case_id = case_named(owner, "Nordchem")
    olaf = user_id(owner, outsider)
    admin.grant_case_access(an, organisation, case_id, outsider)
    engine = connect(outsider, OUTSIDER_PASSWORD)
    assert case_id in ids(engine, "SELECT id FROM cases")
    # The access's end has passed (as if time went on): the case is gone at once, no job ran.
    with owner.engine.begin() as c:
        c.execute(text("UPDATE case_visibility SET until = now() - interval '1 second' "
                       "WHERE user_id = :u AND case_id = :c"), dict(u=olaf, c=case_id))
    assert case_id not in ids(engine, "SELECT id FROM cases")
    # The tables are the server's: users read their own rows (what they see anyway), nobody
    # else's, and write none.
    sofie = connect("sofie.janssens")
    me = user_id(owner, "sofie.janssens")
    for table, column in (("case_visibility", "case_id"), ("feed_visibility", "feed_id")):
        with owner.engine.connect() as c:
            everyone = {row[0] for row in c.execute(text(f"SELECT DISTINCT user_id FROM {table}"))}
            hers = {row[0] for row in c.execute(
                text(f"SELECT {column} FROM {table} WHERE user_id = :u"), dict(u=me))}
        assert len(everyone) > 1
        assert hers
        assert ids(sofie, f"SELECT user_id FROM {table}") == {me}
        assert ids(sofie, f"SELECT {column} FROM {table}") == hers
        for sql in (f"INSERT INTO {table} (user_id, {column}) VALUES (:u, :c)",
                    f"UPDATE {table} SET until = NULL WHERE user_id = :u",
                    f"DELETE FROM {table} WHERE user_id = :u"):
            assert DENIED in attempt(sofie, sql, "", dict(u=me, c=case_id), audited=False), sql
    for function in ("paragon_refresh_case_visibility(:u, :c)",
                     "paragon_refresh_case_visibility_all(:c)",
                     "paragon_refresh_feed_visibility(:u, :c)"):
        assert DENIED in attempt(sofie, f"SELECT {function}", "", dict(u=me, c=case_id),
                                 audited=False), function


# What each table's read policy must let a user see, from the rules above (as the owner).
VISIBLE = {
    "cases": "SELECT case_id FROM ({rule}) r (user_id, case_id) WHERE user_id = :u",
    "feeds": "SELECT id FROM feeds WHERE case_id IN ({cases})",
    "feed_members": "SELECT m.id FROM feed_members m JOIN feeds f ON f.id = m.feed_id "
                    "WHERE f.case_id IN ({cases})",
    "messages": "SELECT id FROM messages WHERE feed_id IN ({feeds})",
    "case_users": "SELECT id FROM case_users WHERE case_id IN ({cases}) OR user_id = :u",
    "case_shares": "SELECT id FROM case_shares WHERE case_id IN ({cases})",
    "anchors": "SELECT id FROM anchors WHERE case_id IS NULL OR case_id IN ({cases})",
    "contacts": "SELECT id FROM contacts WHERE case_id IS NULL OR case_id IN ({cases})",
    "tombstones": "SELECT id FROM tombstones WHERE case_id IS NULL OR case_id IN ({cases})",
    "layers": "SELECT l.id FROM layers l WHERE l.case_id IN ({cases}) AND (l.owner_id = :u "
              "OR EXISTS (SELECT 1 FROM layer_shares s WHERE s.layer_id = l.id "
              "AND s.feed_id IN ({feeds})))",
}
VISIBLE["layer_data"] = f"SELECT layer_id FROM layer_data WHERE layer_id IN ({VISIBLE['layers']})"
VISIBLE["layer_shares"] = ("SELECT id FROM layer_shares WHERE layer_id IN "
                           f"({VISIBLE['layers']})")


def test_what_login_roles_read_is_what_the_rules_give(owner, outsider, as_user, connect):
    """The read policies look the kept answers up (0020): for users who see many cases, few, or
    one through a temporary access, every table gives exactly the rows the rules allow."""
    an_services, an = as_user("an.peeters")
    admin = an_services.organisation_admin
    organisation = next(o for o, name in admin.administered(an) if name == "Gemeente Scheldemonde")
    case_id = case_named(owner, "Nordchem")
    admin.grant_case_access(an, organisation, case_id, outsider)
    olaf_services, olaf_user = as_user(outsider, OUTSIDER_PASSWORD)
    expert = RoleChoice(organisation, "Expert")
    olaf_services.participation.enter_case(olaf_user, case_id, expert)
    olaf_services.participation.leave_case(olaf_user, case_id)
    olaf_services.participation.enter_case(olaf_user, case_id, expert)
    anchor = min(ids(owner.engine, "SELECT id FROM anchors WHERE case_id = :c", c=case_id))
    an_services.editing.remove_anchor(an, anchor)  # a tombstone
    cases = VISIBLE["cases"].format(rule=RULE)
    feeds = (f"SELECT f.id FROM ({FEED_RULE}) r (user_id, id) JOIN feeds f ON f.id = r.id "
             "WHERE r.user_id = :u")
    checked: dict[str, int] = dict.fromkeys(VISIBLE, 0)
    narrower = []
    for username in ("an.peeters", "tom.declercq", "sofie.janssens", "lotte.maes", outsider):
        me = user_id(owner, username)
        engine = connect(username, *([OUTSIDER_PASSWORD] if username == outsider else []))
        for table, sql in VISIBLE.items():
            expected = ids(owner.engine, sql.format(rule=RULE, cases=cases, feeds=feeds), u=me)
            read = ids(engine, f"SELECT {'layer_id' if table == 'layer_data' else 'id'} "
                               f"FROM {table}")
            assert read == expected, (username, table, read ^ expected)
            checked[table] += len(expected)
        # Some feeds of a case one sees stay closed: the rule is not "everything of the case".
        narrower.append(ids(engine, "SELECT id FROM messages") < ids(
            owner.engine, f"SELECT id FROM messages WHERE case_id IN ({cases})", u=me))
    assert all(checked.values()), checked  # nothing vacuous
    assert any(narrower)
