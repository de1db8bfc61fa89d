"""Opening a case with 20 ticked layers in the real window (issue 21: "usable within 300 ms").

A demo database (SQLite; ``--pg``: a throwaway PostgreSQL, as its owner) gets the 20-layer mix
of ``bench_scaling`` (10 x 10,000 points, 10 x 1,000 parcels), all ticked, in the Nordchem case
(``--big``: and a million points, a 21st layer). Each round builds the case's window
(1600x1000, offscreen) and prints: the window built (the constructor returned), the case usable
(its first picture applied: feed tabs, anchors, contacts, layer list), each layer on the map
(Leaflet holds all its features, its view drawn), and the longest stall of the window's thread
from the start until every layer is on the map. The first round warms Chromium up and is not
counted.

    python bench/bench_open_layers.py [--rounds=5] [--pg] [--big]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import HOME, GuiStalls, pg_database, wait_until  # noqa: E402
from bench_scaling import CASES, js  # noqa: E402
from bench_unticked import demo_case  # noqa: E402

from paragon_desktop.app import create_application, prepare_qt_environment  # noqa: E402


def store_mix(services, user, case) -> dict[str, int]:
    """The layers stored, as the page's layer keys with their feature counts."""
    from paragon_desktop.gis.layers import LayerRead
    from paragon_desktop.services.layers import store_layer

    layers = CASES["mix-20"]() + (CASES["points-1m"]() if "--big" in sys.argv else [])
    stored = {}
    with services.db.sessions.begin() as session:
        for name, features in layers:
            text = json.dumps({"type": "FeatureCollection", "features": features})
            read = LayerRead(text, len(features), (3.9, 51.0, 4.6, 51.4), "EPSG:4326", "GeoJSON")
            layer = store_layer(session, case_id=case.id, owner_id=user.id, name=name, read=read,
                                source_name=f"{name}.geojson")
            stored[str(layer.id)] = len(features)
    return stored


def main() -> None:
    if "--pg" in sys.argv:
        with pg_database("bench_open_layers") as url:
            measure(url)
    else:
        measure(f"sqlite:///{HOME / 'open-layers.db'}")


def measure(url: str) -> None:
    rounds = int(next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--rounds=")), "5"))
    prepare_qt_environment(offscreen=True)
    create_application(sys.argv[:1])
    from paragon_desktop.settings import Settings
    from paragon_desktop.ui.main_window import MainWindow

    db, services, user, case = demo_case(url)
    stored = store_mix(services, user, case)
    rows: list[dict] = []
    for k in range(rounds + 1):
        ticker = GuiStalls()
        usable: list[float] = []
        ticker.start()
        started = time.perf_counter()
        window = MainWindow(services, user, case, Settings(), restore_layout=False)
        window.resize(1600, 1000)
        window.show()
        built = time.perf_counter() - started
        window.sig_refreshed.connect(
            lambda _c, u=usable, s=started: u.append(time.perf_counter() - s))
        wait_until(lambda u=usable: bool(u), timeout_s=60)
        appeared: dict[str, float] = {}

        def on_map(window=window, appeared=appeared, started=started) -> bool:
            answer = js(window.map, "window.paragon && paragon.stats ? paragon.stats() : 0")
            if not isinstance(answer, str):
                return False
            stats = json.loads(answer)
            for key, layer in ((stats or {}).get("layers") or {}).items():
                if (layer.get("features") == stored.get(key) and layer.get("onMap")
                        and not layer.get("drawing")):
                    appeared.setdefault(key, time.perf_counter() - started)
            return len(appeared) == len(stored)

        wait_until(on_map, timeout_s=120, poll_ms=10)
        stall = ticker.stop()
        times = sorted(appeared.values())
        row = {"built": built * 1000, "usable": usable[0] * 1000, "first": times[0] * 1000,
               "all": times[-1] * 1000, "stall": stall, "layers": len(times)}
        label = "warm-up" if k == 0 else f"round {k}"
        print(f"{label:8} built {row['built']:5.0f} ms  usable {row['usable']:5.0f} ms  "
              f"first layer {row['first']:5.0f} ms  all {row['layers']} layers {row['all']:5.0f} ms  "
              f"longest GUI stall {row['stall']:4.0f} ms", flush=True)
        if k:
            rows.append(row)
        window.close()
        window.deleteLater()
        wait_until(lambda: False, timeout_s=1.0)
    print("median over the rounds: " + "  ".join(
        f"{key} {statistics.median(r[key] for r in rows):.0f} ms"
        for key in ("built", "usable", "first", "all", "stall")))
    db.dispose()


if __name__ == "__main__":
    main()
