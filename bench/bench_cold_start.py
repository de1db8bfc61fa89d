"""Cold start to a ready map: from launching the process until Leaflet has drawn the demo
case's layers and anchors (the map bridge has applied every batch). Median of several runs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import demo_database, summary  # noqa: E402

RUNS = int(os.environ.get("RUNS", "7"))


def main() -> None:
    db = demo_database()
    child = Path(__file__).with_name("_cold_start_child.py")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    times = []
    for _ in range(RUNS + 1):
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, str(child), f"sqlite:///{db}"],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                   env=env)
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("READY"):
                times.append(time.perf_counter() - started)
                break
        process.wait(timeout=60)
    # The first run warms the OS file cache; it is reported apart.
    print(f"cold start to map ready, first run (file cache cold): {times[0]:.2f} s")
    print(f"cold start to map ready, s: {summary(times[1:])}")


if __name__ == "__main__":
    main()
