"""Who a case is shared with, and why; coordinators invite and remove users and organisations."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.domain.access import CaseAction, case_refusal
from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.services.case_admin import CaseAdminService
from paragon_desktop.services.views import CaseSummary, UserView

REASONS_NL = {"competent": "bevoegd (grondgebied)", "neighbour": "buur (grenst aan)",
              "invited": "uitgenodigd"}


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class CaseSharingDialog(QDialog):
    def __init__(self, admin: CaseAdminService, user: UserView, case: CaseSummary,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._admin, self._user, self._case = admin, user, case
        self.setWindowTitle(f"Gedeeld met - {case.name}")
        self.resize(760, 560)
        self.organisations = _table(["Organisatie", "Waarom"])
        self.users = _table(["Gebruiker", "Organisatie", "Toegang", "Crisisrol"])
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Organisaties"))
        layout.addWidget(self.organisations, 1)
        layout.addWidget(QLabel("Uitgenodigde en deelnemende gebruikers"))
        layout.addWidget(self.users, 1)

        invite_refusal = case_refusal(CaseAction.INVITE, user.access_level, case_open=case.is_open)
        remove_refusal = case_refusal(CaseAction.REMOVE, user.access_level, case_open=case.is_open)
        users, orgs = admin.directory()
        self.user_choice = QComboBox()
        for entry in users:
            self.user_choice.addItem(f"{entry.name} ({entry.detail})", entry.id)
        self.org_choice = QComboBox()
        for entry in orgs:
            self.org_choice.addItem(entry.name, entry.id)
        self.invite_user_button = QPushButton("Gebruiker uitnodigen")
        self.invite_org_button = QPushButton("Organisatie uitnodigen")
        self.remove_user_button = QPushButton("Gebruiker verwijderen")
        self.remove_org_button = QPushButton("Organisatie verwijderen")
        for button, refusal in ((self.invite_user_button, invite_refusal),
                                (self.invite_org_button, invite_refusal),
                                (self.remove_user_button, remove_refusal),
                                (self.remove_org_button, remove_refusal)):
            button.setEnabled(refusal is None)
            if refusal:
                button.setToolTip(refusal)
        if case.access == "private":
            self.invite_org_button.setEnabled(False)
            self.invite_org_button.setToolTip("In een privé-case worden gebruikers individueel "
                                              "uitgenodigd.")
        row1 = QHBoxLayout()
        row1.addWidget(self.user_choice, 1)
        row1.addWidget(self.invite_user_button)
        row1.addWidget(self.remove_user_button)
        row2 = QHBoxLayout()
        row2.addWidget(self.org_choice, 1)
        row2.addWidget(self.invite_org_button)
        row2.addWidget(self.remove_org_button)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.invite_user_button.clicked.connect(
            lambda: self._do(admin.invite_user, self.user_choice.currentData()))
        self.invite_org_button.clicked.connect(
            lambda: self._do(admin.invite_organisation, self.org_choice.currentData()))
        self.remove_user_button.clicked.connect(
            lambda: self._do(admin.remove_user, self._selected(self.users)))
        self.remove_org_button.clicked.connect(
            lambda: self._do(admin.remove_organisation, self._selected(self.organisations)))
        self.reload()

    @staticmethod
    def _selected(table: QTableWidget) -> int | None:
        items = table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def _do(self, action, target_id: int | None) -> None:
        if target_id is None:
            self.message.setText("Kies eerst een rij in de lijst.")
            return
        try:
            outcome = action(self._user, self._case.id, target_id)
        except ParagonError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(" ".join(outcome.notes))
        self.reload()

    def reload(self) -> None:
        sharing = self._admin.sharing(self._user, self._case.id)
        self.organisations.setRowCount(len(sharing.organisations))
        for row, share in enumerate(sharing.organisations):
            for column, text in enumerate((share.organisation, REASONS_NL.get(share.reason, share.reason))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, share.organisation_id)
                self.organisations.setItem(row, column, item)
        self.users.setRowCount(len(sharing.users))
        for row, entry in enumerate(sharing.users):
            access = " + ".join(p for p, on in (("uitgenodigd", entry.invited),
                                                 ("deelnemer", entry.participating)) if on)
            for column, text in enumerate((entry.display_name, entry.organisations, access,
                                           entry.crisis_role or "")):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, entry.user_id)
                self.users.setItem(row, column, item)
