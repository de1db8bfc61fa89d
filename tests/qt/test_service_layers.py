"""Layers from partners' map services on the real map page, served by a real OGC server on
127.0.0.1: a WMS drawn under a known place (its colour on the screen), a WMTS shared by someone
else shown only once this user allows its host, a WFS refreshed live; the network guard lets
through exactly the hosts allowed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from paragon_desktop.gis.ows import discover
from paragon_desktop.ui.dialogs.service_layer import ServiceLayerDialog
from tests.owsserver import WMS_COLOUR, WMTS_COLOUR, closures, ows_server
from tests.qt.conftest import map_stats, run_js
from tests.qt.test_basemap_map import PLACE, colour_at, near

FETCH = """window.__fetched = 'pending';
fetch('{url}').then(() => window.__fetched = 'loaded', () => window.__fetched = 'failed'); true"""


@pytest.fixture
def server():
    with ows_server() as state:
        yield state


def layer_named(qtbot, window, name):
    found = {}

    def there() -> bool:
        for layer_id, layer in map_stats(qtbot, window)["layers"].items():
            if layer["name"] == name:
                found.update(layer, id=int(layer_id))
                return True
        return False

    qtbot.waitUntil(there, timeout=10000)
    return found


def show_place(qtbot, window) -> None:
    run_js(qtbot, window, f"paragon.map.setView([{PLACE[1]}, {PLACE[0]}], 12, "
                          "{animate: false}); true")
    qtbot.waitUntil(lambda: bool(run_js(qtbot, window, (
        "var t = document.querySelectorAll('.leaflet-pane img.leaflet-tile');"
        "t.length > 0 && Array.prototype.every.call(t, function (i) { return i.complete && "
        "getComputedStyle(i).opacity === '1'; })"))), timeout=10000)
    qtbot.wait(300)  # painted


def test_a_wms_layer_from_the_dialog_is_drawn_and_its_host_alone_let_through(
        open_window, qtbot, server, monkeypatch, tmp_path):
    window = open_window("sofie.janssens", case_id=None)
    dialog = ServiceLayerDialog(window.layers.feed_choices(), window.ctx.ops, window)
    dialog.kind.setCurrentIndex(dialog.kind.findData("wms"))
    dialog.url.setText(server.base + "/wms?SERVICE=WMS&REQUEST=GetCapabilities")
    dialog.ask()
    qtbot.waitUntil(lambda: dialog.layers.count() == 2, timeout=10000)
    titles = [dialog.layers.item(i).text() for i in range(2)]
    assert titles == ["Overstromingsgebieden  (overstromingen)", "Seveso-zones  (seveso_zones)"]
    dialog.layers.setCurrentRow(1)
    assert dialog.name.text() == "Seveso-zones"
    assert "127.0.0.1" in dialog.host_note.text()
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    choice = dialog.choice()
    assert window.ctx.settings.service_hosts == []
    window.service_layers.add(choice)
    layer = layer_named(qtbot, window, "Seveso-zones")
    assert layer["service"] == "wms"
    assert layer["onMap"]
    assert window.ctx.settings.service_hosts == ["127.0.0.1"]
    show_place(qtbot, window)
    assert near(colour_at(qtbot, window, *PLACE), WMS_COLOUR)
    getmaps = [p.lower() for p in server.asked if "request=getmap" in p.lower()]
    assert getmaps
    assert all("layers=seveso_zones" in p for p in getmaps)
    assert not any("127.0.0.1" in u for u in window.map.guard.blocked)
    assert "Seveso-zones · Veiligheidsregio Test" in map_stats(qtbot, window)["credits"]
    # Still nothing else: another host stays blocked.
    run_js(qtbot, window, FETCH.format(url="https://elsewhere.example.net/x.js"))
    qtbot.waitUntil(lambda: any("elsewhere" in u for u in window.map.guard.blocked), timeout=5000)
    # The dock says where it comes from.
    item = window.layers.panel.item_for(layer["id"])
    assert "Kaartdienst WMS van 127.0.0.1, laag seveso_zones" in item.toolTip(0)
    # The user's opacity applies to the images.
    window.map.set_layer_opacity(layer["id"], 0.4)
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["layers"][str(layer["id"])]["opacity"] == 0.4)
    assert run_js(qtbot, window, f"paragon.layers[{layer['id']}].layer.options.opacity") == 0.4
    # A live image layer asks its service again (the timer's step, run now): new images, not
    # the browser's cached ones.
    before = len([p for p in server.asked if "request=getmap" in p.lower()])
    assert choice.offer.service.refresh_s == 0
    run_js(qtbot, window, f"paragon.layers[{layer['id']}].refreshNow(); true")
    qtbot.waitUntil(lambda: len([p for p in server.asked if "_paragon=" in p]) > 0, timeout=5000)
    assert len([p for p in server.asked if "request=getmap" in p.lower()]) > before


def test_a_shared_wmts_layer_is_shown_only_once_its_host_is_allowed(
        open_window, qtbot, server, client, message_boxes):
    sofie = client.user("sofie.janssens")
    case_id = client.seveso_case_id()
    multi = client.layers.feed_ids_by_name(sofie, case_id, ["Multi"])[0]
    offer = discover("wmts", server.base + "/wmts")[0]
    client.layers.add_service_layer(sofie, case_id, offer.service, name="Topokaart provincie",
                                    feed_ids=[multi])
    window = open_window("an.peeters")
    layer = layer_named(qtbot, window, "Topokaart provincie")
    assert not layer["onMap"]  # others' layers wait for the user's tick
    message_boxes.answers[:] = [False, True]
    asked = message_boxes.read
    panel = window.layers.panel
    # No: the tick is taken back and the host is never asked.
    panel.item_for(layer["id"]).setCheckState(0, Qt.CheckState.Checked)
    assert "127.0.0.1" in asked[0]
    assert "Sofie Janssens" in asked[0]
    assert not panel.layer(layer["id"]).visible
    qtbot.wait(500)
    assert not map_stats(qtbot, window)["layers"][str(layer["id"])]["onMap"]
    assert not any(p.startswith("/wmts/topo/") for p in server.asked)
    # Yes: allowed on this computer, drawn.
    panel.item_for(layer["id"]).setCheckState(0, Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["layers"][str(layer["id"])]["onMap"])
    assert window.ctx.settings.service_hosts == ["127.0.0.1"]
    show_place(qtbot, window)
    assert near(colour_at(qtbot, window, *PLACE), WMTS_COLOUR)
    # Tiles by the service's own matrix names for the zoom shown.
    assert any(p.startswith("/wmts/topo/default/webmercator/EPSG%3A3857%3A12/") for p in server.asked)


def test_a_live_wfs_layer_shows_what_the_service_answers_now(open_window, qtbot, server, client):
    window = open_window("sofie.janssens")
    offer = discover("wfs", server.base + "/wfs")[0]
    from dataclasses import replace

    from paragon_desktop.ui.dialogs.service_layer import ServiceChoice

    service = replace(offer.service, refresh_s=30)
    window.service_layers.add(ServiceChoice(replace(offer, service=service), "Afsluitingen",
                                            "", []))
    qtbot.waitUntil(lambda: any(shown["name"] == "Afsluitingen" and shown["features"] == 3
                                for shown in map_stats(qtbot, window)["layers"].values()),
                    timeout=15000)
    layer = layer_named(qtbot, window, "Afsluitingen")
    server.features = closures(5)
    controller = window.service_layers
    controller.refresh_live()  # not yet: 30 s have not passed
    assert controller.live_fetches == 0
    controller._fetched[layer["id"]] -= 31
    controller.refresh_live()
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["layers"][str(layer["id"])]["features"] == 5,
                    timeout=15000)
    assert controller.live_fetches == 1
    # The stored copy stays as added (others and offline use see that).
    data = client.cases.layer_geojsons(window.ctx.user, [layer["id"]])[layer["id"]]
    assert data.count('"Feature"') == 3


def test_a_wms_background_is_drawn_tile_by_tile_and_its_credit_stays_text(open_window, qtbot,
                                                                         server):
    from paragon_desktop.gis.ows import tile_template
    from paragon_desktop.settings import Settings

    offer = next(o for o in discover("wms", server.base + "/wms")
                 if o.service.layer == "seveso_zones")
    settings = Settings(tile_url=tile_template(offer.service),
                        tile_attribution='<img src=x onerror="window.__owned=1">Risico')
    window = open_window("an.peeters", settings=settings)
    show_place(qtbot, window)
    assert near(colour_at(qtbot, window, *PLACE), WMS_COLOUR)
    # Each tile asked with its own extent, in web map metres around the place shown.
    boxes = [p.rsplit("BBOX=", 1)[1] for p in server.asked if "BBOX=" in p]
    assert boxes
    assert all(len(b.split(",")) == 4 for b in boxes)
    west, south, east, north = (float(v) for v in boxes[-1].split(","))  # at zoom 12
    assert round(east - west) == round(north - south) == round(2 * 20037508.342789244 / 2 ** 12)
    assert run_js(qtbot, window, "String(window.__owned)") == "undefined"
    credit = run_js(qtbot, window, "document.querySelector('.leaflet-control-attribution')"
                                   ".textContent")
    assert '<img src=x onerror="window.__owned=1">Risico' in credit


def test_a_service_layer_ticked_on_another_computer_says_why_it_stays_empty(
        open_window, qtbot, server, client):
    sofie = client.user("sofie.janssens")
    case_id = client.seveso_case_id()
    multi = client.layers.feed_ids_by_name(sofie, case_id, ["Multi"])[0]
    offer = discover("wms", server.base + "/wms")[0]
    layer_id = client.layers.add_service_layer(sofie, case_id, offer.service, name="Zones",
                                               feed_ids=[multi])
    an = client.user("an.peeters")
    client.editing.set_layer_visible(an, layer_id, True)
    window = open_window("an.peeters")
    qtbot.waitUntil(lambda: "127.0.0.1" in window.statusBar().currentMessage(), timeout=10000)
    assert "Zones" in window.statusBar().currentMessage()
    qtbot.wait(500)
    # Nothing reached the service: this computer has no remote access for the page at all
    # (no tile source, no allowed host).
    assert map_stats(qtbot, window)["layers"][str(layer_id)]["service"] == "wms"
    assert not any("getmap" in p.lower() for p in server.asked)
