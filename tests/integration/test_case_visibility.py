"""Who sees which case is kept in a table by triggers (migration 0018, issue 21): after every kind
of change made through the app as users' own login roles, the table says what the rule says;
the end of a temporary access is read against the clock; users can neither read nor write it."""

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


def pairs(owner: Database, sql: str) -> set[tuple[int, int]]:
    with owner.engine.connect() as c:
        return {(row[0], row[1]) for row in c.execute(text(sql))}


def assert_kept(owner: Database) -> None:
    rule, kept = pairs(owner, RULE), pairs(owner, KEPT)
    assert kept == rule, {"missing": rule - kept, "extra": kept - rule}


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
    # The table is the server's: not readable, not writable, not even one's own rows.
    sofie = connect("sofie.janssens")
    me = user_id(owner, "sofie.janssens")
    for sql in ("SELECT * FROM case_visibility",
                "INSERT INTO case_visibility (user_id, case_id) VALUES (:u, :c)",
                "UPDATE case_visibility SET until = NULL WHERE user_id = :u",
                "DELETE FROM case_visibility WHERE user_id = :u"):
        assert DENIED in attempt(sofie, sql, "", dict(u=me, c=case_id), audited=False), sql
    for function in ("paragon_refresh_case_visibility(:u, :c)",
                     "paragon_refresh_case_visibility_all(:c)"):
        assert DENIED in attempt(sofie, f"SELECT {function}", "", dict(u=me, c=case_id),
                                 audited=False), function
