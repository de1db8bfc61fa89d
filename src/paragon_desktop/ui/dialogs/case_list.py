"""The case list: active cases the user may see, closed ones apart, public cases inactive for more
than a month, a category filter and a search; "Nieuwe case…" starts one (DOMAIN.md, Cases)."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.domain.enums import CaseCategory
from paragon_desktop.i18n import N_, _, when
from paragon_desktop.services.bundle import Services
from paragon_desktop.services.views import CaseSummary, InactiveCase, UserView
from paragon_desktop.settings import Settings
from paragon_desktop.ui.dialogs.case_form import CaseDialog, start_refusal
from paragon_desktop.ui.ops import Debounce, Ops
from paragon_desktop.ui.workers import Workers

COLUMNS = (N_("Case"), N_("Categorie"), N_("Locatie"), N_("Datum"), N_("Toegang"),
           N_("Organisatie"))


def _local(moment: datetime) -> str:
    return when(moment)


class CaseListDialog(QDialog):
    def __init__(self, services: Services, user: UserView, settings: Settings,
                 parent: QWidget | None = None, *, now: datetime | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._cases = services.cases
        self._user = user
        self._settings = settings
        self._now = now
        self.case: CaseSummary | None = None
        self.setWindowTitle(_("Paragon Desktop - cases van {name}").format(name=user.display_name))
        self.resize(1000, 420)

        self.category = QComboBox()
        self.category.addItem(_("Alle categorieën"), None)
        for category in CaseCategory:
            self.category.addItem(category.label, category.value)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Zoek in naam, type, locatie, beschrijving…"))
        self.search.setClearButtonEnabled(True)
        self.new_button = QPushButton(_("Nieuwe case…"))
        refusal = start_refusal(user)
        self.new_button.setEnabled(refusal is None)
        self.new_button.setToolTip(refusal or _("Start een nieuwe case (incident, evenement, oefening)."))
        filters = QHBoxLayout()
        filters.addWidget(QLabel(_("Categorie")))
        filters.addWidget(self.category)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.new_button)
        # The Emergency plans module, without opening a case.
        self.plans_button = QPushButton(_("Noodplannen…"))
        self.plans_button.clicked.connect(self.show_plans)
        filters.addWidget(self.plans_button)
        # The Contacts module, likewise.
        self.contacts_button = QPushButton(_("Contacten…"))
        self.contacts_button.clicked.connect(self.show_contacts)
        filters.addWidget(self.contacts_button)
        # Organisation admins manage their users without opening a case.
        self.admin_button = QPushButton(_("Organisatie…"))
        self.admin_button.setToolTip(_("Gebruikers, rollen en toegang van uw organisatie "
                                       "(organisatiebeheerders)"))
        self.admin_button.clicked.connect(self.show_admin)
        self.admin_button.hide()
        filters.addWidget(self.admin_button)

        self.tabs = QTabWidget()
        self.active = self._table()
        self.closed = self._table(extra=_("Afgesloten"))
        self.inactive = self._table(extra=_("Laatste activiteit"))
        self.tabs.addTab(self.active, _("Actief"))
        self.tabs.addTab(self.closed, _("Afgesloten"))
        self.tabs.addTab(self.inactive, _("Inactief > 1 maand"))
        self.tabs.setTabToolTip(2, _("Publieke cases zonder activiteit sinds meer dan een maand: "
                                   "NC112 sluit ze af."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Open).setText(_("Openen"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuleren"))
        buttons.accepted.connect(self._open)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

        # The lists are read off the GUI thread (the shared server may be far away); typing in the
        # search waits for a pause; only the newest answer is shown.
        self._workers = Workers(self)
        self._ops = Ops(self._workers, tell=self._show_failure)
        self.reloads = 0  # answers shown (for tests)
        self._search_pause = Debounce(250, lambda _text: self.reload(), self)
        self.category.currentIndexChanged.connect(lambda _i: self.reload())
        self.search.textChanged.connect(self._search_pause)
        self.new_button.clicked.connect(self._new_case)
        self.reload()
        self._ops.run(lambda: services.organisation_admin.administered(user),
                      lambda orgs: self.admin_button.setVisible(bool(orgs)), lambda _exc: None)
        if refusal is None:
            # The form's sharing preview needs the jurisdiction index: build it while the user
            # reads the list, not when the form first asks.
            self._ops.run(services.places.warm_up, lambda _none: None, lambda _exc: None)

    def show_plans(self) -> None:
        from paragon_desktop.ui.dialogs.plans_window import PlansWindow

        self.plans_window = PlansWindow(self._services.plans, self._user, self)
        self.plans_window.open()

    def show_admin(self) -> None:
        from paragon_desktop.ui.dialogs.organisation_admin import OrganisationAdminDialog

        self.admin_dialog = OrganisationAdminDialog(self._services.organisation_admin,
                                                    self._user, self)
        self.admin_dialog.open()

    def show_contacts(self) -> None:
        from paragon_desktop.ui.dialogs.contacts_window import ContactsWindow

        self.contacts_window = ContactsWindow(self._services.contacts, self._user, self,
                                              self._settings)
        self.contacts_window.open()

    def _table(self, extra: str | None = None) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS) + (1 if extra else 0))
        table.setHorizontalHeaderLabels([_(c) for c in COLUMNS] + ([extra] if extra else []))
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.doubleClicked.connect(lambda _index: self._open())
        return table

    def reload(self) -> None:
        value = self.category.currentData()
        category = CaseCategory(value) if value else None
        text = self.search.text()
        cases, reports, user, now = self._cases, self._services.reports, self._user, self._now

        def read() -> tuple[list[CaseSummary], list[CaseSummary], list[InactiveCase]]:
            active = cases.list_cases(user, category=category, text=text)
            closed = cases.list_cases(user, closed_only=True, category=category, text=text)
            # The report follows the same filter: it lists open public cases, a subset of "active".
            shown = {c.id for c in active}
            inactive = [item for item in reports.inactive_public_cases(user, now=now)
                        if item.case.id in shown]
            return active, closed, inactive

        self._ops.run(read, self._show, latest="lists")

    def _show_failure(self, text: str) -> None:
        self.tabs.setTabText(0, _("Actief (niet gelezen)"))
        self.tabs.setTabToolTip(0, text)

    def _show(self, lists: tuple[list[CaseSummary], list[CaseSummary], list[InactiveCase]]) -> None:
        active, closed, inactive = lists
        self._fill(self.active, [(c, None) for c in active])
        def closing(case: CaseSummary) -> str:
            if case.closed_at is None:
                return ""
            by = _(" door {name}").format(name=case.closed_by) if case.closed_by else ""
            return _local(case.closed_at) + by

        self._fill(self.closed, [(c, closing(c)) for c in closed])
        now = self._now or datetime.now(UTC)
        self._fill(self.inactive, [(i.case, _("{moment} ({days} dagen)").format(
            moment=_local(i.last_activity), days=(now - i.last_activity).days))
                                   for i in inactive])
        self.tabs.setTabText(0, _("Actief ({count})").format(count=len(active)))
        self.tabs.setTabText(1, _("Afgesloten ({count})").format(count=len(closed)))
        self.tabs.setTabText(2, _("Inactief > 1 maand ({count})").format(count=len(inactive)))
        self.reloads += 1

    def _fill(self, table: QTableWidget, rows: list[tuple[CaseSummary, str | None]]) -> None:
        table.setRowCount(len(rows))
        for row, (case, extra) in enumerate(rows):
            values = [case.name, case.category.label, case.location_name, _local(case.occurred_at),
                      _("Publiek") if case.access == "public" else _("Privé"), case.organisation]
            if extra is not None:
                values.append(extra)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, case)
                table.setItem(row, column, item)
        if rows:
            table.selectRow(0)

    def done(self, result: int) -> None:
        self._workers.shutdown()
        super().done(result)

    def table_names(self, table: QTableWidget) -> list[str]:
        items = [table.item(row, 0) for row in range(table.rowCount())]
        return [item.text() if item is not None else "" for item in items]

    def _new_case(self) -> None:
        s = self._services
        dialog = CaseDialog(s.admin, s.places, self._user, self._settings, self)
        self.new_case_dialog = dialog  # for tests and for keeping it alive while open
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.outcome is not None:
            self.case = dialog.outcome.case
            self.accept()

    def _open(self) -> None:
        table = self.tabs.currentWidget()
        assert isinstance(table, QTableWidget)
        items = table.selectedItems()
        if items:
            self.case = items[0].data(Qt.ItemDataRole.UserRole)
            self.accept()
