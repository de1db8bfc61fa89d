"""The audit trail of a case, for its coordinators: who did what, when, in which crisis role."""

from __future__ import annotations

import json

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.i18n import N_, _
from paragon_desktop.services.views import AuditEntry
from paragon_desktop.ui.models.messages import LOCAL_TZ

ACTIONS = {
    "case.started": N_("Case gestart"),
    "case.edited": N_("Case-informatie aangepast"),
    "case.closed": N_("Case afgesloten"),
    "case.reopened": N_("Case heropend"),
    "case.opened": N_("Case geopend in crisisrol"),
    "case.user_invited": N_("Gebruiker uitgenodigd"),
    "case.user_removed": N_("Gebruiker verwijderd"),
    "case.organisation_invited": N_("Organisatie uitgenodigd"),
    "case.organisation_removed": N_("Organisatie verwijderd"),
}


def describe(entry: AuditEntry) -> str:
    """What changed, as plain text (shown in a table cell, never as markup)."""
    details = dict(entry.details)
    parts = []
    for field, change in (details.pop("changes", None) or {}).items():
        if isinstance(change, list) and len(change) == 2:
            parts.append(f"{field}: {change[0]!s} → {change[1]!s}")
        else:
            parts.append(f"{field}: {change}")
    for key, value in details.items():
        if value in (None, "", [], {}):
            continue
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False)
        parts.append(f"{key}: {value}")
    return "; ".join(parts)


class AuditTrailDialog(QDialog):
    def __init__(self, entries: list[AuditEntry], title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Audit-trail - {case}").format(case=title))
        self.resize(980, 480)
        self.table = QTableWidget(len(entries), 5)
        self.table.setHorizontalHeaderLabels(
            [_("Tijd"), _("Gebruiker"), _("Crisisrol"), _("Actie"), _("Wat")])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for row, entry in enumerate(entries):
            values = (entry.at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M:%S"), entry.user,
                      entry.crisis_role or "", _(ACTIONS.get(entry.action, entry.action)),
                      describe(entry))
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                self.table.setItem(row, column, item)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
