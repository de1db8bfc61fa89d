"""The main window on the demo exercise: every dock shows the demo's data, and the real
Leaflet page holds what the database says."""

import pytest
from PySide6.QtCore import Qt

from paragon_desktop.services import demo_data
from tests.qt.conftest import map_stats, run_js


def test_docks_show_the_demo_case(open_window, client, qtbot):
    window = open_window("an.peeters")
    an = client.user("an.peeters")
    snapshot = client.cases.open_case(an, client.seveso_case_id())
    feeds = window.feeds.panel
    assert [feeds.tabs.tabText(i) for i in range(feeds.tabs.count())] == [
        "Multi", "CP-Ops", "GCC"]
    for feed in snapshot.changes.feeds:
        model = feeds.tab(feed.id).model
        qtbot.waitUntil(lambda m=model: m.complete, timeout=10000)
        expected = [m.text for m in client.feeds.page(an, feed.id)]  # newest first
        assert expected
        assert [m.text for m in model.messages()] == expected
        assert feed.name in feeds.tabs.tabText(feeds.tabs.indexOf(feeds.tab(feed.id)))
    multi = feeds.tab(snapshot.changes.feeds[0].id)
    assert "Pieter Wouters" in multi.members.text()
    anchor_names = window.anchors.names()
    assert len(anchor_names) == len(demo_data.ANCHORS) + 3
    assert "CP-Ops Sporthal De Polder" in anchor_names
    assert "Marc Claes" in window.contacts.names("case")
    assert "Koen Baert" in window.contacts.names("global")
    assert "Tom De Clercq [Dir-CP-Ops]" in window.contacts.names("participant")  # a coordinator
    layer_items = {layer.name: window.layers.panel.item_for(layer.id) for layer in snapshot.changes.layers}
    assert all(item is not None and item.checkState(0) == Qt.CheckState.Checked
               for item in layer_items.values())
    assert "[OEFENING]" in window.windowTitle()
    assert window.banner.isVisible()
    assert "OEFENING" in window.banner.text()
    assert "Noodplanningsambtenaar" in window.windowTitle()


def test_leaflet_holds_every_feature_anchor_and_border(open_window, client, qtbot):
    window = open_window("an.peeters")
    layers = client.cases.open_case(client.user("an.peeters"), client.seveso_case_id()).changes.layers
    stats = map_stats(qtbot, window)
    for layer in layers:
        held = stats["layers"][str(layer.id)]
        assert {k: held[k] for k in ("features", "onMap", "name", "opacity", "canvasPoints")} == {
            "features": layer.feature_count, "onMap": True, "name": layer.name, "opacity": 1,
            "canvasPoints": False}
    assert stats["featuresOnMap"] == sum(layer.feature_count for layer in layers) == 20
    assert stats["anchors"] == len(demo_data.ANCHORS) + 3
    assert stats["borders"] == len(demo_data.MUNICIPALITIES) + 1
    assert stats["background"] is False  # offline: no tile layer at all
    # The first view frames the case, not all of Belgium.
    assert stats["zoom"] >= 12
    assert 51.2 < stats["center"]["lat"] < 51.3


def test_unticking_a_layer_removes_it_from_the_map_and_is_remembered(open_window, client, qtbot):
    window = open_window("an.peeters")
    layer = next(lyr for lyr in window.snapshot.changes.layers if lyr.name == "Gasmetingen NH3")
    item = window.layers.panel.item_for(layer.id)
    item.setCheckState(0, Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["layers"][str(layer.id)]["onMap"] is False)
    qtbot.waitUntil(lambda: not window.workers.busy)
    window.close()
    # A restart: a new window on the same database shows the layer unticked and off the map.
    again = open_window("an.peeters")
    assert again.layers.panel.item_for(layer.id).checkState(0) == Qt.CheckState.Unchecked
    assert map_stats(qtbot, again)["layers"][str(layer.id)]["onMap"] is False
    # Another user's choice is untouched.
    tom = client.cases.open_case(client.user("tom.declercq"), client.seveso_case_id())
    assert next(lyr for lyr in tom.changes.layers if lyr.id == layer.id).visible


def test_cursor_position_is_shown_in_wgs84_and_lambert72(open_window, qtbot):
    window = open_window("an.peeters")
    run_js(qtbot, window,
           "paragon.map.fire('mousemove', {latlng: L.latLng(51.25, 4.28)}); true")
    qtbot.waitUntil(lambda: "Lambert 72" in window.position_label.text())
    text = window.position_label.text()
    assert text.startswith("WGS84 51.25000° N, 4.28000° E")
    assert "X 143" in text  # about 143.7 km east in Lambert 72


def test_anchor_click_flies_the_map_to_it(open_window, qtbot):
    window = open_window("an.peeters")
    view = window.anchors.view
    index = window.anchors.index_of("BS De Schelde (Polderhoek)")
    assert index.isValid()
    view.clicked.emit(index)

    def centred() -> bool:
        c = map_stats(qtbot, window)["center"]
        return abs(c["lat"] - 51.2655) < 0.002 and abs(c["lng"] - 4.2930) < 0.002

    qtbot.waitUntil(centred, timeout=5000)
    assert run_js(qtbot, window, "document.querySelector('.paragon-popup h4').textContent") \
        == "BS De Schelde (Polderhoek)"


def test_docks_can_be_closed_and_restored_and_the_layout_is_remembered(open_window, qtbot):
    window = open_window("an.peeters", restore_layout=True)
    view_menu = next(a.menu() for a in window.menuBar().actions() if "Beel" in a.text())
    toggles = {a.text(): a for a in view_menu.actions() if a.isCheckable()}
    assert {"Feeds", "Lagen", "Ankers", "Contacten"} <= set(toggles)
    toggles["Contacten"].trigger()
    assert not window.docks["contacts"].isVisible()
    window.close()
    again = open_window("an.peeters", restore_layout=True)
    assert not again.docks["contacts"].isVisible()
    assert again.docks["feeds"].isVisible()
    again.reset_layout()
    assert not again.docks["contacts"].isHidden()


@pytest.mark.parametrize("username", ["wim.verhaegen"])
def test_read_only_user_gets_no_composer(open_window, username):
    window = open_window(username)
    composer = window.feeds.panel.composer
    assert not composer.editor.isEnabled()
    assert "Alleen lezen" in composer.reason.text()


def test_a_refresh_under_way_does_not_undo_a_fresh_tick(open_window, client, qtbot):
    window = open_window("an.peeters")
    layer = next(lyr for lyr in window.snapshot.changes.layers if lyr.name == "Perimeters Nordchem")
    # A refresh read the layers (still ticked) just before the user unticks ...
    stale = client.cases.changes_since(window.user, window.case.id, 0)
    window.layers.panel.item_for(layer.id).setCheckState(0, Qt.CheckState.Unchecked)
    # ... and its result arrives before the tick is saved.
    window.layers.pending_ticks[layer.id] = False
    window._apply(stale)
    assert window.layers.panel.item_for(layer.id).checkState(0) == Qt.CheckState.Unchecked
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["layers"][str(layer.id)]["onMap"] is False)


def test_anchors_and_contacts_can_be_searched(open_window):
    window = open_window("an.peeters")
    window.anchors.search.setText("sporthal")
    assert window.anchors.names() == ["CP-Ops Sporthal De Polder", "Opvangcentrum Sporthal De Polder"]
    window.contacts.search.setText("baert")
    assert window.contacts.visible_names() == ["Koen Baert"]
    window.contacts.search.setText("+32 3 760 45")  # by phone number
    assert set(window.contacts.visible_names()) == {
        "Marc Claes", "Nordchem Scheldemonde NV - veiligheidsdienst"}
    window.contacts.search.clear()
    assert len(window.contacts.visible_names()) == 11 + 3 + 5


def test_the_map_comes_back_after_its_render_process_dies(open_window, qtbot):
    window = open_window("an.peeters")
    before = map_stats(qtbot, window)
    with qtbot.waitSignal(window.map.sig_page_reset, timeout=15000):
        window.map.page().load("chrome://crash")  # Chromium's debug URL: kills the renderer
    qtbot.waitUntil(lambda: window.map.bridge.settled and window.snapshot is not None,
                    timeout=30000)
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["featuresOnMap"] == before["featuresOnMap"],
                    timeout=15000)
    after = map_stats(qtbot, window)
    assert after["anchors"] == before["anchors"]
    assert after["borders"] == before["borders"]


def test_ctrl_f_goes_into_the_feed_search(open_window, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window = open_window("an.peeters")
    window.activateWindow()
    window.feeds.panel.composer.editor.setFocus()
    window.feeds.panel.filters.search.setText("ammoniak")
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.feeds.panel.filters.search.hasFocus(), timeout=3000)
    assert window.feeds.panel.filters.search.selectedText() == "ammoniak"  # typing replaces it
