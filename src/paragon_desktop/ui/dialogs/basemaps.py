"""Bestand > Achtergrondkaarten: this machine's offline basemaps (MBTiles, PMTiles): add,
remove, show or hide, order (the first lies at the bottom) and opacity. Changes show on the map
at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.gis.basemaps import Basemap, BasemapStore
from paragon_desktop.i18n import _
from paragon_desktop.ui.ops import Ops
from paragon_desktop.ui.plain import plain_box, plain_tip, text_label

FILTER = "MBTiles / PMTiles (*.mbtiles *.pmtiles)"


class BasemapsDialog(QDialog):
    def __init__(self, store: BasemapStore, ops: Ops, changed: Callable[[], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Achtergrondkaarten"))
        self.resize(520, 420)
        self.store, self._ops, self._changed = store, ops, changed
        self.list = QListWidget()
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.currentRowChanged.connect(lambda _row: self._show_current())
        self.hint = QLabel(_("Offline kaarten op deze computer (MBTiles of PMTiles, raster). "
                             "De bovenste ligt onderaan; waar een kaart geen tegels heeft, "
                             "is de achtergrond effen."))
        self.hint.setWordWrap(True)
        self.add_button = QPushButton(_("Toevoegen…"))
        self.add_button.clicked.connect(self.ask_add)
        self.remove_button = QPushButton(_("Verwijderen"))
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button = QPushButton(_("Omhoog"))
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button = QPushButton(_("Omlaag"))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(10, 100)
        self.opacity.sliderReleased.connect(self._on_opacity)
        self.opacity.valueChanged.connect(lambda _v: None if self.opacity.isSliderDown()
                                          else self._on_opacity())
        self.details = text_label()  # the file's credit, as written
        self.details.setWordWrap(True)
        self.details.setStyleSheet("color: #555;")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        opacity_row = QHBoxLayout()
        opacity_row.addWidget(QLabel(_("Dekking")))
        opacity_row.addWidget(self.opacity, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)
        layout.addLayout(opacity_row)
        layout.addWidget(self.details)
        layout.addWidget(close)
        self._filling = False
        self.refill()

    def refill(self, select: str | None = None) -> None:
        self._filling = True
        self.list.clear()
        for basemap in self.store.all():
            item = QListWidgetItem(basemap.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if basemap.shown else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, basemap.id)
            item.setToolTip(plain_tip(self._describe(basemap)))
            self.list.addItem(item)
            if basemap.id == select:
                self.list.setCurrentItem(item)
        self._filling = False
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self._show_current()

    @staticmethod
    def _describe(basemap: Basemap) -> str:
        text = _("{format}, zoom {minzoom}–{maxzoom}").format(
            format=basemap.format.upper(), minzoom=basemap.minzoom, maxzoom=basemap.maxzoom)
        return text + (f" · {basemap.attribution}" if basemap.attribution else "")

    def current(self) -> Basemap | None:
        item = self.list.currentItem()
        if item is None:
            return None
        found = [b for b in self.store.all() if b.id == item.data(Qt.ItemDataRole.UserRole)]
        return found[0] if found else None

    def _show_current(self) -> None:
        basemap = self.current()
        for widget in (self.remove_button, self.up_button, self.down_button, self.opacity):
            widget.setEnabled(basemap is not None)
        self.details.setText(self._describe(basemap) if basemap else "")
        if basemap is not None:
            self.opacity.blockSignals(True)
            self.opacity.setValue(round(basemap.opacity * 100))
            self.opacity.blockSignals(False)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        self.store.update(item.data(Qt.ItemDataRole.UserRole),
                          shown=item.checkState() == Qt.CheckState.Checked)
        self._changed()

    def _on_opacity(self) -> None:
        basemap = self.current()
        if basemap is not None:
            self.store.update(basemap.id, opacity=self.opacity.value() / 100)
            self._changed()

    def move_current(self, step: int) -> None:
        basemap = self.current()
        if basemap is None:
            return
        ids = [b.id for b in self.store.all()]
        at = ids.index(basemap.id)
        to = max(0, min(len(ids) - 1, at + step))
        ids.insert(to, ids.pop(at))
        self.store.reorder(ids)
        self.refill(select=basemap.id)
        self._changed()

    def ask_add(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Achtergrondkaart toevoegen"), "",
                                                    FILTER)
        if path:
            self.add(Path(path))

    def add(self, path: Path) -> None:
        """Copy the file in (off the GUI thread: basemaps can be large)."""
        self.add_button.setEnabled(False)

        def done(basemap: Basemap) -> None:
            self.add_button.setEnabled(True)
            self.refill(select=basemap.id)
            self._changed()

        def failed(exc: Exception) -> None:
            self.add_button.setEnabled(True)
            self.last_error = str(exc)
            box = plain_box(QMessageBox.Icon.Warning, self, _("Achtergrondkaart niet toegevoegd"),
                            str(exc))
            box.open()

        self.last_error = ""
        self._ops.run(lambda: self.store.add(path), done, failed)

    def remove_current(self) -> None:
        basemap = self.current()
        if basemap is not None:
            self.store.remove(basemap.id)
            self.refill()
            self._changed()
