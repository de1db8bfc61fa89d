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


def test_ones_own_wmts_or_wms_becomes_the_background_after_a_tile_answers(qtbot):
    """The issue's custom sources: a WMTS GetCapabilities address or a WMS with its layers."""
    from PySide6.QtWidgets import QDialog

    from paragon_desktop.settings import Settings
    from paragon_desktop.ui.dialogs.settings import SettingsDialog
    from tests.owsserver import ows_server

    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.service_row.isVisible()
    dialog.source.setCurrentIndex(dialog.source.findData("service"))
    assert dialog.service_row.isVisible()
    with ows_server() as server:
        # Not a service: said, in Dutch, before anything is kept.
        dialog.service_url.setText(server.base + "/html")
        dialog.ask_service()
        qtbot.waitUntil(dialog.check_error.isVisible, timeout=10000)
        assert "geen WMTS-dienst" in dialog.check_error.text()
        dialog.service_url.setText(server.base + "/wmts")
        dialog.ask_service()
        qtbot.waitUntil(lambda: dialog.service_layer.count() == 1, timeout=10000)
        assert dialog.tile_url.text() == (server.base + "/wmts/topo/default/webmercator/"
                                          "EPSG%3A3857%3A{z}/{y}/{x}.png")
        assert dialog.attribution.text() == "Provincie Test"
        dialog.service_kind.setCurrentIndex(dialog.service_kind.findData("wms"))
        dialog.service_url.setText(server.base + "/wms")
        dialog.ask_service()
        qtbot.waitUntil(lambda: dialog.service_layer.count() == 2, timeout=10000)
        dialog.service_layer.setCurrentIndex(dialog.service_layer.findData("seveso_zones"))
        assert "LAYERS=seveso_zones" in dialog.tile_url.text()
        assert dialog.tile_url.text().endswith("&BBOX={bbox-epsg-3857}")
        dialog.ok_button.click()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10000)
        # The check tile (zoom 8, x 130, y 86) asked with its extent in web map metres:
        # 256 tiles of 156,543.03 m from -20,037,508.34 m.
        getmap = [p for p in server.asked if "REQUEST=GetMap" in p]
        assert len(getmap) == 1
        assert getmap[0].endswith("BBOX=313086.067856,6418264.391050,469629.101784,6574807.424978")
    assert "{bbox-epsg-3857}" in dialog.result_settings().tile_url


def test_a_kept_password_no_longer_opens_the_shared_server_unattended(qtbot):
    """§1: "Wachtwoord bewaren" let an unattended laptop sign in with one click; the password is
    now always typed, and one an earlier version kept is taken out of the keyring."""
    import keyring
    from sqlalchemy.engine import make_url

    from paragon_desktop import credentials
    from paragon_desktop.app import login_sign_in
    from paragon_desktop.settings import Settings
    from tests.unit.test_accounts import MemoryKeyring

    before = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        url = make_url("postgresql+psycopg://db.example.org/paragon")
        assert credentials.save_password(url, "an.peeters", "geheim-1")
        dialog = login_sign_in(url, Settings(last_username="an.peeters"), lambda _u, _p: None)
        qtbot.addWidget(dialog)
        assert dialog.username.text() == "an.peeters"
        assert dialog.password.text() == ""
        assert credentials.load_password(url, "an.peeters") is None
        assert "112" in dialog.reminder.text()  # and the rule book's reminder at sign-in
    finally:
        keyring.set_keyring(before)


def test_the_composer_reminds_what_paragon_is_not_for(open_window):
    window = open_window("an.peeters")
    tip = window.feeds.panel.composer.editor.toolTip()
    assert "112" in tip
    assert "geclassificeerde" in tip
