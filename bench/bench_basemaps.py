"""Offline basemaps: drawing the demo basemap, reading tiles from MBTiles and PMTiles, the time
from opening the case to the first basemap tile drawn, and after a pan or a zoom step the time
until every tile of the new view is drawn (Leaflet's "load" event), with the basemap alone and
with a WMS layer of a local map service over it. (Frame times as such are not measured:
requestAnimationFrame does not run in the offscreen platform.)

Run: .venv/bin/python bench/bench_basemaps.py
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))
from _common import HOME, demo_database, summary, wait_until  # noqa: E402

from paragon_desktop.app import build_services, create_application, prepare_qt_environment  # noqa: E402
from paragon_desktop.gis.basemaps import BasemapStore  # noqa: E402
from paragon_desktop.services.demo_basemap import write_demo_basemap  # noqa: E402


def tile_reads(store: BasemapStore, basemap_id: str, zoom: int, n: int = 2000) -> list[float]:
    from paragon_desktop.gis.tile_download import tile_xy

    x0, y0 = tile_xy(4.16, 51.31, zoom)
    x1, y1 = tile_xy(4.40, 51.14, zoom)
    rng = random.Random(3)
    times = []
    for _ in range(n):
        x, y = rng.randint(x0, x1), rng.randint(y0, y1)
        t = time.perf_counter()
        store.tile(basemap_id, zoom, x, y)
        times.append((time.perf_counter() - t) * 1000)
    return times


def run_js(window, script: str, timeout: float = 10):
    box: list = []
    window.map.page().runJavaScript(script, 0, box.append)
    wait_until(lambda: bool(box), timeout)
    return box[0] if box else None


# Pan 300 px east or west, or zoom one step in or out; the time until the given tile layer has
# every tile of the new view (Leaflet fires "load" then).
# Steps run by the page itself, one after the other: each pans 1,200 px (beyond the tiles
# Leaflet keeps around the view, two each side) or zooms one step, and times until the given
# tile layer has every tile of the new view (Leaflet fires "load"); a step that needs no new
# tile counts as done at once, one that never finishes as -1 after 10 s.
STEPS = """(function () {{
  var layer = {layer}, actions = {actions}, i = 0;
  window.__steps = {{ times: [], done: false }};
  function next() {{
    if (i >= {n}) {{ window.__steps.done = true; return; }}
    var t0 = performance.now(), finished = false;
    function done(value) {{
      if (finished) return;
      finished = true;
      layer.off("load", loaded);
      window.__steps.times.push(value === undefined ? performance.now() - t0 : value);
      i += 1;
      setTimeout(next, 50);
    }}
    function loaded() {{ done(); }}
    layer.on("load", loaded);
    actions[i % 2]();
    if (!layer._loading) done();
    setTimeout(function () {{ done(-1); }}, 10000);
  }}
  next();
  return true;
}})()"""
ACTIONS = {
    "pan": "[function () { paragon.map.panBy([1200, 0], {animate: false}); },"
           " function () { paragon.map.panBy([-1200, 0], {animate: false}); }]",
    "zoom": "[function () { paragon.map.setZoom(paragon.map.getZoom() + 1, {animate: false}); },"
            " function () { paragon.map.setZoom(paragon.map.getZoom() - 1, {animate: false}); }]",
}


def step_times(window, layer: str, kind: str, n: int = 12) -> list[float]:
    page = window.map.page()
    page.runJavaScript(STEPS.format(layer=layer, actions=ACTIONS[kind], n=n))
    found: list[str] = []

    def finished() -> bool:
        # Asked without waiting (no nested event loop): the answer lands in ``found``.
        page.runJavaScript("window.__steps && window.__steps.done ? "
                           "JSON.stringify(window.__steps.times) : null", 0,
                           lambda value: found.append(value) if value else None)
        return bool(found)

    wait_until(finished, 200, poll_ms=100)
    return [float(t) for t in json.loads(found[0])] if found else []


def measure_window(services, user, case, run: int, wms=None) -> None:
    from paragon_desktop.settings import Settings
    from paragon_desktop.ui.main_window import MainWindow

    t = time.perf_counter()
    window = MainWindow(services, user, case, Settings(), restore_layout=False)
    window.resize(1366, 768)
    window.show()
    wait_until(lambda: window.map.bridge.ready and bool(run_js(
        window, "document.querySelectorAll('.leaflet-tile-loaded').length", 5)), 60)
    first = time.perf_counter() - t
    wait_until(lambda: window.map.bridge.settled, 60)
    print(f"run {run + 1}: window to first basemap tile {first * 1000:.0f} ms")
    if run == 0:
        run_js(window, "paragon.map.setView([51.2, 4.25], 11, {animate: false}); true")
        wait_until(lambda: False, 1.0)
        basemap = "paragon.basemapLayers[0]"
        for kind in ("pan", "zoom"):
            print(f"  {kind} step, basemap tiles all drawn (ms): "
                  f"{summary(step_times(window, basemap, kind))}")
        if wms is not None:
            from paragon_desktop.ui.dialogs.service_layer import ServiceChoice

            window.service_layers.add(ServiceChoice(wms, "Seveso-zones", "", []))
            wait_until(lambda: bool(run_js(window, "Object.keys(paragon.layers).some(function"
                                                   " (k) { return paragon.layers[k].service; })")),
                       20)
            wait_until(lambda: False, 1.0)
            layer = ("paragon.layers[Object.keys(paragon.layers).filter(function (k) "
                     "{ return paragon.layers[k].service; })[0]].layer")
            for kind in ("pan", "zoom"):
                print(f"  {kind} step, WMS images from a local service all drawn (ms): "
                      f"{summary(step_times(window, layer, kind))}")
    window.close()
    wait_until(lambda: False, 0.3)


def main() -> None:
    folder = HOME / "bench-basemaps"
    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    demo = write_demo_basemap(folder / "demo.mbtiles")
    print(f"demo basemap drawn and written: {time.perf_counter() - t:.2f} s, "
          f"{demo.stat().st_size / 1e6:.1f} MB")

    from tests.basemapfiles import write_pmtiles

    store = BasemapStore(HOME / "data" / "basemaps")
    mb = store.add(demo, "Demo")
    pm = store.add(write_pmtiles(folder / "blauw.pmtiles", zooms=range(8, 14)), "Blauw")
    print(f"MBTiles tile read (ms): {summary(tile_reads(store, mb.id, 13))}")
    print(f"PMTiles tile read (ms): {summary(tile_reads(store, pm.id, 13))}")
    store.update(pm.id, shown=False)

    prepare_qt_environment(offscreen=True)
    app = create_application([sys.argv[0]], "nl")  # noqa: F841 (keeps Qt alive)
    from paragon_desktop.storage.db import Database

    db = Database.open(demo_database())
    services = build_services(db)
    user = services.auth.user_by_name("an.peeters")
    case = services.cases.find_case(user, "Nordchem")
    from paragon_desktop.gis.ows import discover
    from tests.owsserver import ows_server

    with ows_server() as server:
        wms = next(o for o in discover("wms", server.base + "/wms")
                   if o.service.layer == "seveso_zones")
        for run in range(3):
            measure_window(services, user, case, run, wms)
    db.dispose()
    print(json.dumps({"data": str(HOME)}))


if __name__ == "__main__":
    main()
