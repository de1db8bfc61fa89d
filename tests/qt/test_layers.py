"""Layers in the running app: import every format onto the real map page, big point layers,
escaped popups, bad files, drop, dock actions, sharing between two users, export."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from sqlalchemy import func, select

from paragon_desktop.gis import read_layer
from paragon_desktop.gis.crs import LAMBERT72, LAMBERT2008
from paragon_desktop.services.layer_import import ImportedLayer
from paragon_desktop.storage.models import Layer
from paragon_desktop.ui.dialogs.import_layer import ImportChoice, ImportLayerDialog
from tests import layerfiles as lf
from tests.qt.conftest import map_stats, markup_leaks, run_js, shown

LON, LAT = lf.KALLO


def import_and_wait(qtbot, window, choice: ImportChoice):
    with qtbot.waitSignal(window.layers.importer.sig_finished, timeout=60000) as blocker:
        window.layers.import_layers(choice)
    report = blocker.args[0]
    for added in report.added:
        qtbot.waitUntil(lambda a=added: map_stats(qtbot, window)["layers"].get(str(a.layer_id), {})
                        .get("features") == a.feature_count, timeout=30000)
    return report


def layer_count(client) -> int:
    with client.db.sessions() as session:
        return session.scalar(select(func.count()).select_from(Layer))


def all_formats(tmp_path: Path) -> list[Path]:
    kml = tmp_path / "perimeter.kml"
    kml.write_text(lf.kml_text(2))
    gpx = tmp_path / "meetrit.gpx"
    gpx.write_text(lf.gpx_text(3))
    return [
        kml,
        lf.kmz(tmp_path / "zones.kmz", lf.kml_text(4), extra={"files/icon.png": b"\x89PNG"}),
        lf.geojson(tmp_path / "metingen.geojson", lf.points(lf.lambert_points(LAMBERT72, 5))),
        gpx,
        lf.write_with_gdal(tmp_path / "gemeente.gpkg", "GPKG", LAMBERT72, layer="objecten"),
        lf.zipped_shapefile(tmp_path / "punten.zip", LAMBERT2008),
    ]


def test_every_format_lands_on_the_map_with_its_features(open_window, client, qtbot, tmp_path):
    window = open_window("sofie.janssens")
    files = all_formats(tmp_path)
    report = import_and_wait(qtbot, window, ImportChoice(files=[(p, p.stem) for p in files]))
    assert report.errors == []
    counts = {a.name: a.feature_count for a in report.added}
    assert counts == {"perimeter": 3, "zones": 5, "metingen": 5, "meetrit": 5, "gemeente": 3, "punten": 3}
    stats = map_stats(qtbot, window)
    for added in report.added:
        assert stats["layers"][str(added.layer_id)]["onMap"] is True
    # Placed where they belong (Kallo), whatever the file's coordinate system was.
    bounds = json.loads(run_js(qtbot, window, "JSON.stringify(Object.keys(paragon.layers).map("
                               "function (id) { var b = paragon.layers[id].layer.getLayers()[0]"
                               ".getBounds(); return [b.getWest(), b.getSouth()]; }))"))
    for west, south in bounds[-6:]:
        assert abs(west - LON) < 0.05
        assert abs(south - LAT) < 0.05
    names = [window.layers.panel.item_for(a.layer_id).text(0) for a in report.added]
    assert names == [a.name for a in report.added]


def click_popup(qtbot, window, lon: float, lat: float) -> list:
    """Click the map at a place (zoom 17); the popup's text, the elements made from it and
    whether a script ran. A canvas layer's popup opens once its properties came from the
    layer worker: waited for (no popup after 300 ms: nothing was hit)."""
    run_js(qtbot, window, f"""
        var map = paragon.map; map.closePopup(); map.setView([{lat}, {lon}], 17, {{animate: false}});
        // A closed popup fades out for 200 ms: not the answer to this click.
        document.querySelectorAll('.leaflet-popup').forEach(function (e) {{ e.remove(); }});
        var p = map.latLngToContainerPoint([{lat}, {lon}]);
        map.fire('click', {{latlng: map.containerPointToLatLng(p), containerPoint: p}}); 0""")
    probe = """var content = document.querySelector('.leaflet-popup-content');
        JSON.stringify([content ? content.textContent : null,
                        content ? content.querySelectorAll('img, b').length : -1,
                        window.__xss || 0])"""
    try:
        qtbot.waitUntil(lambda: json.loads(run_js(qtbot, window, probe))[0] is not None,
                        timeout=300)
    except qtbot.TimeoutError:
        pass
    return json.loads(run_js(qtbot, window, probe))


def test_big_point_layer_is_one_canvas_and_popups_are_text(open_window, qtbot, tmp_path):
    window = open_window("sofie.janssens")
    script = "<img src=x onerror=window.__xss=1><b>vet</b>"
    coords = [(LON + (i % 100) * 0.0005, LAT + (i // 100) * 0.0005) for i in range(5000)]
    path = lf.geojson(tmp_path / "adressen.geojson", lf.points(coords, naam=script))
    report = import_and_wait(qtbot, window, ImportChoice(files=[(path, "Adressen")]))
    layer_id = report.added[0].layer_id
    stats = map_stats(qtbot, window)["layers"][str(layer_id)]
    assert (stats["features"], stats["canvasPoints"], stats["onMap"]) == (5000, True, True)
    qtbot.wait(700)  # the fly-to the new layer
    shown, elements, xss = click_popup(qtbot, window, LON, LAT)
    assert script in shown  # the markup is shown as text ...
    assert elements == 0  # ... no element was made from it ...
    assert xss == 0  # ... and nothing ran
    # A zoom step draws the points once (viewreset, zoomend and moveend each redrew them), and
    # they are there after it: the pixel under a point is painted.
    before = map_stats(qtbot, window)["pointRedraws"]
    painted = json.loads(run_js(qtbot, window, f"""
        var map = paragon.map; map.closePopup(); map.setZoom(map.getZoom() - 1, {{animate: false}});
        var canvas = document.querySelector('canvas.paragon-points');
        var p = map.latLngToContainerPoint([{LAT}, {LON}]), r = window.devicePixelRatio || 1;
        var px = canvas.getContext('2d').getImageData(Math.round(p.x * r), Math.round(p.y * r), 1, 1);
        JSON.stringify(px.data[3])"""))
    assert map_stats(qtbot, window)["pointRedraws"] == before + 1
    assert painted > 0
    # A pan moves what was drawn and draws the uncovered strips only: the image is the same as
    # drawing the whole view again.
    same = json.loads(run_js(qtbot, window, """
        var map = paragon.map, layer = Object.values(paragon.layers).map(function (e) {
            return e.parts; }).flat().filter(function (p) { return p._x; })[0];
        function image() {
            var c = document.querySelector('canvas.paragon-points');
            return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
        }
        function compare(a, b) {
            var differ = 0, inked = 0;
            for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) differ++; if (a[i]) inked++; }
            return [differ, inked];
        }
        // Discs wider than the points' spacing: which is drawn last shows where they overlap.
        layer._radius = 20; layer._stampCache = null; layer._drawn = null; layer._reset();
        var shifts = paragon.pointShifts || 0;
        map.panBy([137, -61], {animate: false});
        var moved = image(), shifted = (paragon.pointShifts || 0) - shifts;
        var strips = paragon.pointCandidates;
        layer._last = null; layer._drawn = null; layer._reset();
        var pan = compare(image(), moved);
        // Close up, the view draws the points of the grid cells it meets: the same image as
        // going through all of them.
        map.setView(map.getCenter(), 18, {animate: false});
        var near = image(), inView = paragon.pointCandidates, grid = layer._grid;
        layer._grid = null; layer._drawn = null; layer._reset(); layer._grid = grid;
        var closeUp = compare(image(), near);
        // Far out, where many points share a pixel, only the last disc at each centre is
        // drawn: the same image as drawing every one.
        map.setView(map.getCenter(), 10, {animate: false});
        layer._palette = ['#e03131', '#2f9e44', '#1971c2']; layer._stampCache = null;
        for (var c = 0; c < layer._colour.length; c++) layer._colour[c] = c % 3;
        layer._crowded = 1e9; layer._drawn = null; layer._reset();
        var few = image(), crowded = paragon.pointsCrowded;
        layer._crowded = 0; layer._drawn = null; layer._reset(); layer._crowded = 16;
        JSON.stringify([shifted, strips, pan, inView, closeUp, crowded, compare(image(), few)])"""))
    shifted, strips, pan, in_view, close, crowded, far = same
    assert shifted == 1  # the pan took the shortcut ...
    assert 0 < strips < 2500  # ... went through the points near the strips only ...
    assert pan[1] > 0  # ... points are in view ...
    assert pan[0] == 0  # ... and not one pixel differs from a whole redraw
    assert 0 < in_view < 2500
    assert close[1] > 0
    assert close[0] == 0
    assert crowded
    assert far[1] > 0
    assert far[0] == 0
    # A click measures the points of the grid cells around it: the same point as measuring all.
    same, found = json.loads(run_js(qtbot, window, f"""
        var map = paragon.map, layer = Object.values(paragon.layers).map(function (e) {{
            return e.parts; }}).flat().filter(function (p) {{ return p._x; }})[0];
        map.setView([{LAT}, {LON}], 17, {{animate: false}});
        var size = map.getSize(), same = 0, found = 0, grid = layer._grid;
        for (var k = 0; k < 400; k++) {{
            var p = L.point((k * 37) % size.x, (k * 53) % size.y), a = layer.nearest(p);
            layer._grid = null; var b = layer.nearest(p); layer._grid = grid;
            if (a === b) same++;
            if (a >= 0) found++;
        }}
        JSON.stringify([same, found])"""))
    assert same == 400
    assert found > 40


@pytest.mark.parametrize("kind", ["points", "shapes"])
def test_a_big_view_is_drawn_in_slices_and_a_newer_view_wins(open_window, qtbot, tmp_path, kind):
    """A whole view of many points or shapes is drawn a slice per task of the page (so that it
    keeps answering): the finished image is the same as drawing it at once, and a pan while a
    view is unfinished draws the new view whole, never moved along from the unfinished image
    (whose slices stop)."""
    window = open_window("sofie.janssens")
    if kind == "points":
        coords = [(LON + (i % 100) * 0.0005, LAT + (i // 100) * 0.0005) for i in range(5000)]
        path = lf.geojson(tmp_path / "adressen.geojson", lf.points(coords, naam="adres"))
        centre, zoom = (LAT + 0.012, LON + 0.025), 15
        # Overlapping discs in three colours, every disc written (the crowding pass sliced too).
        setup = """layer._radius = 12; layer._palette = ['#e03131', '#2f9e44', '#1971c2'];
            layer._stampCache = null; layer._crowded = 0;
            for (var c = 0; c < layer._colour.length; c++) layer._colour[c] = c % 3;"""
        slicing = "{points: 300, ms: 0, wholeMs: 0}"
    else:
        path = lf.geojson(tmp_path / "percelen.geojson", parcels(1200, "perceel"))
        # Small enough that some parcels are written as pixels and the others drawn as paths.
        centre, zoom, setup = (LAT + 0.0105, LON + 0.02), 14, ""
        slicing = "{shapes: 50, ms: 0, wholeMs: 0}"
    import_and_wait(qtbot, window, ImportChoice(files=[(path, "Laag")]))
    qtbot.wait(700)  # the fly-to the new layer
    run_js(qtbot, window, f"""
        var map = paragon.map, layer = Object.values(paragon.layers).map(function (e) {{
            return e.parts; }}).flat().filter(function (p) {{ return p._x || p._xy; }})[0];
        function image() {{
            var c = layer._canvas;
            return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
        }}
        function compare(a, b) {{
            var differ = 0, inked = 0;
            for (var i = 0; i < a.length; i++) {{ if (a[i] !== b[i]) differ++; if (a[i]) inked++; }}
            return [differ, inked];
        }}
        {setup}
        var keep = paragon.slicing, before = paragon.viewsDrawn || 0;
        paragon.slicing = Object.assign({{}}, keep, {slicing});
        window.__sliced = null;
        map.setView([{centre[0]}, {centre[1]}], {zoom}, {{animate: false}});
        var busy = paragon.drawingViews();
        map.panBy([137, -61], {{animate: false}});
        paragon.afterDrawing(function () {{
            var sliced = image(), slices = paragon.viewSlices;
            var finished = (paragon.viewsDrawn || 0) - before;
            paragon.slicing = keep;
            layer._last = null; layer._drawn = null; layer._reset();
            window.__sliced = JSON.stringify([busy, slices, finished, compare(image(), sliced)]);
        }});
        0""")
    qtbot.waitUntil(lambda: isinstance(run_js(qtbot, window, "window.__sliced || 0"), str),
                    timeout=20000)
    busy, slices, finished, same = json.loads(run_js(qtbot, window, "window.__sliced"))
    assert busy == 1  # the view was still being drawn after the call that moved the map ...
    assert slices > 2  # ... in slices, one per task ...
    assert finished == 1  # ... the view overtaken by the pan was never finished ...
    assert same[1] > 0
    assert same[0] == 0  # ... and not one pixel differs from drawing the panned view at once


def test_a_click_while_a_view_is_drawn_in_slices_leaves_the_view_whole(open_window, qtbot, tmp_path):
    """A click on the point layer while its view is still being drawn, slice by slice, finds the
    point there and does not change what the unfinished view goes on to draw: the finished image
    is the same as drawing that view at once (the click's search once wrote its list of nearby
    points over the one the slices were drawing from)."""
    window = open_window("sofie.janssens")
    coords = [(LON + (i % 100) * 0.0005, LAT + (i // 100) * 0.0005) for i in range(5000)]
    path = lf.geojson(tmp_path / "adressen.geojson", lf.points(coords, naam="adres"))
    import_and_wait(qtbot, window, ImportChoice(files=[(path, "Laag")]))
    qtbot.wait(700)  # the fly-to the new layer
    at = (LAT + 5 * 0.0005, LON + 24 * 0.0005)  # a point near the layer's bottom edge, in view
    run_js(qtbot, window, f"""
        var map = paragon.map, layer = Object.values(paragon.layers).map(function (e) {{
            return e.parts; }}).flat().filter(function (p) {{ return p._x; }})[0];
        function image() {{
            var c = layer._canvas;
            return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
        }}
        layer._crowded = 1e12;  // crowded: a pass that finds the last point at each pixel, then the discs
        var keep = paragon.slicing;
        paragon.slicing = Object.assign({{}}, keep, {{points: 20, ms: 0, wholeMs: 0}});
        window.__clicked = null;
        map.setView([{at[0]}, {at[1]}], 16, {{animate: false}});
        var busy = 0, candidates = 0, found = -2, crowded = false;
        // As a user's click would come: in a task of the page's of its own, after the view's first
        // slice (the page's tasks run in their order).
        paragon.nextTask(function () {{
            busy = paragon.drawingViews(); candidates = paragon.pointCandidates;
            var p = map.latLngToContainerPoint([{at[0]}, {at[1]}]);
            found = layer.hit(map.containerPointToLatLng(p), p);
            map.fire('click', {{latlng: map.containerPointToLatLng(p), containerPoint: p}});
            paragon.afterDrawing(done);
        }});
        function done() {{
            var sliced = image(), differ = 0, inked = 0;
            paragon.slicing = keep;
            crowded = paragon.pointsCrowded;
            layer._last = null; layer._drawn = null; layer._reset();  // at once: 589 points
            var whole = image();
            for (var i = 0; i < whole.length; i++) {{
                if (whole[i] !== sliced[i]) differ++;
                if (whole[i]) inked++;
            }}
            window.__clicked = JSON.stringify([busy, candidates, crowded, found, differ, inked]);
        }}
        0""")
    qtbot.waitUntil(lambda: isinstance(run_js(qtbot, window, "window.__clicked || 0"), str),
                    timeout=20000)
    busy, candidates, crowded, found, differ, inked = json.loads(run_js(qtbot, window, "window.__clicked"))
    assert busy == 1  # the click came while the view was still being drawn ...
    assert 0 < candidates < 2500  # ... from the points the grid has near the view ...
    assert crowded  # ... in two passes (the second starts again from the list's first point) ...
    assert found == 24 + 5 * 100  # ... and found the point under it ...
    assert inked > 0
    assert differ == 0  # ... and the finished view is the same as the view drawn at once
    qtbot.waitUntil(lambda: "adres" in run_js(qtbot, window, "(document.querySelector("
                                              "'.leaflet-popup-content') || {}).textContent || ''"),
                    timeout=10000)  # the click's popup


def import_four_canvas_layers(qtbot, window, tmp_path: Path) -> None:
    """Three point layers and one of parcels, each big enough to be drawn on its own canvas."""
    files = []
    for k in range(3):
        coords = [(LON + (i % 50) * 0.0008 + k * 0.0003, LAT + (i // 50) * 0.0008)
                  for i in range(1500)]
        files.append((lf.geojson(tmp_path / f"laag{k}.geojson", lf.points(coords, naam="p")),
                      f"Laag {k}"))
    files.append((lf.geojson(tmp_path / "percelen.geojson", parcels(600, "perceel")), "Percelen"))
    import_and_wait(qtbot, window, ImportChoice(files=files))
    # The fly-to the new layers (sent with the import's end), over and drawn.
    qtbot.wait(300)
    qtbot.waitUntil(lambda: run_js(qtbot, window, "paragon.appMoving() ? 'flying' : "
                                   "String(paragon.drawingViews())") == "0", timeout=10000)


def test_layers_redrawn_after_one_move_take_turns_when_time_is_short(open_window, qtbot,
                                                                     tmp_path):
    """Many layers redrawn after one zoom step draw in tasks of their own once the task has
    spent its time (twenty layers took 45-55 ms in one task): each layer's view, when it comes,
    is the same as drawn at once."""
    window = open_window("sofie.janssens")
    import_four_canvas_layers(qtbot, window, tmp_path)
    run_js(qtbot, window, """
        var map = paragon.map, layers = Object.values(paragon.layers).map(function (e) {
            return e.parts || []; }).flat().filter(function (p) { return p._x || p._xy; });
        function image(layer) {
            var c = layer._canvas;
            return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
        }
        var keep = paragon.slicing;
        paragon.slicing = Object.assign({}, keep, {turnMs: 0});  // no time left: every view waits
        window.__turns = null;
        map.setZoom(map.getZoom() + 1, {animate: false});
        var waiting = paragon.drawingViews();
        // A pan before their turn came: drawn whole, not moved along from a view never drawn.
        map.panBy([137, -61], {animate: false});
        paragon.afterDrawing(function () {
            var drawn = layers.map(image);
            paragon.slicing = keep;
            var differ = layers.map(function (layer, k) {
                layer._last = null; layer._drawn = null; layer._reset();
                var now = image(layer), d = 0, inked = 0;
                for (var i = 0; i < now.length; i++) { if (now[i] !== drawn[k][i]) d++; if (now[i]) inked++; }
                return [d, inked];
            });
            window.__turns = JSON.stringify([layers.length, waiting, differ]);
        });
        0""")
    qtbot.waitUntil(lambda: isinstance(run_js(qtbot, window, "window.__turns || 0"), str),
                    timeout=20000)
    count, waiting, differ = json.loads(run_js(qtbot, window, "window.__turns"))
    assert count == 4
    assert waiting == 4  # none drew in the zoom's own task ...
    assert all(inked > 0 for _d, inked in differ)
    assert [d for d, _inked in differ] == [0, 0, 0, 0]  # ... and each came out as drawn at once


def test_after_a_move_the_app_makes_layers_take_turns_sooner(open_window, qtbot, tmp_path):
    """At the end of a fly-to (the app's move after an import, or to an anchor) layers take
    turns once the task has drawn for a slice's time instead of the longer turn of a move the
    user steers: Leaflet's own work at the fly-to's end comes on top of it (twenty layers: one
    task of 60-120 ms). Once the fly-to is over, the user's moves have the longer turn again."""
    window = open_window("sofie.janssens")
    import_four_canvas_layers(qtbot, window, tmp_path)
    waiting_after = """(function () {
        var map = paragon.map;
        paragon.slicing = Object.assign({}, paragon.slicing, {ms: 0, turnMs: 1e9});
        window.__waiting = null;
        map.once('moveend', function () { window.__waiting = String(paragon.drawingViews()); });
        %s
        return 0; })()"""

    def waiting(move: str) -> int:
        run_js(qtbot, window, waiting_after % move)
        if not move:
            window.map.fly_to((LON + 0.004, LAT + 0.004, LON + 0.006, LAT + 0.005))
        qtbot.waitUntil(lambda: isinstance(run_js(qtbot, window, "window.__waiting || 0"), str),
                        timeout=10000)
        qtbot.waitUntil(lambda: run_js(qtbot, window, "String(paragon.drawingViews())") == "0",
                        timeout=10000)
        return int(run_js(qtbot, window, "window.__waiting"))

    assert waiting("map.setZoom(map.getZoom() - 1, {animate: false});") == 0  # the user's
    assert waiting("") == 4  # the app's fly-to: every layer in a task of its own
    qtbot.wait(100)
    assert waiting("map.panBy([120, 40], {animate: false});") == 0  # the user's again


def test_the_end_of_the_apps_fly_to_makes_no_view_in_its_own_frame(open_window, qtbot, tmp_path):
    """The fly-to's end (its zoomend and moveend) comes inside one of Leaflet's animation frames,
    whose task paints that frame too: no layer makes its view there, not even its image (twenty
    layers: one task of 50-57 ms, the frame's new canvases included). Each layer's view comes in
    a task after it, the same as drawn at once."""
    window = open_window("sofie.janssens")
    import_four_canvas_layers(qtbot, window, tmp_path)
    run_js(qtbot, window, """
        var map = paragon.map, layers = Object.values(paragon.layers).map(function (e) {
            return e.parts || []; }).flat().filter(function (p) { return p._x || p._xy; });
        window.__ended = null;
        map.once('moveend', function () {  // after the layers' own moveend
            var redraws = paragon.pointRedraws;
            var queued = layers.filter(function (l) { return l._job && l._job.queued; }).length;
            paragon.afterDrawing(function () {
                var later = paragon.pointRedraws - redraws;
                function image(layer) {
                    var c = layer._canvas;
                    return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
                }
                var differ = layers.map(function (layer) {
                    var before = image(layer);
                    layer._last = null; layer._drawn = null; layer._reset();
                    var now = image(layer), d = 0, inked = 0;
                    for (var i = 0; i < now.length; i++) {
                        if (now[i] !== before[i]) d++;
                        if (now[i]) inked++;
                    }
                    return [d, inked];
                });
                window.__ended = JSON.stringify([queued, later, differ]);
            });
        });
        0""")
    window.map.fly_to((LON + 0.004, LAT + 0.004, LON + 0.012, LAT + 0.009))
    qtbot.waitUntil(lambda: isinstance(run_js(qtbot, window, "window.__ended || 0"), str),
                    timeout=10000)
    queued, later, differ = json.loads(run_js(qtbot, window, "window.__ended"))
    assert queued == 4  # at the fly-to's end every layer's view waits for a task of its own ...
    assert later == 3  # ... the three point layers' images made in later ones ...
    assert all(inked > 0 for _d, inked in differ)
    assert [d for d, _inked in differ] == [0, 0, 0, 0]  # ... each the same as drawn at once


def test_a_big_layer_arrives_whole_and_exact_through_the_scheme(open_window, qtbot, tmp_path):
    """The page reads a layer's data from the scheme in pieces (no copy of the whole body on
    the window's thread): 4 MB of multi-byte text, cut inside characters, arrive exactly."""
    window = open_window("sofie.janssens")
    text = "Église €–ñ 緊急 " * 60
    coords = [(LON + (i % 60) * 0.001, LAT + (i // 60) * 0.001) for i in range(3600)]
    features = lf.points(coords, naam=text)
    features[-1]["properties"]["naam"] = "laatste ⚠ " + text  # the body's very end
    path = lf.geojson(tmp_path / "meldingen.geojson", features)
    assert path.stat().st_size > 4_000_000
    report = import_and_wait(qtbot, window, ImportChoice(files=[(path, "Meldingen")]))
    stats = map_stats(qtbot, window)["layers"][str(report.added[0].layer_id)]
    assert (stats["features"], stats["onMap"]) == (3600, True)
    last = coords[-1]
    shown, _elements, _xss = click_popup(qtbot, window, last[0], last[1])
    assert "laatste ⚠ " + text in shown


def parcels(n: int, naam: str) -> list[dict]:
    """``n`` square parcels of about 50 m in a grid at Kallo, each with a square hole in it."""
    out = []
    for i in range(n):
        x, y = LON + (i % 40) * 0.001, LAT + (i // 40) * 0.0007
        outer = [[x, y], [x + 0.0007, y], [x + 0.0007, y + 0.0005], [x, y + 0.0005], [x, y]]
        hole = [[x + 0.0002, y + 0.00015], [x + 0.0002, y + 0.00035], [x + 0.0005, y + 0.00035],
                [x + 0.0005, y + 0.00015], [x + 0.0002, y + 0.00015]]
        out.append({"type": "Feature", "properties": {"naam": f"{naam} {i}", "nr": i},
                    "geometry": {"type": "Polygon", "coordinates": [outer, hole]}})
    return out


def test_big_polygon_layer_is_one_canvas_with_popups_labels_and_holes(open_window, qtbot,
                                                                       tmp_path):
    window = open_window("sofie.janssens")
    script = "<img src=x onerror=window.__xss=1><b>vet</b>"
    path = lf.geojson(tmp_path / "percelen.geojson", parcels(1200, script))
    report = import_and_wait(qtbot, window, ImportChoice(files=[(path, "Percelen")]))
    layer_id = report.added[0].layer_id
    stats = map_stats(qtbot, window)["layers"][str(layer_id)]
    assert (stats["features"], stats["canvasShapes"], stats["onMap"]) == (1200, True, True)
    assert "naam" in stats["fields"]
    # Fetched and parsed by the page's layer worker, not on the page's own thread.
    assert run_js(qtbot, window, "paragon.lastLoad.worker") is True
    qtbot.wait(700)  # the fly-to the new layer

    def click(lon: float, lat: float) -> list:
        return click_popup(qtbot, window, lon, lat)

    # Parcel 41 (second row, second column): clicked on its fill, its own popup, as text.
    x, y = LON + 0.001, LAT + 0.0007
    shown, elements, xss = click(x + 0.0001, y + 0.0001)
    assert f"{script} 41" in shown
    assert (elements, xss) == (0, 0)
    # In its hole, or between parcels: nothing there.
    assert click(x + 0.00035, y + 0.00025)[0] is None
    assert click(x + 0.00085, y + 0.00025)[0] is None

    # A zoom step draws the layer once, and the parcels are there after it: the pixel on a
    # parcel's fill is painted, the one in its hole is not.
    before = map_stats(qtbot, window)["shapeRedraws"]
    painted = json.loads(run_js(qtbot, window, f"""
        var map = paragon.map; map.closePopup(); map.setZoom(map.getZoom() - 1, {{animate: false}});
        var canvas = document.querySelector('canvas.paragon-shapes'), r = window.devicePixelRatio || 1;
        var at = L.DomUtil.getPosition(canvas), origin = map.containerPointToLayerPoint([0, 0]);
        function alpha(lat, lon) {{
            var p = map.latLngToContainerPoint([lat, lon]);
            var x = Math.round((p.x + origin.x - at.x) * r), y = Math.round((p.y + origin.y - at.y) * r);
            return canvas.getContext('2d').getImageData(x, y, 1, 1).data[3];
        }}
        JSON.stringify([alpha({y + 0.00007}, {x + 0.00007}), alpha({y + 0.00025}, {x + 0.00035})])"""))
    assert map_stats(qtbot, window)["shapeRedraws"] == before + 1
    assert painted[0] > 0
    assert painted[1] == 0

    # Labels from a field: drawn as text on the canvas for the parcels in view, and gone again.
    window.layers.set_labels(layer_id, "nr")
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["layers"][str(layer_id)]["labels"] > 0)
    window.layers.set_labels(layer_id, None)
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["layers"][str(layer_id)]["labels"] == 0)


def test_without_the_layer_worker_the_page_loads_layers_itself(open_window, qtbot, tmp_path):
    window = open_window("sofie.janssens")
    # As when the worker's script cannot run: what it was asked is done on the page instead.
    run_js(qtbot, window, "paragon.source.worker.terminate(); "
                          "paragon.source._fallBack({message: 'test'}); 0")
    path = lf.geojson(tmp_path / "percelen.geojson", parcels(600, "perceel"))
    report = import_and_wait(qtbot, window, ImportChoice(files=[(path, "Percelen")]))
    stats = map_stats(qtbot, window)["layers"][str(report.added[0].layer_id)]
    assert (stats["features"], stats["canvasShapes"], stats["onMap"]) == (600, True, True)
    assert run_js(qtbot, window, "paragon.lastLoad.worker") is False
    qtbot.wait(700)  # the fly-to the new layer
    assert "perceel 41" in click_popup(qtbot, window, LON + 0.0011, LAT + 0.0008)[0]


def test_an_imported_layer_is_not_kept_in_the_window_once_the_map_has_it(open_window, qtbot,
                                                                          tmp_path):
    """The window kept the last import's report, with the layer's whole GeoJSON text (100 MB
    for a million points), for as long as it was open."""
    window = open_window("sofie.janssens")
    path = lf.geojson(tmp_path / "adressen.geojson", lf.points([(LON, LAT)] * 2000))
    report = import_and_wait(qtbot, window, ImportChoice(files=[(path, "Adressen")]))
    assert report.added[0].feature_count == 2000
    del report
    qtbot.waitUntil(lambda: window.map.bridge.settled, timeout=10000)
    gc.collect()
    kept = [o for o in gc.get_objects() if isinstance(o, ImportedLayer) and o.geojson_utf8]
    assert kept == []


def test_bad_file_changes_nothing_and_says_why(open_window, client, qtbot, tmp_path):
    window = open_window("sofie.janssens")
    before_map = map_stats(qtbot, window)
    before_db = layer_count(client)
    bomb = tmp_path / "bom.kml"
    bomb.write_text(lf.ENTITY_BOMB_KML)
    good = tmp_path / "goed.gpx"
    good.write_text(lf.gpx_text(2))
    report = import_and_wait(qtbot, window, ImportChoice(files=[(bomb, "bom"), (good, "goed")]))
    assert len(report.errors) == 1
    assert report.errors[0].startswith("bom.kml: het bestand declareert een DOCTYPE")
    assert [a.name for a in report.added] == ["goed"]  # the good file still went in
    assert layer_count(client) == before_db + 1
    assert len(map_stats(qtbot, window)["layers"]) == len(before_map["layers"]) + 1
    assert "bom.kml" in window.ctx.last_message_box.text()
    window.ctx.last_message_box.close()


def test_cancel_adds_nothing(open_window, client, qtbot, tmp_path):
    window = open_window("sofie.janssens")
    path = lf.geojson(tmp_path / "veel.geojson", lf.points([(LON, LAT)] * 20000))
    before = layer_count(client)
    with qtbot.waitSignal(window.layers.importer.sig_finished, timeout=60000) as blocker:
        window.layers.import_layers(ImportChoice(files=[(path, "veel")]))
        assert window.layers.import_progress.isVisible()
        window.layers.import_cancel.click()
    assert blocker.args[0].cancelled
    assert blocker.args[0].added == []
    assert layer_count(client) == before
    assert not window.layers.import_progress.isVisible()


def test_files_dropped_on_the_map_are_offered_for_import(open_window, qtbot, tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(ImportLayerDialog, "exec", lambda self: asked.append(self.windowTitle()) or 0)
    window = open_window("sofie.janssens")
    path = tmp_path / "perimeter.kml"
    path.write_text(lf.kml_text(1))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.map, enter)
    assert enter.isAccepted()  # files are welcome on the map
    drop = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.map.sig_files_dropped) as blocker:
        QApplication.sendEvent(window.map, drop)
    assert blocker.args[0] == [path]
    assert drop.isAccepted()
    assert asked == ["Kaartlaag toevoegen"]  # the import dialog was offered


def test_import_dialog_proposes_a_name_and_needs_a_feed_to_share(qtbot, tmp_path, client):
    an = client.user("an.peeters")
    feeds = client.cases.open_case(an, client.seveso_case_id()).changes.feeds
    dialog = ImportLayerDialog([tmp_path / "perimeter_nordchem-v2.kml"], feeds)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.name.text() == "perimeter nordchem v2"
    assert ok.isEnabled()  # personal by default
    dialog.shared.setChecked(True)
    assert not ok.isEnabled()
    assert "minstens één feed" in dialog.problem.text()
    dialog.feeds.item(0).setCheckState(Qt.CheckState.Checked)
    assert ok.isEnabled()
    dialog.name.setText("  ")
    assert not ok.isEnabled()
    dialog.name.setText("Perimeter 10:40")
    dialog.crs.setCurrentIndex(2)
    choice = dialog.choice()
    assert choice.files[0][1] == "Perimeter 10:40"
    assert choice.feed_ids == [feeds[0].id]
    assert choice.crs == "EPSG:31370"
    # From the composer the feed is fixed: the layer is announced there.
    fixed = ImportLayerDialog([tmp_path / "a.gpx"], feeds, announce_in=feeds[1].id)
    qtbot.addWidget(fixed)
    assert not fixed.feeds.isEnabled()
    assert fixed.choice().announce_in == feeds[1].id


def test_dock_opacity_rename_remove(open_window, client, qtbot, tmp_path,
                                    message_boxes):
    window = open_window("sofie.janssens")
    path = tmp_path / "zones.kml"
    path.write_text(lf.kml_text(2))
    layer_id = import_and_wait(qtbot, window, ImportChoice(files=[(path, "Zones")])).added[0].layer_id
    qtbot.waitUntil(lambda: window.layers.panel.item_for(layer_id) is not None)
    window.layers.panel.item_for(layer_id).setSelected(True)
    assert window.layers.panel.details.text().startswith(
        "3 objecten uit zones.kml (KML) · van Sofie Janssens")
    window.layers.panel.opacity.setValue(40)  # keyboard-like change: shown and kept at once
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["layers"][str(layer_id)]["opacity"] == 0.4)
    qtbot.waitUntil(lambda: next(x for x in client.cases.open_case(
        window.user, window.case.id).changes.layers if x.id == layer_id).opacity == pytest.approx(0.4))

    window.layers.rename_layer(layer_id, "Zones 11:00")
    qtbot.waitUntil(lambda: window.layers.panel.item_for(layer_id).text(0) == "Zones 11:00", timeout=10000)
    assert map_stats(qtbot, window)["layers"][str(layer_id)]["name"] == "Zones 11:00"
    actions = {a.text(): a.isEnabled() for a in window.layers.panel.context_actions(layer_id)}
    assert actions["Verwijderen…"] is True

    window.layers._on_remove_requested(layer_id)
    qtbot.waitUntil(lambda: str(layer_id) not in map_stats(qtbot, window)["layers"], timeout=10000)
    assert window.layers.panel.item_for(layer_id) is None


@pytest.mark.server  # row-level security decides what the colleague sees
def test_layer_shared_in_a_feed_reaches_a_colleague_and_their_tick_survives(
        open_window, client, qtbot, tmp_path):
    sofie = open_window("sofie.janssens")
    cp_ops = client.layers.feed_ids_by_name(sofie.user, sofie.case.id, ["CP-Ops"])[0]
    karim = open_window("karim.elamrani")
    path = tmp_path / "afzetting.kml"
    path.write_text(lf.kml_text(2))
    layer_id = import_and_wait(qtbot, sofie, ImportChoice(files=[(path, "Afzetting")],
                                                          feed_ids=[cp_ops])).added[0].layer_id
    karim.refresh()
    qtbot.waitUntil(lambda: karim.layers.panel.item_for(layer_id) is not None, timeout=10000)
    item = karim.layers.panel.item_for(layer_id)
    assert item.parent().text(0) == "Gedeeld in CP-Ops"
    assert item.checkState(0) == Qt.CheckState.Unchecked  # Karim decides what he sees
    item.setCheckState(0, Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: map_stats(qtbot, karim)["layers"][str(layer_id)]["onMap"], timeout=10000)
    qtbot.waitUntil(lambda: not karim.layers.pending_ticks, timeout=10000)
    karim.close()
    again = open_window("karim.elamrani")
    qtbot.waitUntil(lambda: map_stats(qtbot, again)["layers"].get(str(layer_id), {}).get("features") == 3,
                    timeout=10000)
    assert map_stats(qtbot, again)["layers"][str(layer_id)]["onMap"] is True
    # Pieter is not in CP-Ops: the layer does not exist for him.
    pieter = open_window("pieter.wouters")
    assert str(layer_id) not in map_stats(qtbot, pieter)["layers"]


def test_export_ticked_layers(open_window, qtbot, tmp_path):
    window = open_window("an.peeters")
    out = tmp_path / "lagen.kmz"
    ticked = window.layers.panel.ticked_layer_ids()
    window.layers.export_layers_to(out, ticked)
    qtbot.waitUntil(lambda: bool(window.layers.last_export), timeout=10000)
    assert window.layers.last_export.startswith("lagen.kmz: 20 objecten uit 3 laag/lagen")
    assert read_layer(out).feature_count == 20


def test_an_unticked_layer_is_read_only_when_it_is_ticked(open_window, client, qtbot):
    """Opening a case reads the data of ticked layers only (issue 21: twenty unticked layers
    cost 0.55 s and 600 MB for nothing shown); ticking one reads it then."""
    an = client.user("an.peeters")
    case_id = client.seveso_case_id()
    layer = next(layer for layer in client.cases.open_case(an, case_id).changes.layers
                 if layer.name == "Perimeters Nordchem")
    client.editing.set_layer_visible(an, layer.id, False)
    window = open_window("an.peeters")
    assert layer.id not in window.map.known_layer_revisions()  # its data was not read
    stats = map_stats(qtbot, window)["layers"][str(layer.id)]
    assert (stats["features"], stats["onMap"]) == (0, False)
    window.layers.panel.item_for(layer.id).setCheckState(0, Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["layers"][str(layer.id)]["onMap"],
                    timeout=10000)
    assert map_stats(qtbot, window)["layers"][str(layer.id)]["features"] == layer.feature_count
    # Unticked and ticked again: nothing is read twice (the map keeps what it has).
    window.layers.panel.item_for(layer.id).setCheckState(0, Qt.CheckState.Unchecked)
    assert not window.map.needs_data(layer.id)


def test_a_case_opens_before_its_layers_are_read_and_they_follow_smallest_first(
        client, open_window, qtbot, monkeypatch, tmp_path):
    """The case's picture (feeds, anchors, the layer list) comes before any layer's data, and
    the ticked layers' data follows a few layers at a time, smallest first, each shown as it
    arrives (issue 21: a million points held up the feeds; usable within 300 ms). Until a
    layer is on the map its list entry says it is loading, not its number of features."""
    from paragon_desktop.ui.map.view import MapView

    an = client.user("an.peeters")
    path = lf.geojson(tmp_path / "groot.geojson", lf.points(
        [(4.2 + (i % 300) * 1e-4, 51.2 + (i // 300) * 1e-4) for i in range(60_000)]))
    big = client.layers.add_layer(an, client.seveso_case_id(), read_layer(path), name="Groot",
                                  source_name="groot.geojson")
    calls: list[tuple[bool, list[int]]] = []  # (the layers listed?, the layers whose data came)
    listed: list[tuple[str, str]] = []  # the big layer's entry when the picture came
    apply_changes = MapView.apply_changes

    def spy(self, changes, layer_data, **kwargs):
        calls.append((changes.layers is not None, sorted(layer_data)))
        sent = apply_changes(self, changes, layer_data, **kwargs)
        if len(calls) == 1:
            item = self.window().layers.panel.item_for(big)
            listed.append((item.text(1), shown(item.toolTip(1))))
        return sent

    monkeypatch.setattr(MapView, "apply_changes", spy)
    window = open_window("an.peeters")
    ticked = {layer.id: layer.feature_count for layer in window.snapshot.changes.layers
              if layer.visible}
    assert big in ticked
    assert len(ticked) >= 3
    # The first picture lists the layers and carries no layer's data.
    assert calls[0] == (True, [])
    came = [ids for listed, ids in calls[1:] if ids]
    assert came[-1] == [big]  # the biggest alone, last
    assert sorted(i for ids in came for i in ids) == sorted(ticked)
    sizes = [max(ticked[i] for i in ids) for ids in came]
    assert sizes == sorted(sizes)  # smallest first
    layers = map_stats(qtbot, window)["layers"]
    assert {i: layers[str(i)]["features"] for i in ticked} == ticked
    assert listed == [("laden…", "Wordt gelezen en op de kaart gezet…")]
    item = window.layers.panel.item_for(big)
    assert (item.text(1), item.font(1).italic()) == ("60000", False)  # on the map now


def test_a_layer_the_map_cannot_show_says_so_in_the_list(open_window, qtbot, tmp_path):
    """Data the page cannot read (here a live service's answer cut short) does not leave the
    layer "loading…" for ever: its entry says it is not shown, and why, in the parser's own
    words; data that does come back puts its number of features back."""
    window = open_window("sofie.janssens")
    path = lf.geojson(tmp_path / "punten.geojson", lf.points([(LON, LAT), (LON + 0.001, LAT)]))
    report = import_and_wait(qtbot, window, ImportChoice(files=[(path, "Punten")]))
    layer_id = report.added[0].layer_id

    def entry() -> tuple[str, str]:
        item = window.layers.panel.item_for(layer_id)
        return (item.text(1), shown(item.toolTip(1))) if item is not None else ("", "")

    qtbot.waitUntil(lambda: entry() == ("2", ""), timeout=10000)
    window.map.show_live_data(layer_id, b'{"type": "FeatureCollection", "features": [')
    qtbot.waitUntil(lambda: entry()[0] == "niet getoond", timeout=10000)
    assert entry()[1].startswith("De kaart kon deze laag niet tonen: ")
    assert "JSON" in entry()[1]
    fixed = {"type": "FeatureCollection", "features": lf.points([(LON, LAT + 0.001)] * 3)}
    window.map.show_live_data(layer_id, json.dumps(fixed).encode())
    qtbot.waitUntil(lambda: entry() == ("2", ""), timeout=10000)
    assert map_stats(qtbot, window)["layers"][str(layer_id)]["features"] == 3


def test_a_layers_name_and_why_it_is_not_shown_are_text_in_its_tooltips(open_window, qtbot,
                                                                         tmp_path):
    """A layer's name, its feed's name and the map's error come from users and files: their
    tooltips show them as written, never as markup (Qt renders a tip that looks like HTML)."""
    window = open_window("sofie.janssens")
    path = lf.geojson(tmp_path / "punten <i>schuin<i>.geojson", lf.points([(LON, LAT)]))
    name = "Groot <b>vet</b> & <img src='/etc/x.png'>"
    report = import_and_wait(qtbot, window, ImportChoice(files=[(path, name)]))
    layer_id = report.added[0].layer_id
    qtbot.waitUntil(lambda: window.layers.panel.item_for(layer_id) is not None, timeout=10000)
    item = window.layers.panel.item_for(layer_id)
    assert shown(item.toolTip(0)).startswith(name + "\n")
    assert markup_leaks(window, "<b>vet</b>") == []
    assert markup_leaks(window, "<i>schuin<i>") == []  # the import's progress names the file
    window.map.show_live_data(layer_id, b'<b>geen</b> JSON')
    qtbot.waitUntil(lambda: window.layers.panel.item_for(layer_id).text(1) == "niet getoond",
                    timeout=10000)
    tip = shown(window.layers.panel.item_for(layer_id).toolTip(1))
    assert tip.startswith("De kaart kon deze laag niet tonen: ")
    assert '"<b>geen</b> JSON"' in tip  # the parser quotes the data: shown as it is


def test_a_big_layers_text_is_let_go_of_off_the_windows_thread(open_window, qtbot, tmp_path):
    """Once the page has a big layer's data, the window lets go of its text on another thread:
    unmapping a million points' 130 MB took the window's thread 35 ms."""
    import threading

    from tests.unit.test_release_elsewhere import Tracked

    window = open_window("sofie.janssens")
    path = lf.geojson(tmp_path / "punten.geojson", lf.points([(LON, LAT)]))
    layer_id = import_and_wait(qtbot, window, ImportChoice(files=[(path, "Groot")])).added[0].layer_id
    features = lf.points([(LON + i * 1e-5, LAT) for i in range(45_000)], naam="x" * 40)
    Tracked.freed_by.clear()
    data = Tracked(json.dumps({"type": "FeatureCollection", "features": features}).encode())
    assert len(data) > 4_000_000
    window.map.show_live_data(layer_id, data)
    del data
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["layers"][str(layer_id)]["features"]
                    == 45_000, timeout=30000)
    qtbot.waitUntil(lambda: bool(Tracked.freed_by), timeout=10000)
    assert Tracked.freed_by[0] != threading.get_ident()


def test_no_reader_process_waits_once_an_import_is_over(open_window, qtbot, tmp_path):
    """The file chooser starts a spare reader (it imports GDAL while the user chooses); once the
    import is over it ends, instead of holding about 57 MB until the next import."""
    window = open_window("sofie.janssens")
    reader = window.layers.importer.reader
    reader.warm_up()  # as the file chooser does
    spare = reader._spare
    assert spare is not None
    path = lf.geojson(tmp_path / "punten.geojson", lf.points([(LON, LAT)]))
    import_and_wait(qtbot, window, ImportChoice(files=[(path, "Punten")]))
    assert reader._spare is None
    qtbot.waitUntil(lambda: spare.process.poll() is not None, timeout=5000)


def test_a_canvas_layer_with_nothing_in_view_is_hidden_until_the_view_meets_it(
        open_window, qtbot, tmp_path):
    """A big layer elsewhere is not drawn and its canvas is hidden (the screen composites every
    shown canvas in every frame); it is drawn and shown once the view reaches it."""
    window = open_window("sofie.janssens")
    far = (5.81, 49.68)  # Arlon, 170 km from Kallo
    near_path = lf.geojson(tmp_path / "kallo.geojson", lf.points(
        [(LON + i * 1e-4, LAT) for i in range(2000)]))
    far_path = lf.geojson(tmp_path / "arlon.geojson", lf.points(
        [(far[0] + i * 1e-4, far[1]) for i in range(2000)]))
    import_and_wait(qtbot, window, ImportChoice(files=[(near_path, "Kallo"), (far_path, "Aarlen")]))
    script = """(function () {
        var shown = {};
        Object.values(paragon.layers).forEach(function (e) {
          (e.parts || []).forEach(function (p) {
            if (!p._x) return;
            var c = p._canvas, inked = 0;
            if (c.style.display !== 'none') {
              var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              for (var i = 3; i < d.length; i += 4) if (d[i]) inked++;
            }
            shown[e.name] = [c.style.display !== 'none', inked > 0];
          });
        });
        return JSON.stringify(shown); })()"""

    def view_at(lon: float, lat: float) -> dict:
        run_js(qtbot, window, f"window.__drawn = 0; paragon.map.setView([{lat}, {lon}], 14, "
                              "{animate: false}); paragon.afterDrawing(function () "
                              "{ window.__drawn = 1; }); 0")
        qtbot.waitUntil(lambda: run_js(qtbot, window, "window.__drawn || 0") == 1, timeout=10000)
        return json.loads(run_js(qtbot, window, script))

    assert view_at(LON + 0.1, LAT) == {"Kallo": [True, True], "Aarlen": [False, False]}
    assert view_at(far[0] + 0.1, far[1]) == {"Kallo": [False, False], "Aarlen": [True, True]}
    assert view_at(LON + 0.1, LAT) == {"Kallo": [True, True], "Aarlen": [False, False]}


def test_a_layer_smaller_than_the_view_has_a_canvas_of_its_own_size_not_drawn_again_on_a_pan(
        open_window, qtbot, tmp_path):
    """A layer whose extent is at most a quarter of the view (each way) is drawn on a canvas of
    its extent, placed on the map like the window's: the same pixels as the window's canvas, and
    a pan at the same zoom draws nothing (it moves with the map). Zoomed in past that, the
    layer is drawn on the window's canvas again, kept at its size meanwhile."""
    window = open_window("sofie.janssens")
    points = lf.geojson(tmp_path / "punten.geojson", lf.points(
        [(LON + (i % 40) * 0.0003, LAT + 0.004 + (i // 40) * 0.0003) for i in range(1200)]))
    shapes = lf.geojson(tmp_path / "percelen.geojson", parcels(600, "perceel"))
    import_and_wait(qtbot, window, ImportChoice(files=[(points, "Punten"), (shapes, "Percelen")]))
    run_js(qtbot, window, f"""(function () {{
        var map = paragon.map, out = window.__fitted = {{}};
        var layers = Object.values(paragon.layers).map(function (e) {{
            return e.parts || []; }}).flat().filter(function (p) {{ return p._x || p._xy; }});
        function redraws() {{ return (paragon.pointRedraws || 0) + (paragon.shapeRedraws || 0); }}
        function state() {{
            return layers.map(function (l) {{
                var c = l._canvas, at = L.DomUtil.getPosition(c);
                return {{ kind: l._x ? 'points' : 'shapes', w: c.width, h: c.height, x: at.x, y: at.y,
                         shown: c.style.display !== 'none' }};
            }});
        }}
        function pixels(c) {{ return c.getContext('2d').getImageData(0, 0, c.width, c.height); }}
        function inked(d) {{
            var n = 0;
            for (var q = 3; q < d.data.length; q += 4) if (d.data[q]) n++;
            return n;
        }}
        // Each layer's fitted canvas against the window's canvas drawn for the same view.
        function compare(k, then) {{
            if (k === layers.length) {{ then(); return; }}
            var l = layers[k], c = l._canvas, fit = pixels(c), at = L.DomUtil.getPosition(c);
            l._frame = function (area) {{ return area; }};
            l._drawn = null; l._last = null; l._reset();
            paragon.afterDrawing(function () {{
                delete l._frame;
                var v = pixels(l._canvas), vat = L.DomUtil.getPosition(l._canvas), differ = 0;
                l.__window = l._canvas;
                var ox = at.x - vat.x, oy = at.y - vat.y;
                for (var y = 0; y < fit.height; y++) for (var x = 0; x < fit.width; x++) {{
                    var i = 4 * (y * fit.width + x), j = 4 * ((y + oy) * v.width + x + ox);
                    for (var b = 0; b < 4; b++) if (fit.data[i + b] !== v.data[j + b]) {{ differ++; break; }}
                }}
                out.same.push([v.width, differ, inked(fit), inked(v)]);
                l._drawn = null; l._reset();
                paragon.afterDrawing(function () {{ compare(k + 1, then); }});
            }});
        }}
        map.setView([{LAT + 0.006}, {LON + 0.02}], 12, {{animate: false}});
        paragon.afterDrawing(function () {{
            out.size = [map.getSize().x, map.getSize().y];
            out.before = state();
            var count = redraws();
            map.panBy([120, 70], {{animate: false}});
            paragon.afterDrawing(function () {{
                out.panRedraws = redraws() - count;
                out.after = state();
                out.same = [];
                compare(0, function () {{
                    out.refitted = state();
                    out.spare = layers.map(function (l) {{
                        return [l.__window !== l._canvas, l.__window.width]; }});
                    map.setView([{LAT + 0.006}, {LON + 0.005}], 18, {{animate: false}});
                    paragon.afterDrawing(function () {{
                        out.close = state();
                        out.kept = layers.map(function (l) {{ return l._canvas === l.__window; }});
                        out.done = 1;
                    }});
                }});
            }});
        }});
        return 0; }})()""")
    qtbot.waitUntil(lambda: run_js(qtbot, window, "window.__fitted.done || 0") == 1, timeout=20000)
    out = json.loads(run_js(qtbot, window, "JSON.stringify(window.__fitted)"))
    width, height = out["size"]
    assert {s["kind"] for s in out["before"]} == {"points", "shapes"}
    for layer in out["before"]:  # a canvas of the layer's size, not the window's
        assert layer["shown"]
        assert 0 < layer["w"] < width * 0.7
        assert 0 < layer["h"] < height * 0.7
    assert out["panRedraws"] == 0  # the pan drew nothing ...
    assert out["after"] == out["before"]  # ... the canvases stayed where they are on the map
    for window_width, differ, inked_fitted, inked_view in out["same"]:
        assert window_width >= width  # (compared with the window's canvas)
        assert inked_fitted > 0
        assert inked_fitted == inked_view  # the whole layer on it ...
        assert differ == 0  # ... with the pixels of the window's canvas
    assert out["refitted"] == out["after"]
    # The window's canvas is kept, hidden, at its size while the layer fits its own (a canvas
    # that changes size costs Chromium new images in its next frames) ...
    assert all(apart and spare_width >= width for apart, spare_width in out["spare"])
    for layer in out["close"]:  # zoomed in past the layer's size: the view's canvas again ...
        assert layer["shown"]
        assert layer["w"] >= width
        assert layer["h"] >= height
    assert out["kept"] == [True, True]  # ... and shown again when the view is closer
