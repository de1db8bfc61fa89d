"""The case map as a workspace: anchors drawn with real mouse clicks on the real page, named in
the dialog, stored, seen by Leaflet and by another window; reshaped, deleted after asking; none of
it for read-only users. Our own right-click menu; a reloaded page restores everything."""

from __future__ import annotations

import json
import re

import pytest
from pyproj import Geod
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from paragon_desktop.domain.anchors import AnchorCategory
from paragon_desktop.storage.models import Anchor, AuditEvent
from tests.qt.conftest import map_stats, run_js, shown

# Places in the demo's Scheldemonde, where the Nordchem case is.
A, B, C, D = (4.2740, 51.2470), (4.2770, 51.2470), (4.2770, 51.2490), (4.2740, 51.2490)


def container_point(qtbot, window, lon: float, lat: float) -> QPoint:
    x, y = json.loads(run_js(qtbot, window, (
        f"(function(){{var p = paragon.map.latLngToContainerPoint([{lat}, {lon}]);"
        f"return JSON.stringify([p.x, p.y]);}})()")))
    return QPoint(round(x), round(y))


def click(qtbot, window, lon: float, lat: float,
          button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
    """A real mouse click where Leaflet draws (lon, lat)."""
    point = container_point(qtbot, window, lon, lat)
    QTest.mouseClick(window.map.focusProxy(), button, Qt.KeyboardModifier.NoModifier, point)
    qtbot.wait(60)  # past Leaflet's double-click window


def frame(qtbot, window) -> None:
    """The map on the drawing area at a zoom where a pixel is under a metre."""
    run_js(qtbot, window, "paragon.map.setView([51.2480, 4.2755], 17, {animate: false}); true")


def stored(client, name: str) -> Anchor | None:
    with client.db.sessions() as session:
        return session.scalars(select(Anchor).where(Anchor.name == name)).first()


def name_and_save(qtbot, window, name: str, category: AnchorCategory | None = None) -> None:
    actions = window.anchor_actions
    qtbot.waitUntil(lambda: actions.dialog is not None and actions.dialog.isVisible(), timeout=5000)
    dialog = actions.dialog
    dialog.name.setText(name)
    if category is not None:
        dialog.category.setCurrentIndex(dialog.category.findData(category.value))
    dialog.save_button.click()


@pytest.mark.parametrize(("mode", "clicks", "kind"), [
    ("point", [A], "Point"),
    ("line", [A, B, C], "LineString"),
    ("area", [A, B, C, D], "Polygon"),
    ("circle", [A, B], "Polygon"),
])
def test_each_shape_is_drawn_with_the_mouse_named_and_kept(open_window, client, qtbot, mode,
                                                           clicks, kind):
    window = open_window("an.peeters")
    frame(qtbot, window)
    before = map_stats(qtbot, window)["anchors"]
    window.anchors.new_actions[mode].trigger()
    qtbot.waitUntil(lambda: (map_stats(qtbot, window)["picking"] or {}).get("mode") == mode)
    assert window.anchor_actions.bar.isVisible()
    for lon, lat in clicks:
        click(qtbot, window, lon, lat)
    if mode in ("line", "area"):
        window.anchor_actions.bar.done.click()
    name_and_save(qtbot, window, f"Getekend {mode}", AnchorCategory.PERIMETER)
    qtbot.waitUntil(lambda: stored(client, f"Getekend {mode}") is not None, timeout=10000)
    anchor = stored(client, f"Getekend {mode}")
    geometry = json.loads(anchor.geometry_geojson)
    assert geometry["type"] == kind
    assert anchor.category == "perimeter"
    geod = Geod(ellps="WGS84")
    if mode == "circle":
        # The radius is where the second click was: within two pixels (under a metre each at
        # zoom 17) and the 0.3 % between Leaflet's sphere and the ellipsoid.
        wanted = geod.inv(*A, *B)[2]
        for lon, lat in geometry["coordinates"][0]:
            assert geod.inv(*A, lon, lat)[2] == pytest.approx(wanted, abs=2.5)
    else:
        first = geometry["coordinates"] if kind == "Point" else (
            geometry["coordinates"][0] if kind == "LineString" else geometry["coordinates"][0][0])
        assert geod.inv(*A, *first)[2] < 1.5
    qtbot.waitUntil(lambda: f"Getekend {mode}" in window.anchors.names(), timeout=10000)
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["anchors"] == before + 1)
    assert map_stats(qtbot, window)["picking"] is None
    assert not window.anchor_actions.bar.isVisible()


def test_escape_drops_a_drawing_and_nothing_is_stored(open_window, client, qtbot):
    window = open_window("an.peeters")
    frame(qtbot, window)
    window.anchors.new_actions["area"].trigger()
    click(qtbot, window, *A)
    click(qtbot, window, *B)
    assert map_stats(qtbot, window)["picking"]["points"] == 2
    window.map.setFocus()
    QTest.keyClick(window.map.focusProxy(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["picking"] is None)
    assert window.anchor_actions.dialog is None
    assert not window.anchor_actions.bar.isVisible()


def test_a_refused_anchor_comes_back_with_everything_drawn_and_typed(open_window, client, qtbot):
    window = open_window("an.peeters")
    actions = window.anchor_actions
    # A point far outside Belgium (as from a wrong right-click on a zoomed-out map).
    actions.new("point", at=(13.40, 52.52))
    name_and_save(qtbot, window, "CP Berlijn", AnchorCategory.COMMAND_POST)
    qtbot.waitUntil(lambda: actions.dialog is not None and actions.dialog.error.isVisible(),
                    timeout=10000)
    assert "outside Belgium" in actions.dialog.error.text() or "buiten" in actions.dialog.error.text()
    assert actions.dialog.name.text() == "CP Berlijn"
    assert actions.dialog.category.currentData() == "command_post"
    assert stored(client, "CP Berlijn") is None
    actions.dialog.reject()


def test_an_anchor_is_reshaped_by_dragging_on_the_map(open_window, client, qtbot):
    window = open_window("an.peeters")
    panel = window.anchors
    index = panel.index_of("Nordchem Scheldemonde NV - bedrijfscontour")
    panel.view.setCurrentIndex(index)
    anchor = panel.current()
    assert panel.shape_button.isEnabled()
    panel.shape_button.click()
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["editing"] is not None)
    editing = map_stats(qtbot, window)["editing"]
    assert editing["id"] == anchor.id
    assert editing["handles"] == 6  # five corners and the move handle
    assert run_js(qtbot, window, "paragon.dragHandle(0, -1, 0.01, 0)")  # the move handle
    window.anchor_actions.bar.done.click()

    def moved() -> bool:
        row = stored(client, anchor.name)
        return json.loads(row.geometry_geojson) != anchor.geometry

    qtbot.waitUntil(moved, timeout=10000)
    ring = json.loads(stored(client, anchor.name).geometry_geojson)["coordinates"][0]
    assert ring[0][0] == pytest.approx(anchor.geometry["coordinates"][0][0][0] + 0.01, abs=1e-6)
    assert map_stats(qtbot, window)["editing"] is None
    with client.db.sessions() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last.action == "anchor.edited"


def test_delete_asks_first_and_the_anchor_leaves_dock_and_map(open_window, client, qtbot):
    window = open_window("an.peeters")
    panel, actions = window.anchors, window.anchor_actions
    before = map_stats(qtbot, window)["anchors"]
    panel.view.setCurrentIndex(panel.index_of("Gewondennest poort 2"))
    panel.delete_button.click()
    actions.confirm.button(QMessageBox.StandardButton.No).click()
    qtbot.wait(200)
    assert stored(client, "Gewondennest poort 2") is not None
    panel.delete_button.click()
    assert "Gewondennest poort 2" in actions.confirm.text()
    actions.confirm.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: stored(client, "Gewondennest poort 2") is None, timeout=10000)
    qtbot.waitUntil(lambda: "Gewondennest poort 2" not in panel.names(), timeout=10000)
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["anchors"] == before - 1)


def test_the_dock_groups_by_category_with_the_categorys_symbol(open_window, qtbot):
    window = open_window("an.peeters")
    groups = window.anchors.groups()
    # In the list's order, with counts, in the user's language (Dutch here).
    assert groups[0].startswith("Commandopost (CP-Ops)")
    assert any(g.startswith("Grens (3)") for g in groups)
    assert not window.anchors.proxy.index(0, 0).data(Qt.ItemDataRole.DecorationRole).isNull()


def test_read_only_users_get_no_anchor_actions_and_are_told_why(open_window, qtbot):
    window = open_window("wim.verhaegen")
    panel = window.anchors
    assert not panel.new_button.isEnabled()
    assert panel.reason.isVisible()
    assert "Alleen lezen" in panel.reason.text()
    panel.view.setCurrentIndex(panel.index_of("Gewondennest poort 2"))
    assert not panel.delete_button.isEnabled()
    menu = panel.context_menu(panel.current())
    assert [a.isEnabled() for a in menu.actions() if a.text() in ("Bewerken…", "Verwijderen…")] \
        == [False, False]
    window.anchor_actions.new("point")  # even if asked in another way
    assert map_stats(qtbot, window)["picking"] is None


def test_another_window_sees_a_new_anchor_at_its_next_refresh(open_window, client, qtbot):
    mine = open_window("an.peeters")
    theirs = open_window("tom.declercq")
    mine.anchor_actions.new("point", at=(4.2650, 51.2400))
    name_and_save(qtbot, mine, "Perspunt", AnchorCategory.ASSEMBLY_POINT)
    with qtbot.waitSignal(theirs.sig_refreshed, timeout=10000,
                          check_params_cb=lambda changes: bool(changes.anchors)):
        pass
    assert "Perspunt" in theirs.anchors.names()


def test_right_click_opens_our_menu_and_copies_coordinates(open_window, qtbot):
    window = open_window("an.peeters")
    frame(qtbot, window)
    assert window.map.contextMenuPolicy() == Qt.ContextMenuPolicy.NoContextMenu
    with qtbot.waitSignal(window.map.bridge.sig_context_menu, timeout=5000) as blocker:
        click(qtbot, window, *A, button=Qt.MouseButton.RightButton)
    lat, lon = blocker.args
    assert (lon, lat) == pytest.approx(A, abs=1e-4)
    menu = window.map_tools.menu
    assert menu is not None
    copy = menu.actions()[0].menu()
    texts = [a.text() for a in copy.actions()]
    assert [t.split(":")[0] for t in texts] == ["WGS84", "WGS84 (DMS)", "Lambert 72",
                                                "Lambert 2008", "UTM 31N", "MGRS"]
    menu.close()
    copy.actions()[2].trigger()
    x, y = (float(v) for v in QGuiApplication.clipboard().text().split(","))
    from pyproj import Transformer

    want = Transformer.from_crs("EPSG:4326", "EPSG:31370", always_xy=True).transform(lon, lat)
    assert (x, y) == pytest.approx(want, abs=0.1)


def test_a_reloaded_page_gets_everything_back(open_window, qtbot):
    window = open_window("an.peeters")
    before = map_stats(qtbot, window)
    window.map.page().triggerAction(QWebEnginePage.WebAction.Reload)
    def restored() -> bool:
        stats = map_stats(qtbot, window) if window.map.bridge.ready else None
        return bool(stats) and window.map.bridge.settled \
            and stats["featuresOnMap"] == before["featuresOnMap"]

    qtbot.waitUntil(restored, timeout=20000)
    after = map_stats(qtbot, window)
    assert after["anchors"] == before["anchors"]
    assert after["borders"] == before["borders"]
    assert after["location"] is not None
    assert {k: v["onMap"] for k, v in after["layers"].items()} == \
        {k: v["onMap"] for k, v in before["layers"].items()}


def test_the_case_location_is_on_its_map(open_window, qtbot):
    window = open_window("an.peeters")
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["location"] is not None)
    geometry = map_stats(qtbot, window)["location"]["features"][0]["geometry"]
    assert geometry == json.loads(window.case.location_geojson)


def test_a_first_start_opens_large_with_the_map_the_widest_part(client, qtbot, tmp_path,
                                                                  monkeypatch):
    """It opened at about 900x600 with a map 140 px wide until the layout was reset."""
    from paragon_desktop.settings import Settings
    from paragon_desktop.ui.main_window import MainWindow

    monkeypatch.setenv("PARAGON_CONFIG_DIR", str(tmp_path))  # nothing saved: a first start
    user = client.user("an.peeters")
    case = client.cases.find_case(user, "Nordchem")
    window = MainWindow(client, user, case, Settings(), restore_layout=True)
    window.show()
    screen = window.screen().availableGeometry()
    assert window.isMaximized() or (window.width() >= min(1280, screen.width())
                                    and window.height() >= min(800, screen.height()))
    qtbot.waitUntil(lambda: window.snapshot is not None, timeout=10000)
    window.close()
    qtbot.wait(10)


def test_at_1366_by_768_the_map_is_the_widest_part(open_window, qtbot):
    """The feeds dock could not be narrower than about 600 px (one row of nine buttons, lists
    as wide as the longest organisation): the map got 400 px of a laptop screen."""
    window = open_window("an.peeters")
    window.reset_layout()
    window.resize(1366, 768)
    qtbot.wait(100)
    assert window.map.width() > max(d.width() for d in window.docks.values() if d.isVisible())


def test_long_anchor_names_elide_in_the_middle_and_show_whole_on_hover(open_window):
    window = open_window("an.peeters")
    view = window.anchors.view
    assert view.textElideMode() == Qt.TextElideMode.ElideMiddle
    index = window.anchors.index_of("Nordchem Scheldemonde NV - bedrijfscontour")
    assert shown(index.data(Qt.ItemDataRole.ToolTipRole)).startswith(
        "Nordchem Scheldemonde NV - bedrijfscontour\n")
    tree = window.layers.panel.tree
    assert tree.textElideMode() == Qt.TextElideMode.ElideMiddle
    groups = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    assert all(shown(g.toolTip(0)) == g.text(0) for g in groups)


def test_measuring_a_line_gives_its_geodesic_length(open_window, qtbot):
    from paragon_desktop.ui.controllers.map_tools import distance_text

    window = open_window("an.peeters")
    frame(qtbot, window)
    tools = window.map_tools
    tools.measure_line.trigger()
    qtbot.waitUntil(lambda: (map_stats(qtbot, window)["picking"] or {}).get("mode") == "measure-line")
    for lon, lat in (A, B, C):
        click(qtbot, window, lon, lat)
    qtbot.waitUntil(lambda: tools.result.startswith("Afstand"))
    tools.bar.done.click()
    qtbot.waitUntil(lambda: tools.measuring is None)
    # The line stays on the map until closed; the length is pyproj's along what was clicked.
    assert map_stats(qtbot, window)["measured"]
    clicked = json.loads(run_js(qtbot, window, "JSON.stringify(paragon.measured.getLatLngs()"
                                               ".map(function (p) { return [p.lng, p.lat]; }))"))
    geod = Geod(ellps="WGS84")
    length = geod.line_length([p[0] for p in clicked], [p[1] for p in clicked])
    assert tools.result == f"Afstand: {distance_text(length)}"
    intended = geod.line_length([A[0], B[0], C[0]], [A[1], B[1], C[1]])
    assert length == pytest.approx(intended, abs=3)  # within a pixel per click at zoom 17
    tools.bar.cancel.click()
    qtbot.waitUntil(lambda: not map_stats(qtbot, window)["measured"])


def test_measuring_an_area(open_window, qtbot):
    window = open_window("an.peeters")
    frame(qtbot, window)
    tools = window.map_tools
    tools.measure_area.trigger()
    qtbot.waitUntil(lambda: (map_stats(qtbot, window)["picking"] or {}).get("mode") == "measure-area")
    for lon, lat in (A, B, C, D):
        click(qtbot, window, lon, lat)
    tools.bar.done.click()
    qtbot.waitUntil(lambda: tools.measuring is None)
    area, _perimeter = Geod(ellps="WGS84").polygon_area_perimeter(
        [A[0], B[0], C[0], D[0]], [A[1], B[1], C[1], D[1]])
    shown = tools.result.split("Oppervlakte: ")[1].split(" ha")[0]
    assert float(shown.replace(",", ".")) == pytest.approx(abs(area) / 10_000, rel=0.02)


def test_the_coordinate_box_flies_to_a_lambert_72_position(open_window, qtbot):
    from pyproj import Transformer

    window = open_window("an.peeters")
    tools = window.map_tools
    tools.search.setText("150000, 170000")
    tools.search.returnPressed.emit()
    lon, lat = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True).transform(150000, 170000)
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["marker"] is not None)
    marker = map_stats(qtbot, window)["marker"]
    assert Geod(ellps="WGS84").inv(lon, lat, marker["lng"], marker["lat"])[2] < 1.0
    center = map_stats(qtbot, window)["center"]
    assert (center["lng"], center["lat"]) == pytest.approx((lon, lat), abs=1e-5)
    tools.search.setText("Kaaiweg 14")
    tools.search.returnPressed.emit()
    assert "geen positie" in window.ctx.last_message_box.text()  # Dutch, as the app is here


def test_the_legend_lists_what_is_ticked_and_the_anchor_categories(open_window, qtbot):
    window = open_window("an.peeters")
    stats = map_stats(qtbot, window)
    assert stats["legendOpen"] is False  # folded: it would cover the map
    window.map_tools.legend.setChecked(True)
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["legendOpen"])
    rows = map_stats(qtbot, window)["legend"]
    layers = window.snapshot.changes.layers
    assert {layer.name for layer in layers} <= set(rows)
    assert "Commandopost (CP-Ops)" in rows
    assert rows.index("Commandopost (CP-Ops)") < rows.index("Grens")  # the list's order
    # A KML with its own colours per zone shows them, not the layer's default blue.
    zones = map_stats(qtbot, window)["legend"].index("Perimeters Nordchem")  # layer rows first
    assert len(map_stats(qtbot, window)["legendSwatches"][zones]) >= 2
    assert "rgb(59, 91, 219)" not in map_stats(qtbot, window)["legendSwatches"][zones]
    first = layers[0]
    window.layers.set_visible(first.id, False)
    qtbot.waitUntil(lambda: first.name not in map_stats(qtbot, window)["legend"])
    assert run_js(qtbot, window, "document.querySelector('.paragon-north').title") == "Noorden"


def test_a_key_anchor_of_an_organisation_is_copied_into_the_case(open_window, client, qtbot):
    window = open_window("an.peeters")
    panel, actions = window.anchors, window.anchor_actions
    panel.copy_key_action.trigger()
    dialog = actions.key_dialog
    qtbot.waitUntil(lambda: dialog.list.count() > 0, timeout=10000)
    dialog.search.setText("sluis")
    shown = [dialog.list.item(r) for r in range(dialog.list.count())
             if not dialog.list.item(r).isHidden()]
    assert [item.text() for item in shown] == ["Sluis Kalloo — Gemeente Kalloo"]
    dialog.list.setCurrentItem(shown[0])
    dialog.copy_button.click()
    qtbot.waitUntil(lambda: "Sluis Kalloo" in panel.names(), timeout=10000)
    assert not dialog.isVisible()
    copy = stored(client, "Sluis Kalloo")
    with client.db.sessions() as session:
        copies = session.scalars(select(Anchor).where(Anchor.name == "Sluis Kalloo")).all()
    assert {a.case_id for a in copies} == {None, window.case.id}
    assert copy.category == "infrastructure"


def layer_named(window, name: str):
    return next(layer for layer in window.snapshot.changes.layers if layer.name == name)


def test_layer_order_is_the_users_and_kept_for_the_next_time(open_window, qtbot):
    window = open_window("an.peeters")
    route = layer_named(window, "Meetroute D4 meetploeg 2")
    zone = layer_named(window, "Perimeters Nordchem")

    def z(layer) -> int:
        return map_stats(qtbot, window)["layers"][str(layer.id)]["zIndex"]

    qtbot.waitUntil(lambda: z(route) is not None and z(zone) is not None)
    window.layers.restack(zone.id, 1)  # the zones on top
    qtbot.waitUntil(lambda: z(zone) > z(route))
    window.layers.restack(zone.id, -1)  # and under everything
    qtbot.waitUntil(lambda: z(zone) < z(route))
    window.close()
    again = open_window("an.peeters")
    qtbot.waitUntil(lambda: (map_stats(qtbot, again)["layers"][str(zone.id)]["zIndex"] or 0)
                    < (map_stats(qtbot, again)["layers"][str(route.id)]["zIndex"] or 0))
    assert again.layers.order()[0] == zone.id


def test_features_are_labelled_with_a_chosen_property(open_window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    window = open_window("an.peeters")
    gas = layer_named(window, "Gasmetingen NH3")
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["layers"][str(gas.id)]["features"]
                    == gas.feature_count)
    stats = map_stats(qtbot, window)["layers"][str(gas.id)]
    assert stats["labels"] == 0
    assert "meetpunt" in stats["fields"]
    offered: list[list[str]] = []

    def choose(_parent, _title, _label, items, _current, _editable):
        offered.append(list(items))
        return "meetpunt", True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(choose))
    window.layers.ask_labels(gas.id)
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["layers"][str(gas.id)]["labels"]
                    == gas.feature_count)
    assert offered[0][0] == "(geen labels)"
    assert "meetpunt" in offered[0]
    # Kept: a new window labels the layer the same way.
    window.close()
    again = open_window("an.peeters")
    qtbot.waitUntil(lambda: map_stats(qtbot, again)["layers"][str(gas.id)]["labels"]
                    == gas.feature_count)
    again.layers.set_labels(gas.id, None)
    qtbot.waitUntil(lambda: map_stats(qtbot, again)["layers"][str(gas.id)]["labels"] == 0)


def test_anchors_come_from_a_file_picked_named_and_categorised(open_window, client, qtbot,
                                                                 tmp_path):
    places = tmp_path / "posten.geojson"
    places.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "P1", "label": "PMA Kaai"},
         "geometry": {"type": "Point", "coordinates": [4.28, 51.25]}},
        {"type": "Feature", "properties": {"code": "P2", "label": "PMA Markt"},
         "geometry": {"type": "Point", "coordinates": [4.27, 51.24]}},
        {"type": "Feature", "properties": {"code": "P3", "label": "Niet deze"},
         "geometry": {"type": "Point", "coordinates": [4.26, 51.24]}}]}))
    window = open_window("an.peeters")
    actions = window.anchor_actions
    actions.import_file(places)
    dialog = actions.import_dialog
    qtbot.waitUntil(lambda: dialog.list.count() == 3, timeout=20000)
    dialog.name_field.setCurrentIndex(dialog.name_field.findData("label"))
    assert dialog.list.item(0).text().startswith("PMA Kaai")
    dialog.list.item(2).setCheckState(Qt.CheckState.Unchecked)
    dialog.category.setCurrentIndex(dialog.category.findData("medical_post"))
    dialog.import_button.click()
    qtbot.waitUntil(lambda: {"PMA Kaai", "PMA Markt"} <= set(window.anchors.names()),
                    timeout=10000)
    assert "Niet deze" not in window.anchors.names()
    assert stored(client, "PMA Kaai").category == "medical_post"


def test_the_case_anchors_are_exported_with_the_case_location(open_window, qtbot, tmp_path):
    import pyogrio

    window = open_window("an.peeters")
    out = tmp_path / "ankers.kml"
    window.anchor_actions.export_to(out)
    qtbot.waitUntil(out.exists, timeout=10000)
    qtbot.waitUntil(lambda: "objecten geschreven" in window.statusBar().currentMessage(),
                    timeout=10000)
    layers = [name for name, _kind in pyogrio.list_layers(out)]
    assert layers[0] == "Caselocatie"  # the app speaks Dutch here
    assert "Commandopost (CP-Ops)" in layers


def test_a_planner_draws_a_key_anchor_for_the_organisation_and_removes_it(open_window, client,
                                                                            qtbot):
    window = open_window("an.peeters")  # plan manager of Gemeente Scheldemonde
    actions = window.anchor_actions
    actions.new("point", at=(4.2610, 51.2330))
    qtbot.waitUntil(lambda: actions.dialog is not None and actions.dialog.isVisible(), timeout=5000)
    dialog = actions.dialog
    owners = [dialog.owner.itemText(i) for i in range(dialog.owner.count())]
    assert owners == ["Deze case", "Sleutelanker van Gemeente Scheldemonde"]
    dialog.owner.setCurrentIndex(1)
    name_and_save(qtbot, window, "Verzamelplaats Markt", AnchorCategory.ASSEMBLY_POINT)
    qtbot.waitUntil(lambda: stored(client, "Verzamelplaats Markt") is not None, timeout=10000)
    key = stored(client, "Verzamelplaats Markt")
    assert key.case_id is None
    assert "Verzamelplaats Markt" not in window.anchors.names()  # not the case's
    # Outside the municipality it is refused, with how far, and the dialog keeps the drawing.
    actions.new("point", at=(4.3800, 51.2500))
    qtbot.waitUntil(lambda: actions.dialog is not None and actions.dialog is not dialog
                    and actions.dialog.isVisible(), timeout=5000)
    actions.dialog.owner.setCurrentIndex(1)
    name_and_save(qtbot, window, "Te ver")
    qtbot.waitUntil(lambda: actions.dialog.error.isVisible(), timeout=10000)
    assert "buiten het grondgebied van Gemeente Scheldemonde" in actions.dialog.error.text()
    actions.dialog.reject()
    # Removed from the key anchors dialog (only a keeper gets the button).
    window.anchors.copy_key_action.trigger()
    keys = actions.key_dialog
    qtbot.waitUntil(lambda: keys.list.count() > 0, timeout=10000)
    row = next(r for r in range(keys.list.count())
               if keys.list.item(r).text().startswith("Verzamelplaats Markt"))
    keys.list.setCurrentRow(row)
    assert keys.remove_button.isEnabled()
    keys.remove_button.click()
    actions.confirm.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: stored(client, "Verzamelplaats Markt") is None, timeout=10000)
    other = next(r for r in range(keys.list.count())
                 if keys.list.item(r).text().endswith("Gemeente Kalloo"))
    keys.list.setCurrentRow(other)
    assert not keys.remove_button.isEnabled()  # not her organisation


def test_the_map_prints_to_pdf_with_its_legend_scale_and_credits(open_window, qtbot, tmp_path):
    from PySide6.QtGui import QColor, QImage
    from PySide6.QtPdf import QPdfDocument

    window = open_window("an.peeters")
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["featuresOnMap"] == 20)
    pdf = tmp_path / "kaart.pdf"
    window.map_tools.print_to(pdf, "A4", True, attach=True)
    qtbot.waitUntil(lambda: window.map_tools.last_print == pdf, timeout=10000)
    document = QPdfDocument()
    document.load(str(pdf))
    assert document.pageCount() == 1
    text = document.getAllText(0).text()
    for wanted in (window.case.name, "OEFENING - geen echte noodsituatie", "Schaal 1:",
                   "Legende", "Perimeters Nordchem", "Commandopost (CP-Ops)", "Lambert 72",
                   "An Peeters", "Bronnen:"):
        assert wanted in text, wanted
    # In one step with the next message, as its SITREP document.
    composer = window.feeds.panel.composer
    assert composer.attachment_path == str(pdf)
    from paragon_desktop.domain.enums import MessageTag

    assert composer.tags[MessageTag.SITREP].isChecked()
    png = tmp_path / "kaart.png"
    window.map_tools.print_to(png, "A3", False)
    qtbot.waitUntil(lambda: window.map_tools.last_print == png, timeout=10000)
    image = QImage(str(png))
    assert (image.width(), image.height()) == pytest.approx((1754, 2480), abs=1)  # A3, 150 dpi
    assert image.pixelColor(10, 10) == QColor("#f08c00")  # the exercise banner


def test_the_map_prints_at_a_chosen_scale_and_the_view_comes_back(open_window, qtbot, tmp_path):
    from PySide6.QtPdf import QPdfDocument

    window = open_window("an.peeters")
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["featuresOnMap"] == 20)
    before = map_stats(qtbot, window)
    pdf = tmp_path / "kaart-25000.pdf"
    window.map_tools.print_to(pdf, "A4", True, scale=25_000)
    qtbot.waitUntil(lambda: window.map_tools.last_print == pdf, timeout=15000)
    document = QPdfDocument()
    document.load(str(pdf))
    assert "Schaal 1:25.000" in document.getAllText(0).text()
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["zoom"] == before["zoom"], timeout=5000)
    assert map_stats(qtbot, window)["center"] == pytest.approx(before["center"])


def test_the_map_prints_a_chosen_extent_with_a_lambert_grid(open_window, qtbot, tmp_path):
    """The case and its surroundings, wherever the view is; grid values in Lambert 72 metres."""
    from PySide6.QtPdf import QPdfDocument

    from paragon_desktop.gis.crs import to_lambert72
    from paragon_desktop.ui.map_print import PrintInfo, grid_lines

    window = open_window("an.peeters")
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["featuresOnMap"] == 20)
    run_js(qtbot, window, "paragon.map.setView([50.5, 5.5], 9, {animate: false}); true")
    before = map_stats(qtbot, window)
    extents = window.map_tools.print_extents(json.loads(run_js(qtbot, window,
                                                               "paragon.printInfo()")))
    assert set(extents) == {"Huidig kaartbeeld", "De case en omgeving", "Alle ankers",
                            "Een rechthoek tekenen…"}
    extent = extents["De case en omgeving"]
    pdf = tmp_path / "case.pdf"
    window.map_tools.print_to(pdf, "A4", True, extent=extent, grid="lambert72")
    qtbot.waitUntil(lambda: window.map_tools.last_print == pdf, timeout=15000)
    text = QPdfDocument()
    text.load(str(pdf))
    page = text.getAllText(0).text()
    # The grid's values are Lambert 72 metres of the case's area (e.g. 140.000).
    x_min = to_lambert72(extent[0], extent[1])[0]
    x_max = to_lambert72(extent[2], extent[1])[0]
    found = [int(v.replace(".", "")) for v in re.findall(r"\b\d{2,3}\.\d{3}\b", page)]
    assert any(x_min - 5000 <= v <= x_max + 5000 for v in found), page
    # The view comes back.
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["zoom"] == before["zoom"], timeout=5000)
    assert map_stats(qtbot, window)["center"] == pytest.approx(before["center"])
    # The lines themselves: about five each way, every value a round number.
    info = PrintInfo("", "", bounds=extent, grid="lambert72")
    lines = grid_lines(info)
    assert 6 <= len(lines) <= 20
    xs = sorted(value for axis, value, _points in lines if axis == "x")
    step = xs[1] - xs[0]
    assert step in (100, 200, 500, 1000, 2000, 5000)
    assert all(value % step == 0 for _axis, value, _points in lines)
    wgs = grid_lines(PrintInfo("", "", bounds=extent, grid="wgs84"))
    assert all(extent[0] <= v <= extent[2] for axis, v, _p in wgs if axis == "x")


def test_a_rectangle_drawn_on_the_map_is_an_area_to_print_or_take_offline(open_window, qtbot):
    window = open_window("an.peeters")
    frame(qtbot, window)
    tools = window.map_tools
    got = []
    tools.pick_rectangle(got.append)
    assert tools.bar.isVisible()
    click(qtbot, window, 4.2740, 51.2490)
    click(qtbot, window, 4.2770, 51.2470)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    west, south, east, north = got[0]
    assert (west, east) == pytest.approx((4.2740, 4.2770), abs=1e-4)  # a few pixels
    assert (south, north) == pytest.approx((51.2470, 51.2490), abs=1e-4)
    assert not tools.bar.isVisible()
    # Cancelled: told so (None), nothing drawn stays.
    tools.pick_rectangle(got.append)
    click(qtbot, window, 4.2740, 51.2490)
    tools.bar.cancel.click()
    assert got[-1] is None
    assert run_js(qtbot, window, "paragon.pick === null")
    # From the area dialog: it steps aside, and comes back with the rectangle chosen.
    from paragon_desktop.ui.dialogs.area_download import AreaDownloadDialog

    dialog = AreaDownloadDialog("https://tiles.example.org/{z}/{x}/{y}.png", "",
                                {"Huidig kaartbeeld": (4.0, 51.0, 4.5, 51.5)}, 12,
                                window.map.basemaps, lambda _b: None, window,
                                draw=tools._draw_area)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.draw_button.click()
    assert not dialog.isVisible()
    click(qtbot, window, 4.2740, 51.2490)
    click(qtbot, window, 4.2770, 51.2470)
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert dialog.area.currentText() == "Getekende rechthoek"
    assert dialog.area.currentData()[0] == pytest.approx(4.2740, abs=1e-4)
    assert dialog.count < 100  # a few hundred metres, not the view's tiles
