"""Layers dock: the case's layers the user may see, grouped by sharing, each with a tick box;
adding, exporting, opacity, zoom, rename, description and removal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSlider,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.i18n import _
from paragon_desktop.services.views import LayerView
from paragon_desktop.ui.plain import plain_tip

LayerIdRole = Qt.ItemDataRole.UserRole + 1


def group_label(layer: LayerView) -> str:
    if not layer.shared_in:
        return _("Persoonlijk")
    return _("Gedeeld in ") + ", ".join(layer.shared_in)


SERVICE_KINDS = {"wms": "WMS", "wmts": "WMTS", "wfs": "WFS", "oapif": "OGC API Features"}


def details_text(layer: LayerView) -> str:
    if layer.service is not None:
        source = _("Kaartdienst {kind} van {host}, laag {layer}").format(
            kind=SERVICE_KINDS[layer.service.kind], host=layer.service.host,
            layer=layer.service.layer)
        if layer.service.kind in ("wfs", "oapif"):
            source = _("{count} objecten").format(count=layer.feature_count) + " · " + source
        parts = [source, _("van {name}").format(name=layer.owner)]
    else:
        parts = [_("{count} objecten uit {file} ({format})").format(
            count=layer.feature_count, file=layer.source_file, format=layer.source_format),
            _("van {name}").format(name=layer.owner)]
    text = " · ".join(parts)
    if layer.description:
        text += "\n" + layer.description
    return text


class LayersPanel(QWidget):
    sig_visibility_changed = Signal(int, bool)
    sig_zoom_to = Signal(object)
    sig_add_requested = Signal()
    sig_service_requested = Signal()  # a layer from a partner's map service
    sig_export_requested = Signal(list)  # layer ids
    sig_rename_requested = Signal(int)
    sig_describe_requested = Signal(int)
    sig_remove_requested = Signal(int)
    sig_opacity_changed = Signal(int, float)  # while dragging: the map follows
    sig_opacity_committed = Signal(int, float)  # released: remembered for the user
    sig_restack_requested = Signal(int, int)  # layer id, +1: to the front, -1: to the back
    sig_labels_requested = Signal(int)  # layer id: choose the property its labels show

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.add_button = QToolButton()
        self.add_button.setText(_("Toevoegen…"))
        self._add_tip = (_("Kaartlagen toevoegen uit KML, KMZ, GeoJSON, GPX, GeoPackage of gezipte "
                         "Shapefile (of sleep bestanden op de kaart)"))
        self.add_button.setToolTip(self._add_tip)
        self.add_button.clicked.connect(self.sig_add_requested)
        self.service_button = QToolButton()
        self.service_button.setText(_("Kaartdienst…"))
        self.service_button.setToolTip(_("Een laag uit een kaartdienst van een partner: WMS, WMTS, "
                                         "WFS of OGC API Features"))
        self.service_button.clicked.connect(self.sig_service_requested)
        self.export_button = QToolButton()
        self.export_button.setText(_("Exporteren…"))
        self.export_button.setToolTip(_("De geselecteerde laag, of alle aangevinkte lagen, opslaan als "
                                      "GeoJSON, KML of KMZ"))
        self.export_button.clicked.connect(self._on_export_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.service_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([_("Laag"), _("Objecten")])
        self.tree.setRootIsDecorated(True)
        # Long names lose their middle, not their end ("Gedeeld in CP-…"); the tooltip has all.
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.itemDoubleClicked.connect(self._on_double_clicked)
        self.tree.itemSelectionChanged.connect(self._on_selection_changed)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._on_context_menu)

        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setWordWrap(True)
        self.details.setStyleSheet("color: palette(placeholder-text); padding: 2px;")
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(10, 100)
        self.opacity.setValue(100)
        self.opacity.setToolTip(_("Dekking van de geselecteerde laag (alleen voor jou)"))
        self.opacity.valueChanged.connect(self._on_opacity_moved)
        self.opacity.sliderReleased.connect(self._on_opacity_released)
        self.opacity_row = QWidget()
        row = QHBoxLayout(self.opacity_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(_("Dekking")))
        row.addWidget(self.opacity, 1)

        self._layers: dict[int, LayerView] = {}
        self._loading: set[int] = set()  # ticked, not on the map yet
        self._failed: dict[int, str] = {}  # the page could not show their data: why
        self._updating = False
        self._can_manage: Callable[[LayerView], bool] = lambda _layer: False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.opacity_row)
        self._on_selection_changed()

    # -- state from the window ----------------------------------------------------------------
    def set_permissions(self, can_add: bool, can_manage: Callable[[LayerView], bool],
                        reason: str = "") -> None:
        self.add_button.setEnabled(can_add)
        self.service_button.setEnabled(can_add)
        # A case that reopens, or access that changes, gets the normal tip back.
        self.add_button.setToolTip(reason if not can_add and reason else self._add_tip)
        self._can_manage = can_manage

    def set_layers(self, layers: list[LayerView]) -> None:
        """Rebuild the (short) list, keeping the selection."""
        selected = self.selected_layer_id()
        self._updating = True
        self.tree.clear()
        self._layers = {layer.id: layer for layer in layers}
        groups: dict[str, QTreeWidgetItem] = {}
        for layer in sorted(layers, key=lambda x: (bool(x.shared_in), group_label(x), x.name.casefold())):
            label = group_label(layer)
            group = groups.get(label)
            if group is None:
                group = QTreeWidgetItem([label])
                group.setToolTip(0, plain_tip(label))
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                groups[label] = group
                self.tree.addTopLevelItem(group)
            item = QTreeWidgetItem([layer.name, ""])
            item.setData(0, LayerIdRole, layer.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            item.setToolTip(0, plain_tip(
                layer.name + "\n" + details_text(layer)
                + _("\nDubbelklik om naar de laag te zoomen; rechtsklik voor meer.")))
            group.addChild(item)
            self._show_count(item, layer)
            item.setSelected(layer.id == selected)
        self.tree.expandAll()
        self._updating = False
        self._on_selection_changed()

    def set_loading(self, layer_ids: set[int], failed: dict[int, str]) -> None:
        """These ticked layers are being read and put on the map: said so instead of their
        number of features until they are there (a big one takes seconds); those the map could
        not show say so, with why."""
        changed = (self._loading ^ set(layer_ids)) | set(self._failed) | set(failed)
        self._loading, self._failed = set(layer_ids), dict(failed)
        for layer_id in changed:
            item, layer = self.item_for(layer_id), self._layers.get(layer_id)
            if item is not None and layer is not None:
                self._show_count(item, layer)

    def _show_count(self, item: QTreeWidgetItem, layer: LayerView) -> None:
        loading, error = layer.id in self._loading, self._failed.get(layer.id)
        tip = ""
        if error is not None:
            text = _("niet getoond")
            tip = _("De kaart kon deze laag niet tonen: {error}").format(error=error)
        elif loading:
            text, tip = _("laden…"), _("Wordt gelezen en op de kaart gezet…")
        elif layer.service is not None and layer.service.gives_images:
            text = ""
        else:
            text = str(layer.feature_count)
        item.setText(1, text)
        item.setToolTip(1, plain_tip(tip))
        item.setData(1, Qt.ItemDataRole.ForegroundRole,
                     None if error is None else QBrush(QColor("#c92a2a")))
        font = item.font(1)
        font.setItalic(loading or error is not None)
        item.setFont(1, font)

    def item_for(self, layer_id: int) -> QTreeWidgetItem | None:
        for group_index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(group_index)
            if group is None:
                continue
            for i in range(group.childCount()):
                child = group.child(i)
                if child is not None and child.data(0, LayerIdRole) == layer_id:
                    return child
        return None

    def layer(self, layer_id: int) -> LayerView | None:
        return self._layers.get(layer_id)

    def selected_layer_id(self) -> int | None:
        for item in self.tree.selectedItems():
            layer_id = item.data(0, LayerIdRole)
            if layer_id is not None:
                return int(layer_id)
        return None

    def ticked_layer_ids(self) -> list[int]:
        return [layer.id for layer in sorted(self._layers.values(), key=lambda x: x.name.casefold())
                if layer.visible]

    # -- user actions -------------------------------------------------------------------------
    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        layer_id = item.data(0, LayerIdRole)
        if self._updating or column != 0 or layer_id is None:
            return
        visible = item.checkState(0) == Qt.CheckState.Checked
        if self._layers[layer_id].visible != visible:
            self._layers[layer_id] = replace(self._layers[layer_id], visible=visible)
            self.sig_visibility_changed.emit(layer_id, visible)

    def untick(self, layer_id: int) -> None:
        """Take back a tick the user made (a service whose address they did not allow)."""
        item = self.item_for(layer_id)
        if item is None:
            return
        self._updating = True
        item.setCheckState(0, Qt.CheckState.Unchecked)
        self._updating = False
        self._layers[layer_id] = replace(self._layers[layer_id], visible=False)

    def _on_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        layer = self._layers.get(item.data(0, LayerIdRole))
        if layer is not None and layer.bbox is not None:
            self.sig_zoom_to.emit(layer.bbox)

    def _on_selection_changed(self) -> None:
        layer = self._layers.get(self.selected_layer_id())  # type: ignore[arg-type]
        self.opacity_row.setEnabled(layer is not None)
        self.details.setVisible(layer is not None)
        self.export_button.setEnabled(layer is not None or any(x.visible for x in self._layers.values()))
        if layer is not None:
            self.details.setText(details_text(layer))
            self.opacity.blockSignals(True)
            self.opacity.setValue(round(layer.opacity * 100))
            self.opacity.blockSignals(False)

    def _on_opacity_moved(self, value: int) -> None:
        layer_id = self.selected_layer_id()
        if layer_id is None:
            return
        self._layers[layer_id] = replace(self._layers[layer_id], opacity=value / 100)
        self.sig_opacity_changed.emit(layer_id, value / 100)
        if not self.opacity.isSliderDown():  # keyboard or wheel: no release will follow
            self.sig_opacity_committed.emit(layer_id, value / 100)

    def _on_opacity_released(self) -> None:
        layer_id = self.selected_layer_id()
        if layer_id is not None:
            self.sig_opacity_committed.emit(layer_id, self.opacity.value() / 100)

    def _on_export_clicked(self) -> None:
        layer_id = self.selected_layer_id()
        self.sig_export_requested.emit([layer_id] if layer_id is not None else self.ticked_layer_ids())

    def context_actions(self, layer_id: int) -> list[QAction]:
        layer = self._layers[layer_id]
        manage = self._can_manage(layer)
        actions = []

        def action(text: str, slot: Callable[[], None], enabled: bool = True) -> None:
            act = QAction(text, self)
            act.setEnabled(enabled)
            act.triggered.connect(slot)
            actions.append(act)

        action(_("Zoom naar laag"), lambda: self.sig_zoom_to.emit(layer.bbox), layer.bbox is not None)
        action(_("Naam wijzigen…"), lambda: self.sig_rename_requested.emit(layer_id), manage)
        action(_("Beschrijving wijzigen…"), lambda: self.sig_describe_requested.emit(layer_id), manage)
        action(_("Naar voren (boven andere lagen)"), lambda: self.sig_restack_requested.emit(layer_id, 1))
        action(_("Naar achteren (onder andere lagen)"),
               lambda: self.sig_restack_requested.emit(layer_id, -1))
        action(_("Labels…"), lambda: self.sig_labels_requested.emit(layer_id))
        action(_("Exporteren…"), lambda: self.sig_export_requested.emit([layer_id]))
        action(_("Verwijderen…"), lambda: self.sig_remove_requested.emit(layer_id), manage)
        return actions

    def _on_context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        layer_id = item.data(0, LayerIdRole) if item is not None else None
        if layer_id is None:
            return
        menu = QMenu(self)
        menu.addActions(self.context_actions(layer_id))
        menu.exec(self.tree.viewport().mapToGlobal(pos))
