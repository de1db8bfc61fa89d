"""Live updates from PostgreSQL: LISTEN on the channel the revision counter's trigger notifies
(migration 0005), on a connection and thread of its own, with reconnection and backoff.

No Qt here: the UI wraps it and turns the callbacks into signals.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import URL

CHANNEL = "paragon_changes"
HEARTBEAT_S = 10.0


def conninfo_of(url: URL) -> str:
    """The libpq connection string of a SQLAlchemy URL, with keepalives so that a server that
    vanished without closing the connection (network cut) is noticed in about half a minute."""
    extra = {k: v for k, v in url.query.items() if isinstance(v, str)}
    return make_conninfo(
        "", host=url.host, port=url.port, dbname=url.database, user=url.username,
        password=url.password, connect_timeout=5, keepalives=1, keepalives_idle=10,
        keepalives_interval=5, keepalives_count=3, application_name="paragon-desktop live",
        **extra)


class ChangeListener:
    """Calls ``on_change(revision)`` for every commit that touched ``case_id`` (or, without one,
    for every commit anyone makes), and ``on_status(connected,
    retry_in_seconds)`` when the connection is lost (with the wait before the next attempt) and
    when it is back (``retry_in`` None). After a reconnection the caller must ask what changed:
    notifications sent while away are not replayed."""

    def __init__(self, url: URL, on_change: Callable[[int], None],
                 on_status: Callable[[bool, float | None], None], *,
                 first_backoff: float = 1.0, max_backoff: float = 30.0,
                 case_id: int | None = None) -> None:
        self._conninfo = conninfo_of(url)
        self._case = str(case_id) if case_id is not None else None
        self._on_change = on_change
        self._on_status = on_status
        self._first, self._max = first_backoff, max_backoff
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="paragon-listen", daemon=True)
        self.connected = False

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def concerns(self, payload: str) -> int | None:
        """The revision of a notification about our case (or about what every window shows);
        None for another case's or a malformed one. Anyone may NOTIFY: a forged notification
        costs one "what changed since" that finds nothing."""
        revision, _, case = payload.partition(":")
        if not revision.isdigit() or (case and self._case is not None
                                      and case not in ("*", self._case)):
            return None
        return int(revision)

    def _run(self) -> None:
        backoff = self._first
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.connected = True
                    backoff = self._first
                    self._on_status(True, None)
                    self._listen(conn)
            except psycopg.Error:
                pass
            self.connected = False
            if self._stop.is_set():
                return
            self._on_status(False, backoff)
            if self._stop.wait(backoff):
                return
            backoff = min(self._max, backoff * 2)

    def _listen(self, conn: psycopg.Connection) -> None:
        last_beat = time.monotonic()
        while not self._stop.is_set():
            for notify in conn.notifies(timeout=0.25):
                revision = self.concerns(notify.payload)
                if revision is not None:
                    self._on_change(revision)
            if time.monotonic() - last_beat > HEARTBEAT_S:
                conn.execute("SELECT 1")
                last_beat = time.monotonic()
