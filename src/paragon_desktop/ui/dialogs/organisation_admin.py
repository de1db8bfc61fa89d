"""Beheer > Organisatie: an organisation admin's users (link, unlink, create, roles and access
level, deactivate and reactivate), its admins with a warning when fewer than two remain, and
what was done when. Every service call runs off the GUI thread (``Ops``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.domain.admin import LABEL_MAX, ROLE_LABELS, check_level, check_new_user
from paragon_desktop.domain.enums import AccessLevel, ManagementRole
from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.i18n import N_, _, when
from paragon_desktop.services.admin import (
    AdminService,
    MemberView,
    OrganisationUsers,
    TemporaryAccessView,
)
from paragon_desktop.services.views import UserView
from paragon_desktop.storage.logins import check_role_name
from paragon_desktop.ui.dialogs.module_window import ModuleHost
from paragon_desktop.ui.dialogs.parts import error_label, save_cancel
from paragon_desktop.ui.plain import ask, plain_tip

ACTIONS = {
    "created": N_("aangemaakt"), "linked": N_("gekoppeld"), "unlinked": N_("ontkoppeld"),
    "roles": N_("beheerrollen"), "level": N_("toegangsniveau"),
    "deactivated": N_("gedeactiveerd"), "reactivated": N_("geheractiveerd"),
    "case_access": N_("tijdelijke toegang"), "case_access_ended": N_("tijdelijke toegang beëindigd"),
}
WARNING_STYLE = "background: #fff3bf; color: #5c3c00; padding: 4px;"


def _table(headers: list[str]) -> QTableWidget:
    """A read-only list of rows, one chosen at a time."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


class _AccessForm(QWidget):
    """Case access level, a coordinator's label, and the management roles."""

    def __init__(self, level: AccessLevel = AccessLevel.AGENT, label: str | None = None,
                 roles: frozenset[ManagementRole] = frozenset()) -> None:
        super().__init__()
        self.level = QComboBox()
        for choice in AccessLevel:
            self.level.addItem(choice.label, choice.value)
        self.level.setCurrentIndex(self.level.findData(level.value))
        self.label = QLineEdit(label or "")
        self.label.setMaxLength(LABEL_MAX)
        self.label.setPlaceholderText(_("bv. Noodplanningscoördinator Scheldemonde"))
        self.roles = {role: QCheckBox(_(ROLE_LABELS[role])) for role in ManagementRole}
        for role, box in self.roles.items():
            box.setChecked(role in roles)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(_("Toegang tot cases"), self.level)
        form.addRow(_("Label (coördinator)"), self.label)
        column = QVBoxLayout()
        for box in self.roles.values():
            column.addWidget(box)
        form.addRow(_("Beheerrollen"), column)
        self.level.currentIndexChanged.connect(self._on_level)
        self._on_level()

    def _on_level(self) -> None:
        self.label.setEnabled(self.level.currentData() == AccessLevel.COORDINATOR.value)

    def chosen_level(self) -> AccessLevel:
        return AccessLevel(str(self.level.currentData()))

    def chosen_roles(self) -> frozenset[ManagementRole]:
        return frozenset(role for role, box in self.roles.items() if box.isChecked())


class MemberDialog(QDialog):
    def __init__(self, member: MemberView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Rollen en toegang - {name}").format(name=member.display_name))
        self.form = _AccessForm(member.level, member.label, member.roles)
        self.error = error_label()
        buttons = save_cancel(self, self._on_accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _on_accept(self) -> None:
        try:
            check_level(self.form.chosen_level(), self.form.label.text())
        except ParagonError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()


class NewUserDialog(QDialog):
    def __init__(self, organisation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Nieuwe gebruiker van {organisation}").format(
            organisation=organisation))
        self.username = QLineEdit()
        self.username.setPlaceholderText(_("bv. eva.smet"))
        self.display_name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.form = _AccessForm()
        self.error = error_label()
        buttons = save_cancel(self, self._on_accept)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        form = QFormLayout()
        form.addRow(_("Gebruikersnaam"), self.username)
        form.addRow(_("Volledige naam"), self.display_name)
        form.addRow(_("Wachtwoord"), self.password)
        form.addRow(_("Wachtwoord herhalen"), self.repeat)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _on_accept(self) -> None:
        try:
            check_role_name(self.username.text().strip().lower())
            check_new_user(self.display_name.text(), self.password.text())
            check_level(self.form.chosen_level(), self.form.label.text())
        except ParagonError as exc:
            self.show_error(str(exc))
            return
        if self.password.text() != self.repeat.text():
            self.show_error(_("De twee wachtwoorden verschillen."))
            return
        self.accept()


class TemporaryAccessDialog(QDialog):
    """An outside person (an expert, a CP-Ops director) gets one open case, through the
    organisation, until a date or until the case closes."""

    def __init__(self, organisation: str, cases: list[tuple[int, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Tijdelijke toegang via {organisation}").format(
            organisation=organisation))
        self.username = QLineEdit()
        self.username.setPlaceholderText(_("gebruikersnaam van de externe persoon"))
        self.case = QComboBox()
        for case_id, name in cases:
            self.case.addItem(name, case_id)
        self.limited = QCheckBox(_("Tot een datum (anders: tot de case wordt afgesloten)"))
        self.until = QDateTimeEdit(QDateTime.currentDateTime().addDays(1))
        self.until.setCalendarPopup(True)
        self.until.setMinimumDateTime(QDateTime.currentDateTime())
        self.until.setEnabled(False)
        self.limited.toggled.connect(self.until.setEnabled)
        note = QLabel(_("De persoon ziet alleen deze case en handelt erin voor uw organisatie."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(bool(cases))
        form = QFormLayout()
        form.addRow(_("Gebruiker"), self.username)
        form.addRow(_("Case"), self.case)
        form.addRow("", self.limited)
        form.addRow(_("Tot"), self.until)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def chosen_until(self) -> datetime | None:
        if not self.limited.isChecked():
            return None
        return datetime.fromtimestamp(self.until.dateTime().toSecsSinceEpoch(), UTC)


class OrganisationAdminDialog(QDialog):
    def __init__(self, service: AdminService, user: UserView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Organisatiebeheer"))
        self.resize(900, 620)
        self.service = service
        self.host = ModuleHost(self, user, _("Organisatiebeheer"))
        self.users: OrganisationUsers | None = None
        self.member_dialog: MemberDialog | None = None
        self.new_dialog: NewUserDialog | None = None
        self._ask_text: Callable[[str, str], tuple[str, bool]] = self._ask
        self.organisation = QComboBox()
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.hide()
        self.admins = QLabel()
        self.admins.setTextFormat(Qt.TextFormat.PlainText)
        self.admins.setWordWrap(True)
        self.table = _table([_("Naam"), _("Gebruikersnaam"), _("Toegang tot cases"),
                             _("Beheerrollen"), _("Status")])
        # Name and roles share what is left; long ones are elided, whole in their tooltip.
        header = self.table.horizontalHeader()
        for column, mode in enumerate((QHeaderView.ResizeMode.Stretch,
                                       QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.Stretch,
                                       QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(column, mode)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.ask_roles())
        self.new_button = QPushButton(_("Nieuwe gebruiker…"))
        self.link_button = QPushButton(_("Gebruiker koppelen…"))
        self.roles_button = QPushButton(_("Rollen en toegang…"))
        self.active_button = QPushButton(_("Deactiveren"))
        self.unlink_button = QPushButton(_("Ontkoppelen"))
        self.temporary_button = QPushButton(_("Tijdelijke toegang…"))
        self.temporary_button.setToolTip(_("Een externe persoon toegang geven tot één case"))
        self.end_button = QPushButton(_("Beëindigen"))
        self.temporary = _table([_("Naam"), _("Case"), _("Tot")])
        self.temporary.itemSelectionChanged.connect(self._update_buttons)
        self.temporary_dialog: TemporaryAccessDialog | None = None
        self.new_button.clicked.connect(self.ask_new)
        self.link_button.clicked.connect(self.ask_link)
        self.roles_button.clicked.connect(self.ask_roles)
        self.active_button.clicked.connect(self.toggle_active)
        self.unlink_button.clicked.connect(self.ask_unlink)
        self.temporary_button.clicked.connect(self.ask_temporary)
        self.end_button.clicked.connect(self.end_temporary)
        self.history = QListWidget()
        buttons = QHBoxLayout()
        for button in (self.new_button, self.link_button, self.roles_button,
                       self.active_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlink_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Organisatie")))
        top.addWidget(self.organisation, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.warning)
        layout.addWidget(self.admins)
        layout.addWidget(self.table, 3)
        layout.addLayout(buttons)
        temporary_row = QHBoxLayout()
        temporary_row.addWidget(QLabel(_("Tijdelijke toegang tot een case")))
        temporary_row.addStretch(1)
        temporary_row.addWidget(self.temporary_button)
        temporary_row.addWidget(self.end_button)
        layout.addLayout(temporary_row)
        layout.addWidget(self.temporary, 1)
        layout.addWidget(QLabel(_("Historiek")))
        layout.addWidget(self.history, 1)
        layout.addWidget(close)
        self.organisation.currentIndexChanged.connect(lambda _i: self.reload())
        self._update_buttons()
        self.host.ops.run(lambda: service.administered(user), self._on_administered,
                          self._failed)

    def _failed(self, exc: Exception) -> None:
        self.host.tell(_("Organisatiebeheer"), str(exc))

    def _on_administered(self, organisations: list[tuple[int, str]]) -> None:
        for org_id, name in organisations:
            self.organisation.addItem(name, org_id)
        if not organisations:
            self.admins.setText(_("U bent geen beheerder van een organisatie."))

    def organisation_id(self) -> int | None:
        value = self.organisation.currentData()
        return int(value) if value is not None else None

    def reload(self) -> None:
        org_id, user = self.organisation_id(), self.host.user
        if org_id is None:
            return
        self.host.ops.run(lambda: self.service.users(user, org_id), self._show, self._failed,
                          latest="admin-users")

    def _show(self, users: OrganisationUsers) -> None:
        chosen = self.selected()
        self.users = users
        self.warning.setText(users.warning or "")
        self.warning.setVisible(bool(users.warning))
        self.admins.setText(_("Beheerders: {names}").format(names=", ".join(users.admins) or "-"))
        self.table.setRowCount(len(users.members))
        for row, member in enumerate(users.members):
            roles = ", ".join(_(ROLE_LABELS[r]) for r in ManagementRole if r in member.roles)
            values = (member.shown_name, member.username, member.level.label, roles,
                      _("actief") if member.active else _("gedeactiveerd"))
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(plain_tip(value))
                item.setData(Qt.ItemDataRole.UserRole, member.user_id)
                if not member.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, column, item)
            if chosen is not None and member.user_id == chosen.user_id:
                self.table.selectRow(row)
        self.temporary.setRowCount(len(users.temporary))
        for row, grant in enumerate(users.temporary):
            until = (_("tot de case sluit") if grant.until is None else when(grant.until))
            if not grant.valid:
                until = _("beëindigd")
            for column, value in enumerate((grant.name, grant.case_name, until)):
                item = QTableWidgetItem(value)
                if not grant.valid:
                    item.setForeground(Qt.GlobalColor.gray)
                self.temporary.setItem(row, column, item)
        self.temporary.resizeColumnsToContents()
        self.history.clear()
        for event in users.events:
            self.history.addItem(_("{date}: {actor} - {action} - {target}").format(
                date=when(event.at), actor=event.actor or "?",
                action=_(ACTIONS.get(event.action, event.action)), target=event.target)
                + (f" ({event.detail})" if event.action in ("roles", "level") and event.detail
                   else ""))
        self._update_buttons()

    def selected(self) -> MemberView | None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        if not rows or self.users is None:
            return None
        row = min(rows)
        return self.users.members[row] if row < len(self.users.members) else None

    def _update_buttons(self) -> None:
        member = self.selected()
        me = member is not None and member.user_id == self.host.user.id
        for button in (self.roles_button, self.unlink_button):
            button.setEnabled(member is not None)
        self.active_button.setEnabled(member is not None and not me)
        self.active_button.setText(_("Heractiveren") if member is not None and not member.active
                                   else _("Deactiveren"))
        has_org = self.organisation_id() is not None
        self.new_button.setEnabled(has_org)
        self.link_button.setEnabled(has_org)
        self.temporary_button.setEnabled(has_org)
        grant = self.selected_grant()
        self.end_button.setEnabled(grant is not None and grant.valid)

    def selected_grant(self) -> TemporaryAccessView | None:
        rows = {index.row() for index in self.temporary.selectedIndexes()}
        if not rows or self.users is None or min(rows) >= len(self.users.temporary):
            return None
        return self.users.temporary[min(rows)]

    def _run(self, fn: Callable[[], object], done_text: str) -> None:
        def done(_result: object) -> None:
            self.host.show(done_text)
            self.reload()

        self.host.ops.run(fn, done, self._failed)

    # -- actions ----------------------------------------------------------------------------------
    def ask_new(self) -> None:
        org_id = self.organisation_id()
        if org_id is None:
            return
        self.new_dialog = dialog = NewUserDialog(self.organisation.currentText(), self)

        def save() -> None:
            user, form = self.host.user, dialog.form
            username, name = dialog.username.text(), dialog.display_name.text()
            password, level = dialog.password.text(), form.chosen_level()
            label, roles = form.label.text(), form.chosen_roles()

            def refused(exc: Exception) -> None:
                dialog.show_error(str(exc))
                dialog.open()  # what was typed stays

            def made(_user_id: int) -> None:
                self.host.show(_("Gebruiker aangemaakt."))
                self.reload()

            self.host.ops.run(lambda: self.service.create_user(
                user, org_id, username=username, display_name=name, password=password,
                level=level, label=label, roles=roles), made, refused)

        dialog.accepted.connect(save)
        dialog.open()

    def _ask(self, title: str, label: str) -> tuple[str, bool]:
        return QInputDialog.getText(self, title, label)

    def ask_link(self) -> None:
        org_id = self.organisation_id()
        if org_id is None:
            return
        username, ok = self._ask_text(_("Gebruiker koppelen"),
                                      _("Gebruikersnaam van een bestaande gebruiker:"))
        if not ok or not username.strip():
            return
        user = self.host.user
        self._run(lambda: self.service.link(user, org_id, username), _("Gebruiker gekoppeld."))

    def ask_unlink(self) -> None:
        member, org_id = self.selected(), self.organisation_id()
        if member is None or org_id is None:
            return
        if not ask(self, _("Ontkoppelen"), _(
                "{name} ontkoppelen van {organisation}? Wie vertrekt, verliest zo de toegang via "
                "deze organisatie.").format(name=member.display_name,
                                            organisation=self.organisation.currentText())):
            return
        user = self.host.user
        self._run(lambda: self.service.unlink(user, org_id, member.user_id),
                  _("Gebruiker ontkoppeld."))

    def ask_roles(self) -> None:
        member, org_id = self.selected(), self.organisation_id()
        if member is None or org_id is None:
            return
        self.member_dialog = dialog = MemberDialog(member, self)

        def save() -> None:
            user, form = self.host.user, dialog.form
            level, label, roles = form.chosen_level(), form.label.text(), form.chosen_roles()

            self._run(lambda: self.service.update_member(user, org_id, member.user_id, roles,
                                                         level, label),
                      _("Rollen en toegang bewaard."))

        dialog.accepted.connect(save)
        dialog.open()

    def toggle_active(self) -> None:
        member = self.selected()
        if member is None:
            return
        user, active = self.host.user, not member.active
        self._run(lambda: self.service.set_active(user, member.user_id, active),
                  _("Account geheractiveerd.") if active else _("Account gedeactiveerd."))

    def ask_temporary(self) -> None:
        org_id, user = self.organisation_id(), self.host.user
        if org_id is None:
            return

        def chosen(cases: list[tuple[int, str]]) -> None:
            self.temporary_dialog = dialog = TemporaryAccessDialog(
                self.organisation.currentText(), cases, self)

            def save() -> None:
                username, case_id = dialog.username.text(), dialog.case.currentData()
                until = dialog.chosen_until()
                if case_id is None:
                    return
                self._run(lambda: self.service.grant_case_access(user, org_id, int(case_id),
                                                                 username, until),
                          _("Tijdelijke toegang gegeven."))

            dialog.accepted.connect(save)
            dialog.open()

        self.host.ops.run(lambda: self.service.open_cases(user), chosen, self._failed)

    def end_temporary(self) -> None:
        grant, user = self.selected_grant(), self.host.user
        if grant is None:
            return
        self._run(lambda: self.service.end_case_access(user, grant.user_id, grant.case_id),
                  _("Tijdelijke toegang beëindigd."))

    def done(self, result: int) -> None:
        self.host.workers.wait(3000)
        super().done(result)
