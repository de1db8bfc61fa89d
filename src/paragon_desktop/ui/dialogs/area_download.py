"""Kaart > Gebied offline nemen: the tiles of the view (or of the case's area) at chosen zooms,
from the online source when its terms allow it, into a basemap on this machine. The count and
an estimate of the size are shown before starting; progress and Stoppen while it runs; started
again it fetches only what is missing."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from paragon_desktop.gis.basemaps import Basemap, BasemapStore
from paragon_desktop.gis.tile_download import (
    BYTES_PER_TILE,
    MAX_TILES,
    DownloadReport,
    count_tiles,
    download,
)
from paragon_desktop.i18n import BRUSSELS, _, number
from paragon_desktop.ui.workers import Workers

Bounds = tuple[float, float, float, float]


class _Progress(QObject):
    sig_progress = Signal(int, int)  # from the worker thread to the GUI


class AreaDownloadDialog(QDialog):
    def __init__(self, template: str, attribution: str, areas: dict[str, Bounds], zoom: int,
                 store: BasemapStore, done: Callable[[Basemap], None],
                 parent: QWidget | None = None,
                 draw: Callable[[AreaDownloadDialog], None] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Gebied offline nemen"))
        self._template, self._attribution, self._store, self._done = (template, attribution,
                                                                      store, done)
        self._stop = threading.Event()
        self._workers = Workers(self)
        self._progress = _Progress(self)
        self._progress.sig_progress.connect(self._on_progress)
        self.area = QComboBox()
        for label, bounds in areas.items():
            self.area.addItem(label, bounds)
        self.min_zoom = QSpinBox()
        self.min_zoom.setRange(5, 19)
        self.min_zoom.setValue(max(5, zoom - 2))
        self.max_zoom = QSpinBox()
        self.max_zoom.setRange(5, 19)
        self.max_zoom.setValue(min(17, zoom + 3))
        stamp = datetime.now(BRUSSELS).strftime("%d/%m %H:%M")
        self.name = QLineEdit(_("Offline {when}").format(when=stamp))
        self.estimate = QLabel()
        self.estimate.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.hide()
        self.start_button = QPushButton(_("Starten"))
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton(_("Stoppen"))
        self.stop_button.clicked.connect(self._stop.set)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self._close)
        buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.stop_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.stop_button.hide()  # after adding: the box shows what it is given
        # A rectangle drawn on the map (the dialog steps aside while it is drawn).
        self.draw_button = QPushButton(_("Rechthoek tekenen…"))
        self.draw_button.setVisible(draw is not None)
        if draw is not None:
            self.draw_button.clicked.connect(lambda: draw(self))
        area_row = QWidget()
        row = QHBoxLayout(area_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.area, 1)
        row.addWidget(self.draw_button)
        form = QFormLayout(self)
        form.addRow(_("Gebied"), area_row)
        form.addRow(_("Van zoom"), self.min_zoom)
        form.addRow(_("Tot zoom"), self.max_zoom)
        form.addRow(_("Naam"), self.name)
        form.addRow(self.estimate)
        form.addRow(self.bar)
        form.addRow(buttons)
        for widget in (self.min_zoom, self.max_zoom):
            widget.valueChanged.connect(lambda _v: self._update_estimate())
        self.area.currentIndexChanged.connect(lambda _i: self._update_estimate())
        self.report: DownloadReport | None = None
        self.error = ""
        self._update_estimate()

    def add_area(self, label: str, bounds: Bounds) -> None:
        """An area drawn on the map, chosen at once."""
        index = self.area.findText(label)
        if index < 0:
            self.area.addItem(label, bounds)
            index = self.area.count() - 1
        else:
            self.area.setItemData(index, bounds)
        self.area.setCurrentIndex(index)
        self._update_estimate()

    def zooms(self) -> range:
        low, high = sorted((self.min_zoom.value(), self.max_zoom.value()))
        return range(low, high + 1)

    def _update_estimate(self) -> None:
        count = count_tiles(self.area.currentData(), self.zooms())
        self.count = count
        megabytes = count * BYTES_PER_TILE / 1e6
        text = _("{count} tegels, ongeveer {size} MB.").format(count=number(count),
                                                                size=number(megabytes, 1))
        if count > MAX_TILES:
            text += " " + _("Te veel voor één keer (hoogstens {limit}): kies een kleiner "
                            "gebied of minder zoomniveaus.").format(limit=number(MAX_TILES))
        self.estimate.setText(text)
        self.start_button.setEnabled(0 < count <= MAX_TILES)

    def start(self) -> None:
        self._stop.clear()
        name = " ".join(self.name.text().split()) or _("Offline gebied")
        # The same source and name: the same file, so starting again goes on where it stopped.
        key = hashlib.sha1(f"{self._template}|{name}".encode()).hexdigest()[:12]
        target = self._store.folder / f"area-{key}.mbtiles"
        self._store.folder.mkdir(parents=True, exist_ok=True)
        bounds, zooms = self.area.currentData(), self.zooms()
        self.bar.setRange(0, self.count)
        self.bar.setValue(0)
        self.bar.show()
        self.start_button.hide()
        self.stop_button.show()
        template, attribution, progress = self._template, self._attribution, self._progress

        def job() -> DownloadReport:
            return download(template, bounds, zooms, target, name=name, attribution=attribution,
                            progress=progress.sig_progress.emit, cancelled=self._stop.is_set)

        def finished(report: DownloadReport) -> None:
            self.report = report
            basemap = self._store.adopt(target, name)
            self._done(basemap)
            self._after(_("{fetched} tegels opgehaald, {already} waren er al, {missing} heeft de "
                          "bron niet.").format(fetched=number(report.fetched),
                                               already=number(report.already),
                                               missing=number(report.missing))
                        + (" " + _("Gestopt: opnieuw starten gaat verder.") if report.cancelled
                           else ""))

        def failed(exc: Exception) -> None:
            self.error = str(exc)
            if target.exists():
                self._done(self._store.adopt(target, name))
            self._after(str(exc))

        self._workers.run(job, finished, failed)

    def _after(self, text: str) -> None:
        self.estimate.setText(text)
        self.stop_button.hide()
        self.start_button.show()
        self.start_button.setText(_("Opnieuw starten"))

    def _on_progress(self, done: int, total: int) -> None:
        self.bar.setMaximum(total)
        self.bar.setValue(done)

    def _close(self) -> None:
        self._stop.set()
        self.reject()

