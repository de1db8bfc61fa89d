"""The audit trail: who did what in a case, when, in which crisis role."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

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
    session.add(
        AuditEvent(
            case_id=case_id,
            user_id=user_id,
            at=datetime.now(UTC),
            crisis_role=crisis_role,
            action=action,
            details_json=json.dumps(details, default=str, ensure_ascii=False),
        )
    )
