"""Refresh: what another client wrote appears, the page is not reloaded, and nothing the
user was doing is disturbed."""

from PySide6.QtCore import Qt

from paragon_desktop.domain.enums import MessageTag
from paragon_desktop.storage.db import Database
from tests.conftest import Client
from tests.qt.conftest import map_stats, run_js


def test_message_and_anchor_written_behind_the_apps_back_appear_on_refresh(
        open_window, demo_url, qtbot):
    window = open_window("an.peeters")
    run_js(qtbot, window, "window.__pageMarker = 'still here';"
                          "paragon.map.setView([51.26, 4.29], 15, {animate: false}); true")
    before = map_stats(qtbot, window)
    feeds = window.feeds.panel
    multi_id = window.snapshot.changes.feeds[0].id
    feeds.tabs.setCurrentIndex(1)  # the user reads CP-Ops ...
    feeds.composer.editor.setPlainText("Halve zin die nog niet verst")  # ... while typing
    feeds.composer.editor.moveCursor(feeds.composer.editor.textCursor().MoveOperation.End)
    selected_anchor = window.anchors.proxy.index(2, 0)
    window.anchors.view.setCurrentIndex(selected_anchor)
    layer_count = len(window.snapshot.changes.layers)

    other = Client(Database.open(demo_url))
    tom = other.user("tom.declercq")
    other.feeds.post(tom, multi_id, "Nieuwe beslissing: vrijgave 12:00.",
                               [MessageTag.DECISION])
    anchor_id = other.editing.add_anchor(
        tom, window.case.id, "Verzamelplaats pers", {"type": "Point", "coordinates": [4.25, 51.23]},
        category="pers", description="<b>pers</b>")
    other.db.dispose()

    with qtbot.waitSignal(window.sig_refreshed, timeout=10000,
                          check_params_cb=lambda changes: not changes.is_empty) as blocker:
        window.refresh_action.trigger()  # F5
    changes = blocker.args[0]
    assert [m.text for m in changes.messages] == ["Nieuwe beslissing: vrijgave 12:00."]
    assert [a.id for a in changes.anchors] == [anchor_id]
    assert changes.layers is None  # nothing about layers changed: nothing resent

    multi = feeds.tab(multi_id)
    assert multi.model.messages()[0].text == "Nieuwe beslissing: vrijgave 12:00."
    assert feeds.tabs.tabText(0) == "Multi (1)"  # unread in a tab the user is not reading
    assert "Verzamelplaats pers" in window.anchors.names()
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["anchors"] == before["anchors"] + 1)
    after = map_stats(qtbot, window)
    # Same page (no reload), same viewport, same layers, same half-typed message, same tab.
    assert run_js(qtbot, window, "window.__pageMarker") == "still here"
    assert after["zoom"] == before["zoom"] == 15
    assert after["center"] == before["center"]
    assert after["featuresOnMap"] == before["featuresOnMap"]
    assert len(window.layers.panel._layers) == layer_count
    assert feeds.composer.editor.toPlainText() == "Halve zin die nog niet verst"
    assert feeds.tabs.currentIndex() == 1
    assert window.anchors.view.currentIndex().isValid()
    assert "Bijgewerkt om" in window.ctx.note_label.text()


def test_no_change_refresh_sends_nothing_to_the_page(open_window, qtbot):
    window = open_window("an.peeters")
    sent_before = window.map.bridge.last_sent
    with qtbot.waitSignal(window.sig_refreshed, timeout=10000) as blocker:
        window.refresh()
    assert blocker.args[0].is_empty
    assert window.map.bridge.last_sent == sent_before


def test_refresh_runs_on_a_timer(open_window, qtbot):
    window = open_window("an.peeters")
    assert window.timer.isActive()
    assert window.timer.interval() == 50_000
    window.timer.setInterval(100)
    with qtbot.waitSignal(window.sig_refreshed, timeout=5000):
        pass


def test_text_from_users_is_shown_as_text_in_map_popups(open_window, demo_url, qtbot):
    window = open_window("an.peeters")
    other = Client(Database.open(demo_url))
    tom = other.user("tom.declercq")
    hostile = '<img src=x onerror="window.__pwned=1">Brandkraan'
    anchor_id = other.editing.add_anchor(tom, window.case.id, hostile,
                                         {"type": "Point", "coordinates": [4.27, 51.25]},
                                         description="<script>window.__pwned=2</script>")
    other.db.dispose()
    with qtbot.waitSignal(window.sig_refreshed, timeout=10000,
                          check_params_cb=lambda changes: bool(changes.anchors)):
        window.refresh()
    qtbot.waitUntil(lambda: run_js(qtbot, window, f"!!paragon.anchors[{anchor_id}]"))
    run_js(qtbot, window, f"paragon.anchors[{anchor_id}].openPopup(); true")
    popup = run_js(qtbot, window, "document.querySelector('.paragon-popup').outerHTML")
    assert "&lt;img" in popup
    assert "<img" not in popup
    assert "&lt;script&gt;" in popup
    # The permanent label next to the point is text too.
    label = run_js(qtbot, window,
                   f"paragon.anchors[{anchor_id}].getTooltip().getElement().innerHTML")
    assert "&lt;img" in label
    qtbot.wait(200)
    assert run_js(qtbot, window, "String(window.__pwned)") == "undefined"


def test_composer_sends_with_ctrl_enter_and_keeps_text_on_failure(open_window, qtbot):
    window = open_window("an.peeters")
    composer = window.feeds.panel.composer
    composer.tags[MessageTag.QUESTION].setChecked(True)
    composer.editor.setPlainText("Is de N451 weer open?")
    with qtbot.waitSignal(window.sig_refreshed, timeout=10000,
                          check_params_cb=lambda changes: bool(changes.messages)):
        qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    last = window.feeds.panel.tab(window.feeds.panel.current_feed_id()).model.messages()[0]
    assert (last.text, last.tags, last.author) == ("Is de N451 weer open?", ("question",), "An Peeters")
    assert composer.editor.toPlainText() == ""
    assert not composer.tags[MessageTag.QUESTION].isChecked()
