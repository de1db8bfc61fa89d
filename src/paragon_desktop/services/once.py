"""Exactly once: every write a client makes carries an id the client generated (a UUID). The
first time the id arrives the write is stored together with it (``client_ops``, in the same
transaction); a resend of the same id (after a cut connection, a crash, from the outbox) finds
it and is answered "already stored" with what the first one made, and nothing is stored twice.

Two sends of one id racing each other meet at the table's primary key: the second fails on it
and answers from the first (``exactly_once``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paragon_desktop.domain.errors import ValidationError
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import ClientOp


def new_op_id() -> str:
    return str(uuid.uuid4())


def check_op_id(op_id: str) -> str:
    try:
        return str(uuid.UUID(op_id))
    except (ValueError, TypeError, AttributeError):
        raise ValidationError("{op_id!r} is not an operation id (a UUID).",
                              op_id=op_id) from None


def stored(session: Session, op_id: str | None, user_id: int, kind: str) -> ClientOp | None:
    """The earlier write with this id, if there was one (of this user and this kind)."""
    if op_id is None:
        return None
    row = session.get(ClientOp, check_op_id(op_id))
    if row is not None and (row.user_id != user_id or row.kind != kind):
        raise ValidationError("That operation id was used for something else; nothing was stored.")
    return row


def remember(session: Session, op_id: str | None, user_id: int, kind: str,
             result_id: int | None) -> None:
    if op_id is not None:
        session.add(ClientOp(op_id=check_op_id(op_id), user_id=user_id, kind=kind,
                             result_id=result_id, at=datetime.now(UTC)))


@dataclass(frozen=True)
class Once:
    result_id: int  # the row the write made (now, or the first time)
    replayed: bool  # stored before under this id: nothing new was written


def exactly_once(db: Database, op_id: str | None, user_id: int, kind: str,
                 write: Callable[[Session], int]) -> Once:
    """Run ``write`` (which returns the id of the row it made) in one transaction, stored under
    ``op_id``. A resend finds the id first and answers from it, before any check: what was
    stored stays stored, whatever changed since. A racing send of the same id fails on the
    table's key and answers from the winner."""
    try:
        with db.sessions.begin() as session:
            if (op := stored(session, op_id, user_id, kind)) is not None:
                return Once(int(op.result_id or 0), True)
            result_id = write(session)
            remember(session, op_id, user_id, kind, result_id)
            session.flush()
            return Once(result_id, False)
    except IntegrityError as exc:
        if op_id is None or "client_ops" not in str(exc.orig):
            raise
        with db.sessions() as session:
            op = stored(session, op_id, user_id, kind)
        if op is None:
            raise
        return Once(int(op.result_id or 0), True)
