"""Anchors dock: the case's anchors, searchable; a click flies the map to the anchor."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QListView, QVBoxLayout, QWidget

from paragon_desktop.i18n import _
from paragon_desktop.services.views import AnchorView

AnchorRole = Qt.ItemDataRole.UserRole + 1


class AnchorsPanel(QWidget):
    sig_anchor_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Zoek anker…"))
        self.search.setClearButtonEnabled(True)
        self.model = QStandardItemModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterRole(Qt.ItemDataRole.ToolTipRole)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QListView()
        self.view.setModel(self.proxy)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.clicked.connect(self._on_clicked)
        self.view.activated.connect(self._on_clicked)
        self._items: dict[int, QStandardItem] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.view)

    def upsert(self, anchors: list[AnchorView]) -> None:
        for anchor in anchors:
            item = self._items.get(anchor.id)
            if item is None:
                item = QStandardItem()
                self._items[anchor.id] = item
                self.model.appendRow(item)
            label = f"{anchor.name}  [{anchor.category}]" if anchor.category else anchor.name
            item.setText(label)
            item.setToolTip(f"{anchor.name}\n{anchor.category}\n{anchor.description}")
            item.setData(anchor, AnchorRole)
        self.proxy.sort(0)

    def remove(self, anchor_ids: list[int]) -> None:
        for anchor_id in anchor_ids:
            item = self._items.pop(anchor_id, None)
            if item is not None:
                self.model.removeRow(item.row())

    def names(self) -> list[str]:
        return [self.proxy.index(r, 0).data(AnchorRole).name for r in range(self.proxy.rowCount())]

    def _on_clicked(self, index) -> None:
        anchor = index.data(AnchorRole)
        if anchor is not None:
            self.sig_anchor_activated.emit(anchor)
