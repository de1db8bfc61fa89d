"""Opening a case with 20 unticked layers (issue 21): what the window reads for them.

A demo database gets 20 layers of 10,000 points each, all unticked by the user. Prints the time
and the bytes of GeoJSON read when the case opens, reading every layer's data (before) and only
the ticked layers' (now: an unticked layer is read when it is ticked).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import HOME, summary  # noqa: E402

from paragon_desktop.gis.layers import LayerRead  # noqa: E402
from paragon_desktop.services.bundle import build_services  # noqa: E402
from paragon_desktop.services.demo import build_demo  # noqa: E402
from paragon_desktop.services.layers import store_layer  # noqa: E402
from paragon_desktop.storage.db import Database  # noqa: E402
from paragon_desktop.storage.migrate import upgrade  # noqa: E402

LAYERS, POINTS = 20, 10_000


def points(n: int, seed: int) -> str:
    features = [{"type": "Feature", "properties": {"n": i, "naam": f"punt {i}"},
                 "geometry": {"type": "Point",
                              "coordinates": [4.2 + (i % 100) * 0.001 + seed * 1e-5,
                                              51.2 + (i // 100) * 0.001]}}
                for i in range(n)]
    return json.dumps({"type": "FeatureCollection", "features": features})


def demo_case(url: str):  # -> (Database, Services, An Peeters, the Nordchem case)
    """A fresh demo database at ``url``, with its services, a coordinator and her case."""
    db = Database.open(url)
    upgrade(db.engine)
    build_demo(db)
    services = build_services(db)
    an = services.auth.user_by_name("an.peeters")
    case = services.cases.find_case(an, "Nordchem")
    assert case is not None
    return db, services, an, case


def main() -> None:
    db, services, an, case = demo_case(f"sqlite:///{HOME / 'unticked.db'}")
    with db.sessions.begin() as session:
        ids = []
        for k in range(LAYERS):
            read = LayerRead(points(POINTS, k), POINTS, (4.2, 51.2, 4.3, 51.3), "EPSG:4326",
                             "GeoJSON")
            ids.append(store_layer(session, case_id=case.id, owner_id=an.id,
                                   name=f"Bench {k}", read=read, source_name="bench.geojson").id)
    for layer_id in ids:
        services.editing.set_layer_visible(an, layer_id, False)
    for label, only_ticked in (("every layer's data (before)", False),
                               ("ticked layers only (now)", True)):
        times, sizes = [], []
        for _ in range(5):
            start = time.perf_counter()
            snapshot = services.cases.open_case(an, case.id)
            layers = snapshot.changes.layers or []
            wanted = [layer.id for layer in layers if layer.visible or not only_ticked]
            data = services.cases.layer_geojsons(an, wanted)
            times.append((time.perf_counter() - start) * 1000)
            sizes.append(sum(len(t) for t in data.values()) / 1e6)
        print(f"open a case with {LAYERS} unticked layers of {POINTS:,} points, {label}: "
              f"{summary(times)} ms, {sizes[0]:.1f} MB of GeoJSON read")
    db.dispose()


if __name__ == "__main__":
    main()
