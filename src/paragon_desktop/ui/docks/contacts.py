"""Contacts dock: participants, the case's contacts and the global directory, searchable."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeView, QVBoxLayout, QWidget

from paragon_desktop.i18n import N_, _
from paragon_desktop.services.views import ContactView

GROUPS = (
    ("participant", N_("Deelnemers aan de case")),
    ("case", N_("Contacten van de case")),
    ("global", N_("Globale contactenlijst")),
)
COLUMNS = (N_("Naam"), N_("Organisatie"), N_("Functie / rol"), N_("Telefoon"), N_("E-mail"))


class ContactsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Zoek contact (naam, organisatie, functie, nummer)…"))
        self.search.setClearButtonEnabled(True)
        self.model = QStandardItemModel(self)
        self.model.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self._groups: dict[str, QStandardItem] = {}
        for key, label in GROUPS:
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.view)

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
        for group in self._groups.values():
            group.sortChildren(0)
            group.setText(group.text().split(" (")[0] + f" ({group.rowCount()})")
        self.view.expandAll()
        self.view.resizeColumnToContents(0)

    def remove(self, contact_ids: list[int]) -> None:
        for group in self._groups.values():
            for contact_id in contact_ids:
                row = self._find(group, contact_id)
                if row is not None:
                    group.removeRow(row)

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
