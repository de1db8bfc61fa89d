"""The map under load, as a curve (issue 21): points, polygons and a 20-layer mix.

For each size the layer is imported through the running window (as after the import dialog) and
timed until Leaflet holds every feature on the map. Then, with it shown: a zoom step and a pan
of 300 px without animation, timed in the page (the redraw runs on the page's main thread inside
the call), the longest stall of the GUI thread (a 10 ms Qt timer) and of the page (a 10 ms
``setInterval``, late also when the page's process waits for a core) while loading, the page's
longest task while loading (Chromium's long tasks, over 50 ms; 0 when none), the time to find
the feature under a click, and the memory of the whole app (PSS of Python and every Chromium
process) with the layer shown.

``--frames`` (needs a display: run under ``xvfb-run``; Chromium still gets ``--disable-gpu``)
adds the frames a user sees: animated pans of 300 px and animated zoom steps, as Leaflet runs
them for a drag's throw or the + and - buttons, timed by ``requestAnimationFrame`` from the start
of the animation until the frame after the view is drawn; the median and the longest frame.

``--folium`` adds folium's page for the same GeoJSON (inline data, canvas renderer, circle
markers; Leaflet from the same local package) in its own QWebEngineView: time until its page has
loaded, the same zoom step and pan, and the PSS of that view's processes.

    python bench/bench_scaling.py [--only points-100k,polygons-50k,...] [--folium]
    xvfb-run -s "-screen 0 1920x1080x24" python bench/bench_scaling.py --frames
"""

from __future__ import annotations

import gc
import json
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import HOME, GuiStalls, wait_until  # noqa: E402
from bench_layers import demo_window, pss_mb  # noqa: E402

from paragon_desktop.app import (  # noqa: E402
    create_application,
    prepare_qt_environment,
)

CENTRE = (4.25, 51.2)  # the Nordchem case's surroundings
PLACES = [CENTRE] + [(2.9 + 0.75 * (k % 5), 49.6 + 0.4 * (k // 5)) for k in range(19)]
FOLIUM_LIMIT = 200_000  # folium's page for a million points takes minutes and gigabytes


def point_features(n: int, seed: int, centre: tuple[float, float] = CENTRE) -> list[dict]:
    rng = random.Random(seed)
    return [{"type": "Feature", "properties": {"id": i, "naam": f"adres {i}"},
             "geometry": {"type": "Point", "coordinates": [
                 round(centre[0] - 0.3 + rng.random() * 0.6, 6),
                 round(centre[1] - 0.18 + rng.random() * 0.36, 6)]}}
            for i in range(n)]


def polygon_features(n: int, seed: int, vertices: int = 24,
                     centre: tuple[float, float] = CENTRE) -> list[dict]:
    """Parcel-like polygons of ``vertices`` corners (about 60 m across), spread over the area."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        cx = centre[0] - 0.3 + rng.random() * 0.6
        cy = centre[1] - 0.18 + rng.random() * 0.36
        ring = []
        for k in range(vertices):
            a = 2 * math.pi * k / vertices
            r = 1 + 0.25 * rng.random()
            ring.append([round(cx + 0.0004 * r * math.cos(a), 6),
                         round(cy + 0.00027 * r * math.sin(a), 6)])
        ring.append(ring[0])
        out.append({"type": "Feature", "properties": {"id": i, "naam": f"perceel {i}"},
                    "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return out


def write(folder: Path, name: str, features: list[dict]) -> Path:
    path = folder / f"{name}.geojson"
    if not path.exists():
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


CASES = {
    "points-10k": lambda: [("points-10k", point_features(10_000, 1))],
    "points-100k": lambda: [("points-100k", point_features(100_000, 2))],
    "points-1m": lambda: [("points-1m", point_features(1_000_000, 3))],
    "polygons-1k": lambda: [("polygons-1k", polygon_features(1_000, 4))],
    "polygons-10k": lambda: [("polygons-10k", polygon_features(10_000, 5))],
    "polygons-50k": lambda: [("polygons-50k", polygon_features(50_000, 6))],
    "mix-20": lambda: ([(f"mix-points-{k}", point_features(10_000, 10 + k)) for k in range(10)]
                       + [(f"mix-polygons-{k}", polygon_features(1_000, 30 + k))
                          for k in range(10)]),
    # The same twenty layers, each around a place of its own (0.75 degrees apart): the view on
    # the first meets no other, as with the layers of several municipalities or incidents.
    "places-20": lambda: ([(f"places-points-{k}", point_features(10_000, 10 + k, centre=PLACES[k]))
                           for k in range(10)]
                          + [(f"places-polygons-{k}",
                              polygon_features(1_000, 30 + k, centre=PLACES[10 + k]))
                             for k in range(10)]),
}

PAGE_TICKER = """(function () {
  if (!window.__stall) {
    window.__stall = { last: performance.now(), max: 0 };
    setInterval(function () {
      var now = performance.now(), s = window.__stall;
      s.max = Math.max(s.max, now - s.last); s.last = now;
    }, 10);
    // The page's tasks over 50 ms, as Chromium reports them (for --verbose).
    window.__long = [];
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) { window.__long.push(Math.round(e.duration)); });
    }).observe({type: "longtask"});
  }
  window.__stall.max = 0; window.__stall.last = performance.now(); window.__long.length = 0;
  return 0; })()"""

# Zoom in/out and pan right/left without animation, each timed until the view is drawn: Leaflet
# and our layers redraw inside the call, except a big point layer's whole view, which is drawn
# in slices across the page's tasks (``paragon.afterDrawing`` calls back once it is finished).
# Each move ends by reading a pixel of every canvas: Chromium paints a canvas later, when it
# makes the next frame; reading it makes that happen inside the timing (the frame's real cost).
MOVES = """(function () {
  var m = paragon.map, zoom = [], pan = [], k = 0;
  window.__moves = null;
  function painted() {
    document.querySelectorAll('.leaflet-pane canvas').forEach(function (c) {
      c.getContext('2d').getImageData(0, 0, 1, 1); });
  }
  function move(into, act) {
    var t = performance.now();
    act();
    paragon.afterDrawing(function () {
      painted();
      into.push(performance.now() - t);
      setTimeout(next, 0);
    });
  }
  function next() {
    if (k < 6) { var z = k % 2 ? -1 : 1; k++;
                 move(zoom, function () { m.setZoom(m.getZoom() + z, {animate: false}); }); }
    else if (k < 12) { var d = k % 2 ? -300 : 300; k++;
                       move(pan, function () { m.panBy([d, 0], {animate: false}); }); }
    else window.__moves = JSON.stringify({zoom: zoom, pan: pan,
                                          shapes: paragon.lastShapeDraw || null});
  }
  next();
  return 0; })()"""


# Animated moves, frame by frame: each ``requestAnimationFrame`` time from the frame that starts
# the animation until two frames after the view is drawn (the frame that shows it, and the next).
FRAMES = """(function () {
  var m = paragon.map, pan = [], zoom = [], k = 0;
  window.__frames = null;
  function move(into, act) {
    var times = [], left = -1;
    function tick(now) {
      times.push(now);
      if (left > 0) left--;
      if (left === 0) {
        for (var i = 1; i < times.length; i++) into.push(times[i] - times[i - 1]);
        setTimeout(next, 200);
      } else requestAnimationFrame(tick);
    }
    m.once("moveend", function () { paragon.afterDrawing(function () { left = 2; }); });
    requestAnimationFrame(function (now) { times.push(now); act(); requestAnimationFrame(tick); });
  }
  function next() {
    if (k < 4) { var d = k % 2 ? -300 : 300; k++;
                 move(pan, function () { m.panBy([d, 0], {animate: true, duration: 0.25}); }); }
    else if (k < 8) { var z = k % 2 ? -1 : 1; k++;
                      move(zoom, function () { m.setZoom(m.getZoom() + z, {animate: true}); }); }
    else window.__frames = JSON.stringify({pan: pan, zoom: zoom});
  }
  next();
  return 0; })()"""


def page_result(view, script: str, result: str, what: str) -> dict:
    """Run ``script`` in the page and wait for the JSON it leaves in ``window[result]``."""
    js(view, script)
    got: list = []

    def finished() -> bool:
        got.append(js(view, f"typeof window.{result} === 'string' ? window.{result} : 0"))
        return isinstance(got[-1], str)

    wait_until(finished, timeout_s=120, poll_ms=20)
    assert isinstance(got[-1], str), f"{what} did not finish"
    return json.loads(got[-1])


def frames(view) -> dict:
    return page_result(view, FRAMES, "__frames", "the animated moves (no display?)")


def moves(view, script: str = "") -> dict:
    return page_result(view, script or MOVES, "__moves", "the moves")


# A click on the map where a feature is, timed until Leaflet opened its popup (a canvas layer's
# popup waits for the feature's properties from the layer worker).
CLICK = """(function () {
  var m = paragon.map, t = performance.now(), p = m.latLngToContainerPoint([%f, %f]);
  m.closePopup();
  window.__click = null;
  m.once('popupopen', function () { window.__click = performance.now() - t; });
  var ll = m.containerPointToLatLng(p);
  // What the click found: each canvas layer's feature there (-1: none), from top to bottom.
  window.__hits = (paragon.clickables || []).map(function (l) { return l.hit(ll, p); });
  m.fire('click', {latlng: ll, containerPoint: p});
  return 0; })()"""
# The click's time once its popup opened, -1 until then (a JS null comes back as "", not None:
# waiting for "not None" ended at once, and a popup slower than that one question was counted
# as none).
CLICKED = "typeof window.__click === 'number' ? window.__click : -1"


def js(view, script: str):
    out: list = []
    view.page().runJavaScript(script, 0, out.append)
    wait_until(lambda: bool(out), timeout_s=600)
    return out[0]


def med_max(values: list[float]) -> str:
    return f"{statistics.median(values):6.0f} /{max(values):6.0f}"


def main() -> None:
    only = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--only=")), "")
    chosen = [c for c in CASES if not only or c in only.split(",")]
    shown = "--frames" in sys.argv
    if shown:  # a real window on the display; Chromium without a GPU, as offscreen
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (
            os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "") + " --disable-gpu").strip()
    prepare_qt_environment(offscreen=not shown)
    app = create_application(sys.argv[:1])

    from paragon_desktop.ui.dialogs.import_layer import ImportChoice

    folder = HOME / "files"
    folder.mkdir(parents=True, exist_ok=True)
    db, window = demo_window()
    wait_until(lambda: window.settled)
    view = window.map

    def layer_stats() -> dict:
        return json.loads(js(view, "paragon.stats()"))["layers"]

    print(f"{'case':14} {'features':>9} {'on map s':>9} {'GUI stall':>10} {'page stall':>11} "
          f"{'page task':>10} "
          f"{'zoom ms med/max':>16} {'pan ms med/max':>15} {'click ms':>9} {'PSS MB':>7}")
    for name in chosen:
        files = [write(folder, stem, features) for stem, features in CASES[name]()]
        # As when the user opens the file dialog: a spare reader process, ready when the import
        # starts (the app ends it once the import is over).
        window.layers.importer.reader.warm_up()
        gc.collect()
        wait_until(lambda: False, timeout_s=0.5)
        js(view, PAGE_TICKER)
        ticker = GuiStalls()
        finished: list = []
        window.layers.importer.sig_finished.connect(finished.append)
        ticker.start()
        started = time.perf_counter()
        window.layers.import_layers(ImportChoice(files=[(p, p.stem) for p in files]))
        wait_until(lambda f=finished: bool(f), timeout_s=1200)
        window.layers.importer.sig_finished.disconnect(finished.append)
        report = finished[0]
        assert not report.errors, report.errors
        wanted = {str(a.layer_id): a.feature_count for a in report.added}
        del report  # its GeoJSON text is not what the app keeps
        finished.clear()

        def on_map(wanted=wanted) -> bool:
            layers = layer_stats()
            return all(layers.get(k, {}).get("features") == n and layers[k]["onMap"]
                       and not layers[k]["drawing"] for k, n in wanted.items())

        wait_until(on_map, timeout_s=1200, poll_ms=20)
        on_map_s = time.perf_counter() - started
        gui_stall = ticker.stop()
        page_stall = float(js(view, "window.__stall.max"))
        long_tasks = js(view, "JSON.stringify(window.__long)")
        page_task = max(json.loads(long_tasks), default=0)
        first_shapes = js(view, "JSON.stringify(paragon.lastShapeDraw || null)")
        # The view the user gets after an import: the layer's extent (the fly-to), settled.
        wait_until(lambda: False, timeout_s=1.5)
        js(view, f"paragon.map.setView([{CENTRE[1]}, {CENTRE[0]}], 13, {{animate: false}}); 0")
        moved = moves(view)
        if shown:
            animated = frames(view)
            js(view, f"paragon.map.setView([{CENTRE[1]}, {CENTRE[0]}], 13, {{animate: false}}); 0")
        feature = CASES[name]()[0][1][0]["geometry"]["coordinates"]
        first = feature if isinstance(feature[0], float) else feature[0][0]
        js(view, f"paragon.map.setView([{first[1]}, {first[0]}], 16, {{animate: false}}); 0")
        lon, lat = (first if isinstance(feature[0], float) else
                    (sum(c[0] for c in feature[0][:-1]) / (len(feature[0]) - 1),
                     sum(c[1] for c in feature[0][:-1]) / (len(feature[0]) - 1)))
        js(view, CLICK % (lat, lon))
        wait_until(lambda: js(view, CLICKED) >= 0, timeout_s=10)
        answer = js(view, CLICKED)
        click_ms = answer if answer >= 0 else None
        if click_ms is None:  # why: the layers' hits, and the question the click asked
            print("   no popup: hits", js(view, "JSON.stringify(window.__hits)"), "asked",
                  js(view, "JSON.stringify(paragon.lastAsk || null)"), flush=True)
        js(view, f"paragon.map.setView([{CENTRE[1]}, {CENTRE[0]}], 13, {{animate: false}}); 0")
        wait_until(lambda: False, timeout_s=1.0)
        if "--trim" in sys.argv:
            import ctypes
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        memory, _n, parts = pss_mb()
        features = sum(wanted.values())
        print(f"{name:14} {features:9d} {on_map_s:9.2f} {gui_stall:10.0f} {page_stall:11.0f} "
              f"{page_task:10.0f} "
              f"{med_max(moved['zoom']):>16} {med_max(moved['pan']):>15} "
              f"{click_ms if click_ms is not None else float('nan'):9.1f} {memory:7.0f}", flush=True)
        if shown:
            print(f"   frames ms med/max: pan {med_max(animated['pan'])}, "
                  f"zoom {med_max(animated['zoom'])}", flush=True)
        if "--verbose" in sys.argv:
            print("   page:", json.loads(js(view, "JSON.stringify(paragon.lastLoad)")),
                  "longest slice of a view:", js(view, "paragon.longestSlice || null"),
                  "long tasks while loading (ms):", long_tasks,
                  "shape draw while loading:", first_shapes,
                  "last shape draw:", moved["shapes"])
            print("   zoom ms:", [round(t) for t in moved["zoom"]],
                  "pan ms:", [round(t) for t in moved["pan"]])
            print("   PSS MB:", ", ".join(f"{kind} {mb:.0f}" for kind, mb in parts))
        for layer_id in wanted:
            window.layers.remove_layer(int(layer_id))
        wait_until(lambda wanted=wanted: not any(k in layer_stats() for k in wanted))
        if "--folium" in sys.argv and features > FOLIUM_LIMIT:
            print(f"{'  folium':14} not run: {features:,} circle markers inline in one page")
        elif "--folium" in sys.argv:
            folium_line(app, name, files)
    window.close()
    db.dispose()


def folium_line(app, name: str, files: list[Path]) -> None:
    """folium's own page for the same files, in a view of its own (its processes measured)."""
    import folium
    from PySide6.QtCore import QUrl
    from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
    from PySide6.QtWebEngineWidgets import QWebEngineView

    from paragon_desktop.ui.map.page import leaflet_dir

    m = folium.Map(location=[CENTRE[1], CENTRE[0]], zoom_start=13, tiles=None, prefer_canvas=True)
    for path in files:
        folium.GeoJson(json.loads(path.read_text()), marker=folium.CircleMarker(radius=4),
                       popup=folium.GeoJsonPopup(fields=["naam"])).add_to(m)
    html = m.get_root().render()
    for cdn in ("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/",):
        html = html.replace(cdn, leaflet_dir().as_uri() + "/")
    # Only Leaflet is needed to draw; the other CDN assets (jQuery, Bootstrap) are left out.
    html = "\n".join(line for line in html.splitlines()
                     if "https://" not in line or "<script" not in line and "<link" not in line)
    page_path = HOME / f"folium-{name}.html"
    page_path.write_text(html + "<script>window.__ready = true;</script>")
    profile = QWebEngineProfile()
    view = QWebEngineView()
    view.setPage(QWebEnginePage(profile, view))
    view.resize(1600, 1000)
    view.show()
    started = time.perf_counter()
    view.load(QUrl.fromLocalFile(str(page_path)))
    wait_until(lambda: js(view, "!!window.__ready") is True, timeout_s=1200, poll_ms=50)
    loaded_s = time.perf_counter() - started
    name_map = js(view, "Object.keys(window).filter(function (k) { return /^map_/.test(k); })[0]")
    # folium's page draws each view at once (Leaflet's own canvas renderer).
    js(view, "window.paragon = {afterDrawing: function (fn) { fn(); }}; 0")
    moved = moves(view, MOVES.replace("paragon.map", f"window['{name_map}']"))
    wait_until(lambda: False, timeout_s=1.0)
    shown, _n, _parts = pss_mb()
    view.close()
    view.deleteLater()
    profile.deleteLater()
    wait_until(lambda: False, timeout_s=3.0)
    gone, _n, _parts = pss_mb()
    print(f"{'  folium':14} {'':9} {loaded_s:9.2f} {'':10} {'':11} "
          f"{med_max(moved['zoom']):>16} {med_max(moved['pan']):>15} {'':9} "
          f"{shown - gone:7.0f} (its page)", flush=True)


if __name__ == "__main__":
    main()
