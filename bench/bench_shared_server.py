"""A shared PostgreSQL server (issue 6): live propagation and refresh cost at ICMS scale.

propagation: client A (services on an.peeters' login role) commits a change; client B is a real
  main window (offscreen, tom.declercq's login role, 50-second poll) that hears the NOTIFY,
  pulls what changed and applies it to its docks and map. Timed from just before A's write
  until B's window has applied the change (sig_refreshed carrying it). 200 changes: messages,
  with every tenth an anchor. Target: median under 1 s.
scale: the demo plus the former portal's volume (14,500 users, 27,900 anchors, 2,780 cases) and
  1,000,000 messages, then as a user's own login role (row-level security on) and as the
  owner (off), for comparison: opening a case, a refresh when nothing changed, a refresh after
  one new message. Targets: open under 300 ms, no-change refresh under 10 ms.

Usage: python bench/bench_shared_server.py [propagation|scale]   (default both)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import pg_database, summary, wait_until  # noqa: E402
from sqlalchemy import text  # noqa: E402

from paragon_desktop.services.demo import build_demo  # noqa: E402
from paragon_desktop.storage.db import Database, normalise_url  # noqa: E402
from paragon_desktop.storage.migrate import upgrade  # noqa: E402

PASSWORD = "oefening2026"
USERS, ANCHORS, CASES, MESSAGES = 14_500, 27_900, 2_780, 1_000_000
BIG_CASE_MESSAGES = 50_000  # the opened case's share of the million


def login(url: str, username: str):
    from paragon_desktop.app import build_services, sign_in_with_login
    from paragon_desktop.storage.logins import server_address

    db, user = sign_in_with_login(server_address(normalise_url(url)), username, PASSWORD)
    return db, build_services(db), user


def fill_demo(url: str) -> None:
    db = Database.open(url)
    upgrade(db.engine)
    build_demo(db)
    db.dispose()


def propagation(url: str, changes: int = 200) -> list[float]:
    from paragon_desktop.app import create_application, prepare_qt_environment

    prepare_qt_environment(offscreen=True)
    create_application(["bench"])
    from paragon_desktop.settings import Settings
    from paragon_desktop.ui.main_window import MainWindow

    _db_a, a, user_a = login(url, "an.peeters")
    db_b, b, user_b = login(url, "tom.declercq")
    case = b.cases.find_case(user_b, "Nordchem")
    multi = next(f.id for f in a.cases.open_case(user_a, case.id).changes.feeds
                 if f.name == "Multi")
    window = MainWindow(b, user_b, case, Settings(refresh_seconds=50), restore_layout=False,
                        live_url=db_b.engine.url)
    window.resize(1400, 900)
    window.show()
    live = window.connection.live
    wait_until(lambda: window.settled and live is not None and live.connected)
    seen: dict[str, float] = {}

    def on_refreshed(change_set) -> None:
        now = time.perf_counter()
        for message in change_set.messages:
            seen.setdefault(message.text, now)
        for anchor in change_set.anchors:
            seen.setdefault(anchor.name, now)

    window.sig_refreshed.connect(on_refreshed)
    delays = []
    for i in range(changes):
        key = f"bench {i}"
        started = time.perf_counter()
        if i % 10 == 9:
            a.editing.add_anchor(user_a, case.id, key,
                                 {"type": "Point", "coordinates": [4.28 + i * 1e-4, 51.25]})
        else:
            a.feeds.post(user_a, multi, key, [])
        wait_until(lambda key=key: key in seen, timeout_s=60)
        delays.append((seen[key] - started) * 1000)
    window.close()
    return delays


def fill_icms(url: str) -> None:
    """The former portal's volume, written with set-based SQL as the owner."""
    db = Database.open(url)
    with db.engine.begin() as c:
        c.execute(text("SET LOCAL synchronous_commit = off"))
        rev = c.execute(text("UPDATE revision_counter SET value = value + 1 RETURNING value")).scalar()
        c.execute(text("""
            INSERT INTO organisations (name, kind, crisis_roles, revision)
            SELECT 'Organisatie ' || g, 'company', '', :rev FROM generate_series(1, 600) g"""),
                  dict(rev=rev))
        c.execute(text("""
            INSERT INTO users (username, display_name, password_hash, case_access_level, active,
                               revision)
            SELECT 'user' || g, 'Gebruiker ' || g, '!login-role',
                   (ARRAY['read_only', 'agent', 'coordinator'])[1 + g % 3], true, :rev
            FROM generate_series(1, :n) g"""), dict(rev=rev, n=USERS - 11))
        c.execute(text("""
            INSERT INTO memberships (user_id, organisation_id, management_roles, revision)
            SELECT u.id, (SELECT min(id) FROM organisations) + (u.id % 600), '', :rev
            FROM users u WHERE u.username LIKE 'user%'"""), dict(rev=rev))
        owner = c.execute(text("SELECT id FROM users WHERE username = 'an.peeters'")).scalar()
        org = c.execute(text("SELECT id FROM organisations WHERE name = 'Gemeente Scheldemonde'")).scalar()
        c.execute(text("""
            INSERT INTO cases (name, name_suffix, category, access, case_type, location_name,
                location_geojson, location_kind, occurred_at, description, status,
                created_by_id, organisation_id, created_at, revision)
            SELECT 'Case ' || g, '', 'incident', CASE WHEN g % 5 = 0 THEN 'private' ELSE 'public' END,
                'Brand', 'Plaats ' || g,
                '{"type":"Point","coordinates":[' || (4.2 + (g % 100) * 0.001) || ',51.2]}',
                'point', now() - (g || ' hours')::interval, '',
                CASE WHEN g % 10 = 0 THEN 'open' ELSE 'closed' END, :owner, :org, now(), :rev
            FROM generate_series(1, :n) g"""), dict(owner=owner, org=org, rev=rev, n=CASES - 4))
        c.execute(text("""
            INSERT INTO case_shares (case_id, organisation_id, reason, revision)
            SELECT id, (SELECT min(id) FROM organisations) + (id % 600), 'competent', :rev
            FROM cases WHERE name LIKE 'Case %' AND access = 'public'"""), dict(rev=rev))
        c.execute(text("""
            INSERT INTO case_users (case_id, user_id, invited, participating, crisis_role,
                                    revision)
            SELECT c.id, u.id, true, true, 'Observator', :rev
            FROM cases c JOIN LATERAL (SELECT id FROM users WHERE username LIKE 'user%'
                                        ORDER BY (id * 7919 + c.id) % 14489 LIMIT 5) u ON true
            WHERE c.name LIKE 'Case %'"""), dict(rev=rev))
        c.execute(text("""
            INSERT INTO feeds (case_id, name, kind, position, roles, revision)
            SELECT id, 'Multi', 'multi', 0, '', :rev FROM cases WHERE name LIKE 'Case %'"""),
                  dict(rev=rev))
        c.execute(text("""
            INSERT INTO anchors (case_id, organisation_id, name, category, description,
                                 geometry_geojson, min_lon, min_lat, max_lon, max_lat, revision)
            SELECT CASE WHEN g % 3 = 0 THEN NULL
                        ELSE (SELECT min(id) FROM cases) + g % :cases END,
                   (SELECT min(id) FROM organisations) + g % 600, 'Anker ' || g, 'sleutel', '',
                   '{"type":"Point","coordinates":[' || (3 + (g % 1000) * 0.003) || ','
                       || (50 + (g / 1000) * 0.05) || ']}',
                   3 + (g % 1000) * 0.003, 50 + (g / 1000) * 0.05,
                   3 + (g % 1000) * 0.003, 50 + (g / 1000) * 0.05, :rev
            FROM generate_series(1, :n) g"""), dict(rev=rev, n=ANCHORS - 15, cases=CASES - 4))
        seveso = c.execute(text("SELECT id FROM cases WHERE name LIKE '%Nordchem%'")).scalar()
        multi = c.execute(text("SELECT id FROM feeds WHERE case_id = :c AND kind = 'multi'"),
                          dict(c=seveso)).scalar()
        c.execute(text("""
            INSERT INTO messages (case_id, feed_id, author_id, crisis_role, created_at, text,
                                  tags, revision)
            SELECT :case, :feed, :owner, 'Burgemeester',
                   now() - interval '2 days' + g * interval '1 second',
                   'Bericht ' || g || ' over de toestand', '', :rev
            FROM generate_series(1, :n) g"""),
                  dict(case=seveso, feed=multi, owner=owner, rev=rev, n=BIG_CASE_MESSAGES))
        c.execute(text("""
            INSERT INTO messages (case_id, feed_id, author_id, crisis_role, created_at, text,
                                  tags, revision)
            SELECT f.case_id, f.id, :owner, 'Observator',
                   now() - interval '30 days' + g * interval '1 second',
                   'Bericht ' || g, '', :rev
            FROM generate_series(1, :n) g
            JOIN feeds f ON f.id = (SELECT min(id) FROM feeds WHERE case_id >
                                    (SELECT max(id) FROM cases WHERE name NOT LIKE 'Case %'))
                                   + g % :cases"""),
                  dict(owner=owner, rev=rev, n=MESSAGES - BIG_CASE_MESSAGES, cases=CASES - 4))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE"))
        counts = {t: c.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                  for t in ("users", "anchors", "cases", "messages")}
    db.dispose()
    print("volume:", ", ".join(f"{k} {v:,}" for k, v in counts.items()))


def timed(fn, runs: int) -> list[float]:
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        values.append((time.perf_counter() - started) * 1000)
    return values


def scale(url: str) -> None:
    started = time.perf_counter()
    fill_icms(url)
    print(f"generated in {time.perf_counter() - started:.0f} s")
    from paragon_desktop.app import build_services
    from paragon_desktop.services.auth import AuthService

    owner_db = Database.open(url)
    owner = build_services(owner_db)
    _db, as_login, user = login(url, "an.peeters")
    _db2, writer, tom = login(url, "tom.declercq")
    case = as_login.cases.find_case(user, "Nordchem")
    multi = next(f.id for f in as_login.cases.open_case(user, case.id).changes.feeds
                 if f.name == "Multi")
    owner_user = AuthService(owner_db).user_by_name("an.peeters")
    for label, services, who in (("login role (RLS on)", as_login, user),
                                 ("owner (RLS off)", owner, owner_user)):
        services.cases.open_case(who, case.id)  # warm
        print(f"[{label}] open case          ms", summary(timed(
            lambda s=services, w=who: s.cases.open_case(w, case.id), 20)))
        print(f"[{label}] newest feed page   ms", summary(timed(
            lambda s=services, w=who: s.feeds.page(w, multi), 20)))
        revision = services.cases.open_case(who, case.id).changes.revision
        print(f"[{label}] no-change refresh  ms", summary(timed(
            lambda s=services, w=who, r=revision: s.cases.changes_since(w, case.id, r), 200)))
        one = []
        for i in range(30):
            before = services.cases.changes_since(who, case.id, revision).revision
            writer.feeds.post(tom, multi, f"een bericht {i}", [])
            started = time.perf_counter()
            changes = services.cases.changes_since(who, case.id, before)
            one.append((time.perf_counter() - started) * 1000)
            assert len(changes.messages) == 1, len(changes.messages)
            revision = changes.revision
        print(f"[{label}] one-message refresh ms", summary(one))
    owner_db.dispose()


def main() -> None:
    which = sys.argv[1:] or ["propagation", "scale"]
    if "propagation" in which:
        with pg_database("paragon_bench_live") as url:
            fill_demo(url)
            delays = propagation(url)
            print("propagation A -> B (commit to B's docks and map) ms", summary(delays))
            print(f"  mean {statistics.mean(delays):.1f}")
    if "scale" in which:
        with pg_database("paragon_bench_icms") as url:
            fill_demo(url)
            scale(url)


if __name__ == "__main__":
    main()
