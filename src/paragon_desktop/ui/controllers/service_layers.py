"""Layers from partners' map services (WMS, WMTS, WFS, OGC API Features): adding one from the
layers dock, the addresses this computer may reach, and the live refresh of data layers.

The network guard lets the map reach exactly the hosts the user allowed: adding a layer allows
its host; a layer someone else shares asks before its first showing (the app makes no network
request the user did not choose). Image layers refresh in the page (ui/map JS); a ticked data
layer with a refresh interval is fetched again here, off the GUI thread, read by the sandboxed
reader, and replaces what the map shows (the stored copy stays as added, for offline use).
"""

from __future__ import annotations

import time
import uuid

from PySide6.QtCore import QObject, QTimer

from paragon_desktop.gis.ows import DATA_KINDS, Service
from paragon_desktop.i18n import _
from paragon_desktop.services.layers import LayerService
from paragon_desktop.services.service_layers import read_service_features
from paragon_desktop.services.views import ChangeSet, LayerView
from paragon_desktop.ui.controllers.context import WindowContext
from paragon_desktop.ui.controllers.layers import LayersController
from paragon_desktop.ui.dialogs.service_layer import ServiceChoice, ServiceLayerDialog
from paragon_desktop.ui.map.view import MapView
from paragon_desktop.ui.plain import ask

LIVE_CHECK_MS = 5000


class ServiceLayersController(QObject):
    def __init__(self, ctx: WindowContext, service: LayerService, layers: LayersController,
                 map_view: MapView) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.service = service
        self.layers = layers
        self.map = map_view
        self.dialog: ServiceLayerDialog | None = None
        self.last_added = ""
        self._views: dict[int, LayerView] = {}
        self._fetched: dict[int, float] = {}  # layer id -> monotonic time of the last fetch
        self._in_flight: set[int] = set()
        self._warned: set[int] = set()
        self.live_fetches = 0
        layers.may_show = self.may_show
        layers.panel.sig_service_requested.connect(self.ask)
        ctx.sig_changes.connect(self._on_changes)
        self.timer = QTimer(self)
        self.timer.setInterval(LIVE_CHECK_MS)
        self.timer.timeout.connect(self.refresh_live)
        self.timer.start()

    # -- adding --------------------------------------------------------------------------------
    def ask(self) -> None:
        self.dialog = ServiceLayerDialog(self.layers.feed_choices(), self.ctx.ops,
                                         self.ctx.parent_widget)
        try:
            if self.dialog.exec():
                self.add(self.dialog.choice())
        finally:
            self.dialog.deleteLater()
            self.dialog = None

    def add(self, choice: ServiceChoice) -> None:
        """Store the layer (a data layer with its features read now); its host is allowed."""
        user, case_id = self.ctx.user, self.ctx.case.id
        offer, service = choice.offer, choice.offer.service
        reader, max_bytes = self.layers.importer.reader, self.ctx.settings.max_layer_bytes
        op_id = uuid.uuid4().hex
        self.allow(service.host)

        def job() -> tuple[int, int, bytes | memoryview | None]:
            read = None
            if service.kind in DATA_KINDS:
                read = read_service_features(service, reader, max_bytes=max_bytes)
            layer_id = self.service.add_service_layer(
                user, case_id, service, name=choice.name, read=read, bbox=offer.bbox,
                description=choice.description, feed_ids=choice.feed_ids, op_id=op_id)
            revision = self.service.data_revision(layer_id)
            # Encoded for the map page here, off the window's thread.
            return layer_id, revision, read.encoded if read is not None else None

        def done(result: tuple[int, int, bytes | memoryview | None]) -> None:
            layer_id, revision, data = result
            if data is not None:
                self.map.preload_layer_data(layer_id, revision, data)
                self._fetched[layer_id] = time.monotonic()
            if offer.bbox is not None:
                self.map.fly_to(offer.bbox)
            self.last_added = choice.name
            self.ctx.show(_("Laag “{name}” toegevoegd uit {host}.").format(
                name=choice.name, host=service.host), 8000)
            self.layers.fill_features()
            self.ctx.refresh()

        def failed(exc: Exception) -> None:
            self.last_added = ""
            self.ctx.tell(_("Kaartdienst niet toegevoegd"), str(exc))

        self.ctx.show(_("Laag uit {host} wordt toegevoegd…").format(host=service.host), 8000)
        self.ctx.ops.run(job, done, failed)

    # -- which hosts the map may reach ----------------------------------------------------------
    def allowed(self, service: Service) -> bool:
        return service.host in self.ctx.settings.service_hosts

    def allow(self, host: str) -> None:
        settings = self.ctx.settings
        if host in settings.service_hosts:
            return
        settings.service_hosts = sorted({*settings.service_hosts, host})
        settings.save()
        self.map.set_service_hosts(settings)

    def may_show(self, layer_id: int) -> bool:
        """Before a service layer is shown: its host allowed, or the user allows it now."""
        layer = self.layers.panel.layer(layer_id)
        if layer is None or layer.service is None or self.allowed(layer.service):
            return True
        if not ask(self.ctx.parent_widget, _("Kaartdienst toestaan"),
                   _("“{name}” (gedeeld door {owner}) komt van {host}.\n\nMag deze computer "
                     "{host} bereiken om de laag te tonen? Andere adressen blijven "
                     "geblokkeerd.").format(name=layer.name, owner=layer.owner,
                                            host=layer.service.host)):
            return False
        self.allow(layer.service.host)
        return True

    def _on_changes(self, changes: ChangeSet, _first: bool) -> None:
        if changes.layers is None:
            return
        self._views = {layer.id: layer for layer in changes.layers if layer.service is not None}
        for layer in self._views.values():
            service = layer.service
            # Ticked elsewhere (another computer) but not allowed here: say why it stays empty.
            if (service is not None and layer.visible and not self.allowed(service)
                    and layer.id not in self._warned):
                self._warned.add(layer.id)
                # In the status bar (the lasting note is the refresh's own line).
                self.ctx.show(_("“{name}” komt van {host}, dat deze computer niet mag bereiken: "
                                "vink de laag uit en weer aan om het toe te staan.").format(
                    name=layer.name, host=service.host), 20000)

    # -- live data layers ------------------------------------------------------------------------
    def refresh_live(self) -> None:
        """Fetch again the ticked data layers whose interval has passed (one at a time each)."""
        now = time.monotonic()
        for layer in self._views.values():
            service = layer.service
            if (service is None or service.kind not in DATA_KINDS or not service.refresh_s
                    or layer.id in self._in_flight or not self.allowed(service)):
                continue
            item = self.layers.panel.layer(layer.id)
            if item is None or not item.visible:
                continue
            if now - self._fetched.setdefault(layer.id, now) < service.refresh_s:
                continue
            self._fetch(layer.id, service)

    def _fetch(self, layer_id: int, service: Service) -> None:
        self._in_flight.add(layer_id)
        self._fetched[layer_id] = time.monotonic()
        reader, max_bytes = self.layers.importer.reader, self.ctx.settings.max_layer_bytes

        def done(data: bytes | memoryview) -> None:
            self._in_flight.discard(layer_id)
            self.live_fetches += 1
            self.map.show_live_data(layer_id, data)

        def failed(exc: Exception) -> None:
            self._in_flight.discard(layer_id)
            self.ctx.note(_("Laag niet ververst: {error}").format(error=exc))

        self.ctx.ops.run(lambda: read_service_features(
            service, reader, max_bytes=max_bytes).encoded, done, failed)
