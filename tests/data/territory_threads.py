"""Run by tests/unit/test_territory.py in a subprocess: several threads ask one jurisdiction
index at once, as the case form's sharing preview and its start button do. Before the index
took one query at a time, GEOS corrupted its heap here within a few rounds (exit 134)."""

import sys
import threading

from shapely.geometry import Point

from paragon_desktop.gis.territory import Jurisdiction, JurisdictionIndex

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 40
for _ in range(rounds):
    areas = [Jurisdiction(i, ("municipality", ""), Point(i % 20, i // 20).buffer(0.75, 256))
             for i in range(400)]
    index = JurisdictionIndex(areas)
    barrier = threading.Barrier(6)

    def ask(seed: int, index: JurisdictionIndex = index,
            barrier: threading.Barrier = barrier) -> None:
        barrier.wait()
        for k in range(10):
            index.shares(Point(3.3 + (seed + k) % 11, 4.7 + k % 9).buffer(0.3, 64))

    threads = [threading.Thread(target=ask, args=(s,)) for s in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
print("ok")
