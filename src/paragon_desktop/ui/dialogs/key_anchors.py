"""Take a copy of an organisation's anchor (a key anchor: a municipality's assembly point, a
plant's contour) into the case. The copy is the case's own: later changes do not reach it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.domain.anchors import category_of
from paragon_desktop.i18n import _
from paragon_desktop.services.views import AnchorView
from paragon_desktop.ui.docks.anchors import symbol_icon
from paragon_desktop.ui.plain import plain_tip


class KeyAnchorsDialog(QDialog):
    def __init__(self, copy: Callable[[AnchorView], None], parent: QWidget | None = None,
                 remove: Callable[[AnchorView], None] | None = None) -> None:
        super().__init__(parent)
        self._remove = remove
        self.kept: set[int] = set()  # organisations whose anchors this user keeps
        self.setWindowTitle(_("Sleutelankers van organisaties"))
        self.resize(520, 460)
        self._copy = copy
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Zoek op naam, categorie of organisatie…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.list = QListWidget()
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.itemDoubleClicked.connect(lambda _item: self._on_copy())
        self.hint = QLabel(_("Een kopie komt in de case; latere wijzigingen van het origineel "
                             "veranderen de kopie niet."))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #666;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.copy_button = buttons.addButton(_("Kopiëren naar de case"),
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._on_copy)
        self.copy_button.setEnabled(False)
        self.remove_button = buttons.addButton(_("Verwijderen…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.remove_button.setToolTip(
            _("Een sleutelanker van een organisatie waarvan je de sleutelankers beheert"))
        self.remove_button.clicked.connect(self._on_remove)
        self.remove_button.setEnabled(False)
        self.list.currentItemChanged.connect(lambda item, _old: self._update_buttons(item))
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)

    def show_anchors(self, anchors: list[tuple[AnchorView, int | None, str]]) -> None:
        self.list.clear()
        for anchor, organisation_id, organisation in anchors:
            category = category_of(anchor.category)
            item = QListWidgetItem(symbol_icon(category.symbol), f"{anchor.name} — {organisation}")
            item.setToolTip(plain_tip("\n".join(p for p in (anchor.name, category.label,
                                                             organisation, anchor.description)
                                                  if p)))
            item.setData(Qt.ItemDataRole.UserRole, anchor)
            item.setData(Qt.ItemDataRole.UserRole + 1, organisation_id)
            self.list.addItem(item)
        self._filter(self.search.text())

    def _filter(self, text: str) -> None:
        folded = text.casefold()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(folded) and folded not in item.toolTip().casefold())

    def _update_buttons(self, item: QListWidgetItem | None) -> None:
        self.copy_button.setEnabled(item is not None)
        self.remove_button.setEnabled(
            item is not None and self._remove is not None
            and item.data(Qt.ItemDataRole.UserRole + 1) in self.kept)

    def _on_remove(self) -> None:
        item = self.list.currentItem()
        if item is not None and self._remove is not None:
            self._remove(item.data(Qt.ItemDataRole.UserRole))

    def _on_copy(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._copy(item.data(Qt.ItemDataRole.UserRole))
