"""The case's own details, readable by everyone in the case (read-only users included):
category, type, phase, Astrid block, start, location, description, who started it, and for a
closed case who closed it and when. Text from users is shown as plain text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from paragon_desktop.services.views import CaseSummary
from paragon_desktop.ui.models.messages import LOCAL_TZ


def local(moment) -> str:  # type: ignore[no-untyped-def]
    return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def details(case: CaseSummary) -> list[tuple[str, str]]:
    rows = [
        ("Case", case.name),
        ("Categorie", case.category.label_nl),
        ("Type", case.case_type),
        ("Fase", case.phase or "—"),
        ("Astrid-blokindex", case.astrid_block or "—"),
        ("Begonnen", local(case.occurred_at)),
        ("Locatie", case.location_name or "—"),
        ("Toegang", "Publiek" if case.access == "public" else "Privé"),
        ("Gestart door", f"{case.created_by}, {case.organisation}" if case.created_by
         else case.organisation),
        ("Status", "Open" if case.is_open else "Afgesloten"),
    ]
    if not case.is_open and case.closed_at is not None:
        rows.append(("Afgesloten", local(case.closed_at)
                     + (f" door {case.closed_by}" if case.closed_by else "")))
    rows.append(("Beschrijving", case.description or "—"))
    return rows


class CaseDetailsDialog(QDialog):
    def __init__(self, case: CaseSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Case-gegevens")
        self.setMinimumWidth(480)
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for label, value in details(case):
            shown = QLabel(value)
            shown.setTextFormat(Qt.TextFormat.PlainText)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[label] = shown
            form.addRow(label, shown)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Sluiten")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
