"""How long a big layer's text keeps other threads waiting for Python's lock (issue 21).

The window's thread runs every Python slot, so while a worker holds Python's lock in one long C
call the window stands still. A thread ticking every 2 ms stands in for it here: for each step
of a layer's way (the reader's text, storing it in the embedded database, reading it back for
the map page) the bench prints the step's time and the longest the ticking thread waited,
the whole text at once (as before) and in pieces (``reader.is_utf8``, ``storage.layer_text``).

``--pg`` adds storing it on PostgreSQL (bound as one text value, before; copied in 1 MB pieces
that the server joins, now) and reading it back (as one text value, before; as the server's
1 MB pieces streamed one row at a time, now).

    python bench/bench_layer_text.py [--points=1000000] [--pg]
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).parent))

from _common import HOME, pg_database  # noqa: E402
from bench_scaling import point_features, write  # noqa: E402
from bench_unticked import demo_case  # noqa: E402

from paragon_desktop.gis.layers import LayerRead  # noqa: E402
from paragon_desktop.gis.reader import LayerReader, is_utf8  # noqa: E402


def longest_wait(step: Callable[[], Any]) -> tuple[float, float, Any]:
    """The step's time and the ticking thread's longest wait meanwhile, both in ms."""
    widest = [0.0]
    running = [True]

    def tick() -> None:
        last = time.perf_counter()
        while running[0]:
            time.sleep(0.002)
            now = time.perf_counter()
            widest[0] = max(widest[0], now - last)
            last = now

    ticker = threading.Thread(target=tick)
    ticker.start()
    time.sleep(0.05)
    widest[0] = 0.0
    started = time.perf_counter()
    result = step()
    took = time.perf_counter() - started
    time.sleep(0.02)
    running[0] = False
    ticker.join()
    return took * 1000, widest[0] * 1000, result


def main() -> None:
    n = int(next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--points=")), 1_000_000))
    folder = HOME / "files"
    folder.mkdir(parents=True, exist_ok=True)
    path = write(folder, f"points-{n}", point_features(n, 3))
    with LayerReader(spare=False) as reader:
        read = reader.read(path, max_bytes=1 << 31)
    assert read.utf8 is not None
    print(f"{n:,} points: {len(read.utf8) / 1e6:.0f} MB of GeoJSON")
    db, services, an, case = demo_case(f"sqlite:///{HOME / 'layer-text.db'}")
    whole = LayerRead(str(read.utf8, "utf-8"), read.feature_count, read.bbox, read.source_crs,
                      read.source_format)
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("reader's text: decoded whole (before)", lambda: str(read.utf8, "utf-8")),
        ("reader's text: checked in pieces (now)", lambda: is_utf8(read.utf8)),
        ("SQLite store: the text bound whole (before)", lambda: services.layers.add_layer(
            an, case.id, whole, name="Heel", source_name=path.name)),
        ("SQLite store: blob I/O in pieces (now)", lambda: services.layers.add_layer(
            an, case.id, read, name="Stukken", source_name=path.name)),
    ]
    print(f"{'step':50} {'ms':>7} {'longest wait ms':>16}")
    ids: list[int] = []
    for name, step in steps:
        took, waited, result = longest_wait(step)
        if isinstance(result, int):
            ids.append(result)
        row(name, took, waited)
    read_back(services, an, ids[-1], read, "SQLite", "blob I/O in pieces (now)")
    db.dispose()
    if "--pg" in sys.argv:
        with pg_database("bench_layer_text") as url:
            on_postgresql(url, read, whole)


def on_postgresql(url: str, read: LayerRead, whole: LayerRead) -> None:
    db, services, an, case = demo_case(url)
    ids: list[int] = []
    for _round in range(2):
        for name, step in [
            ("PostgreSQL store: one text value (before)", lambda: services.layers.add_layer(
                an, case.id, whole, name="Heel", source_name="pg")),
            ("PostgreSQL store: 1 MB pieces joined (now)", lambda: services.layers.add_layer(
                an, case.id, read, name="Stukken", source_name="pg")),
        ]:
            took, waited, result = longest_wait(step)
            ids.append(result)
            row(name, took, waited)
    for _round in range(2):
        read_back(services, an, ids[-1], read, "PostgreSQL", "1 MB pieces, streamed (now)")
    db.dispose()


def read_back(services, an, layer_id: int, read: LayerRead, database: str, now: str) -> None:
    """The layer read back for the map page: as one text value, encoded (before), and ``now``."""
    for name, step in [
        (f"{database} read: one text value, encoded (before)", lambda: {
            k: v.encode("utf-8")
            for k, v in services.cases.layer_geojsons(an, [layer_id]).items()}),
        (f"{database} read: {now}", lambda: services.cases.layer_utf8(an, [layer_id])),
    ]:
        took, waited, result = longest_wait(step)
        assert bytes(result[layer_id]) == bytes(read.utf8)
        row(name, took, waited)


def row(name: str, took: float, waited: float) -> None:
    print(f"{name:50} {took:7.0f} {waited:16.0f}", flush=True)


if __name__ == "__main__":
    main()
