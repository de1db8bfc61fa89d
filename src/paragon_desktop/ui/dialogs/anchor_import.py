"""Anchors from a file: the file is read first (in the sandboxed reader process; Stoppen stops
it), then the dialog shows its features to pick from, the property that names them and the
category they get. What cannot be an anchor is said per feature after the import."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.domain.anchors import AnchorCategory
from paragon_desktop.i18n import _, ngettext
from paragon_desktop.services.anchor_files import NAME_FIELDS
from paragon_desktop.ui.docks.anchors import symbol_icon
from paragon_desktop.ui.plain import text_label


class AnchorImportDialog(QDialog):
    def __init__(self, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Ankers uit een bestand: {file}").format(file=file_name))
        self.resize(560, 520)
        self.features: list[dict[str, Any]] = []
        self.status = text_label(_("Het bestand wordt gelezen…"))
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.stop_button = QPushButton(_("Stoppen"))
        self.name_field = QComboBox()
        self.name_field.currentIndexChanged.connect(self._relabel)
        self.category = QComboBox()
        for category in AnchorCategory:
            self.category.addItem(symbol_icon(category.symbol), category.label, category.value)
        self.category.setCurrentIndex(self.category.findData(AnchorCategory.OTHER.value))
        self.list = QListWidget()
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.itemChanged.connect(lambda _item: self._update_button())
        form = QFormLayout()
        form.addRow(_("Naam uit eigenschap"), self.name_field)
        form.addRow(_("Categorie"), self.category)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuleren"))
        buttons.rejected.connect(self.reject)
        self.import_button = buttons.addButton(_("Importeren"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.clicked.connect(self.accept)
        self.import_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.stop_button)
        layout.addLayout(form)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        for widget in (self.name_field, self.category, self.list):
            widget.setEnabled(False)

    def show_read(self, geojson: str, warnings: list[str]) -> None:
        """The file as read: its features to pick, the properties that may name them."""
        self.progress.hide()
        self.stop_button.hide()
        self.features = [f for f in json.loads(geojson).get("features", []) if f.get("geometry")]
        fields: list[str] = []
        for feature in self.features[:500]:
            for key in (feature.get("properties") or {}):
                if not key.startswith("_") and key not in fields:
                    fields.append(key)
        self.name_field.clear()
        for field in fields:
            self.name_field.addItem(field, field)
        preferred = next((f for f in NAME_FIELDS if f in fields), None)
        if preferred is not None:
            self.name_field.setCurrentIndex(self.name_field.findData(preferred))
        text = ngettext("{count} object gevonden.", "{count} objecten gevonden.",
                        len(self.features)).format(count=len(self.features))
        if warnings:
            text += "\n" + "\n".join(f"⚠ {w}" for w in warnings)
        self.status.setText(text)
        self.list.clear()
        for _feature in self.features:
            item = QListWidgetItem()
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        self._relabel()
        for widget in (self.name_field, self.category, self.list):
            widget.setEnabled(True)
        self._update_button()

    def show_refusal(self, text: str) -> None:
        self.progress.hide()
        self.stop_button.hide()
        self.status.setText(text)
        self.status.setStyleSheet("color: #c92a2a;")

    def _relabel(self) -> None:
        field = self.name_field.currentData()
        unnamed = _("(zonder naam)")
        for row, feature in enumerate(self.features):
            item = self.list.item(row)
            if item is None:
                continue
            value = (feature.get("properties") or {}).get(field) if field else None
            kind = feature["geometry"].get("type", "")
            item.setText(f"{value if value not in (None, '') else unnamed}  ·  {kind}")

    def _update_button(self) -> None:
        self.import_button.setEnabled(bool(self.chosen_geojson_features()))

    def chosen_geojson_features(self) -> list[dict[str, Any]]:
        return [f for row, f in enumerate(self.features)
                if self.list.item(row) is not None
                and self.list.item(row).checkState() == Qt.CheckState.Checked]

    def chosen(self) -> tuple[str, AnchorCategory, str | None]:
        """The picked features (a GeoJSON text), their category and the naming property."""
        collection = {"type": "FeatureCollection", "features": self.chosen_geojson_features()}
        return (json.dumps(collection), AnchorCategory(self.category.currentData()),
                self.name_field.currentData())
