"""Importing big layers into the running app, against the raw floor measured in the same run.

For each file: the floor is pyogrio reading it plus GDAL writing the same features as GeoJSON
(pyogrio.raw.read + pyogrio.raw.write to memory). The app's time runs from asking for the import
(as after the dialog) until Leaflet holds every feature on the map (asked through runJavaScript):
checks, read, CRS, repair, GeoJSON, database, page fetch and drawing. While it runs, a 10 ms timer
on the GUI thread records the longest stall. Then: toggling the 100,000-point layer off and on,
and the memory of the whole app (Python plus Chromium processes, PSS) with it shown.
"""

from __future__ import annotations

import io
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import HOME, GuiStalls, demo_database, wait_until  # noqa: E402

from paragon_desktop.app import (  # noqa: E402
    build_services,
    create_application,
    open_database,
    prepare_qt_environment,
)

N_POINTS = 100_000
N_POLYGONS = 5_000
VERTICES = 200
ROUNDS = 3


def make_files(folder: Path) -> dict[str, Path]:
    rng = random.Random(7)
    folder.mkdir(parents=True, exist_ok=True)
    points = [(round(3.9 + rng.random() * 0.6, 6), round(51.0 + rng.random() * 0.35, 6))
              for _ in range(N_POINTS)]
    geojson = folder / "punten-100k.geojson"
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(p)},
         "properties": {"id": i, "naam": f"adres {i}", "ppm": round(rng.random() * 50, 2)}}
        for i, p in enumerate(points)]}))
    gpx = folder / "waypoints-100k.gpx"
    with gpx.open("w") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="bench" '
                  'xmlns="http://www.topografix.com/GPX/1/1">\n')
        for i, (lon, lat) in enumerate(points):
            out.write(f'<wpt lat="{lat}" lon="{lon}"><name>WP{i}</name></wpt>\n')
        out.write("</gpx>\n")
    polygons = []
    import math
    for i in range(N_POLYGONS):
        cx, cy = 3.9 + rng.random() * 0.6, 51.0 + rng.random() * 0.35
        ring = [[round(cx + 0.002 * math.cos(2 * math.pi * k / VERTICES), 6),
                 round(cy + 0.0013 * math.sin(2 * math.pi * k / VERTICES), 6)] for k in range(VERTICES)]
        ring.append(ring[0])
        polygons.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
                         "properties": {"id": i, "naam": f"perceel {i}"}})
    poly = folder / "percelen-5k.geojson"
    poly.write_text(json.dumps({"type": "FeatureCollection", "features": polygons}))
    return {"100k-point GeoJSON": geojson, "100k-waypoint GPX": gpx, "5k polygons x 200 vertices": poly}


def floor_seconds(path: Path) -> float:
    import pyogrio

    layer = "waypoints" if path.suffix == ".gpx" else None
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        meta, _fids, geometries, values = pyogrio.raw.read(path, layer=layer)
        buffer = io.BytesIO()
        pyogrio.raw.write(buffer, geometries, values, meta["fields"], driver="GeoJSON",
                          geometry_type=meta["geometry_type"], crs=meta["crs"], layer="x")
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def pss_mb() -> tuple[float, int, list[tuple[str, float]]]:
    """PSS of this process and all its descendants (Chromium's helpers), in MB."""
    me = os.getpid()
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {me}, [me]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    parts = []
    for pid in sorted(tree):
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            kinds = [a[7:].decode() for a in args if a.startswith(b"--type=")]
            name = "python" if pid == me else (
                "layer reader (spare)" if b"paragon_desktop.gis.reader" in b" ".join(args)
                else kinds[0] if kinds else "chromium")
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    parts.append((name, int(line.split()[1]) / 1024))
        except OSError:
            pass
    return sum(mb for _name, mb in parts), len(tree), parts


def demo_window():  # -> (Database, MainWindow)
    """The demo's Nordchem case open for sofie.janssens in a 1600x1000 window (offscreen)."""
    from paragon_desktop.settings import Settings
    from paragon_desktop.ui.main_window import MainWindow

    db, _ = open_database(f"sqlite:///{demo_database()}")
    services = build_services(db)
    user = services.auth.user_by_name("sofie.janssens")
    case = services.cases.find_case(user, "Nordchem")
    window = MainWindow(services, user, case, Settings(), restore_layout=False)
    window.resize(1600, 1000)
    window.show()
    return db, window


def main() -> None:
    prepare_qt_environment(offscreen=True)
    app = create_application(sys.argv[:1])

    from paragon_desktop.ui.dialogs.import_layer import ImportChoice

    files = make_files(HOME / "files")
    db, window = demo_window()


    def stats() -> dict:
        out: list[str] = []
        window.map.page().runJavaScript("paragon.stats()", 0, out.append)
        wait_until(lambda: bool(out))
        return json.loads(out[0])

    wait_until(lambda: window.settled)
    print(f"{'file':30} {'floor s':>8} {'stored s':>9} {'on map s':>9} {'ratio':>6} "
          f"{'max GUI stall ms':>17}")
    big_point_layer = None
    memory: tuple = (0.0, 0, [])
    for label, path in files.items():
        floor = floor_seconds(path)
        app_times, stalls, stored_times = [], [], []
        for _ in range(ROUNDS):
            ticker = GuiStalls()
            finished: list = []
            window.layers.importer.sig_finished.connect(finished.append)
            # As when the user opens the file dialog: a spare reader process starts importing
            # GDAL, and has done so while the user is still choosing a file (the app ends it
            # when an import is over).
            window.layers.importer.reader.warm_up()
            deadline = time.perf_counter() + 1.0
            while time.perf_counter() < deadline:
                app.processEvents()
                time.sleep(0.02)
            ticker.start()
            started = time.perf_counter()
            window.layers.import_layers(ImportChoice(files=[(path, label)]))
            wait_until(lambda f=finished: bool(f))
            stored_times.append(time.perf_counter() - started)
            report = finished[0]
            window.layers.importer.sig_finished.disconnect(finished.append)
            assert not report.errors, report.errors
            layer_id = report.added[0].layer_id
            expected = report.added[0].feature_count

            def on_map(lid=layer_id, n=expected) -> bool:
                entry = stats()["layers"].get(str(lid))
                return bool(entry and entry["features"] == n and entry["onMap"])

            wait_until(on_map, poll_ms=10)
            app_times.append(time.perf_counter() - started)
            if "--verbose" in sys.argv:
                print("   page ms:", stats()["lastLoad"], f"stored {stored_times[-1]:.2f} s, "
                      f"on map {app_times[-1]:.2f} s")
            stalls.append(ticker.stop())
            if label.startswith("100k-point") and big_point_layer is None:
                big_point_layer = layer_id
                # Memory with just the demo case and this layer: nothing imported before it.
                time.sleep(0.5)
                app.processEvents()
                memory = pss_mb()
            else:
                window.layers.remove_layer(layer_id)
                wait_until(lambda lid=layer_id: str(lid) not in stats()["layers"], poll_ms=10)
        app_s = statistics.median(app_times)
        stored_s = statistics.median(stored_times)
        print(f"{label:30} {floor:8.2f} {stored_s:9.2f} {app_s:9.2f} {app_s / floor:6.2f} "
              f"{max(stalls):17.0f}")
        app.processEvents()

    assert big_point_layer is not None
    toggles = []
    for visible in [False, True] * 5:
        started = time.perf_counter()
        window.map.set_layer_visible(big_point_layer, visible)
        batch = window.map.bridge.last_sent
        wait_until(lambda b=batch: window.map.bridge.last_applied >= b)
        toggles.append((time.perf_counter() - started) * 1000)
    print(f"toggle 100k-point layer off/on (op sent -> applied on the page): median "
          f"{statistics.median(toggles):.0f} ms, max {max(toggles):.0f} ms")
    # A zoom step without animation: Leaflet redraws synchronously, timed in the page.
    zooms = []
    for step in [1, -1] * 5:
        out: list[float] = []
        window.map.page().runJavaScript(
            "(function () { var m = paragon.map, t = performance.now(); "
            f"m.setZoom(m.getZoom() + ({step}), {{animate: false}}); "
            "return performance.now() - t; })()", 0, out.append)
        wait_until(lambda o=out: bool(o))
        zooms.append(float(out[0]))
    print(f"zoom step with the 100k-point layer shown (redrawn in the page): median "
          f"{statistics.median(zooms):.0f} ms, max {max(zooms):.0f} ms, "
          f"{stats().get('pointRedraws', 0)} point-layer draws so far")
    total, processes, parts = memory
    print(f"memory with the demo case and the 100k-point layer shown: {total:.0f} MB PSS over "
          f"{processes} processes ({', '.join(f'{name} {mb:.0f}' for name, mb in parts)})")
    window.close()
    db.dispose()


if __name__ == "__main__":
    main()
