"""The case map widget: a QWebEngineView on the local page, driven through the MapBridge."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from paragon_desktop.domain.anchors import AnchorCategory, category_of
from paragon_desktop.gis.basemaps import store as basemap_store
from paragon_desktop.services.views import ChangeSet, JurisdictionView, LayerView
from paragon_desktop.settings import Settings
from paragon_desktop.ui.gc import release_elsewhere
from paragon_desktop.ui.map.bridge import MapBridge
from paragon_desktop.ui.map.guard import NetworkGuard
from paragon_desktop.ui.map.ops import Op
from paragon_desktop.ui.map.page import PAGE_URL, SCHEME
from paragon_desktop.ui.map.scheme import AssetSchemeHandler


class MapPage(QWebEnginePage):
    """Keeps JS console errors visible in the app's log instead of losing them."""

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802 (Qt API)
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            print(f"map page error: {message} ({source}:{line})")


# Live data of a service layer is numbered from here: never a stored revision.
LIVE_REVISIONS = 2_000_000_000


class MapView(QWebEngineView):
    # The page was lost (its render process died) and has been loaded anew, empty: whoever
    # drives the map must send everything again.
    sig_page_reset = Signal()
    # Layer files dropped on the map (local paths).
    sig_files_dropped = Signal(list)
    # The ticked layers whose current data the page has not yet put on the map (a set of ids),
    # and those whose latest data it could not show ({id: what went wrong}).
    sig_loading = Signal(object, object)

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        extra_interceptor: QWebEngineUrlRequestInterceptor | None = None,
    ) -> None:
        super().__init__(parent)
        # An off-the-record profile of our own: no cache or cookies on disk, our scheme only here.
        self.profile = QWebEngineProfile(self)
        self.guard = NetworkGuard(settings.tile_url, self, settings.service_hosts)
        self.profile.setUrlRequestInterceptor(self.guard)
        # This machine's offline basemaps, served tile by tile through the scheme.
        self.basemaps = basemap_store()
        self.scheme_handler = AssetSchemeHandler(self, self._layer_data_for_page,
                                                 self.basemaps.tile)
        self.profile.installUrlSchemeHandler(SCHEME.encode(), self.scheme_handler)
        page = MapPage(self.profile, self)
        if extra_interceptor is not None:
            page.setUrlRequestInterceptor(extra_interceptor)
        self.setPage(page)
        self.bridge = MapBridge(self)
        self.channel = QWebChannel(self)
        self.channel.registerObject("bridge", self.bridge)
        page.setWebChannel(self.channel)
        # What the page holds: layer id -> data revision sent.
        self._layer_revisions: dict[int, int] = {}
        self._layers: dict[int, LayerView] = {}
        # GeoJSON the page may fetch, until it says it has it: (layer id, data revision) -> bytes.
        self._outbox: dict[tuple[int, int], bytes | memoryview] = {}
        # Data handed over before the layer is known here (a layer just imported on this machine).
        self._preloaded: dict[int, tuple[int, bytes | memoryview]] = {}
        self._live = 0  # live data handed to the page (numbered above every stored revision)
        self._on_map: dict[int, int] = {}  # the data revision the page says it has put on the map
        self._failed: dict[int, tuple[int, str]] = {}  # revision the page could not show, why
        self._loading: tuple[set[int], dict[int, str]] = (set(), {})
        self.bridge.sig_layer_failed.connect(self._on_layer_failed)
        self.bridge.sig_layer_loaded.connect(self._on_layer_loaded)
        self._settings = settings
        page.renderProcessTerminated.connect(self._on_render_process_terminated)
        # Our own menu on a right-click (the page asks Python), never Chromium's Back/Reload.
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        # A reload we did not ask for (a key, a script) empties the page: restore it like after
        # a crash.
        self._loading_ourselves = False
        page.loadStarted.connect(self._on_load_started)
        self._location_json = ""
        # Dropped files are ours to import; Chromium would otherwise open them as a page.
        self.setAcceptDrops(True)
        self.installEventFilter(self)
        self.loadFinished.connect(self._watch_children)
        self._start_page()

    def _start_page(self) -> None:
        self._allow_remote(self._settings)
        self.bridge.send([self._background_op(self._settings), self._basemaps_op()])
        self._loading_ourselves = True
        self.load(QUrl(PAGE_URL))

    def _on_load_started(self) -> None:
        if self._loading_ourselves:
            self._loading_ourselves = False
            return
        print("map page reloaded; restoring its state")
        self._reset_page()
        self.bridge.send([self._background_op(self._settings), self._basemaps_op()])
        self.sig_page_reset.emit()

    def _reset_page(self) -> None:
        self.bridge.reset()
        self._layer_revisions.clear()
        self._layers.clear()
        self._on_map.clear()
        self._failed.clear()
        self._tell_loading()
        self._outbox.clear()
        self._location_json = ""

    def _watch_children(self, _ok: bool = True) -> None:
        """Drag events reach Chromium's child widget first: filter them there too."""
        for child in self.findChildren(QWidget):
            child.setAcceptDrops(True)
            child.removeEventFilter(self)
            child.installEventFilter(self)

    @staticmethod
    def _local_files(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if self._local_files(event):  # type: ignore[arg-type]
                event.acceptProposedAction()  # type: ignore[attr-defined]
                return True
        elif kind == QEvent.Type.Drop:
            files = self._local_files(event)  # type: ignore[arg-type]
            if files:
                event.acceptProposedAction()  # type: ignore[attr-defined]
                # After the drop has finished: the dragging application (a file manager) must not
                # wait while our import dialog is open.
                QTimer.singleShot(0, lambda: self.sig_files_dropped.emit(files))
                return True
        return super().eventFilter(watched, event)

    def _on_render_process_terminated(self, status, exit_code: int) -> None:
        """Chromium's renderer crashed or was killed (out of memory, a GPU driver): load the page
        again rather than leave a blank map, and have the window resend its state."""
        print(f"map page lost ({status}, exit code {exit_code}); reloading it")
        self._reset_page()
        self._start_page()
        self.sig_page_reset.emit()

    def _allow_remote(self, settings: Settings) -> None:
        """Two locks: with no tile source the page may not reach any remote URL at all; with
        one, the NetworkGuard still lets only the tile host through."""
        self.page().settings().setAttribute(
            QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls,
            bool(settings.tile_url or settings.service_hosts),
        )

    @staticmethod
    def _background_op(settings: Settings) -> dict[str, Any]:
        return {"op": Op.BACKGROUND, "tile_url": settings.tile_url,
                "attribution": settings.tile_attribution}

    def _basemaps_op(self) -> dict[str, Any]:
        return {"op": Op.BASEMAPS, "items": [
            {"id": b.id, "name": b.name, "minzoom": b.minzoom, "maxzoom": b.maxzoom,
             "bounds": b.bounds, "opacity": b.opacity, "attribution": b.attribution}
            for b in self.basemaps.all() if b.shown]}

    def show_basemaps(self) -> None:
        """Send the basemaps as the store now has them (shown ones, bottom first)."""
        self.bridge.send([self._basemaps_op()])

    def set_tile_source(self, settings: Settings) -> None:
        self._settings = settings
        self.guard.set_tile_url(settings.tile_url)
        self._allow_remote(settings)
        self.bridge.send([self._background_op(settings)])

    def set_service_hosts(self, settings: Settings) -> None:
        """The hosts of partners' map services the user allowed (and no other) may be reached."""
        self._settings = settings
        self.guard.set_service_hosts(settings.service_hosts)
        self._allow_remote(settings)

    def shutdown(self) -> None:
        """The page must go before its profile, or Chromium keeps the profile alive."""
        page = self.page()
        page.deleteLater()
        self.profile.deleteLater()

    # -- driven by the main window ------------------------------------------------------------
    def needs_data(self, layer_id: int) -> bool:
        """A layer the map lists whose current data it neither holds nor was handed (an
        unticked layer's data is read only when it is ticked)."""
        layer = self._layers.get(layer_id)
        return layer is not None and \
            self.known_layer_revisions().get(layer_id) != layer.data_revision

    def wants_data(self, layer_id: int) -> bool:
        """A ticked layer whose current data the map has not got: to be read."""
        layer = self._layers.get(layer_id)
        return layer is not None and layer.visible and self.needs_data(layer_id)

    def known_layer_revisions(self) -> dict[int, int]:
        """Data revisions the map has or was handed: a refresh need not read those again."""
        known = dict(self._layer_revisions)
        known.update({layer_id: rev for layer_id, (rev, _text) in self._preloaded.items()})
        return known

    def preload_layer_data(self, layer_id: int, data_revision: int,
                           data: bytes | memoryview) -> None:
        """Data (GeoJSON, UTF-8) of a layer this machine just stored: shown when the refresh
        announces the layer, without reading it back from the database."""
        self._preloaded[layer_id] = (data_revision, data)

    def _layer_data_for_page(self, layer_id: int, revision: int) -> bytes | memoryview | None:
        return self._outbox.get((layer_id, revision))

    def failed_layers(self) -> dict[int, str]:
        """Layers whose latest data the page could not put on the map, with what went wrong."""
        return {layer_id: error for layer_id, (revision, error) in self._failed.items()
                if layer_id in self._layers and revision > self._on_map.get(layer_id, 0)}

    def loading_layers(self) -> set[int]:
        """Ticked layers whose current data is not on the map yet (read, fetched or drawn)."""
        failed = self.failed_layers()
        return {layer_id for layer_id, layer in self._layers.items()
                if layer.visible and not (layer.service and layer.service.gives_images)
                and layer.data_revision > self._on_map.get(layer_id, 0)
                and layer_id not in failed}

    def _tell_loading(self) -> None:
        state = (self.loading_layers(), self.failed_layers())
        if state != self._loading:
            self._loading = state
            self.sig_loading.emit(*state)

    def _on_layer_failed(self, layer_id: int, revision: int, error: str) -> None:
        self._failed[layer_id] = (revision, error)
        self._tell_loading()

    def _on_layer_loaded(self, layer_id: int, revision: int) -> None:
        self._on_map[layer_id] = max(revision, self._on_map.get(layer_id, 0))
        if self._failed.get(layer_id, (0, ""))[0] <= revision:
            self._failed.pop(layer_id, None)
        self._tell_loading()
        # A big text is unmapped and its memory handed back on a thread of its own.
        release_elsewhere(self._outbox.pop((layer_id, revision), None))

    def apply_changes(
        self,
        changes: ChangeSet,
        layer_data: Mapping[int, bytes | memoryview],
        *,
        fit_to: tuple[float, float, float, float] | None = None,
    ) -> int | None:
        """Send only what changed; returns the batch id, or None when nothing was sent."""
        ops: list[dict[str, Any]] = []
        if changes.jurisdictions is not None:
            ops.append(self._borders_op(changes.jurisdictions))
        for anchor_id in changes.removed_anchor_ids:
            ops.append({"op": Op.ANCHOR_REMOVE, "id": anchor_id})
        for anchor in changes.anchors:
            category = category_of(anchor.category)
            symbol = category.symbol
            ops.append({"op": Op.ANCHOR_UPSERT, "id": anchor.id, "name": anchor.name,
                        "category": category.value, "category_label": category.label,
                        "category_order": list(AnchorCategory).index(category),
                        "description": anchor.description, "geometry": anchor.geometry,
                        "symbol": {"colour": symbol.colour, "glyph": symbol.glyph,
                                   "dashed": symbol.dashed, "fill": symbol.fill}})
        if changes.layers is not None:
            seen = {layer.id for layer in changes.layers}
            for gone in set(self._layers) - seen:
                self._layers.pop(gone)
                self._layer_revisions.pop(gone, None)
                self._on_map.pop(gone, None)
                self._failed.pop(gone, None)
                self._preloaded.pop(gone, None)
                ops.append({"op": Op.LAYER_REMOVE, "id": gone})
            for layer in changes.layers:
                old = self._layers.get(layer.id)
                self._layers[layer.id] = layer
                if old != layer:
                    ops.append({"op": Op.LAYER_UPSERT, "id": layer.id, "name": layer.name,
                                "style": layer.style, "visible": layer.visible,
                                "opacity": layer.opacity,
                                "service": layer.service.for_page() if layer.service else None})
                preloaded = self._preloaded.get(layer.id)
                if preloaded is not None and preloaded[0] == layer.data_revision:
                    layer_data = {**layer_data, layer.id: preloaded[1]}
                    del self._preloaded[layer.id]
        # Data follows the upserts that announce the layers; the page fetches it from the scheme.
        for layer_id, data in layer_data.items():
            known = self._layers.get(layer_id)
            if known is None:
                continue
            ops.append(self._offer(layer_id, known.data_revision, data))
            self._layer_revisions[layer_id] = known.data_revision
        if fit_to is not None:
            ops.append({"op": Op.FIT, "bbox": list(fit_to)})
        self._tell_loading()
        if not ops:
            return None
        return self.bridge.send(ops)

    def show_live_data(self, layer_id: int, data: bytes | memoryview) -> None:
        """Features a live service layer just answered: shown instead of the stored ones (which
        stay as added); a newer stored revision replaces them again."""
        if layer_id not in self._layers:
            return
        self._live += 1
        self.bridge.send([self._offer(layer_id, LIVE_REVISIONS + self._live, data)])

    def _offer(self, layer_id: int, revision: int, data: bytes | memoryview) -> dict[str, Any]:
        """Put a layer's data (GeoJSON as UTF-8, encoded off the window's thread) where the page
        fetches it (older data of the layer goes), and the operation that tells the page to."""
        for key in [k for k in self._outbox if k[0] == layer_id]:
            release_elsewhere(self._outbox.pop(key))
        self._outbox[(layer_id, revision)] = data
        return {"op": Op.LAYER_DATA, "id": layer_id, "revision": revision}

    def set_layer_visible(self, layer_id: int, visible: bool) -> None:
        if layer_id in self._layers:
            self._layers[layer_id] = replace(self._layers[layer_id], visible=visible)
        self._tell_loading()
        self.bridge.send([{"op": Op.LAYER_VISIBLE, "id": layer_id, "visible": visible}])

    def set_layer_opacity(self, layer_id: int, opacity: float) -> None:
        if layer_id in self._layers:
            self._layers[layer_id] = replace(self._layers[layer_id], opacity=opacity)
        self.bridge.send([{"op": Op.LAYER_OPACITY, "id": layer_id, "opacity": opacity}])

    def show_location(self, geojson: str) -> None:
        """Draw the case location (point, area or territory); sent again only when it changed."""
        if geojson == self._location_json:
            return
        self._location_json = geojson
        self.bridge.send([{"op": Op.LOCATION_SHOW, "geometry": json.loads(geojson) if geojson
                           else None, "fit": False}])

    def fly_to(self, bbox: tuple[float, float, float, float], anchor_id: int | None = None) -> None:
        op: dict[str, Any] = {"op": Op.FLY, "bbox": list(bbox)}
        if anchor_id is not None:
            op["anchor_id"] = anchor_id
        self.bridge.send([op])

    @staticmethod
    def _borders_op(jurisdictions: list[JurisdictionView]) -> dict[str, Any]:
        return {"op": Op.BORDERS, "items": [
            {"id": j.id, "name": j.name, "kind": j.kind, "geometry": j.geometry}
            for j in jurisdictions
        ]}
