"""What the embedded database's care costs: the start-up check and a backup, on the demo and on
a crisis-sized database (100,000 messages of 300 characters, about 60 MB), and a backup taken
while another thread keeps writing.

The start-up check (storage/health.py: header, quick_check, schema revision) runs before the
window opens; backups run on the worker pool.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))
from _common import HOME, demo_database, summary  # noqa: E402

from paragon_desktop.storage import backup, health  # noqa: E402
from tests.bulk import add_messages  # noqa: E402

MESSAGES = 100_000


def crisis_database() -> Path:
    path = HOME / "crisis.db"
    if path.exists():
        return path
    shutil.copy(demo_database(), path)
    add_messages(path, MESSAGES, ("Meetploeg meldt NH3 op het kruispunt, waarden stijgen; verkeer "
                                  "omleiden via de N70, bewoners binnen blijven, ramen en deuren "
                                  "dicht. ") * 2)
    return path


def timed(fn, rounds: int = 5) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    for label, path in (("demo", demo_database()), ("100,000 messages", crisis_database())):
        size = path.stat().st_size / 1e6
        checks = timed(lambda p=path: health.check(p))
        folder = HOME / f"backups-{label[:4]}"
        backups = timed(lambda p=path, f=folder: backup.backup_to(
            p, f / f"b-{time.perf_counter_ns()}.db"), rounds=3)
        print(f"{label} ({size:.1f} MB): start-up check ms {summary(checks)}")
        print(f"{label} ({size:.1f} MB): backup (copy, integrity check, fsync) ms {summary(backups)}")
    # A backup while another thread writes: how long it takes, and how many writes got through.
    from paragon_desktop.services.bundle import build_services
    from paragon_desktop.storage.db import Database

    path = crisis_database()
    db = Database.open(path)
    services = build_services(db)
    user = services.auth.user_by_name("an.peeters")
    case = services.cases.list_cases(user)[0]
    feed = services.cases.open_case(user, case.id).changes.feeds[0]
    stop = threading.Event()
    latencies: list[float] = []

    def write() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            services.feeds.post(user, feed.id, "tijdens de back-up", [])
            latencies.append((time.perf_counter() - started) * 1000)

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(0.5)
    before = len(latencies)
    started = time.perf_counter()
    backup.take(path)
    took = (time.perf_counter() - started) * 1000
    during = latencies[before:]
    stop.set()
    writer.join()
    db.dispose()
    print(f"backup of the 100,000-message database while another thread writes: {took:.0f} ms; "
          f"{len(during)} messages stored meanwhile, each {summary(during)} ms")


if __name__ == "__main__":
    main()
