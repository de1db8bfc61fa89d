"""Offline basemaps: drawing the demo basemap, reading tiles from MBTiles and PMTiles, and the
time from opening the case to the first basemap tile drawn. (Frame times after a pan are not
measured here: requestAnimationFrame does not run in the offscreen platform.)

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


def measure_window(services, user, case, run: int) -> None:
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
    for run in range(3):
        measure_window(services, user, case, run)
    db.dispose()
    print(json.dumps({"data": str(HOME)}))


if __name__ == "__main__":
    main()
