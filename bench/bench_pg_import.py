"""An import of 100,000 points on the shared server against the embedded database (issue 21).

Prints ``add_layer`` (what the user waits for before the layer is on the map) on SQLite and on
PostgreSQL, and on PostgreSQL the fill of the QGIS feature table that now follows the import
(migration 0017) instead of running inside it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import HOME, pg_database, summary  # noqa: E402
from bench_unticked import demo_case, points  # noqa: E402

from paragon_desktop.gis.layers import LayerRead  # noqa: E402

N = 100_000
RUNS = 5


def measure(url: str, label: str) -> float:
    db, services, an, case = demo_case(url)
    read = LayerRead(points(N, 1), N, (4.2, 51.2, 4.3, 51.3), "EPSG:4326", "GeoJSON")
    adds, fills = [], []
    for run in range(RUNS):
        start = time.perf_counter()
        services.layers.add_layer(an, case.id, read, name=f"Bench {run}",
                                  source_name="bench.geojson")
        adds.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        services.layers.fill_features()
        fills.append((time.perf_counter() - start) * 1000)
    print(f"{label}: add_layer {N:,} points: {summary(adds)} ms")
    if db.engine.dialect.name == "postgresql":
        print(f"{label}: then the QGIS feature table, off the import: {summary(fills)} ms")
    db.dispose()
    return sorted(adds)[len(adds) // 2]


def main() -> None:
    sqlite = measure(f"sqlite:///{HOME / 'pg-import.db'}", "SQLite")
    with pg_database("bench_pg_import") as url:
        postgres = measure(url, "PostgreSQL")
    print(f"PostgreSQL / SQLite (median add_layer): {postgres / sqlite:.1f}x")


if __name__ == "__main__":
    main()
