"""Anchors dock: the case's anchors grouped by category with the category's symbol, searchable;
New (point, line, area, circle), Edit, Shape, Delete and Zoom for those who may change them,
the same in a right-click menu, and the reason when they may not."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QPoint, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QIcon,
    QPainter,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.domain.anchors import AnchorCategory, Symbol, category_of
from paragon_desktop.i18n import N_, _
from paragon_desktop.services.views import AnchorView
from paragon_desktop.ui.plain import plain_tip, text_label

AnchorRole = Qt.ItemDataRole.UserRole + 1
SearchRole = Qt.ItemDataRole.UserRole + 2  # the words the search finds (the tooltip is markup)

# What can be drawn as a new anchor: (page's drawing mode, label).
SHAPES = (("point", N_("Punt")), ("line", N_("Lijn")), ("area", N_("Vlak")),
          ("circle", N_("Cirkel (middelpunt + straal)")))


def symbol_icon(symbol: Symbol, size: int = 18) -> QIcon:
    """The category's symbol as on the map: a round badge in its colour with its letters."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(symbol.colour))
    painter.setPen(QColor("white"))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(7, size // 2 - (2 if len(symbol.glyph) > 1 else 0)))
    painter.setFont(font)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, symbol.glyph)
    painter.end()
    return QIcon(pixmap)


class AnchorsPanel(QWidget):
    sig_anchor_activated = Signal(object)  # AnchorView: fly there
    sig_new = Signal(str)  # drawing mode of SHAPES
    sig_edit = Signal(object)  # AnchorView: name, category, description
    sig_reshape = Signal(object)  # AnchorView: move it, drag its vertices
    sig_delete = Signal(object)  # AnchorView
    sig_copy_key = Signal()  # take a copy of an organisation's anchor
    sig_import = Signal()  # anchors from a file
    sig_export = Signal()  # the case's anchors to a file

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Zoek anker…"))
        self.search.setClearButtonEnabled(True)
        self.model = QStandardItemModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterRole(SearchRole)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search.textChanged.connect(self._on_search)
        self.view = QTreeView()
        self.view.setModel(self.proxy)
        self.view.setHeaderHidden(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # the tooltip has it whole
        self.view.clicked.connect(self._on_clicked)
        self.view.activated.connect(self._on_clicked)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_context_menu)
        self.view.selectionModel().currentChanged.connect(lambda *_a: self._update_buttons())

        self.new_menu = QMenu(self)
        self.new_actions: dict[str, QAction] = {}
        for mode, label in SHAPES:
            action = self.new_menu.addAction(_(label))
            action.triggered.connect(lambda _c=False, m=mode: self.sig_new.emit(m))
            self.new_actions[mode] = action
        self.new_menu.addSeparator()
        self.copy_key_action = self.new_menu.addAction(_("Uit sleutelankers van organisaties…"))
        self.copy_key_action.triggered.connect(self.sig_copy_key)
        self.import_action = self.new_menu.addAction(_("Uit een bestand…"))
        self.import_action.triggered.connect(self.sig_import)
        self.new_button = self._button(_("Nieuw"), _("Een anker tekenen op de kaart"))
        self.new_button.setMenu(self.new_menu)
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.edit_button = self._button(_("Bewerken…"), _("Naam, categorie en beschrijving"))
        self.edit_button.clicked.connect(lambda: self._emit_current(self.sig_edit))
        self.shape_button = self._button(_("Vorm"), _("Verplaatsen of hoekpunten verslepen op "
                                                      "de kaart"))
        self.shape_button.clicked.connect(lambda: self._emit_current(self.sig_reshape))
        self.delete_button = self._button(_("Verwijderen"), _("Het anker verwijderen"))
        self.delete_button.clicked.connect(lambda: self._emit_current(self.sig_delete))
        self.export_button = self._button(_("Exporteren…"), _("De ankers en de caselocatie als "
                                                               "GeoJSON, KML of KMZ"))
        self.export_button.clicked.connect(self.sig_export)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.new_button, self.edit_button, self.shape_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        self.reason = text_label()
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet("color: #666;")
        self.reason.hide()

        self._items: dict[int, QStandardItem] = {}
        self._groups: dict[AnchorCategory, QStandardItem] = {}
        self.can_change = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.reason)
        layout.addWidget(self.search)
        layout.addWidget(self.view)
        self.set_permissions(False, "")

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return button

    # -- contents ------------------------------------------------------------------------------
    def _group(self, category: AnchorCategory) -> QStandardItem:
        group = self._groups.get(category)
        if group is None:
            group = QStandardItem(symbol_icon(category.symbol), category.label)
            font = group.font()
            font.setBold(True)
            group.setFont(font)
            group.setToolTip(category.label)
            group.setData(category.label, SearchRole)
            order = list(AnchorCategory)
            # In the list's order (command post first), not alphabetically in some language.
            row = sum(1 for c in self._groups if order.index(c) < order.index(category))
            self._groups[category] = group
            self.model.insertRow(row, group)
        return group

    def upsert(self, anchors: list[AnchorView]) -> None:
        for anchor in anchors:
            category = category_of(anchor.category)
            item = self._items.get(anchor.id)
            if item is not None and item.parent() is not self._groups.get(category):
                self._take(item)
                item = None
            if item is None:
                item = QStandardItem()
                self._items[anchor.id] = item
                self._group(category).appendRow(item)
            item.setIcon(symbol_icon(category.symbol))
            item.setText(anchor.name)
            # Searched on (name, category, description) and shown whole on hover, as written.
            about = "\n".join(p for p in (anchor.name, category.label, anchor.description) if p)
            item.setData(about, SearchRole)
            item.setToolTip(plain_tip(about))
            item.setData(anchor, AnchorRole)
        self._tidy()

    def remove(self, anchor_ids: list[int]) -> None:
        for anchor_id in anchor_ids:
            item = self._items.pop(anchor_id, None)
            if item is not None:
                self._take(item)
        self._tidy()

    def _take(self, item: QStandardItem) -> None:
        parent = item.parent() or self.model.invisibleRootItem()
        parent.takeRow(item.row())

    def _tidy(self) -> None:
        for category, group in list(self._groups.items()):
            if group.rowCount() == 0:
                self.model.removeRow(group.row())
                del self._groups[category]
            else:
                group.setText(f"{category.label} ({group.rowCount()})")
        for group in self._groups.values():  # anchors by name within their category
            group.sortChildren(0)
        self.view.expandAll()
        self._update_buttons()

    def names(self) -> list[str]:
        """Anchor names in the order shown (category by category)."""
        found = []
        for g in range(self.proxy.rowCount()):
            group = self.proxy.index(g, 0)
            found += [self.proxy.index(r, 0, group).data(AnchorRole).name
                      for r in range(self.proxy.rowCount(group))]
        return found

    def groups(self) -> list[str]:
        return [self.proxy.index(g, 0).data() for g in range(self.proxy.rowCount())]

    def index_of(self, name: str):
        """The shown row of the first anchor named ``name`` (an invalid index when none is)."""
        for g in range(self.proxy.rowCount()):
            group = self.proxy.index(g, 0)
            for r in range(self.proxy.rowCount(group)):
                index = self.proxy.index(r, 0, group)
                if index.data(AnchorRole).name == name:
                    return index
        return self.proxy.index(-1, 0)

    def select(self, anchor_id: int) -> None:
        item = self._items.get(anchor_id)
        if item is not None:
            index = self.proxy.mapFromSource(item.index())
            self.view.setCurrentIndex(index)

    def current(self) -> AnchorView | None:
        return self.view.currentIndex().data(AnchorRole)

    # -- permissions and actions ---------------------------------------------------------------
    def set_permissions(self, can_change: bool, reason: str) -> None:
        self.can_change = can_change
        self.new_button.setEnabled(can_change)
        self.reason.setText(reason)
        self.reason.setVisible(bool(reason) and not can_change)
        for button in (self.new_button, self.edit_button, self.shape_button, self.delete_button):
            button.setToolTip(reason if not can_change and reason else button.toolTip())
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.can_change and self.current() is not None
        for button in (self.edit_button, self.shape_button, self.delete_button):
            button.setEnabled(chosen)

    def _emit_current(self, signal) -> None:
        anchor = self.current()
        if anchor is not None:
            signal.emit(anchor)

    def _on_search(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self.view.expandAll()

    def _on_clicked(self, index) -> None:
        anchor = index.data(AnchorRole)
        if anchor is not None:
            self.sig_anchor_activated.emit(anchor)
        self._update_buttons()

    def context_menu(self, anchor: AnchorView | None) -> QMenu:
        """The right-click menu for an anchor (or for the empty list)."""
        menu = QMenu(self)
        if anchor is not None:
            menu.addAction(_("Zoomen"), lambda: self.sig_anchor_activated.emit(anchor))
            for text, signal in ((_("Bewerken…"), self.sig_edit), (_("Vorm wijzigen"), self.sig_reshape),
                                 (_("Verwijderen…"), self.sig_delete)):
                action = menu.addAction(text, partial(signal.emit, anchor))
                action.setEnabled(self.can_change)
            menu.addSeparator()
        new = menu.addMenu(_("Nieuw anker"))
        new.setEnabled(self.can_change)
        for mode, label in SHAPES:
            new.addAction(_(label), partial(self.sig_new.emit, mode))
        return menu

    def _on_context_menu(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        if index.isValid():
            self.view.setCurrentIndex(index)
        self.context_menu(index.data(AnchorRole) if index.isValid() else None).popup(
            self.view.viewport().mapToGlobal(point))
