"""Opening a case: the crisis role dialog (DOMAIN.md, Opening a case: crisis role, §4.6).

The role options are read and the choice is recorded off the GUI thread (``ui/ops``); the
dialog opens at once and fills when the options are read."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.domain.feeds import (
    GENERIC_ROLES,
    MAX_DESCRIPTION,
    OBSERVER_HINT,
    RoleChoice,
    role_label,
)
from paragon_desktop.i18n import N_, _
from paragon_desktop.services.participation import ParticipationService, RoleOptions
from paragon_desktop.services.views import CaseSummary, Participation, UserView
from paragon_desktop.ui.ops import Ops
from paragon_desktop.ui.workers import Workers

# No cell is an empty box; the hint is its placeholder, never its text (typing "GCC" into a box
# that held "(geen crisiscel)" as text gave the cell "(geen crisiscel)GCC").
NO_CELL = ""
NO_CELL_HINT = N_("geen crisiscel")
CHOOSE_ROLE = N_("Kies je crisisrol…")
HONESTY = N_("Kies de rol die je in deze case effectief opneemt: ze staat bij elk bericht en wordt "
           "bijgehouden. Verandert je rol, verlaat de case en open ze opnieuw.")


class CrisisRoleDialog(QDialog):
    def __init__(self, participation: ParticipationService, user: UserView, case: CaseSummary,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Case openen: crisisrol"))
        self.service = participation
        self.user = user
        self.case = case
        self.result_participation: Participation | None = None
        self.options = RoleOptions((), (), None)  # until read
        self.loaded = False
        self._entering = False

        title = QLabel(case.name)
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setWordWrap(True)
        title.setStyleSheet("font-weight: bold; font-size: 11pt;")
        self.organisation = QComboBox()
        self.organisation_label = QLabel(_("Organisatie"))
        self.role = QComboBox()
        self.cell = QComboBox()
        self.cell.setEditable(True)
        cell_edit = self.cell.lineEdit()
        assert cell_edit is not None  # an editable combo box has one
        cell_edit.setPlaceholderText(_(NO_CELL_HINT))
        cell_edit.setMaxLength(100)
        self.cell.setToolTip(_("Enkel als je in een crisiscel zetelt (bv. CP-Ops)"))
        self.description = QLineEdit()
        self.description.setMaxLength(MAX_DESCRIPTION)
        self.description.setPlaceholderText(_("Optioneel: je functie nader omschreven"))
        self.hint = QLabel(_(HONESTY))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #c92a2a;")
        self.error.hide()
        self._workers = Workers(self)
        self._ops = Ops(self._workers, tell=self._show_error)

        form = QFormLayout()
        form.addRow(self.organisation_label, self.organisation)
        form.addRow(_("Crisisrol"), self.role)
        form.addRow(_("Crisiscel"), self.cell)
        form.addRow(_("Beschrijving"), self.description)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.open_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.open_button.setText(_("Case openen"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuleren"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.organisation.currentIndexChanged.connect(self._fill_roles)
        self.role.currentIndexChanged.connect(self._on_role)
        self.role.setPlaceholderText(_(CHOOSE_ROLE))
        self.organisation.setVisible(False)
        self.organisation_label.setVisible(False)
        self.open_button.setEnabled(False)
        self.resize(460, self.sizeHint().height())
        self._ops.run(lambda: participation.role_options(user, case.id), self._show_options)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _show_options(self, options: RoleOptions) -> None:
        self.options = options
        self.organisation.blockSignals(True)
        for org in options.organisations:
            self.organisation.addItem(org.name, org.id)
        self.organisation.blockSignals(False)
        self.cell.addItems(list(options.cells))
        self.cell.setCurrentIndex(-1)
        # One organisation: nothing to choose (§4.6 asks only when linked to several).
        several = len(options.organisations) > 1
        self.organisation.setVisible(several)
        self.organisation_label.setVisible(several)
        self._prefill()
        self.loaded = True

    def _prefill(self) -> None:
        last = self.options.last
        if last is not None:
            index = self.organisation.findData(last.organisation_id)
            if index >= 0:
                self.organisation.setCurrentIndex(index)
        self._fill_roles()
        # The last role used in this case is proposed; otherwise nothing is: one Enter must not
        # record a noodplanningsambtenaar as mayor on every message.
        self.role.setCurrentIndex(self.role.findData(last.crisis_role) if last is not None else -1)
        if last is not None:
            if last.crisis_cell:
                self.cell.setCurrentText(last.crisis_cell)
            self.description.setText(last.description)
        self._on_role()

    def _fill_roles(self) -> None:
        org_id = self.organisation.currentData()
        org = next((o for o in self.options.organisations if o.id == org_id), None)
        self.role.clear()
        roles = list(org.roles) if org else list(GENERIC_ROLES)
        own = [r for r in roles if r not in GENERIC_ROLES]
        # The organisation's own roles as it named them; Paragon's generic ones in the user's
        # language. What is stored is the item's data.
        for role in own:
            self.role.addItem(role, role)
        if own:
            self.role.insertSeparator(len(own))
        for role in (r for r in roles if r in GENERIC_ROLES):
            self.role.addItem(role_label(role), role)
        self.role.setCurrentIndex(-1)  # chosen by the person, not by the list's order
        self._on_role()

    def _on_role(self) -> None:
        observer = self.role.currentData() == GENERIC_ROLES[0]
        self.hint.setText(f"{_(OBSERVER_HINT)} {_(HONESTY)}" if observer else _(HONESTY))
        self.open_button.setEnabled(self.role.currentIndex() >= 0 and not self._entering)

    def choice(self) -> RoleChoice:
        cell = self.cell.currentText().strip()
        return RoleChoice(self.organisation.currentData(), self.role.currentData() or "",
                          cell or None, self.description.text())

    def accept(self) -> None:
        if self._entering:
            return
        if self.role.currentIndex() < 0:
            self._show_error(_("Kies de crisisrol die je in deze case opneemt."))
            return
        service, user, case_id, choice = self.service, self.user, self.case.id, self.choice()
        self._entering = True
        self.open_button.setEnabled(False)

        def entered(participation: Participation) -> None:
            self._entering = False
            self.result_participation = participation
            super(CrisisRoleDialog, self).accept()

        def refused(exc: Exception) -> None:
            # The dialog stays open with every choice as it was.
            self._entering = False
            self._on_role()
            self._show_error(str(exc))

        self._ops.run(lambda: service.enter_case(user, case_id, choice), entered, refused)

    def done(self, result: int) -> None:
        self._workers.shutdown()
        super().done(result)
