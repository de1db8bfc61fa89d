"""Layers dock: the case's layers the user may see, grouped by sharing, each with a tick box."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from paragon_desktop.services.views import LayerView

LayerIdRole = Qt.ItemDataRole.UserRole + 1


def group_label(layer: LayerView) -> str:
    if not layer.shared_in:
        return "Persoonlijk"
    return "Gedeeld in " + ", ".join(layer.shared_in)


class LayersDockWidget(QWidget):
    sig_visibility_changed = Signal(int, bool)
    sig_zoom_to = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Laag", "Objecten"])
        self.tree.setRootIsDecorated(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.itemDoubleClicked.connect(self._on_double_clicked)
        self._layers: dict[int, LayerView] = {}
        self._updating = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree)

    def set_layers(self, layers: list[LayerView]) -> None:
        """Rebuild the (short) list, keeping the selection and expanded groups."""
        selected = {item.data(0, LayerIdRole) for item in self.tree.selectedItems()}
        self._updating = True
        self.tree.clear()
        self._layers = {layer.id: layer for layer in layers}
        groups: dict[str, QTreeWidgetItem] = {}
        for layer in sorted(layers, key=lambda x: (bool(x.shared_in), group_label(x), x.name.casefold())):
            label = group_label(layer)
            group = groups.get(label)
            if group is None:
                group = QTreeWidgetItem([label])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                groups[label] = group
                self.tree.addTopLevelItem(group)
            item = QTreeWidgetItem([layer.name, str(layer.feature_count)])
            item.setData(0, LayerIdRole, layer.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            item.setToolTip(0, "\n".join(filter(None, (
                layer.name, layer.description, f"Bestand: {layer.source_file} ({layer.source_format})",
                f"Gedeeld door: {layer.owner}", f"{layer.feature_count} objecten",
                "Dubbelklik om naar de laag te zoomen."))))
            group.addChild(item)
            item.setSelected(layer.id in selected)
        self.tree.expandAll()
        self._updating = False

    def item_for(self, layer_id: int) -> QTreeWidgetItem | None:
        for group_index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(group_index)
            for i in range(group.childCount()):
                if group.child(i).data(0, LayerIdRole) == layer_id:
                    return group.child(i)
        return None

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        layer_id = item.data(0, LayerIdRole)
        if self._updating or column != 0 or layer_id is None:
            return
        visible = item.checkState(0) == Qt.CheckState.Checked
        if self._layers[layer_id].visible != visible:
            self._layers[layer_id] = replace(self._layers[layer_id], visible=visible)
            self.sig_visibility_changed.emit(layer_id, visible)

    def _on_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        layer = self._layers.get(item.data(0, LayerIdRole))
        if layer is not None and layer.bbox is not None:
            self.sig_zoom_to.emit(layer.bbox)
