"""The shared server's write path (issue 13): what the server's checks cost, and what a commit
costs the server when a national crisis has hundreds of windows listening.

append: tom.declercq's own login role posts one message (with its operation id) into the
  Nordchem Multi feed, 200 times: the time of FeedService.post. The same as the owner (no
  checks, only the revision stamped), and as the login role with the messages check trigger
  disabled, so the difference is the check's own cost. Target: median under 20 ms.
fanout: 200 simulated clients (threads, each its own login connection as one of ten demo
  users) listen while spread over 50 public cases, four per case. Each notification a client
  accepts makes it ask CaseService.changes_since for its case, as a window does. A writer then
  commits one message in each of the 50 cases. Measured: the server's CPU time (all backends,
  from /proc) per commit, and refreshes per commit, with every client waking on every commit
  (as before issue 13) and with notifications naming their case.

Usage: python bench/bench_write_path.py [append|fanout]   (default both)
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import summary  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from paragon_desktop.services.auth import AuthService  # noqa: E402
from paragon_desktop.services.cases import CaseService  # noqa: E402
from paragon_desktop.services.demo import build_demo  # noqa: E402
from paragon_desktop.services.events import CaseEvents  # noqa: E402
from paragon_desktop.services.feeds import FeedService  # noqa: E402
from paragon_desktop.services.once import new_op_id  # noqa: E402
from paragon_desktop.storage.db import Database  # noqa: E402
from paragon_desktop.storage.migrate import upgrade  # noqa: E402
from paragon_desktop.storage.models import Case, Feed  # noqa: E402

PASSWORD = "oefening2026"
READERS = ("an.peeters", "tom.declercq", "sofie.janssens", "karim.elamrani", "lotte.maes",
           "jan.devos", "nina.desmet", "pieter.wouters", "els.vandamme", "wim.verhaegen")
CASES, CLIENTS = 50, 200


@contextmanager
def server() -> Iterator[tuple[str, int]]:
    """A throwaway cluster with room for the simulated clients: (owner URL, postmaster pid)."""
    from tests import pg

    with pg.cluster(max_connections="450") as cluster:
        admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text("CREATE DATABASE bench_write"))
        admin.dispose()
        url = make_url(cluster.url).set(database="bench_write").render_as_string(
            hide_password=False)
        db = Database.open(url)
        upgrade(db.engine)
        build_demo(db)
        db.dispose()
        yield url, cluster.postmaster_pid


def as_login(url: str, username: str) -> str:
    return make_url(url).set(username=username, password=PASSWORD).render_as_string(
        hide_password=False)


def seveso_multi(owner: Database) -> tuple[int, int]:
    with owner.sessions() as session:
        case_id = session.scalars(select(Case.id).where(Case.name.like("%Nordchem%"))).one()
        multi = session.scalars(select(Feed.id).where(Feed.case_id == case_id,
                                                      Feed.kind == "multi")).one()
    return case_id, multi


def append(url: str) -> None:
    owner = Database.open(url)
    _case, multi = seveso_multi(owner)
    results = {}
    tom = as_login(url, "tom.declercq")
    for label, db_url, disable_check in (("login role, server checks", tom, False),
                                         ("login role, message check off", tom, True),
                                         ("owner (trusted, revision only)", url, False)):
        if disable_check:
            with owner.engine.begin() as c:
                c.execute(text("ALTER TABLE messages DISABLE TRIGGER b_check"))
        db = Database.open(db_url)
        service = FeedService(db, CaseEvents())
        user = (AuthService(db).current_login() if db_url != url
                else AuthService(db).user_by_name("tom.declercq"))
        for i in range(20):  # warm up
            service.post(user, multi, f"opwarmen {i}", op_id=new_op_id())
        times = []
        for i in range(200):
            start = time.perf_counter()
            service.post(user, multi, f"{label} {i}", op_id=new_op_id())
            times.append((time.perf_counter() - start) * 1000)
        db.dispose()
        if disable_check:
            with owner.engine.begin() as c:
                c.execute(text("ALTER TABLE messages ENABLE TRIGGER b_check"))
        results[label] = times
        print(f"append one message, {label:34s} ms: {summary(times)}")
    checked = statistics.median(results["login role, server checks"])
    unchecked = statistics.median(results["login role, message check off"])
    print(f"cost of the message check: {checked - unchecked:.2f} ms per message (median)")
    owner.dispose()


def _cases(owner_url: str) -> list[tuple[int, int]]:
    """49 more public cases like the Nordchem one (same shares), each with a Multi feed where
    tom.declercq takes part: (case, multi feed) for all 50."""
    owner = Database.open(owner_url)
    seveso, multi = seveso_multi(owner)
    with owner.engine.begin() as c:
        for i in range(CASES - 1):
            case_id = c.execute(text(
                "INSERT INTO cases (name, name_suffix, category, access, case_type, location_name, "
                "location_geojson, location_kind, occurred_at, description, status, created_by_id, "
                "organisation_id, created_at, revision) SELECT name || ' ' || :i, name_suffix, "
                "category, access, case_type, location_name, location_geojson, location_kind, "
                "occurred_at, description, status, created_by_id, organisation_id, created_at, 0 "
                "FROM cases WHERE id = :s RETURNING id"), dict(i=i, s=seveso)).scalar_one()
            c.execute(text("INSERT INTO case_shares (case_id, organisation_id, reason, revision) "
                           "SELECT :c, organisation_id, reason, 0 FROM case_shares WHERE case_id = :s"),
                      dict(c=case_id, s=seveso))
            c.execute(text("INSERT INTO feeds (case_id, name, kind, position, roles, revision) "
                           "VALUES (:c, 'Multi', 'multi', 0, '', 0)"), dict(c=case_id))
            c.execute(text(
                "INSERT INTO case_users (case_id, user_id, invited, participating, organisation_id, "
                "crisis_role, crisis_cell, revision) SELECT :c, user_id, invited, participating, "
                "organisation_id, crisis_role, crisis_cell, 0 FROM case_users "
                "WHERE case_id = :s AND user_id = (SELECT id FROM users WHERE username = 'tom.declercq')"),
                dict(c=case_id, s=seveso))
        rows = c.execute(text("SELECT f.case_id, f.id FROM feeds f WHERE f.kind = 'multi' AND "
                              "f.case_id IN (SELECT case_id FROM case_users WHERE user_id = "
                              "(SELECT id FROM users WHERE username = 'tom.declercq') "
                              "AND participating) ORDER BY f.case_id")).all()
    owner.dispose()
    return [(r[0], r[1]) for r in rows if r[0] != seveso][: CASES - 1] + [(seveso, multi)]


def server_cpu_s(postmaster: int) -> float:
    """CPU time (user + system) of every server process: the postmaster's children."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == postmaster or int(entry) == postmaster:  # ppid is field 4
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


class Client(threading.Thread):
    """A window without a GUI: its own login connection, LISTEN, and on each notification it
    accepts one changes_since for its case (as MainWindow.refresh)."""

    def __init__(self, url: str, username: str, case_id: int, targeted: bool,
                 stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.case_id, self.targeted, self.stop_event = case_id, targeted, stop
        self.db = Database.open(as_login(url, username))
        self.cases = CaseService(self.db)
        self.user = AuthService(self.db).current_login()
        self.revision = self.cases.changes_since(self.user, case_id, 0).revision
        self.refreshes = 0
        import psycopg

        from paragon_desktop.storage.notify import conninfo_of

        self.conn = psycopg.connect(conninfo_of(make_url(as_login(url, username))), autocommit=True)
        self.conn.execute("LISTEN paragon_changes")

    def run(self) -> None:
        while not self.stop_event.is_set():
            for notify in self.conn.notifies(timeout=0.2):
                revision, _, case = notify.payload.partition(":")
                if self.targeted and case not in ("*", str(self.case_id)):
                    continue
                if int(revision) > self.revision:
                    self.revision = self.cases.changes_since(self.user, self.case_id,
                                                             self.revision).revision
                    self.refreshes += 1
        self.conn.close()
        self.db.dispose()


def fanout(url: str, postmaster: int) -> None:
    cases = _cases(url)
    writer_db = Database.open(as_login(url, "tom.declercq"))
    writer = FeedService(writer_db, CaseEvents())
    tom = AuthService(writer_db).current_login()
    for targeted in (False, True):
        stop = threading.Event()
        clients = [Client(url, READERS[i % len(READERS)], cases[i % CASES][0], targeted, stop)
                   for i in range(CLIENTS)]
        for client in clients:
            client.start()
        time.sleep(2)
        before = server_cpu_s(postmaster)
        start = time.monotonic()
        for case_id, multi in cases:
            writer.post(tom, multi, f"Melding voor case {case_id}", op_id=new_op_id())
            time.sleep(0.05)
        # Let every client finish what the commits woke it for.
        settled, last = time.monotonic(), sum(c.refreshes for c in clients)
        while time.monotonic() - settled < 3:
            time.sleep(0.5)
            now = sum(c.refreshes for c in clients)
            if now != last:
                settled, last = time.monotonic(), now
        cpu = server_cpu_s(postmaster) - before
        elapsed = time.monotonic() - start
        stop.set()
        for client in clients:
            client.join(10)
        label = "notifications name their case" if targeted else "every commit wakes everyone "
        print(f"fanout {CLIENTS} clients / {CASES} cases, {label}: "
              f"server CPU {cpu * 1000 / len(cases):.1f} ms per commit, "
              f"{last / len(cases):.1f} refreshes per commit, {elapsed:.1f} s in all")
    writer_db.dispose()


def main() -> None:
    which = sys.argv[1:] or ["append", "fanout"]
    with server() as (url, postmaster):
        if "append" in which:
            append(url)
        if "fanout" in which:
            fanout(url, postmaster)


if __name__ == "__main__":
    main()
