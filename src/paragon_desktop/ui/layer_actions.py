"""What the main window does with layers: import (dialog, drop, composer), export, rename,
describe, remove, opacity. A mixin so that main_window.py stays about the window itself.

Every action that touches the database or files runs on the worker pool; the methods without a
dialog (``import_layers``, ``export_layers_to``, ``rename_layer``, ...) are what tests drive.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from paragon_desktop.domain.access import can_add_layer
from paragon_desktop.gis.export import export_layers
from paragon_desktop.gis.geometry import union_bbox
from paragon_desktop.gis.layers import FILE_FILTER
from paragon_desktop.ui.dialogs.import_layer import ImportChoice, ImportLayerDialog
from paragon_desktop.ui.layer_import import ImportReport, report_text

if TYPE_CHECKING:
    from paragon_desktop.ui.main_window import MainWindow

EXPORT_FILTER = "GeoJSON (*.geojson);;KML (*.kml);;KMZ met stijlen (*.kmz)"


class LayerActionsMixin:
    last_message_box: QMessageBox | None = None
    last_import: ImportReport | None = None

    # -- telling the user ---------------------------------------------------------------------
    def _tell(self: MainWindow, title: str, text: str, icon: QMessageBox.Icon) -> None:
        """A non-modal message: the map and the feeds stay usable while it is open."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setModal(False)
        box.open()
        self.last_message_box = box

    # -- import --------------------------------------------------------------------------------
    def _on_add_layers(self: MainWindow) -> None:
        self.importer.reader.warm_up()
        paths, _ = QFileDialog.getOpenFileNames(self, "Kaartlagen toevoegen", "", FILE_FILTER)
        if paths:
            self.ask_import([Path(p) for p in paths])

    def _on_add_layer_in_feed(self: MainWindow, feed_id: int) -> None:
        self.importer.reader.warm_up()
        paths, _ = QFileDialog.getOpenFileNames(self, "Kaartlaag bij een bericht", "", FILE_FILTER)
        if paths:
            self.ask_import([Path(p) for p in paths], announce_in=feed_id)

    def ask_import(self: MainWindow, paths: list[Path], announce_in: int | None = None) -> None:
        """Files chosen or dropped: ask name, description and sharing, then import."""
        if not can_add_layer(self.user.access_level, self.case.is_open):
            self._tell("Geen lagen toevoegen", "Je kunt in deze case geen lagen toevoegen: de case is "
                       "afgesloten of je toegang is 'Alleen lezen'.", QMessageBox.Icon.Information)
            return
        if self.importer.busy:
            self.statusBar().showMessage("Er loopt al een import; wacht of annuleer.", 5000)
            return
        dialog = ImportLayerDialog(paths, self.feeds.feeds(), announce_in=announce_in, parent=self,
                                   importer=self.importer, max_bytes=self.settings.max_layer_bytes)
        try:
            if dialog.exec() and dialog.choice().files:
                self.import_layers(dialog.choice())
        finally:
            dialog.close_reading()
            dialog.deleteLater()

    def import_layers(self: MainWindow, choice: ImportChoice) -> None:
        if self.importer.busy:
            self.statusBar().showMessage("Er loopt al een import; wacht of annuleer.", 5000)
            return
        self._show_import_progress(True)
        self.import_progress.setValue(0)
        self.importer.start(self.user, self.case.id, choice, max_bytes=self.settings.max_layer_bytes)

    def _show_import_progress(self: MainWindow, shown: bool) -> None:
        self.import_progress.setVisible(shown)
        self.import_cancel.setVisible(shown)

    def _on_import_progress(self: MainWindow, percent: int, text: str) -> None:
        self.import_progress.setValue(percent)
        self.import_progress.setToolTip(text)

    def _on_import_finished(self: MainWindow, report: ImportReport) -> None:
        self._show_import_progress(False)
        self.last_import = report
        for layer in report.added:
            self.map.preload_layer_data(layer.layer_id, layer.data_revision, layer.geojson)
        boxes = [layer.bbox for layer in report.added if layer.bbox is not None]
        if (bbox := union_bbox(boxes)) is not None:
            self.map.fly_to(bbox)
        if report.added or self._refresh_after_import:
            self._refresh_after_import = False
            self.refresh()
        self.statusBar().showMessage(report_text(report).split("\n\n")[0], 8000)
        if report.errors or report.warnings or report.cancelled:
            icon = QMessageBox.Icon.Warning if report.errors else QMessageBox.Icon.Information
            self._tell("Kaartlagen toevoegen", report_text(report), icon)

    # -- export --------------------------------------------------------------------------------
    def _on_export_requested(self: MainWindow, layer_ids: list[int]) -> None:
        if not layer_ids:
            self._tell("Exporteren", "Vink eerst de lagen aan die je wilt exporteren, of selecteer "
                       "er een.", QMessageBox.Icon.Information)
            return
        path, _ = QFileDialog.getSaveFileName(self, "Lagen exporteren", "lagen.kmz", EXPORT_FILTER)
        if path:
            self.export_layers_to(Path(path), layer_ids)

    def export_layers_to(self: MainWindow, path: Path, layer_ids: list[int]) -> None:
        user, service = self.user, self.layer_service

        def job() -> int:
            return export_layers(service.layers_for_export(user, layer_ids), path)

        def done(count: int) -> None:
            self.last_export = f"{path.name}: {count} objecten uit {len(layer_ids)} laag/lagen opgeslagen."
            self.statusBar().showMessage(self.last_export, 8000)

        def failed(exc: Exception) -> None:
            self.last_export = f"Export mislukt: {exc}"
            self._tell("Exporteren mislukt", str(exc), QMessageBox.Icon.Warning)

        self.workers.run(job, done, failed)

    # -- managing ------------------------------------------------------------------------------
    def _layer_name(self: MainWindow, layer_id: int) -> str:
        item = self.layers.item_for(layer_id)
        return item.text(0) if item is not None else ""

    def _run_layer_change(self: MainWindow, action: Any, title: str) -> None:
        def failed(exc: Exception) -> None:
            self._tell(title, str(exc), QMessageBox.Icon.Warning)

        self.workers.run(action, lambda _result: None, failed)

    def _on_rename_requested(self: MainWindow, layer_id: int) -> None:
        name, ok = QInputDialog.getText(self, "Naam wijzigen", "Nieuwe naam van de laag:",
                                        text=self._layer_name(layer_id))
        if ok:
            self.rename_layer(layer_id, name)

    def rename_layer(self: MainWindow, layer_id: int, name: str) -> None:
        user = self.user
        self._run_layer_change(lambda: self.layer_service.rename_layer(user, layer_id, name),
                               "Naam niet gewijzigd")

    def _on_describe_requested(self: MainWindow, layer_id: int) -> None:
        layer = self.layers.layer(layer_id)
        text, ok = QInputDialog.getMultiLineText(self, "Beschrijving", "Wat toont deze laag?",
                                                 layer.description if layer else "")
        if ok:
            self.describe_layer(layer_id, text)

    def describe_layer(self: MainWindow, layer_id: int, text: str) -> None:
        user = self.user
        self._run_layer_change(lambda: self.layer_service.set_description(user, layer_id, text),
                               "Beschrijving niet gewijzigd")

    def _on_remove_requested(self: MainWindow, layer_id: int) -> None:
        answer = QMessageBox.question(
            self, "Laag verwijderen",
            f"Laag “{self._layer_name(layer_id)}” verwijderen, voor iedereen met wie ze gedeeld is?\n"
            "Berichten die de laag aankondigden blijven staan.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_layer(layer_id)

    def remove_layer(self: MainWindow, layer_id: int) -> None:
        user = self.user
        self._run_layer_change(lambda: self.layer_service.remove_layer(user, layer_id),
                               "Laag niet verwijderd")

    def _on_opacity_committed(self: MainWindow, layer_id: int, opacity: float) -> None:
        user = self.user

        def failed(exc: Exception) -> None:
            self.refresh_label.setText(f"Dekking niet bewaard: {exc}")

        self.workers.run(lambda: self.layer_service.set_opacity(user, layer_id, opacity),
                         lambda _none: None, failed)
