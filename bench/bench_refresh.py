"""A no-change refresh: time on the GUI thread (starting the refresh plus applying its result),
and the database query on the worker thread. The page must not reload."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import demo_database, summary, wait_until  # noqa: E402

from paragon_desktop.app import (  # noqa: E402  # noqa: E402
    build_services,
    create_application,
    open_database,
    pick_user_and_case,
    prepare_qt_environment,
)

REFRESHES = 200


def main() -> None:
    prepare_qt_environment(offscreen=True)
    app = create_application(sys.argv[:1])

    from paragon_desktop.settings import Settings
    from paragon_desktop.ui.main_window import MainWindow

    db, _ = open_database(f"sqlite:///{demo_database()}")
    services = build_services(db)
    user, case = pick_user_and_case(services, None, None)
    window = MainWindow(services, user, case, Settings(), restore_layout=False)
    window.show()


    wait_until(lambda: window.settled)
    marker: list[str] = []
    window.map.page().runJavaScript("window.__bench = 'same page'; true", 0, marker.append)
    wait_until(lambda: bool(marker))

    gui_ms: list[float] = []
    total_ms: list[float] = []
    done: list[bool] = []
    original = window._on_refreshed

    def timed_on_refreshed(result) -> None:
        started = time.perf_counter()
        original(result)
        gui_ms.append(gui_ms.pop() + (time.perf_counter() - started) * 1000)
        done.append(True)

    window._on_refreshed = timed_on_refreshed  # type: ignore[method-assign]
    sent_before = window.map.bridge.last_sent
    for _ in range(REFRESHES):
        done.clear()
        started = time.perf_counter()
        window.refresh()
        gui_ms.append((time.perf_counter() - started) * 1000)
        wait_until(lambda: bool(done))
        total_ms.append((time.perf_counter() - started) * 1000)

    query_ms = []
    for _ in range(REFRESHES):
        started = time.perf_counter()
        services.cases.changes_since(user, case.id, window.revision)
        query_ms.append((time.perf_counter() - started) * 1000)

    still: list[str] = []
    window.map.page().runJavaScript("window.__bench", 0, still.append)
    wait_until(lambda: bool(still))
    stats: list[str] = []
    window.map.page().runJavaScript("paragon.stats()", 0, stats.append)
    wait_until(lambda: bool(stats))
    print(f"no-change refresh, GUI thread ms: {summary(gui_ms)}")
    print(f"no-change refresh, query on worker ms: {summary(query_ms)}")
    print(f"no-change refresh, round trip ms (incl. thread hand-over): {summary(total_ms)}")
    print(f"batches sent to the page during {REFRESHES} refreshes: "
          f"{window.map.bridge.last_sent - sent_before}")
    print(f"page reloaded: {still != ['same page']}; features on map: "
          f"{json.loads(stats[0])['featuresOnMap']}")
    window.close()
    db.dispose()
    del app


if __name__ == "__main__":
    main()
