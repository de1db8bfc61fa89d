"""A shared PostgreSQL server: changes arrive through LISTEN/NOTIFY well before the 50-second
poll, and a server that goes away and comes back loses nothing and crashes nothing.

The windows run as the users' own login roles (row-level security applies), as the app does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from paragon_desktop.app import Services, build_services, sign_in_with_login
from paragon_desktop.services.demo import build_demo
from paragon_desktop.settings import Settings
from paragon_desktop.storage.db import Database, normalise_url
from paragon_desktop.storage.logins import server_address
from paragon_desktop.storage.migrate import upgrade
from paragon_desktop.storage.notify import ChangeListener
from paragon_desktop.ui.main_window import MainWindow
from tests import pg
from tests.conftest import DEMO_PASSWORD
from tests.qt.conftest import map_stats

pytestmark = [pytest.mark.postgres, pytest.mark.server]
SLOW_POLL = Settings(refresh_seconds=50)  # the poll cannot explain anything that arrives sooner


class Operator:
    """One user's app: services on their login role, and optionally a main window."""

    def __init__(self, url: str, username: str) -> None:
        self.db, self.user = sign_in_with_login(server_address(normalise_url(url)), username, DEMO_PASSWORD)
        self.services: Services = build_services(self.db)
        case = self.services.cases.find_case(self.user, "Nordchem")
        assert case is not None
        self.case = case
        self.window: MainWindow | None = None

    def open_window(self, qtbot) -> MainWindow:
        s = self.services
        self.window = MainWindow(s, self.user, self.case, SLOW_POLL, restore_layout=False,
                                 live_url=self.db.engine.url)
        self.window.resize(1400, 900)
        self.window.show()
        window = self.window
        live = window.connection.live
        qtbot.waitUntil(lambda: window.settled and live is not None and live.connected,
                        timeout=30000)
        return window

    def multi(self) -> int:
        return next(f.id for f in self.services.cases.open_case(self.user, self.case.id)
                    .changes.feeds if f.name == "Multi")

    def close(self) -> None:
        if self.window is not None and shiboken6.isValid(self.window):
            self.window.close()
        self.db.dispose()


@pytest.fixture
def operators(pg_demo_url: str) -> Iterator:
    made: list[Operator] = []

    def make(username: str, url: str = pg_demo_url) -> Operator:
        made.append(Operator(url, username))
        return made[-1]

    yield make
    for operator in made:
        operator.close()


def multi_texts(window: MainWindow) -> list[str]:
    tab = window.feeds.panel.tab(next(f.id for f in window.feeds.panel.feeds() if f.name == "Multi"))
    return [m.text for m in tab.model.messages()]


def test_two_clients_see_each_others_changes_through_notify(qtbot, operators):
    a, b = operators("an.peeters"), operators("tom.declercq")
    window = b.open_window(qtbot)
    qtbot.waitUntil(lambda: bool(multi_texts(window)), timeout=10000)
    anchors_before = map_stats(qtbot, window)["anchors"]

    started = time.monotonic()
    a.services.feeds.post(a.user, a.multi(), "Live: wind draait naar zuidwest", [])
    qtbot.waitUntil(lambda: "Live: wind draait naar zuidwest" in multi_texts(window), timeout=5000)
    assert time.monotonic() - started < 5  # the poll would take up to 50 s

    a.services.editing.add_anchor(a.user, a.case.id, "Opvangcentrum Sporthal",
                                  {"type": "Point", "coordinates": [4.28, 51.25]},
                                  category="reception_centre")
    qtbot.waitUntil(lambda: "Opvangcentrum Sporthal" in window.anchors.names(), timeout=5000)
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["anchors"] == anchors_before + 1,
                    timeout=5000)

    # And back: what B sends through the composer wakes A's listener.
    heard: list[int] = []
    listener = ChangeListener(a.db.engine.url, heard.append, lambda *_: None)
    listener.start()
    try:
        qtbot.waitUntil(lambda: listener.connected, timeout=5000)
        since = a.services.cases.open_case(a.user, a.case.id).changes.revision
        editor = window.feeds.panel.composer.editor
        window.feeds.panel.show_feed(next(f.id for f in window.feeds.panel.feeds() if f.name == "Multi"))
        editor.setFocus()
        QTest.keyClicks(editor, "Ontvangen, CP-Ops volgt op")
        QTest.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: any(r > since for r in heard), timeout=5000)
    finally:
        listener.stop()
    changes = a.services.cases.changes_since(a.user, a.case.id, since)
    assert "Ontvangen, CP-Ops volgt op" in [m.text for m in changes.messages]


@pytest.fixture
def own_server(request) -> Iterator[tuple[pg.Cluster, str]]:
    """A server of this test's own, to stop and start (the shared test server stays up)."""
    if not pg._binaries():
        pg.unavailable("no PostgreSQL server binaries to start a server of the test's own")
    with pg.cluster() as cluster:
        admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text("CREATE DATABASE outage"))
        admin.dispose()
        url = make_url(cluster.url).set(database="outage").render_as_string(hide_password=False)
        db = Database.open(url)
        upgrade(db.engine)
        build_demo(db)
        db.dispose()
        yield cluster, url


def test_the_server_stops_and_comes_back_mid_session(qtbot, operators, own_server,
                                                     message_boxes):
    cluster, url = own_server
    refusals = message_boxes.read
    a, b = operators("an.peeters", url), operators("tom.declercq", url)
    a.services.feeds.post(a.user, a.multi(), "Voor de storing vastgelegd", [])
    # A layer Tom has unticked: its data is read only when he ticks it (during the outage).
    unticked = next(layer for layer in b.services.cases.open_case(b.user, b.case.id).changes.layers
                    if layer.visible and layer.feature_count)
    b.services.editing.set_layer_visible(b.user, unticked.id, False)
    window = b.open_window(qtbot)
    qtbot.waitUntil(lambda: "Voor de storing vastgelegd" in multi_texts(window), timeout=10000)
    layers_before = map_stats(qtbot, window)["featuresOnMap"]
    window.feeds.panel.show_feed(next(f.id for f in window.feeds.panel.feeds() if f.name == "Multi"))
    editor = window.feeds.panel.composer.editor
    editor.setFocus()
    QTest.keyClicks(editor, "Getypt tijdens de storing")

    cluster.stop()
    qtbot.waitUntil(lambda: window.connection.label.isVisible(), timeout=10000)
    assert "Geen verbinding met de server" in window.connection.label.text()
    # Sending now keeps the message on this machine, greyed, "wacht op verbinding"; a second
    # one queues behind it. Nothing is refused and the composer is free again.
    QTest.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.feeds.panel.outbox.isVisible(), timeout=20000)
    assert editor.toPlainText() == ""
    QTest.keyClicks(editor, "Tweede tijdens de storing")
    QTest.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    waiting = window.outbox.store.waiting()
    assert [i.draft.text for i in waiting] == ["Getypt tijdens de storing",
                                               "Tweede tijdens de storing"]
    assert "wacht op verbinding" in window.feeds.panel.outbox.list.item(0).text()
    assert refusals == []
    # The last picture stays: feed and map as they were.
    assert "Voor de storing vastgelegd" in multi_texts(window)
    assert map_stats(qtbot, window)["featuresOnMap"] == layers_before
    # Ticked now, its data cannot be read: it waits for the server, nothing is refused.
    window.layers.panel.item_for(unticked.id).setCheckState(0, Qt.CheckState.Checked)
    qtbot.wait(500)
    assert map_stats(qtbot, window)["layers"][str(unticked.id)]["features"] == 0
    window.refresh()  # F5 during the outage fails quietly into the status bar
    qtbot.wait(500)
    assert shiboken6.isValid(window)
    assert window.isVisible()

    cluster.start()
    # The listener retries with backoff (1, 2, 4 ... s) and the window refreshes once back.
    qtbot.waitUntil(lambda: not window.connection.label.isVisible(), timeout=30000)
    a.services.feeds.post(a.user, a.multi(), "Na de storing", [])
    qtbot.waitUntil(lambda: "Na de storing" in multi_texts(window), timeout=5000)
    # The layer ticked during the outage is read and shown once the server answers.
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["layers"][str(unticked.id)]["features"]
                    == unticked.feature_count, timeout=10000)
    assert "Voor de storing vastgelegd" in multi_texts(window)
    # What waited went out by itself, in order, each once.
    qtbot.waitUntil(lambda: "Tweede tijdens de storing" in multi_texts(window), timeout=20000)
    # (The message can reach the feed through the live update before the send's own answer.)
    qtbot.waitUntil(lambda: not window.feeds.panel.outbox.isVisible(), timeout=5000)
    assert window.outbox.store.items() == []
    texts = multi_texts(window)
    assert texts.count("Getypt tijdens de storing") == texts.count("Tweede tijdens de storing") == 1
    assert texts.index("Tweede tijdens de storing") < texts.index("Getypt tijdens de storing")
    assert refusals == []


def test_layer_data_the_server_did_not_send_comes_when_it_answers_again(qtbot, operators,
                                                                        own_server):
    """The case's picture came, then the server went away before the ticked layers' data was
    read (it is read after the picture): the map shows them once the server answers again."""
    cluster, url = own_server
    tom = operators("tom.declercq", url)
    ticked = {layer.id: layer.feature_count for layer in
              tom.services.cases.open_case(tom.user, tom.case.id).changes.layers
              if layer.visible and layer.feature_count}
    assert ticked
    admin = create_engine(url)
    held = []

    def hold_layer_reads(_changes, first: bool) -> None:
        # When the picture has come, before the layers' data is asked for: the read waits.
        if first and not held:
            held.append(admin.connect())
            held[0].begin()
            held[0].execute(text("LOCK TABLE layer_data IN ACCESS EXCLUSIVE MODE"))

    window = MainWindow(tom.services, tom.user, tom.case, SLOW_POLL, restore_layout=False,
                        live_url=tom.db.engine.url)
    tom.window = window
    window.ctx.sig_changes.connect(hold_layer_reads)
    window.resize(1400, 900)
    window.show()
    qtbot.waitUntil(lambda: window.snapshot is not None and window.map.bridge.settled,
                    timeout=30000)
    assert "Multi" in [f.name for f in window.feeds.panel.feeds()]  # usable meanwhile
    assert held
    assert window.layer_data.busy
    cluster.stop()  # the waiting read fails with the connection
    held[0].invalidate()
    admin.dispose()
    qtbot.waitUntil(lambda: window.connection.label.isVisible(), timeout=10000)
    layers = map_stats(qtbot, window)["layers"]
    assert all(layers[str(i)]["features"] == 0 for i in ticked)
    cluster.start()
    qtbot.waitUntil(lambda: not window.connection.label.isVisible(), timeout=30000)
    qtbot.waitUntil(lambda: not window.layer_data.busy, timeout=10000)
    qtbot.waitUntil(lambda: {i: map_stats(qtbot, window)["layers"][str(i)]["features"]
                             for i in ticked} == ticked, timeout=10000)


def test_concurrent_writers_lose_nothing_and_keep_commit_order(operators, pg_demo_url):
    """Several threads post into one feed at once: every message is stored once, and the feed's
    order (created_at, id) is the order in which they were committed (revision)."""
    people = [operators(name) for name in ("an.peeters", "tom.declercq", "sofie.janssens",
                                           "karim.elamrani")]
    multi = people[0].multi()
    errors: list[BaseException] = []

    def write(operator: Operator) -> None:
        try:
            for i in range(25):
                operator.services.feeds.post(operator.user, multi,
                                             f"{operator.user.username} #{i}", [])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    owner = create_engine(pg_demo_url)
    with owner.connect() as c:
        rows = c.execute(text(
            "SELECT text, revision FROM messages WHERE feed_id = :f AND text LIKE '%#%' "
            "AND author_id IN (SELECT id FROM users WHERE username IN "
            "('an.peeters', 'tom.declercq', 'sofie.janssens', 'karim.elamrani')) "
            "ORDER BY created_at, id"), dict(f=multi)).all()
    owner.dispose()
    written = [r.text for r in rows if r.text.split(" #")[0] in {p.user.username for p in people}]
    assert sorted(written) == sorted(f"{p.user.username} #{i}" for p in people for i in range(25))
    revisions = [r.revision for r in rows]
    assert revisions == sorted(revisions), "feed order differs from commit order"
    for p in people:  # each writer's own messages in the order they were sent
        mine = [t for t in written if t.startswith(p.user.username + " ")]
        assert mine == [f"{p.user.username} #{i}" for i in range(25)]
