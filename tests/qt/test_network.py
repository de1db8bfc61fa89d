"""The app makes no network request unless the user configured an online tile source."""

from urllib.parse import urlsplit

from paragon_desktop.settings import Settings
from paragon_desktop.ui.map.guard import LOCAL_SCHEMES
from tests.qt.conftest import RecordingInterceptor, map_stats, run_js

FETCH = """window.__fetched = 'pending';
fetch('{url}').then(() => window.__fetched = 'loaded', () => window.__fetched = 'failed'); true"""


def _remote(urls):
    return [u for u in urls if urlsplit(u).scheme not in LOCAL_SCHEMES]


def test_the_map_page_makes_no_request_that_leaves_the_machine(open_window, qtbot):
    recorder = RecordingInterceptor()
    window = open_window("an.peeters", interceptor=recorder)
    qtbot.wait(300)
    urls = list(recorder.urls)
    # The recorder did see the page load: the test could fail.
    assert any(u.endswith("/map.html") for u in urls)
    assert any(u.endswith("/leaflet/leaflet.js") for u in urls)
    assert _remote(urls) == []
    assert map_stats(qtbot, window)["featuresOnMap"] > 0


def test_without_a_tile_source_the_page_cannot_reach_the_internet(open_window, qtbot):
    recorder = RecordingInterceptor()
    window = open_window("an.peeters", interceptor=recorder)
    run_js(qtbot, window, FETCH.format(url="https://tiles.example.org/1/2/3.png"))
    qtbot.waitUntil(lambda: run_js(qtbot, window, "window.__fetched") != "pending", timeout=5000)
    assert run_js(qtbot, window, "window.__fetched") == "failed"
    assert _remote(recorder.urls) == []


def test_a_configured_tile_source_is_the_only_host_let_through(open_window, qtbot):
    recorder = RecordingInterceptor()
    settings = Settings(tile_url="https://{s}.tiles.example.org/{z}/{x}/{y}.png",
                        tile_attribution="Voorbeeld")
    window = open_window("an.peeters", settings=settings, interceptor=recorder)
    assert map_stats(qtbot, window)["background"] is True
    qtbot.waitUntil(lambda: any("tiles.example.org" in u for u in recorder.urls), timeout=5000)
    run_js(qtbot, window, FETCH.format(url="https://elsewhere.example.net/x.js"))
    qtbot.waitUntil(lambda: any("elsewhere" in u for u in window.map.guard.blocked), timeout=5000)
    remote_hosts = {urlsplit(u).hostname for u in _remote(recorder.urls)}
    assert remote_hosts - {"elsewhere.example.net"} <= {
        f"{s}.tiles.example.org" for s in "abc"}
    # Tile requests went out (and fail later: there is no internet here); they were not blocked.
    assert not any("tiles.example.org" in u for u in window.map.guard.blocked)
