"""Reading a case's history: the audit trail (coordinators) and the public cases idle for more
than a month that NC112 closes (DOMAIN.md, Cases)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from paragon_desktop.domain.access import CaseAction, case_refusal
from paragon_desktop.domain.enums import CaseAccess
from paragon_desktop.domain.errors import AccessDenied
from paragon_desktop.services.access import visible_case, visible_case_ids
from paragon_desktop.services.cases import summary_of
from paragon_desktop.services.views import AuditEntry, InactiveCase, UserView
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import AuditEvent, Case, Layer, Message, User

INACTIVE_AFTER = timedelta(days=30)


class CaseReports:
    def __init__(self, db: Database) -> None:
        self._db = db

    def audit_trail(self, user: UserView, case_id: int) -> list[AuditEntry]:
        """Every recorded action in the case, oldest first. Coordinators only."""
        with self._db.sessions() as session:
            case = visible_case(session, user.id, case_id)
            refusal = case_refusal(CaseAction.READ_AUDIT, user.access_level,
                                   case_open=case.status == "open")
            if refusal:
                raise AccessDenied(refusal)
            return [
                AuditEntry(event.at, name or "?", event.crisis_role, event.action,
                           json.loads(event.details_json or "{}"))
                for event, name in session.execute(
                    select(AuditEvent, User.display_name)
                    .outerjoin(User, User.id == AuditEvent.user_id)
                    .where(AuditEvent.case_id == case_id)
                    .order_by(AuditEvent.at, AuditEvent.id)
                )
            ]

    def inactive_public_cases(self, user: UserView, now: datetime | None = None) -> list[InactiveCase]:
        """Open public cases this user sees with no activity (messages, layers, case actions)
        for more than a month: NC112 closes them (DOMAIN.md, Cases). Longest idle first."""
        now = now or datetime.now(UTC)
        with self._db.sessions() as session:
            visible = visible_case_ids(session, user.id)
            cases = [c for c in session.scalars(select(Case).where(
                Case.status == "open", Case.access == CaseAccess.PUBLIC.value)) if c.id in visible]
            ids = [c.id for c in cases]
            last: dict[int, datetime] = {c.id: c.created_at for c in cases}
            for column, case_column in ((Message.created_at, Message.case_id),
                                        (Layer.created_at, Layer.case_id),
                                        (AuditEvent.at, AuditEvent.case_id)):
                for case_id, at in session.execute(
                    select(case_column, func.max(column)).where(case_column.in_(ids))
                    .group_by(case_column)
                ):
                    if case_id is not None and at is not None:
                        last[case_id] = max(last[case_id], at)
            result = [InactiveCase(summary_of(session, c), last[c.id]) for c in cases
                      if now - last[c.id] > INACTIVE_AFTER]
            return sorted(result, key=lambda item: item.last_activity)
