"""The window locks when unattended (§1): after the idle time or with Ctrl+L its content is
hidden behind a lock screen that asks the user's password; behind it messages keep arriving;
someone else can only sign the user out."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from paragon_desktop.services.demo_data import DEMO_PASSWORD
from tests.qt.test_language import in_language  # noqa: F401 (a fixture)
from tests.qt.test_live import multi_texts


def test_ctrl_l_locks_and_only_the_users_password_unlocks(open_window, qtbot):
    window = open_window("an.peeters")
    lock = window.lock
    print_action = window.map_tools.print_action
    assert print_action.isEnabled()
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: lock.locked, timeout=3000)
    screen = lock.screen
    assert screen.isVisible()
    assert screen.geometry() == window.rect()  # it covers everything, the map and the docks
    assert not print_action.isEnabled()  # its shortcut (Ctrl+P) does nothing behind the screen
    # A wrong password: refused, in Dutch, still locked.
    screen.password.setText("fout")
    screen.unlock_button.click()
    qtbot.waitUntil(lambda: screen.error.text() != "", timeout=10000)
    assert "wachtwoord" in screen.error.text().lower()
    assert lock.locked
    screen.password.setText(DEMO_PASSWORD)
    screen.unlock_button.click()
    qtbot.waitUntil(lambda: not lock.locked, timeout=10000)
    assert not screen.isVisible()
    assert print_action.isEnabled()


def test_the_window_locks_when_idle_and_messages_keep_arriving(open_window, qtbot, client):
    window = open_window("an.peeters")
    window.lock.idle.timer.setInterval(300)  # the settings say minutes; the test cannot wait
    window.lock.idle.timer.start()
    qtbot.waitUntil(lambda: window.lock.locked, timeout=5000)
    # Behind the screen a message from another user still arrives in the feed.
    tom = client.user("tom.declercq")
    case_id = client.seveso_case_id()
    multi = next(f.id for f in client.cases.open_case(tom, case_id).changes.feeds
                 if f.name == "Multi")
    client.feeds.post(tom, multi, "Nieuwe meting: 12 ppm aan de school")
    window.refresh()
    qtbot.waitUntil(lambda: any("12 ppm" in text for text in multi_texts(window)),
                    timeout=15000)
    assert window.lock.locked


def test_someone_else_can_only_sign_the_user_out(open_window, qtbot):
    window = open_window("an.peeters")
    window.lock.lock()
    closed = []
    window.sig_closed.connect(closed.append)
    window.lock.screen.sign_out_button.click()
    qtbot.waitUntil(lambda: closed == [False], timeout=10000)


def test_input_in_the_window_keeps_it_unlocked(open_window, qtbot):
    window = open_window("an.peeters")
    window.lock.idle.timer.setInterval(1500)
    window.lock.idle.timer.start()
    editor = window.feeds.panel.composer.editor
    editor.setFocus()
    for _ in range(6):  # 2.4 s of typing in the composer (through the window, as a keyboard
        QTest.keyClick(window.windowHandle(), Qt.Key.Key_A)  # does), more than the idle time
        qtbot.wait(400)
    assert "aaaaaa" in editor.toPlainText()
    assert not window.lock.locked
    qtbot.waitUntil(lambda: window.lock.locked, timeout=5000)  # and then nothing


def test_the_lock_screen_shows_its_texts_whole_in_french(open_window, qtbot, in_language):  # noqa: F811
    from tests.qt.test_language import clipped

    in_language("fr")
    window = open_window("an.peeters")
    window.resize(1366, 768)
    window.lock.lock()
    qtbot.wait(200)
    assert window.lock.screen.unlock_button.text() == "Déverrouiller"
    assert clipped(window.lock.screen) == []
    who = window.lock.screen.who  # wrapped over lines: all of them shown
    assert who.height() >= who.heightForWidth(who.width())
