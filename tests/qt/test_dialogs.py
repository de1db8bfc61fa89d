"""Sign-in and case choice, as a user meets them at start."""

import threading

from PySide6.QtWidgets import QDialogButtonBox

from paragon_desktop.ui.dialogs.sign_in import SignInDialog
from tests.conftest import DEMO_PASSWORD


def test_sign_in_refuses_a_wrong_password_and_keeps_the_user_name(qtbot, client):
    """The check (argon2; on a server a login-role connection) runs off the GUI thread: the
    button and fields wait meanwhile, the dialog stays responsive."""
    threads: list[str] = []

    def sign_in(username: str, password: str):
        threads.append(threading.current_thread().name)
        return client.auth.sign_in(username, password)

    dialog = SignInDialog(sign_in, "sqlite:///demo.db")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("an.peeters")
    dialog.password.setText("fout")
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert not ok.isEnabled()
    assert dialog.error.text() == "Aanmelden…"
    qtbot.waitUntil(lambda: "fout wachtwoord" in dialog.error.text(), timeout=10000)
    assert dialog.isVisible()
    assert ok.isEnabled()
    assert dialog.username.text() == "an.peeters"
    dialog.password.setText(DEMO_PASSWORD)
    ok.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    assert dialog.user.username == "an.peeters"
    assert threads
    assert threading.main_thread().name not in threads


def test_the_settings_dialog_shows_its_hint_unclipped(qtbot):
    from paragon_desktop.settings import Settings
    from paragon_desktop.ui.dialogs.settings import SettingsDialog

    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    field = dialog.tile_url
    needed = field.fontMetrics().horizontalAdvance(field.placeholderText())
    assert field.width() > needed  # it opened too small for its own placeholder text


def test_the_embedded_sign_in_proposes_the_last_user_name(qtbot, client, monkeypatch, tmp_path):
    """The embedded database did not remember the last user name."""
    from paragon_desktop.app import build_services, embedded_sign_in
    from paragon_desktop.settings import Settings

    monkeypatch.setenv("PARAGON_CONFIG_DIR", str(tmp_path))
    settings = Settings.load()
    settings.last_username = "tom.declercq"
    settings.save()
    dialog = embedded_sign_in(build_services(client.db), client.db, Settings.load())
    qtbot.addWidget(dialog)
    assert dialog.username.text() == "tom.declercq"


def test_an_online_source_is_checked_before_it_is_kept(qtbot):
    """A typo (or "openstreetmap") was saved and the map stayed empty without a word."""
    from PySide6.QtWidgets import QDialog

    from paragon_desktop.settings import Settings
    from paragon_desktop.ui.dialogs.settings import SettingsDialog
    from tests.tileserver import tile_server

    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    # A preset fills in its address and credit, read-only.
    dialog.source.setCurrentIndex(dialog.source.findData("osm"))
    assert dialog.tile_url.text() == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert dialog.tile_url.isReadOnly()
    dialog.source.setCurrentIndex(dialog.source.findData("custom"))
    dialog.tile_url.setText("openstreetmap")
    dialog.ok_button.click()
    qtbot.waitUntil(dialog.check_error.isVisible, timeout=10000)
    assert "is geen webadres" in dialog.check_error.text()  # said in the user's language
    assert dialog.result() != QDialog.DialogCode.Accepted
    with tile_server() as (base, asked):
        dialog.tile_url.setText(base + "/tiles/{z}/{x}/{y}.png")
        dialog.ok_button.click()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10000)
        assert asked == ["/tiles/8/130/86.png"]
    assert dialog.result_settings().tile_url == base + "/tiles/{z}/{x}/{y}.png"
