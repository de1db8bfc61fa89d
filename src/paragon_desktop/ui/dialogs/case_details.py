"""The case's own details, readable by everyone in the case (read-only users included):
category, type, phase, Astrid block, start, location, description, who started it, and for a
closed case who closed it and when. Text from users is shown as plain text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from paragon_desktop.i18n import _, when
from paragon_desktop.services.views import CaseSummary


def local(moment) -> str:  # type: ignore[no-untyped-def]
    return when(moment)


def details(case: CaseSummary) -> list[tuple[str, str]]:
    rows = [
        (_("Case"), case.name),
        (_("Categorie"), case.category.label),
        (_("Type"), _(case.case_type)),
        (_("Fase"), _(case.phase) if case.phase else "—"),
        (_("Astrid-blokindex"), case.astrid_block or "—"),
        (_("Begonnen"), local(case.occurred_at)),
        (_("Locatie"), case.location_name or "—"),
        (_("Toegang"), _("Publiek") if case.access == "public" else _("Privé")),
        (_("Gestart door"), f"{case.created_by}, {case.organisation}" if case.created_by
         else case.organisation),
        (_("Status"), _("Open") if case.is_open else _("Afgesloten")),
    ]
    if not case.is_open and case.closed_at is not None:
        rows.append((_("Afgesloten"), local(case.closed_at)
                     + (_(" door {name}").format(name=case.closed_by) if case.closed_by else "")))
    rows.append((_("Beschrijving"), case.description or "—"))
    return rows


class CaseDetailsDialog(QDialog):
    def __init__(self, case: CaseSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Case-gegevens"))
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
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Sluiten"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
