"""The outbox: messages sent while the server is away wait on this machine, survive a crash, go
out by themselves once, in order, and a refusal keeps the text with the reason."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import func, select

from paragon_desktop.services.once import new_op_id
from paragon_desktop.storage.models import Message
from paragon_desktop.ui.docks.composer import Draft
from paragon_desktop.ui.outbox import OutboxItem, OutboxStore

pytestmark = pytest.mark.server  # outages, resends, live updates: the server's part


def feed_id(window, name: str) -> int:
    return next(f.id for f in window.feeds.panel.feeds() if f.name == name)


def stored(client, text: str) -> int:
    with client.db.sessions() as session:
        return session.scalar(select(func.count()).select_from(Message).where(Message.text == text))


def send(window, text: str) -> None:
    editor = window.feeds.panel.composer.editor
    editor.setFocus()
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_queued_messages_survive_a_crash_and_go_out_once_on_the_next_start(
        client, qtbot, open_window):
    window = open_window("sofie.janssens")
    window.feeds.panel.show_feed(feed_id(window, "Multi"))
    window.connection.show_offline("test")  # the server is away
    send(window, "Wachtrij een")
    send(window, "Wachtrij twee")
    assert [i.draft.text for i in window.outbox.store.waiting()] == ["Wachtrij een", "Wachtrij twee"]
    assert window.feeds.panel.outbox.isVisible()
    assert stored(client, "Wachtrij een") == 0
    # The first one did reach the server before the crash, without the app hearing back.
    first = window.outbox.store.waiting()[0]
    user = client.user("sofie.janssens")
    client.feeds.post(user, first.feed_id, first.draft.text, op_id=first.op_id)
    window.hide()  # kill -9: nothing more happens in this window; the outbox file stays
    assert [i.draft.text for i in OutboxStore(
        client.db.display_url, user.id, window.case.id).items()] == ["Wachtrij een", "Wachtrij twee"]
    again = open_window("sofie.janssens")
    qtbot.waitUntil(lambda: again.outbox.store.items() == [], timeout=15000)
    assert stored(client, "Wachtrij een") == 1
    assert stored(client, "Wachtrij twee") == 1
    assert not again.feeds.panel.outbox.isVisible()


def test_a_refused_message_keeps_its_text_and_the_reason(client, qtbot, open_window,
                                                         message_boxes):
    window = open_window("sofie.janssens")
    hidden = next(f.id for f in client.cases.open_case(client.user("tom.declercq"),
                                                       window.case.id).changes.feeds
                  if f.name == "D1 Brandweer")
    # Queued for a feed she is no longer in when it goes out (her role changed meanwhile).
    window.outbox.store.add(OutboxItem(hidden, "D1 Brandweer", Draft("Voor D1", op_id=new_op_id())))
    window.refresh()
    qtbot.waitUntil(lambda: bool(window.outbox.store.items() and window.outbox.store.items()[0].refused),
                    timeout=15000)
    item = window.outbox.store.items()[0]
    assert "member" in item.refused or "lid" in item.refused
    row = window.feeds.panel.outbox.list.item(0).text()
    assert "NIET verstuurd" in row
    assert "Voor D1" in row
    assert stored(client, "Voor D1") == 0
    # Taken back into the composer, with nothing lost; then it is no longer in the outbox.
    window.feeds.take_back(item.op_id)
    assert window.feeds.panel.composer.editor.toPlainText() == "Voor D1"
    assert window.outbox.store.items() == []
    # Discarding asks first.
    window.outbox.store.add(OutboxItem(hidden, "D1 Brandweer", Draft("Weg ermee", op_id=new_op_id()),
                                 refused="test"))
    message_boxes.answers.append(False)
    window.feeds.discard(window.outbox.store.items()[0].op_id)
    assert len(window.outbox.store.items()) == 1
    assert message_boxes.read[-1].endswith(":\n\nWeg ermee")
    window.feeds.discard(window.outbox.store.items()[0].op_id)
    assert window.outbox.store.items() == []


def test_the_outbox_shows_text_as_text(qtbot, tmp_path):
    from paragon_desktop.ui.docks.outbox import OutboxView

    view = OutboxView()
    qtbot.addWidget(view)
    view.set_items([OutboxItem(1, "Multi", Draft("<b>vet</b> & <img src=x>", op_id=new_op_id()))])
    assert "<b>vet</b> & <img src=x>" in view.list.item(0).text()
    assert view.list.item(0).data(Qt.ItemDataRole.DisplayRole).count("<b>") == 1
    store = OutboxStore("db", 1, 1, folder=tmp_path)
    store.add(OutboxItem(1, "Multi", Draft("x", op_id="a")))
    assert oct(store.path.stat().st_mode & 0o777) == oct(0o600)


def test_a_tick_made_offline_is_kept_and_saved_when_the_server_answers(client, qtbot, open_window):
    from tests.qt.conftest import map_stats

    window = open_window("an.peeters")
    layer = next(lyr for lyr in window.snapshot.changes.layers if lyr.name == "Gasmetingen NH3")
    window.connection.show_offline("test")
    window.layers.panel.item_for(layer.id).setCheckState(0, Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["layers"][str(layer.id)]["onMap"] is False)
    assert window.outbox.store.ticks() == {layer.id: False}
    an = client.user("an.peeters")

    def stored_tick() -> bool:
        return next(lyr.visible for lyr in client.cases.open_case(an, window.case.id).changes.layers
                    if lyr.id == layer.id)

    assert stored_tick() is True  # not on the server yet
    window.hide()  # a crash while away; the next start shows the choice and saves it
    again = open_window("an.peeters")
    assert again.layers.panel.item_for(layer.id).checkState(0) == Qt.CheckState.Unchecked
    qtbot.waitUntil(lambda: again.outbox.store.ticks() == {}, timeout=10000)
    assert stored_tick() is False
    assert map_stats(qtbot, again)["layers"][str(layer.id)]["onMap"] is False
