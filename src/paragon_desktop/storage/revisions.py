"""Stamp every written row with the revision of its transaction.

One revision per transaction: the first flush bumps the single counter row, which also takes the
write lock, so revisions follow commit order and a reader that has seen revision N has seen every
transaction up to N. Deleted rows leave a tombstone so refreshes can remove them.

On PostgreSQL the server keeps this bookkeeping itself (migration 0006): ``paragon_revision()``
takes the transaction's revision, triggers stamp it on every written row and write the
tombstones, and rows are removed through ``paragon_delete()`` with the app's rule. The client
asks the same function, so it knows the number the server stamps.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from paragon_desktop.storage.models import RevisionCounter, Revisioned, Tombstone

_KEY = "paragon_revision"


def current_revision(session: Session) -> int:
    value = session.execute(select(RevisionCounter.value).where(RevisionCounter.id == 1)).scalar()
    return int(value or 0)


def _server_keeps_books(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _transaction_revision(session: Session) -> int:
    revision = session.info.get(_KEY)
    if revision is None:
        if _server_keeps_books(session):
            revision = session.execute(text("SELECT paragon_revision()")).scalar_one()
        else:
            session.execute(
                update(RevisionCounter)
                .where(RevisionCounter.id == 1)
                .values(value=RevisionCounter.value + 1)
            )
            revision = current_revision(session)
        session.info[_KEY] = revision
    return int(revision)


def write_time(session: Session) -> datetime:
    """A timestamp that follows commit order: taken after this transaction holds the write
    lock (the revision counter row), from the server's clock on PostgreSQL so that clients
    whose clocks differ still agree. Rows ordered by it (feeds) are in the order committed."""
    _transaction_revision(session)
    if _server_keeps_books(session):
        value = session.execute(text("SELECT paragon_txn_time()")).scalar_one()
        return value.astimezone(UTC)
    return datetime.now(UTC)


def remove(session: Session, obj: Any) -> None:
    """Delete a row, leaving a tombstone. On PostgreSQL through ``paragon_delete()``, which
    applies the app's rule for the acting login role (login roles have no DELETE privilege);
    what is pending in the session is written first, in order."""
    if not _server_keeps_books(session):
        session.delete(obj)
        return
    session.flush()
    session.execute(text("SELECT paragon_delete(:table, :row_id)"),
                    {"table": obj.__tablename__, "row_id": obj.id})
    session.expunge(obj)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    touched = [o for o in (*session.new, *session.dirty) if isinstance(o, Revisioned)]
    touched = [o for o in touched if o in session.new or session.is_modified(o)]
    deleted = [o for o in session.deleted if isinstance(o, Revisioned)]
    if deleted and _server_keeps_books(session):
        raise RuntimeError("Delete rows with storage.revisions.remove(): on PostgreSQL the server "
                           "checks and records every removal.")
    if not touched and not deleted:
        return
    revision = _transaction_revision(session)
    for obj in touched:
        obj.revision = revision
    for obj in deleted:
        session.add(
            Tombstone(
                table_name=obj.__tablename__,  # type: ignore[attr-defined]
                row_id=obj.id,  # type: ignore[attr-defined]
                case_id=getattr(obj, "case_id", None),
                revision=revision,
            )
        )


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_KEY, None)


def install(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_transaction_end", _after_transaction_end)
