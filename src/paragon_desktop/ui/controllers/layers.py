"""The layers dock and everything done from it: import (file dialog, drop on the map, a layer
announced in a feed) through ``LayerImporter``, export, rename, describe, remove, opacity and
the ticks that choose what the map shows, remembered per user.

Every action that touches the database or files runs through ``ctx.ops``; the methods without a
dialog (``import_layers``, ``export_layers_to``, ``rename_layer``, ...) are what tests drive.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QProgressBar, QToolButton

from paragon_desktop.domain.access import can_add_layer, can_manage_layer
from paragon_desktop.gis.export import export_layers
from paragon_desktop.gis.geometry import union_bbox
from paragon_desktop.gis.layers import FILE_FILTER
from paragon_desktop.i18n import N_, _
from paragon_desktop.services.editing import EditingService
from paragon_desktop.services.layers import LayerService
from paragon_desktop.services.views import ChangeSet, FeedView, LayerView
from paragon_desktop.ui.controllers.connection import ConnectionController
from paragon_desktop.ui.controllers.context import WindowContext
from paragon_desktop.ui.controllers.outbox import OutboxController
from paragon_desktop.ui.dialogs.import_layer import ImportChoice, ImportLayerDialog
from paragon_desktop.ui.docks.layers import LayersPanel
from paragon_desktop.ui.layer_import import ImportReport, LayerImporter, report_text
from paragon_desktop.ui.map.ops import Op, op
from paragon_desktop.ui.map.view import MapView
from paragon_desktop.ui.map_prefs import MapPrefs
from paragon_desktop.ui.plain import ask, plain_tip

EXPORT_FILTER = N_("GeoJSON (*.geojson);;KML (*.kml);;KMZ met stijlen (*.kmz)")


class LayersController(QObject):
    def __init__(self, ctx: WindowContext, service: LayerService, editing: EditingService,
                 map_view: MapView, outbox: OutboxController,
                 connection: ConnectionController,
                 feed_choices: Callable[[], list[FeedView]], prefs: MapPrefs) -> None:
        super().__init__(ctx)
        self.prefs = prefs  # draw order and labels, per user and case on this machine
        self.layer_ids: list[int] = []
        # The feeds a new layer can be announced in (those of the feeds dock).
        self.feed_choices = feed_choices
        self.ctx = ctx
        self.service = service
        self.editing = editing
        self.map = map_view
        self.outbox = outbox
        self.connection = connection
        self.panel = LayersPanel()
        self.importer = LayerImporter(service, ctx.ops, self)
        self.last_export = ""
        # Layer ticks the user just changed whose database write has not been confirmed yet;
        # a refresh that was already under way must not undo them on screen. Ticks made while
        # the server was away show as chosen until the server has them.
        self.pending_ticks: dict[int, bool] = dict(outbox.store.ticks())
        # An import is under way when a write in the case asks for a refresh: its own refresh
        # follows with the data in hand.
        self._refresh_after_import = False
        # Asked before a layer is shown (a partner's service asks whether its host may be
        # reached); set by the service layers' controller.
        self.may_show: Callable[[int], bool] = lambda _layer_id: True

        self.import_progress = QProgressBar()
        self.import_progress.setMaximumWidth(260)
        self.import_progress.setFormat("%p%")
        self.import_cancel = QToolButton()
        self.import_cancel.setText(_("Annuleren"))
        self.import_cancel.clicked.connect(self.importer.cancel)
        ctx.status_bar.addPermanentWidget(self.import_progress)
        ctx.status_bar.addPermanentWidget(self.import_cancel)
        self._show_import_progress(False)

        panel = self.panel
        panel.sig_visibility_changed.connect(self.set_visible)
        panel.sig_zoom_to.connect(map_view.fly_to)
        panel.sig_add_requested.connect(self._on_add_layers)
        panel.sig_export_requested.connect(self._on_export_requested)
        panel.sig_rename_requested.connect(self._on_rename_requested)
        panel.sig_describe_requested.connect(self._on_describe_requested)
        panel.sig_remove_requested.connect(self._on_remove_requested)
        panel.sig_opacity_changed.connect(map_view.set_layer_opacity)
        panel.sig_opacity_committed.connect(self._on_opacity_committed)
        panel.sig_restack_requested.connect(self.restack)
        panel.sig_labels_requested.connect(self.ask_labels)
        ctx.sig_changes.connect(self._on_changes)
        map_view.sig_files_dropped.connect(self.ask_import)
        map_view.sig_loading.connect(panel.set_loading)
        self.importer.sig_progress.connect(self._on_import_progress)
        self.importer.sig_finished.connect(self._on_import_finished)
        outbox.sig_tick_settled.connect(self._on_tick_settled)
        ctx.sig_case_updated.connect(self._update_permissions)

    # -- draw order and labels ---------------------------------------------------------------------
    def _on_changes(self, changes: ChangeSet, _first: bool) -> None:
        if changes.layers is None:
            return
        self.layer_ids = [layer.id for layer in changes.layers]
        # After the map has the layers (the window sends this ChangeSet to it next).
        QTimer.singleShot(0, self._send_order_and_labels)

    def order(self) -> list[int]:
        """Layer ids from the back to the front: the user's order, new layers on top."""
        saved = [i for i in self.prefs.order if i in self.layer_ids]
        return saved + [i for i in self.layer_ids if i not in saved]

    def _send_order_and_labels(self) -> None:
        ops = [op(Op.LAYER_ORDER, ids=self.order())]
        ops += [op(Op.LAYER_LABELS, id=i, field=f) for i, f in self.prefs.labels.items()
                if i in self.layer_ids]
        self.map.bridge.send(ops)

    def restack(self, layer_id: int, direction: int) -> None:
        """Draw a layer above (+1) or below (-1) all others; remembered for this user."""
        order = [i for i in self.order() if i != layer_id]
        order = [*order, layer_id] if direction > 0 else [layer_id, *order]
        self.prefs.set_order(order)
        self.map.bridge.send([op(Op.LAYER_ORDER, ids=order)])

    def ask_labels(self, layer_id: int) -> None:
        """Choose the property the layer's features are labelled with (the page knows them)."""
        self.map.page().runJavaScript(
            f"JSON.stringify((paragon.layers[{int(layer_id)}] || {{}}).fields || [])", 0,
            lambda fields: self._choose_label(layer_id, json.loads(fields or "[]")))

    def _choose_label(self, layer_id: int, fields: list[str]) -> None:
        none = _("(geen labels)")
        current = self.prefs.labels.get(layer_id)
        choices = [none, *fields]
        field, ok = QInputDialog.getItem(
            self.ctx.parent_widget, _("Labels"),
            _("Eigenschap die op de kaart bij elk object van “{layer}” staat:").format(
                layer=self._layer_name(layer_id)),
            choices, choices.index(current) if current in choices else 0, False)
        if ok:
            self.set_labels(layer_id, None if field == none else field)

    def set_labels(self, layer_id: int, field: str | None) -> None:
        self.prefs.set_label(layer_id, field)
        self.map.bridge.send([op(Op.LAYER_LABELS, id=layer_id, field=field)])

    # -- from the window -------------------------------------------------------------------------
    def with_pending_ticks(self, changes: ChangeSet) -> ChangeSet:
        """The layers of ``changes`` as the user has ticked them, saved or not yet; the panel
        shows them so."""
        if changes.layers is not None:
            if self.pending_ticks:
                changes.layers = [
                    replace(layer, visible=self.pending_ticks.get(layer.id, layer.visible))
                    for layer in changes.layers
                ]
            self.panel.set_layers(changes.layers)
        return changes

    def defer_refresh(self) -> bool:
        """True while an import runs: its own refresh follows with the data in hand (preloaded),
        so a refresh now would read the new layer back from the database for nothing."""
        if self.importer.busy:
            self._refresh_after_import = True
            return True
        return False

    def close(self) -> None:
        self.importer.close()

    def _update_permissions(self) -> None:
        ctx = self.ctx
        user, case = ctx.user, ctx.case
        if ctx.access_lost:
            self.panel.set_permissions(False, lambda _layer: False, ctx.access_lost)
            return
        can_add = can_add_layer(user.access_level, case.is_open)
        reason = "" if can_add else (
            _("Deze case is afgesloten: alleen lezen.") if not case.is_open
            else _("Je toegang is 'Alleen lezen': je kunt geen lagen toevoegen."))

        def manageable(layer: LayerView) -> bool:
            return can_manage_layer(layer.owner_id, user.id, user.access_level, case.is_open)

        self.panel.set_permissions(can_add, manageable, reason)

    # -- ticks -----------------------------------------------------------------------------------
    def set_visible(self, layer_id: int, visible: bool) -> None:
        if visible and not self.may_show(layer_id):
            self.panel.untick(layer_id)
            return
        self.map.set_layer_visible(layer_id, visible)
        self.pending_ticks[layer_id] = visible
        user = self.ctx.user
        if self.connection.offline or self.outbox.store.ticks():
            self.outbox.add_tick(layer_id, visible)
            self.outbox.flush()
            return

        def saved(_none: None) -> None:
            if self.pending_ticks.get(layer_id) == visible:
                del self.pending_ticks[layer_id]

        def failed(exc: Exception) -> None:
            if self.connection.failed(exc):
                self.outbox.add_tick(layer_id, visible)  # kept, shown as chosen, sent when back
                return
            self.pending_ticks.pop(layer_id, None)
            self.ctx.note(_("Laagkeuze niet bewaard: {error}").format(error=exc))

        self.ctx.ops.run(lambda: self.editing.set_layer_visible(user, layer_id, visible),
                         saved, failed)

    def _on_tick_settled(self, layer_id: int, visible: bool, refused: bool) -> None:
        if refused or self.pending_ticks.get(layer_id) == visible:
            self.pending_ticks.pop(layer_id, None)

    # -- import ----------------------------------------------------------------------------------
    def _choose_files(self, title: str) -> list[Path]:
        self.importer.reader.warm_up()  # the spare reader imports while the user chooses
        paths, _filter = QFileDialog.getOpenFileNames(self.ctx.parent_widget, title, "", FILE_FILTER)
        if not paths:
            self.importer.reader.cool_down()
        return [Path(p) for p in paths]

    def _on_add_layers(self) -> None:
        if paths := self._choose_files(_("Kaartlagen toevoegen")):
            self.ask_import(paths)

    def add_in_feed(self, feed_id: int) -> None:
        """A layer announced by a message in ``feed_id`` (the feeds dock's button)."""
        if paths := self._choose_files(_("Kaartlaag bij een bericht")):
            self.ask_import(paths, announce_in=feed_id)

    def ask_import(self, paths: list[Path], announce_in: int | None = None) -> None:
        """Files chosen or dropped: ask name, description and sharing, then import."""
        if not can_add_layer(self.ctx.user.access_level, self.ctx.case.is_open):
            self.ctx.tell(_("Geen lagen toevoegen"), _("Je kunt in deze case geen lagen toevoegen: de "
                          "case is afgesloten of je toegang is 'Alleen lezen'."),
                          QMessageBox.Icon.Information)
            return
        if self.importer.busy:
            self.ctx.show(_("Er loopt al een import; wacht of annuleer."), 5000)
            return
        # A spare reader from now until the import ends (files dropped on the map come here
        # without the file chooser, which warms one up too).
        self.importer.reader.warm_up()
        dialog = ImportLayerDialog(paths, self.feed_choices(), announce_in=announce_in,
                                   parent=self.ctx.parent_widget, importer=self.importer,
                                   max_bytes=self.ctx.settings.max_layer_bytes)
        try:
            if dialog.exec() and dialog.choice().files:
                self.import_layers(dialog.choice())
            else:
                self.importer.reader.cool_down()
        finally:
            dialog.close_reading()
            dialog.deleteLater()

    def import_layers(self, choice: ImportChoice) -> None:
        if self.importer.busy:
            self.ctx.show(_("Er loopt al een import; wacht of annuleer."), 5000)
            return
        self._show_import_progress(True)
        self.import_progress.setValue(0)
        self.importer.start(self.ctx.user, self.ctx.case.id, choice,
                            max_bytes=self.ctx.settings.max_layer_bytes)

    def _show_import_progress(self, shown: bool) -> None:
        self.import_progress.setVisible(shown)
        self.import_cancel.setVisible(shown)

    def _on_import_progress(self, percent: int, text: str) -> None:
        self.import_progress.setValue(percent)
        self.import_progress.setToolTip(plain_tip(text))

    def fill_features(self) -> None:
        """On the shared server the QGIS feature table is filled after the import, not in it
        (migration 0017): the layer is on the map already; a failure leaves it queued."""
        self.ctx.ops.run(self.service.fill_features, lambda _n: None, lambda _exc: None)

    def _on_import_finished(self, report: ImportReport) -> None:
        self._show_import_progress(False)
        self.importer.reader.cool_down()  # no idle reader process kept until the next import
        for layer in report.added:
            self.map.preload_layer_data(layer.layer_id, layer.data_revision, layer.geojson_utf8)
        boxes = [layer.bbox for layer in report.added if layer.bbox is not None]
        if (bbox := union_bbox(boxes)) is not None:
            self.map.fly_to(bbox)
        if report.added:
            self.fill_features()
        if report.added or self._refresh_after_import:
            self._refresh_after_import = False
            self.ctx.refresh()
        self.ctx.show(report_text(report).split("\n\n")[0], 8000)
        if report.errors or report.warnings or report.cancelled:
            icon = QMessageBox.Icon.Warning if report.errors else QMessageBox.Icon.Information
            self.ctx.tell(_("Kaartlagen toevoegen"), report_text(report), icon)

    # -- export ----------------------------------------------------------------------------------
    def _on_export_requested(self, layer_ids: list[int]) -> None:
        if not layer_ids:
            self.ctx.tell(_("Exporteren"), _("Vink eerst de lagen aan die je wilt exporteren, of "
                          "selecteer er een."), QMessageBox.Icon.Information)
            return
        path, _filter = QFileDialog.getSaveFileName(self.ctx.parent_widget, _("Lagen exporteren"),
                                              _("lagen.kmz"), _(EXPORT_FILTER))
        if path:
            self.export_layers_to(Path(path), layer_ids)

    def export_layers_to(self, path: Path, layer_ids: list[int]) -> None:
        user, service = self.ctx.user, self.service

        def job() -> int:
            return export_layers(service.layers_for_export(user, layer_ids), path)

        def done(count: int) -> None:
            self.last_export = _("{file}: {count} objecten uit {layers} laag/lagen "
                                 "opgeslagen.").format(file=path.name, count=count,
                                                       layers=len(layer_ids))
            self.ctx.show(self.last_export, 8000)

        def failed(exc: Exception) -> None:
            self.last_export = _("Export mislukt: {error}").format(error=exc)
            self.ctx.tell(_("Exporteren mislukt"), str(exc))

        self.ctx.ops.run(job, done, failed)

    # -- managing --------------------------------------------------------------------------------
    def _layer_name(self, layer_id: int) -> str:
        item = self.panel.item_for(layer_id)
        return item.text(0) if item is not None else ""

    def _change(self, action: Callable[[], object], title: str) -> None:
        self.ctx.ops.run(action, lambda _result: None,
                         lambda exc: self.ctx.tell(title, str(exc)))

    def _on_rename_requested(self, layer_id: int) -> None:
        name, ok = QInputDialog.getText(self.ctx.parent_widget, _("Naam wijzigen"),
                                        _("Nieuwe naam van de laag:"), text=self._layer_name(layer_id))
        if ok:
            self.rename_layer(layer_id, name)

    def rename_layer(self, layer_id: int, name: str) -> None:
        user = self.ctx.user
        self._change(lambda: self.service.rename_layer(user, layer_id, name),
                     _("Naam niet gewijzigd"))

    def _on_describe_requested(self, layer_id: int) -> None:
        layer = self.panel.layer(layer_id)
        text, ok = QInputDialog.getMultiLineText(self.ctx.parent_widget, _("Beschrijving"),
                                                 _("Wat toont deze laag?"),
                                                 layer.description if layer else "")
        if ok:
            self.describe_layer(layer_id, text)

    def describe_layer(self, layer_id: int, text: str) -> None:
        user = self.ctx.user
        self._change(lambda: self.service.set_description(user, layer_id, text),
                     _("Beschrijving niet gewijzigd"))

    def _on_remove_requested(self, layer_id: int) -> None:
        if ask(self.ctx.parent_widget, _("Laag verwijderen"),
               _("Laag “{name}” verwijderen, voor iedereen met wie ze gedeeld is?\nBerichten die "
                 "de laag aankondigden blijven staan.").format(name=self._layer_name(layer_id))):
            self.remove_layer(layer_id)

    def remove_layer(self, layer_id: int) -> None:
        user = self.ctx.user
        self._change(lambda: self.service.remove_layer(user, layer_id), _("Laag niet verwijderd"))

    def _on_opacity_committed(self, layer_id: int, opacity: float) -> None:
        user = self.ctx.user
        self.ctx.ops.run(lambda: self.service.set_opacity(user, layer_id, opacity),
                         lambda _none: None,
                         lambda exc: self.ctx.note(_("Dekking niet bewaard: {error}").format(error=exc)))
