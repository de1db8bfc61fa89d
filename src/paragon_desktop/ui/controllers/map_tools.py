"""The map's tools: measuring a distance or an area (geodesic, on the WGS84 ellipsoid), a
coordinate box that flies to a typed position, the legend, and the map's own right-click menu
(never the browser's): copy the point's coordinates in each system Belgian services use, a new
anchor there, centre the map there."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QCursor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QLineEdit, QMainWindow, QMenu, QToolBar

from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.gis.crs import coordinate_texts, parse_coordinates
from paragon_desktop.gis.tile_sources import preset_for
from paragon_desktop.i18n import N_, _, number, when
from paragon_desktop.ui.controllers.anchors import DrawBar
from paragon_desktop.ui.controllers.context import WindowContext
from paragon_desktop.ui.dialogs.area_download import AreaDownloadDialog
from paragon_desktop.ui.dialogs.map_print import Bounds, MapPrintDialog
from paragon_desktop.ui.map.ops import Op, op
from paragon_desktop.ui.map.view import MapView
from paragon_desktop.ui.map_print import PrintInfo, write, zoom_for_scale


def geodesic_length(points: list[list[float]]) -> float:
    """Metres along the ellipsoid through ``points`` ([lon, lat] each)."""
    from pyproj import Geod

    if len(points) < 2:
        return 0.0
    return float(Geod(ellps="WGS84").line_length([p[0] for p in points], [p[1] for p in points]))


def geodesic_area(points: list[list[float]]) -> float:
    """Square metres of the ring through ``points`` on the ellipsoid."""
    from pyproj import Geod

    if len(points) < 3:
        return 0.0
    area, _perimeter = Geod(ellps="WGS84").polygon_area_perimeter(
        [p[0] for p in points], [p[1] for p in points])
    return abs(float(area))


def distance_text(metres: float) -> str:
    if metres < 1000:
        return f"{number(metres)} m"
    return f"{number(metres / 1000, 2)} km"


def area_text(square_metres: float) -> str:
    """In the unit that reads best, with square metres alongside (m², ha, km²)."""
    if square_metres < 10_000:
        return f"{number(square_metres)} m²"
    if square_metres < 1_000_000:
        return f"{number(square_metres / 10_000, 2)} ha ({number(square_metres)} m²)"
    return (f"{number(square_metres / 1_000_000, 2)} km² "
            f"({number(square_metres / 10_000)} ha)")


# The print dialog's last choice of area: a rectangle drawn after the dialog closes.
DRAW = "draw"
DRAW_EXTENT = N_("Een rechthoek tekenen…")


class MapToolsController(QObject):
    def __init__(self, ctx: WindowContext, window: QMainWindow, map_view: MapView,
                 new_anchor_at: Callable[[float, float], None],
                 may_add_anchor: Callable[[], str],
                 stop_drawing: Callable[[], None],
                 attach: Callable[[str], None] | None = None) -> None:
        super().__init__(ctx)
        self._attach = attach
        self.last_print: Path | None = None
        self._restore_view: tuple[tuple[float, float], float] | None = None
        self._window = window
        # Docks hidden while the map is grabbed for a print (the map then has the window's
        # width, closer to a page's shape); shown again right after.
        self._hidden_docks: list[QDockWidget] = []
        self._rectangle_then: Callable[[Bounds | None], None] | None = None
        self.ctx = ctx
        self.map = map_view
        self._new_anchor_at = new_anchor_at
        self._refusal = may_add_anchor
        self._stop_drawing = stop_drawing
        self.menu: QMenu | None = None  # the last one shown (for tests)
        self.measuring: str | None = None  # "line" or "area" while measuring
        self.result = ""  # the last measurement, as shown
        self.bar = DrawBar()
        self.bar.attach(map_view)
        self.bar.done.clicked.connect(self._finish_measure)
        self.bar.cancel.clicked.connect(self.stop_measuring)
        bridge = map_view.bridge
        bridge.sig_context_menu.connect(self.show_menu)
        bridge.sig_pick_points.connect(self._on_points)
        bridge.sig_picked.connect(self._on_picked)

        self.toolbar = QToolBar(_("Kaart"), window)
        self.toolbar.setObjectName("toolbar_map")
        self.measure_line = QAction(_("Afstand meten"), self)
        self.measure_line.setToolTip(_("Een afstand meten: klik de punten, dubbelklik om te "
                                       "eindigen"))
        self.measure_line.triggered.connect(lambda: self.measure("line"))
        self.measure_area = QAction(_("Oppervlakte meten"), self)
        self.measure_area.triggered.connect(lambda: self.measure("area"))
        self.legend = QAction(_("Legende"), self)
        self.legend.setCheckable(True)  # unfolds the legend on the map (folded at first)
        self.legend.toggled.connect(
            lambda on: map_view.bridge.send([op(Op.LEGEND_SHOW, visible=on)]))
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Ga naar coördinaat… (Ctrl+G)"))
        self.search.setToolTip(_("bv. 51.2540, 4.2775 · 51°15'14\"N 4°16'39\"E · "
                                 "Lambert 72: 143629, 216015 · Lambert 2008: 643623, 716014 · "
                                 "UTM: 31U 589150 5678846 · MGRS: 31U ES 89150 78846"))
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(320)
        self.search.returnPressed.connect(self.go_to_typed)
        go_to = QAction(_("Ga naar coördinaat"), self)
        go_to.setShortcut(QKeySequence("Ctrl+G"))
        go_to.triggered.connect(self.focus_search)
        window.addAction(go_to)
        self.offline_action = QAction(_("Gebied offline nemen…"), self)
        self.offline_action.triggered.connect(self.ask_area_download)
        self.area_dialog: AreaDownloadDialog | None = None
        self.print_action = QAction(_("Afdrukken/Exporteren…"), self)
        self.print_action.setShortcut(QKeySequence("Ctrl+P"))
        self.print_action.triggered.connect(self.ask_print)
        window.addAction(self.print_action)
        for action in (self.measure_line, self.measure_area, self.legend, self.print_action):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(self.search)
        window.addToolBar(self.toolbar)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- right-click ------------------------------------------------------------------------------
    def build_menu(self, lat: float, lon: float) -> QMenu:
        menu = QMenu(self.map)
        copy = menu.addMenu(_("Coördinaten kopiëren"))
        for system, text in coordinate_texts(lon, lat):
            copy.addAction(f"{system}: {text}", partial(self.copy, text))
        new = menu.addAction(_("Nieuw anker hier"), lambda: self._new_anchor_at(lon, lat))
        refusal = self._refusal()
        new.setEnabled(not refusal)
        if refusal:
            new.setToolTip(refusal)
        menu.addAction(_("Meten vanaf hier"), lambda: self.measure("line", start=(lon, lat)))
        menu.addAction(_("Hier centreren"), lambda: self.map.bridge.send(
            [op(Op.FLY, bbox=[lon, lat, lon, lat], centre=True)]))
        return menu

    def show_menu(self, lat: float, lon: float) -> None:
        self.menu = self.build_menu(lat, lon)
        self.menu.popup(QCursor.pos())

    def copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.ctx.show(_("Gekopieerd: {text}").format(text=text))

    # -- measuring --------------------------------------------------------------------------------
    def measure(self, kind: str, start: tuple[float, float] | None = None) -> None:
        """Measure a distance ("line") or an area ("area") by clicking on the map."""
        self._stop_drawing()
        self.stop_measuring()
        self.measuring = kind
        self.map.bridge.send([op(Op.PICK_START, mode=f"measure-{kind}")])
        if start is not None:
            self.map.bridge.send([op(Op.PICK_ADD, lonlat=list(start))])
        self.result = ""
        self._show(_("Klik de punten; dubbelklik of Klaar om te eindigen."), done=True)
        self.map.setFocus()

    # -- drawing a rectangle (an area to print or take offline) -----------------------------------
    def pick_rectangle(self, then: Callable[[Bounds | None], None]) -> None:
        """Two clicks on the map give a rectangle; ``then`` gets its bounds, or None when the
        user cancels."""
        self._stop_drawing()
        self.stop_measuring()
        self._rectangle_then = then
        self.map.bridge.send([op(Op.PICK_START, mode="rect")])
        self._show(_("Klik twee tegenoverliggende hoeken van de rechthoek."), done=False)
        self.bar.cancel.setText(_("Annuleren"))
        self.map.setFocus()

    def stop_measuring(self) -> None:
        then, self._rectangle_then = self._rectangle_then, None
        if then is not None:  # a rectangle being drawn was cancelled
            self.map.bridge.send([op(Op.PICK_STOP)])
            self.bar.hide()
            then(None)
        if self.measuring is not None:
            self.map.bridge.send([op(Op.PICK_STOP)])
        self.map.bridge.send([op(Op.MEASURE_CLEAR)])
        self.measuring = None
        self.bar.hide()

    def _finish_measure(self) -> None:
        if self.measuring is not None:
            self.map.bridge.send([op(Op.PICK_FINISH)])
        else:
            self.stop_measuring()

    def _show(self, text: str, *, done: bool) -> None:
        self.bar.hint.setText(text)
        self.bar.done.setVisible(done)
        self.bar.cancel.setText(_("Annuleren") if done else _("Sluiten"))
        self.bar.show()
        self.bar.place()

    def _measured(self, points: list[list[float]]) -> str:
        if self.measuring == "area":
            ring = [*points, points[0]] if points else points
            return _("Oppervlakte: {area} · omtrek {length}").format(
                area=area_text(geodesic_area(points)), length=distance_text(geodesic_length(ring)))
        return _("Afstand: {length}").format(length=distance_text(geodesic_length(points)))

    def _on_points(self, points: list[list[float]]) -> None:
        if self.measuring is None:
            return
        self.result = self._measured(points)
        self._show(self.result, done=True)

    def _on_picked(self, geometry: dict[str, Any]) -> None:
        if self._rectangle_then is not None and geometry.get("bbox"):
            then, self._rectangle_then = self._rectangle_then, None
            self.bar.hide()
            then(tuple(float(v) for v in geometry["bbox"]))  # type: ignore[arg-type]
            return
        if self.measuring is None:
            return
        coordinates = geometry.get("coordinates") or []
        points = coordinates[0][:-1] if geometry.get("type") == "Polygon" else coordinates
        self.result = self._measured(points)
        self.measuring = None
        self._show(self.result, done=False)  # stays until closed; the line stays on the map

    # -- taking an area offline -------------------------------------------------------------------
    def area_download_refusal(self) -> str:
        """Why the current online source may not be taken offline ("" when it may)."""
        url = self.ctx.settings.tile_url
        if not url:
            return _("Kies eerst een online achtergrond (Bestand > Instellingen); offline "
                     "nemen haalt zijn tegels op.")
        preset = preset_for(url)
        if preset is not None and not preset.download:
            return _("De voorwaarden van {source} laten niet toe dat je er een gebied van "
                     "downloadt. Kies een andere bron.").format(source=_(preset.name))
        return ""

    def ask_area_download(self) -> None:
        refusal = self.area_download_refusal()
        if refusal:
            self.ctx.tell(_("Gebied offline nemen"), refusal)
            return
        self.map.page().runJavaScript("paragon.printInfo()", 0,
                                      lambda found: self._open_area_dialog(json.loads(found)))

    def _open_area_dialog(self, found: dict[str, Any]) -> None:
        areas = {_("Huidig kaartbeeld"): tuple(found["bounds"])}
        if self.ctx.case.bbox is not None:
            west, south, east, north = self.ctx.case.bbox
            pad = 0.02  # around the case's place: the roads to it
            areas[_("De case en omgeving")] = (west - pad, south - pad, east + pad, north + pad)
        settings = self.ctx.settings
        self.area_dialog = AreaDownloadDialog(
            settings.tile_url or "", settings.tile_attribution, areas, int(found["zoom"]),
            self.map.basemaps, lambda _basemap: self.map.show_basemaps(), self.ctx.parent_widget,
            draw=self._draw_area)
        self.area_dialog.open()

    def _draw_area(self, dialog: AreaDownloadDialog) -> None:
        """The dialog steps aside while a rectangle is drawn, and comes back with it."""
        dialog.hide()

        def drawn(bounds: Bounds | None) -> None:
            if bounds is not None:
                dialog.add_area(_("Getekende rechthoek"), bounds)
            dialog.show()

        self.pick_rectangle(drawn)

    # -- printing ---------------------------------------------------------------------------------
    def print_extents(self, found: dict[str, Any]) -> dict[str, Bounds | str | None]:
        """What can be printed besides the view: the case and its surroundings, its anchors."""
        extents: dict[str, Bounds | str | None] = {_("Huidig kaartbeeld"): None}
        if self.ctx.case.bbox is not None:
            west, south, east, north = self.ctx.case.bbox
            pad = 0.01
            extents[_("De case en omgeving")] = (west - pad, south - pad, east + pad, north + pad)
        if found.get("anchors"):
            extents[_("Alle ankers")] = tuple(found["anchors"])  # type: ignore[assignment]
        extents[_(DRAW_EXTENT)] = DRAW
        return extents

    def ask_print(self) -> None:
        self.map.page().runJavaScript(
            "paragon.printInfo()", 0, lambda found: self._ask_print(json.loads(found)))

    def _ask_print(self, found: dict[str, Any]) -> None:
        dialog = MapPrintDialog(self.ctx.parent_widget, self.print_extents(found))
        if not dialog.exec():
            return
        suffix = dialog.format.currentData()
        default = f"{self.ctx.case.name[:60]}{suffix}".replace("/", "-")
        path, _filter = QFileDialog.getSaveFileName(
            self.ctx.parent_widget, _("Kaart afdrukken of exporteren"), default,
            "PDF (*.pdf)" if suffix == ".pdf" else "PNG (*.png)")
        if not path:
            return
        extent = dialog.extent.currentData()

        def go(bounds: Bounds | None) -> None:
            self.print_to(Path(path).with_suffix(suffix), dialog.paper.currentData(),
                          bool(dialog.orientation.currentData()),
                          attach=dialog.attach.isChecked() and suffix == ".pdf",
                          scale=int(dialog.scale.currentData()) or None,
                          extent=bounds, grid=dialog.grid.currentData())

        if extent == DRAW:  # drawn now, printed as soon as it is
            self.pick_rectangle(lambda bounds: go(bounds) if bounds is not None else None)
        else:
            go(extent)

    def print_to(self, path: Path, paper: str = "A4", landscape: bool = True, *,
                 attach: bool = False, scale: int | None = None, extent: Bounds | None = None,
                 grid: str = "lambert72") -> None:
        """The current view on a page (the page knows the view and the legend: asked first);
        with ``extent``, that area instead; with ``scale``, at that printed scale around the
        same centre. The user's view comes back afterwards."""
        def printed(found: dict[str, Any]) -> None:
            self._print(path, paper, landscape, attach, grid, found)

        def hide_docks(found: dict[str, Any]) -> None:
            # The user's view, put back exactly after the print.
            self._restore_view = (tuple(found["center"]), float(found["zoom"]))  # type: ignore[assignment]
            # The map gets the window's width for the grab (Leaflet keeps the centre); the
            # docks come back after it.
            self._hidden_docks = [d for d in self._window.findChildren(QDockWidget)
                                  if d.isVisible() and not d.isFloating()]
            for dock in self._hidden_docks:
                dock.hide()
            QTimer.singleShot(600 if self._hidden_docks else 0, self.map,
                              lambda: self._print_view(path, paper, landscape, attach, scale,
                                                       extent, printed))

        self.map.page().runJavaScript("paragon.printInfo()", 0,
                                      lambda found: hide_docks(json.loads(found)))

    def _print_view(self, path: Path, paper: str, landscape: bool, attach: bool,
                    scale: int | None, extent: Bounds | None,
                    printed: Callable[[dict[str, Any]], None]) -> None:
        if scale is None and extent is None:
            self.map.page().runJavaScript("paragon.printInfo()", 0,
                                          lambda found: printed(json.loads(found)))
            return

        def move(found: dict[str, Any]) -> None:
            lon, lat = found["center"]
            script = "paragon.map.options.zoomSnap = 0;"
            if extent is not None:
                west, south, east, north = extent
                lon, lat = (west + east) / 2, (south + north) / 2
                script += (f"paragon.map.fitBounds([[{south}, {west}], [{north}, {east}]], "
                           "{animate: false});")
            if scale is not None:
                info = PrintInfo(title="", subtitle="", center=(lon, lat),
                                 size=tuple(found["size"]), legend=found["legend"],  # type: ignore[arg-type]
                                 exercise="x" if self.ctx.case.is_exercise else "")
                zoom = zoom_for_scale(scale, paper, landscape, info)
                script += f"paragon.map.setView([{lat}, {lon}], {zoom:.4f}, {{animate: false}});"
            self.map.page().runJavaScript(
                script + " true", 0,
                # Tiles and canvases redraw at the new zoom before the page is asked again.
                lambda _r: QTimer.singleShot(800, lambda: self.map.page().runJavaScript(
                    "paragon.printInfo()", 0, lambda again: printed(json.loads(again)))))

        self.map.page().runJavaScript("paragon.printInfo()", 0,
                                      lambda found: move(json.loads(found)))

    def _print(self, path: Path, paper: str, landscape: bool, attach: bool, grid: str,
               found: dict[str, Any]) -> None:
        ctx = self.ctx
        case = ctx.case
        info = PrintInfo(
            title=case.name,
            subtitle=_("{time} · {author}").format(time=when(datetime.now()),
                                                   author=ctx.user.display_name),
            exercise=_("OEFENING - geen echte noodsituatie") if case.is_exercise else "",
            zoom=float(found["zoom"]), center=tuple(found["center"]),  # type: ignore[arg-type]
            bounds=tuple(found["bounds"]), size=tuple(found["size"]),  # type: ignore[arg-type]
            legend=found["legend"], credits=found["credits"], grid=grid)
        # The page's own buttons stay off the print (hidden for the grab, then back).
        self.map.page().runJavaScript("document.body.classList.add('paragon-printing'); true", 0,
                                      lambda _r: QTimer.singleShot(
                                          200, lambda: self._grab_and_write(path, paper, landscape,
                                                                            attach, info)))

    def _grab_and_write(self, path: Path, paper: str, landscape: bool, attach: bool,
                        info: PrintInfo) -> None:
        ctx = self.ctx
        image = self.map.grab().toImage()
        for dock in self._hidden_docks:
            dock.show()
        self._hidden_docks = []
        back = "document.body.classList.remove('paragon-printing');"
        if self._restore_view is not None:  # the user's view back, once the docks are
            (lon, lat), zoom = self._restore_view
            back += (f"paragon.map.setView([{lat}, {lon}], {zoom}, {{animate: false}});"
                     "paragon.map.options.zoomSnap = 1;")
            self._restore_view = None
        QTimer.singleShot(300, self.map, lambda: self.map.page().runJavaScript(back + " true"))
        try:
            write(path, paper, landscape, image, info)
        except OSError as exc:
            ctx.tell(_("Kaart niet geschreven"), str(exc))
            return
        self.last_print = path
        ctx.show(_("Kaart geschreven: {file}").format(file=path.name))
        if attach and self._attach is not None:
            self._attach(str(path))

    # -- coordinate search ------------------------------------------------------------------------
    def go_to_typed(self) -> None:
        text = self.search.text()
        if not text.strip():
            return
        try:
            lon, lat, system = parse_coordinates(text)
        except ParagonError as exc:
            self.ctx.tell(_("Coördinaat niet gevonden"), str(exc))
            return
        self.go_to(lon, lat, f"{system}: {text.strip()}")

    def go_to(self, lon: float, lat: float, label: str) -> None:
        self.map.bridge.send([op(Op.MARKER_SHOW, lonlat=[lon, lat], label=label, zoom=16)])
        self.ctx.show(_("Naar {place}").format(place=label))
