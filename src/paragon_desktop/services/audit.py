"""The audit trail: who did what in a case, when, in which crisis role."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from paragon_desktop.storage.models import AuditEvent


def record(
    session: Session,
    action: str,
    *,
    user_id: int | None,
    case_id: int | None = None,
    crisis_role: str | None = None,
    **details: Any,
) -> None:
    details_json = json.dumps(details, default=str, ensure_ascii=False)
    if session.get_bind().dialect.name == "postgresql":
        # Written by the server (migration 0006), which stamps who, when and in which role and
        # checks at commit that the entry matches a change this transaction made. The owner's
        # connection (demo, administrators) is trusted: its entry is stored as given.
        session.execute(
            text("SELECT paragon_audit(:case_id, :action, :details, :user_id, :role, :at)"),
            {"case_id": case_id, "action": action, "details": details_json, "user_id": user_id,
             "role": crisis_role, "at": datetime.now(UTC)})
        return
    session.add(
        AuditEvent(
            case_id=case_id,
            user_id=user_id,
            at=datetime.now(UTC),
            crisis_role=crisis_role,
            action=action,
            details_json=details_json,
        )
    )
