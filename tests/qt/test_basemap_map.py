"""Offline basemaps drawn on the real map page: tiles come through the app's own scheme, the
colour under a known place is the tile's colour, stacked basemaps follow their opacity and
order, and each shows its credit and zooms."""

from __future__ import annotations

import json

from PySide6.QtCore import QPoint, Qt

from paragon_desktop.gis.basemaps import BasemapStore
from tests import basemapfiles as bf
from tests.qt.conftest import map_stats, run_js

# West of the demo's municipalities: no border fill or case drawing over the basemap there.
PLACE = (4.0800, 51.0900)


def colour_at(qtbot, window, lon: float, lat: float) -> tuple[int, int, int]:
    x, y = json.loads(run_js(qtbot, window, (
        f"(function(){{var p = paragon.map.latLngToContainerPoint([{lat}, {lon}]);"
        f"return JSON.stringify([p.x, p.y]);}})()")))
    image = window.map.grab().toImage()
    pixel = image.pixelColor(QPoint(round(x), round(y)))
    return pixel.red(), pixel.green(), pixel.blue()


def near(found: tuple[int, int, int], wanted: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(found, wanted, strict=True))


def show_place(qtbot, window) -> None:
    run_js(qtbot, window, f"paragon.map.setView([{PLACE[1]}, {PLACE[0]}], 11, "
                          "{animate: false}); true")

    def loaded() -> bool:
        # Every tile loaded and faded in (Leaflet fades tiles in over a fraction of a second).
        return all(b["loaded"] > 0 for b in map_stats(qtbot, window)["basemaps"]) and bool(
            run_js(qtbot, window, "Array.prototype.every.call(document.querySelectorAll("
                                  "'.leaflet-tile'), function (t) { return t.complete && "
                                  "getComputedStyle(t).opacity === '1'; })"))

    qtbot.waitUntil(loaded, timeout=10000)
    qtbot.wait(300)  # painted


def test_an_mbtiles_basemap_is_drawn_under_the_case(open_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("PARAGON_DATA_DIR", str(tmp_path))
    store = BasemapStore(tmp_path / "basemaps")
    store.add(bf.write_mbtiles(tmp_path / "rood.mbtiles", (200, 30, 30)))
    window = open_window("an.peeters")
    show_place(qtbot, window)
    assert near(colour_at(qtbot, window, *PLACE), (200, 30, 30))
    stats = map_stats(qtbot, window)
    assert stats["basemaps"][0]["url"].startswith("paragon://app/tiles/")
    assert "Rood (zoom 8–12)" in stats["credits"]


def test_stacked_basemaps_follow_their_order_and_opacity(open_window, qtbot, tmp_path,
                                                         monkeypatch):
    monkeypatch.setenv("PARAGON_DATA_DIR", str(tmp_path))
    store = BasemapStore(tmp_path / "basemaps")
    below = store.add(bf.write_mbtiles(tmp_path / "rood.mbtiles", (255, 0, 0)))
    above = store.add(bf.write_pmtiles(tmp_path / "blauw.pmtiles", (0, 0, 255)), "Blauw")
    store.update(above.id, shown=True, opacity=0.5)
    window = open_window("an.peeters")
    show_place(qtbot, window)
    assert near(colour_at(qtbot, window, *PLACE), (128, 0, 128))  # half and half
    # From the dialog: the blue one at full opacity hides the red one.
    window.show_basemaps_dialog()
    dialog = window.basemaps_dialog
    dialog.list.setCurrentRow(1)
    dialog.opacity.setValue(100)
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["basemaps"][-1]["opacity"] == 1)
    show_place(qtbot, window)
    assert near(colour_at(qtbot, window, *PLACE), (0, 0, 255))
    # Hidden: the red one shows again.
    dialog.list.item(1).setCheckState(Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: len(map_stats(qtbot, window)["basemaps"]) == 1)
    show_place(qtbot, window)
    assert near(colour_at(qtbot, window, *PLACE), (255, 0, 0))
    assert below.id in map_stats(qtbot, window)["basemaps"][0]["url"]
    dialog.close()


def test_an_area_is_taken_offline_from_the_online_source(open_window, qtbot, tmp_path,
                                                         monkeypatch):
    from paragon_desktop.settings import Settings
    from tests.tileserver import tile_server

    monkeypatch.setenv("PARAGON_DATA_DIR", str(tmp_path))
    with tile_server() as (base, asked):
        window = open_window("an.peeters",
                             settings=Settings(tile_url=base + "/tiles/{z}/{x}/{y}.png"))
        tools = window.map_tools
        tools.ask_area_download()
        qtbot.waitUntil(lambda: tools.area_dialog is not None and tools.area_dialog.isVisible(),
                        timeout=5000)
        dialog = tools.area_dialog
        dialog.area.setCurrentIndex(dialog.area.findText("De case en omgeving"))
        dialog.min_zoom.setValue(11)
        dialog.max_zoom.setValue(12)
        assert "tegels, ongeveer" in dialog.estimate.text()
        assert not dialog.stop_button.isVisible()  # nothing to stop yet
        count = dialog.count
        asked.clear()  # the page's own background tiles so far
        dialog.start_button.click()
        qtbot.waitUntil(lambda: dialog.report is not None, timeout=20000)
    assert dialog.report.fetched + dialog.report.already == count
    downloaded = [b for b in BasemapStore(tmp_path / "basemaps").all() if b.name.startswith("Offline")]
    assert len(downloaded) == 1
    assert (downloaded[0].minzoom, downloaded[0].maxzoom) == (11, 12)
    qtbot.waitUntil(lambda: any(downloaded[0].id in b["url"]
                                for b in map_stats(qtbot, window)["basemaps"]), timeout=5000)


def test_a_source_whose_terms_forbid_it_is_not_taken_offline(open_window, qtbot):
    from paragon_desktop.gis.tile_sources import PRESETS
    from paragon_desktop.settings import Settings

    osm = next(p for p in PRESETS if p.id == "osm")
    window = open_window("an.peeters", settings=Settings(tile_url=osm.url))
    window.map_tools.ask_area_download()
    assert window.map_tools.area_dialog is None
    assert "voorwaarden van OpenStreetMap" in window.ctx.last_message_box.text()
