"""Shared set-up for benchmarks: a fresh demo database in a temporary folder."""

from __future__ import annotations

import os
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOME = Path(tempfile.mkdtemp(prefix="paragon-bench-"))
os.environ.setdefault("PARAGON_DATA_DIR", str(HOME / "data"))
os.environ.setdefault("PARAGON_CONFIG_DIR", str(HOME / "config"))


def demo_database() -> Path:
    """The demo workspace, built once in a process of its own: building it reads the demo's layer
    files with GDAL, which the app's window process otherwise never loads (its memory is
    measured as a user's app is, one that did not build the demo)."""
    import subprocess
    import sys

    path = HOME / "bench.db"
    if not path.exists():
        subprocess.run([sys.executable, "-c", (
            "import sys\n"
            "from paragon_desktop.services.demo import build_demo\n"
            "from paragon_desktop.storage.db import Database\n"
            "from paragon_desktop.storage.migrate import upgrade\n"
            "db = Database.open(sys.argv[1])\n"
            "upgrade(db.engine)\n"
            "build_demo(db)\n"
            "db.dispose()\n"), str(path)], check=True)
    return path


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return (f"median {statistics.median(ordered):.2f}  p95 {p95:.2f}  "
            f"min {ordered[0]:.2f}  max {ordered[-1]:.2f}  (n={len(ordered)})")


def wait_until(predicate, timeout_s: float = 60.0, poll_ms: int = 1) -> None:
    """Run the Qt event loop until ``predicate()`` is true or the time is up."""
    import time

    from PySide6.QtCore import QEventLoop, QTimer

    if predicate():
        return
    loop = QEventLoop()
    deadline = time.monotonic() + timeout_s

    def poll() -> None:
        if predicate() or time.monotonic() > deadline:
            loop.quit()
        else:
            QTimer.singleShot(poll_ms, poll)

    # The first check too runs inside exec(): a loop told to quit before it runs ignores it and
    # waits for ever (a predicate that runs the event loop itself can turn true in between).
    QTimer.singleShot(0, poll)
    loop.exec()


@contextmanager
def pg_database(name: str) -> Iterator[str]:
    """A fresh database on a throwaway PostgreSQL server (tests/pg.py, or PARAGON_TEST_PG_URL),
    dropped afterwards. Raises (pytest's Skipped, outside pytest too) when none can be had."""
    from tests import pg

    with pg.server() as server, pg.database(server, name) as url:
        yield url


class GuiStalls:
    """The GUI thread's longest stall while it runs: a 10 ms Qt timer's widest gap."""

    def __init__(self) -> None:
        import time

        from PySide6.QtCore import QTimer

        self._ticks: list[float] = []
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(lambda: self._ticks.append(time.perf_counter()))

    def start(self) -> None:
        self._ticks.clear()
        self._timer.start()

    def stop(self) -> float:
        """Stop, and the longest gap between two ticks in ms."""
        self._timer.stop()
        ticks = self._ticks
        return max((b - a for a, b in zip(ticks, ticks[1:], strict=False)), default=0) * 1000
