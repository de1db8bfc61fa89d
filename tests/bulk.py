"""Crisis-sized databases in seconds: many messages added with plain SQL (for tests and benchmarks)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path


def add_messages(path: Path, count: int, text: str) -> None:
    """``count`` messages of ``text`` (numbered) in the demo case's Multi feed, then a checkpoint."""
    connection = sqlite3.connect(path)
    try:
        feed, case, author, org = connection.execute(
            "SELECT f.id, f.case_id, u.id, m.organisation_id FROM feeds f, users u "
            "JOIN memberships m ON m.user_id = u.id WHERE f.kind = 'multi' LIMIT 1").fetchone()
        revision = connection.execute("SELECT value FROM revision_counter").fetchone()[0]
        now = datetime.now(UTC).isoformat()
        with connection:
            connection.executemany(
                "INSERT INTO messages (case_id, feed_id, author_id, organisation_id, crisis_role, "
                "created_at, text, tags, revision) VALUES (?, ?, ?, ?, 'Dir-CP-Ops', ?, ?, '', ?)",
                ((case, feed, author, org, now, f"{i}: {text}", revision) for i in range(count)))
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
