"""Contacts dock: participants, users with access not participating, the case's contacts and the
global directory, searchable; a contact opens its card (double click or Enter); new contacts,
vCards and the GDPR mails still to send from the buttons above."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.i18n import N_, _
from paragon_desktop.services.views import ContactView

GROUPS = (
    ("participant", N_("Deelnemers aan de case")),
    ("access", N_("Met toegang, niet deelnemend")),
    ("case", N_("Contacten van de case")),
    ("global", N_("Globale contactenlijst")),
)
PEOPLE = ("participant", "access")  # users, not contacts: no card
COLUMNS = (N_("Naam"), N_("Organisatie"), N_("Functie / rol"), N_("Telefoon"), N_("E-mail"))


class ContactsPanel(QWidget):
    sig_new = Signal()
    sig_open = Signal(int)  # a contact's id
    sig_vcards = Signal(list, bool)  # contact ids; True: save as a file, False: copy
    sig_pending = Signal()

    def __init__(self, parent: QWidget | None = None, *, in_case: bool = True) -> None:
        super().__init__(parent)
        self.in_case = in_case
        self.new_button = QPushButton(_("Nieuw contact…"))
        self.new_button.clicked.connect(self.sig_new.emit)
        self.card_button = QPushButton(_("Kaart"))
        self.card_button.setToolTip(_("De contactkaart: gegevens, toestemming (AVG) en meldingen"))
        self.card_button.clicked.connect(self._open_current)
        self.vcard_button = QToolButton()
        self.vcard_button.setText(_("vCard"))
        self.vcard_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.vcard_button)
        menu.addAction(_("Kopiëren"), lambda: self.sig_vcards.emit(self.selected_ids(), False))
        menu.addAction(_("Opslaan als bestand…"),
                       lambda: self.sig_vcards.emit(self.selected_ids(), True))
        self.vcard_button.setMenu(menu)
        self.pending_button = QPushButton(_("Te versturen e-mails"))
        self.pending_button.setToolTip(_("AVG: toestemmingsvragen en meldingen van wijziging "
                                         "aan contacten die nog verstuurd moeten worden"))
        self.pending_button.clicked.connect(self.sig_pending.emit)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.card_button, self.vcard_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.pending_button)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Zoek contact (naam, organisatie, functie, nummer)…"))
        self.search.setClearButtonEnabled(True)
        self.model = QStandardItemModel(self)
        self.model.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self._groups: dict[str, QStandardItem] = {}
        for key, label in GROUPS:
            if not in_case and key != "global":
                continue
            group = QStandardItem(_(label))
            group.setEditable(False)
            font = group.font()
            font.setBold(True)
            group.setFont(font)
            self._groups[key] = group
            self.model.appendRow(group)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search.textChanged.connect(self._on_search)
        self.view = QTreeView()
        self.view.setModel(self.proxy)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.activated.connect(self._on_activated)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.search)
        layout.addWidget(self.view)

    # -- buttons and choosing ----------------------------------------------------------------------
    def set_permissions(self, can_create: bool, reason: str = "") -> None:
        self.new_button.setEnabled(can_create)
        self.new_button.setToolTip(reason if not can_create else _(
            "Een contact van de case, of in de globale contactenlijst (contactbeheerders)"))

    def set_pending(self, count: int) -> None:
        self.pending_button.setText(_("Te versturen e-mails ({count})").format(count=count)
                                    if count else _("Te versturen e-mails"))

    def selected_ids(self) -> list[int]:
        ids: list[int] = []
        for index in self.view.selectionModel().selectedRows(0):
            contact_id = index.data(Qt.ItemDataRole.UserRole)
            if isinstance(contact_id, int) and contact_id > 0 and contact_id not in ids:
                ids.append(contact_id)
        return ids

    def _update_buttons(self) -> None:
        chosen = bool(self.selected_ids())
        self.card_button.setEnabled(chosen)
        self.vcard_button.setEnabled(chosen)

    def _open_current(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.sig_open.emit(ids[0])

    def _on_activated(self, index: QModelIndex) -> None:
        contact_id = index.siblingAtColumn(0).data(Qt.ItemDataRole.UserRole)
        if isinstance(contact_id, int) and contact_id > 0:
            self.sig_open.emit(contact_id)

    def select(self, contact_id: int) -> None:
        for g in range(self.proxy.rowCount()):
            parent = self.proxy.index(g, 0)
            for r in range(self.proxy.rowCount(parent)):
                index = self.proxy.index(r, 0, parent)
                if index.data(Qt.ItemDataRole.UserRole) == contact_id:
                    self.view.setCurrentIndex(index)
                    self.view.selectionModel().select(
                        index, self.view.selectionModel().SelectionFlag.ClearAndSelect
                        | self.view.selectionModel().SelectionFlag.Rows)
                    return

    # -- contents ---------------------------------------------------------------------------------
    def set_people(self, people: list[ContactView]) -> None:
        """Participants and users with access: the whole list each time it changes."""
        for key in PEOPLE:
            if key in self._groups:
                self._groups[key].removeRows(0, self._groups[key].rowCount())
        self.upsert(people)

    def set_directory(self, contacts: list[ContactView]) -> None:
        group = self._groups["global"]
        group.removeRows(0, group.rowCount())
        self.upsert(contacts)

    def upsert(self, contacts: list[ContactView]) -> None:
        for contact in contacts:
            group = self._groups[contact.scope]
            values = (contact.name, contact.organisation_name, contact.function, contact.phone,
                      contact.email)
            found = self._find(group, contact.id)
            if found is None:
                items = []
                for value in values:
                    item = QStandardItem(value)
                    item.setData(contact.id, Qt.ItemDataRole.UserRole)
                    items.append(item)
                group.appendRow(items)
            else:
                for column, value in enumerate(values):
                    group.child(found, column).setText(value)
        self._recount()

    def _recount(self) -> None:
        for key, label in GROUPS:
            if key in self._groups:
                group = self._groups[key]
                group.sortChildren(0)
                group.setText(f"{_(label)} ({group.rowCount()})")
        self.view.expandAll()
        self.view.resizeColumnToContents(0)
        self._update_buttons()

    def remove(self, contact_ids: list[int]) -> None:
        for group in self._groups.values():
            for contact_id in contact_ids:
                row = self._find(group, contact_id)
                if row is not None:
                    group.removeRow(row)
        self._recount()

    def names(self, scope: str) -> list[str]:
        group = self._groups[scope]
        return [group.child(r, 0).text() for r in range(group.rowCount())]

    def visible_names(self) -> list[str]:
        names: list[str] = []
        for g in range(self.proxy.rowCount()):
            parent = self.proxy.index(g, 0)
            names.extend(self.proxy.index(r, 0, parent).data() for r in range(self.proxy.rowCount(parent)))
        return names

    @staticmethod
    def _find(group: QStandardItem, contact_id: int) -> int | None:
        for row in range(group.rowCount()):
            if group.child(row, 0).data(Qt.ItemDataRole.UserRole) == contact_id:
                return row
        return None

    def _on_search(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self.view.expandAll()
