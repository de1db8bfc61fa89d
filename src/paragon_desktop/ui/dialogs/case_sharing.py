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
from paragon_desktop.domain.feeds import role_label
from paragon_desktop.i18n import N_, _
from paragon_desktop.services.case_admin import Outcome
from paragon_desktop.services.places import PlaceService
from paragon_desktop.services.sharing import SharingService
from paragon_desktop.services.views import CaseSummary, DirectoryEntry, SharingView, UserView
from paragon_desktop.ui.ops import Ops
from paragon_desktop.ui.workers import Workers

REASONS = {"competent": N_("bevoegd (grondgebied)"), "neighbour": N_("buur (grenst aan)"),
           "invited": N_("uitgenodigd"),
           "plan": N_("noodplan")}


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
    def __init__(self, sharing: SharingService, places: PlaceService, user: UserView,
                 case: CaseSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sharing, self._user, self._case = sharing, user, case
        self.setWindowTitle(_("Gedeeld met - {case}").format(case=case.name))
        self.resize(760, 560)
        self.organisations = _table([_("Organisatie"), _("Waarom")])
        self.users = _table([_("Gebruiker"), _("Organisatie"), _("Toegang"), _("Crisisrol")])
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Organisaties")))
        layout.addWidget(self.organisations, 1)
        layout.addWidget(QLabel(_("Uitgenodigde en deelnemende gebruikers")))
        layout.addWidget(self.users, 1)

        invite_refusal = case_refusal(CaseAction.INVITE, user.access_level, case_open=case.is_open)
        remove_refusal = case_refusal(CaseAction.REMOVE, user.access_level, case_open=case.is_open)
        # Everything is read and written off the GUI thread (ui/ops); the lists fill when read.
        self._workers = Workers(self)
        self._ops = Ops(self._workers, tell=self.message.setText)
        self.loads = 0  # answers shown (for tests)
        self.user_choice = QComboBox()
        self.org_choice = QComboBox()
        self.invite_user_button = QPushButton(_("Gebruiker uitnodigen"))
        self.invite_org_button = QPushButton(_("Organisatie uitnodigen"))
        self.remove_user_button = QPushButton(_("Gebruiker verwijderen"))
        self.remove_org_button = QPushButton(_("Organisatie verwijderen"))
        for button, refusal in ((self.invite_user_button, invite_refusal),
                                (self.invite_org_button, invite_refusal),
                                (self.remove_user_button, remove_refusal),
                                (self.remove_org_button, remove_refusal)):
            button.setEnabled(refusal is None)
            if refusal:
                button.setToolTip(refusal)
        if case.access == "private":
            self.invite_org_button.setEnabled(False)
            self.invite_org_button.setToolTip(_("In een privé-case worden gebruikers individueel "
                                              "uitgenodigd."))
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
            lambda: self._do(sharing.invite_user, self.user_choice.currentData()))
        self.invite_org_button.clicked.connect(
            lambda: self._do(sharing.invite_organisation, self.org_choice.currentData()))
        self.remove_user_button.clicked.connect(
            lambda: self._do(sharing.remove_user, self._selected(self.users)))
        self.remove_org_button.clicked.connect(
            lambda: self._do(sharing.remove_organisation, self._selected(self.organisations)))
        self._buttons = [self.invite_user_button, self.invite_org_button, self.remove_user_button,
                         self.remove_org_button]
        self._ops.run(places.directory, self._show_directory)
        self.reload()

    def _show_directory(self, directory: tuple[list[DirectoryEntry], list[DirectoryEntry]]) -> None:
        users, orgs = directory
        for entry in users:
            self.user_choice.addItem(f"{entry.name} ({entry.detail})", entry.id)
        for entry in orgs:
            self.org_choice.addItem(entry.name, entry.id)

    def done(self, result: int) -> None:
        self._workers.shutdown()
        super().done(result)

    @staticmethod
    def _selected(table: QTableWidget) -> int | None:
        items = table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def _do(self, action, target_id: int | None) -> None:
        if target_id is None:
            self.message.setText(_("Kies eerst een rij in de lijst."))
            return
        user, case_id = self._user, self._case.id

        def done(outcome: Outcome) -> None:
            self.message.setText(" ".join(outcome.notes))
            self.reload()

        self._ops.run(lambda: action(user, case_id, target_id), done,
                      lambda exc: self.message.setText(str(exc)), busy=self._buttons)

    def reload(self) -> None:
        service, user, case_id = self._sharing, self._user, self._case.id
        self._ops.run(lambda: service.sharing(user, case_id), self._show, latest="sharing")

    def _show(self, sharing: SharingView) -> None:
        self.organisations.setRowCount(len(sharing.organisations))
        for row, share in enumerate(sharing.organisations):
            for column, text in enumerate((share.organisation, _(REASONS.get(share.reason, share.reason)))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, share.organisation_id)
                self.organisations.setItem(row, column, item)
        self.users.setRowCount(len(sharing.users))
        for row, entry in enumerate(sharing.users):
            access = " + ".join(p for p, on in (("uitgenodigd", entry.invited),
                                                 ("deelnemer", entry.participating)) if on)
            for column, text in enumerate((entry.display_name, entry.organisations, access,
                                           role_label(entry.crisis_role))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, entry.user_id)
                self.users.setItem(row, column, item)
        self.loads += 1
