"""Start-up with a damaged embedded database: the dialog's choices really do what they say;
a full disk while sending keeps the text; the demo's sign-in says who can sign in; start-up
prints no Chromium or Qt noise."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import event, text

from paragon_desktop.app import _open_or_mend
from paragon_desktop.services.demo import demo_accounts
from paragon_desktop.storage import backup, health
from paragon_desktop.ui.dialogs.damaged_database import DamagedDatabaseDialog
from paragon_desktop.ui.dialogs.sign_in import SignInDialog
from tests.qt.test_feeds import loaded, type_in, warnings  # noqa: F401 (fixture)
from tests.unit.test_database_care import damaged_files, message_count


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("PARAGON_DATA_DIR", str(folder))
    return folder


def answer_dialog(choose: str, seen: list[DamagedDatabaseDialog]) -> None:
    """When the dialog shows, remember it and press the button named ``choose``."""
    def press() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, DamagedDatabaseDialog):
            QTimer.singleShot(20, press)
            return
        seen.append(dialog)
        getattr(dialog, f"{choose}_button").click()

    QTimer.singleShot(20, press)


def test_restore_the_latest_backup_from_the_dialog(qtbot, data_dir, demo_template):
    database = data_dir / "paragon.db"
    shutil.copy(demo_template, database)
    good = backup.take(database)
    messages = message_count(database)
    damaged = damaged_files(data_dir.parent, demo_template)["malformed"]
    shutil.copy(damaged, database)
    seen: list[DamagedDatabaseDialog] = []
    answer_dialog("restore", seen)
    db, filled = _open_or_mend(None)
    assert db is not None
    db.dispose()
    assert not filled
    assert good.label in seen[0].restore_button.text()
    assert "De database is beschadigd" in seen[0].intro.text()
    assert str(database) in seen[0].intro.text()
    assert message_count(database) == messages
    assert list(data_dir.glob("paragon.db.before-restore-*"))  # the damaged file is kept aside


@pytest.mark.parametrize("kind", ["malformed", "not a database", "empty", "cut off"])
def test_a_new_database_keeps_the_damaged_one_aside(qtbot, data_dir, demo_template, kind):
    database = data_dir / "paragon.db"
    shutil.copy(damaged_files(data_dir.parent, demo_template)[kind], database)
    damaged_bytes = database.read_bytes()
    seen: list[DamagedDatabaseDialog] = []
    answer_dialog("new", seen)
    db, filled = _open_or_mend(None)
    assert db is not None
    db.dispose()
    assert filled  # a database the app itself just created gets the demo
    assert not seen[0].restore_button.isEnabled()  # no backup yet
    aside = list(data_dir.glob("paragon.db.damaged-*"))
    assert [p.read_bytes() for p in aside if not p.name.endswith(("-wal", "-shm"))] == [damaged_bytes]
    assert health.check(database).state is health.State.OK


def test_quit_leaves_everything_as_it_was(qtbot, data_dir, demo_template):
    database = data_dir / "paragon.db"
    shutil.copy(damaged_files(data_dir.parent, demo_template)["newer"], database)
    before = database.read_bytes()
    seen: list[DamagedDatabaseDialog] = []
    answer_dialog("quit", seen)
    db, _ = _open_or_mend(None)
    assert db is None
    # A newer version's database is not damaged: it is not offered to be replaced.
    assert not seen[0].new_button.isEnabled()
    assert not seen[0].restore_button.isEnabled()
    assert database.read_bytes() == before
    # Only SQLite's own companions of a WAL database (made by the read-only check) next to it.
    assert {p.name for p in data_dir.iterdir()} <= {"paragon.db", "paragon.db-wal", "paragon.db-shm"}


@pytest.mark.parametrize("backend", ["sqlite"])  # the embedded database's disk
def test_a_full_disk_while_sending_keeps_the_text(client, qtbot, open_window, warnings):  # noqa: F811
    window = open_window("sofie.janssens")
    loaded(qtbot, window, "Multi")
    with client.db.engine.connect() as connection:
        pages = connection.execute(text("PRAGMA page_count")).scalar()

    @event.listens_for(client.db.engine, "connect")
    def no_room(connection, _record):
        connection.execute(f"PRAGMA max_page_count = {pages}")

    client.db.engine.dispose()
    words = "Afsluiting N70 ter hoogte van de Nordchem-poort " * 60
    window.feeds.panel.composer.editor.setPlainText(words)
    window.feeds.panel.composer.send()
    qtbot.waitUntil(lambda: bool(warnings), timeout=10000)
    assert "De schijf is vol" in warnings[0]
    assert "wat je typte blijft bewaard" in warnings[0]
    assert window.feeds.panel.composer.editor.toPlainText() == words
    assert not window.connection.offline  # not mistaken for a lost server connection
    assert window.feeds.panel.composer.send_button.isEnabled()


def test_the_demo_sign_in_says_who_can_sign_in(qtbot):
    dialog = SignInDialog(lambda _u, _p: None, "sqlite:///x.db", demo_users=demo_accounts(),
                          demo_password="oefening2026")
    qtbot.addWidget(dialog)
    assert "wachtwoord oefening2026" in dialog.demo.text()
    assert "an.peeters  (An Peeters, Gemeente Scheldemonde, coördinator)" in dialog.demo.text()
    assert dialog.username.text() == "an.peeters"
    plain = SignInDialog(lambda _u, _p: None, "postgresql://server/paragon")
    qtbot.addWidget(plain)
    assert not hasattr(plain, "demo")
    assert plain.username.text() == ""


def test_start_up_prints_no_chromium_or_qt_noise(tmp_path):
    env = {**os.environ, "PARAGON_DATA_DIR": str(tmp_path / "data"),
           "PARAGON_CONFIG_DIR": str(tmp_path / "config"), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PARAGON_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "paragon_desktop", "screenshot", str(tmp_path / "shot.png"),
         "--size", "1366x768"], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("Saved ")


def test_backups_are_taken_at_start_and_then_on_the_timer(qtbot, data_dir, demo_template):
    from paragon_desktop.ui.backups import BackupScheduler

    database = data_dir / "paragon.db"
    shutil.copy(demo_template, database)
    scheduler = BackupScheduler(database, interval_ms=1100, tell=False)
    with qtbot.waitSignal(scheduler.sig_done, timeout=20000):
        scheduler.start()
    assert len(backup.backups(backup.backup_dir(database))) == 1  # at start
    qtbot.waitUntil(lambda: len(backup.backups(backup.backup_dir(database))) == 2, timeout=20000)
    scheduler.stop()
    assert all(health.check(b.path).state is health.State.OK
               for b in backup.backups(backup.backup_dir(database)))


def test_a_failed_backup_is_said_and_the_app_goes_on(qtbot, data_dir):
    from paragon_desktop.ui.backups import BackupScheduler

    database = data_dir / "paragon.db"
    database.write_bytes(b"not a database at all" * 100)
    scheduler = BackupScheduler(database, tell=False)
    with qtbot.waitSignal(scheduler.sig_failed, timeout=20000) as failed:
        scheduler.start()
    assert str(database.name) in failed.args[0]
    assert not list(backup.backup_dir(database).glob("*.partial"))
    scheduler.stop()


def test_an_empty_database_says_how_to_fill_it_in_the_users_language(qtbot, tmp_path,
                                                                      message_boxes):
    """In Dutch here (English before), in a plain-text box, with the command to type."""
    from paragon_desktop.app import run_gui
    from paragon_desktop.storage.db import Database
    from paragon_desktop.storage.migrate import upgrade

    path = tmp_path / "leeg <b>x</b>.db"
    db = Database.open(path)
    upgrade(db.engine)
    db.dispose()
    assert run_gui(str(path)) == 1
    said = message_boxes.read[-1]
    address = said.split(" heeft nog geen gebruikers")[0]
    assert address.startswith("sqlite:///")
    assert address.endswith(".db")
    assert said == (f"{address} heeft nog geen gebruikers. Vul ze met de demo-oefening:\n"
                    f"paragon-desktop demo --db {address}")
