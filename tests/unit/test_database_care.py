"""The embedded database: checked at start, backed up while in use, restored, disk full.

Every damaged file here is a real file made the way it happens (pages overwritten, a file cut
off, another file copied over it, a newer schema); backups run while another thread writes.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text

from paragon_desktop.app import DamagedDatabase, build_services, open_database
from paragon_desktop.cli import main as cli
from paragon_desktop.domain.errors import StorageFull
from paragon_desktop.storage import backup, health
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import Message
from tests.bulk import add_messages


@pytest.fixture
def demo_file(demo_template, tmp_path) -> Path:
    path = tmp_path / "data" / "paragon.db"
    path.parent.mkdir()
    shutil.copy(demo_template, path)
    return path


def overwrite_pages(path: Path) -> None:
    """Garbage over the middle of the file, as a crash during a write can leave it."""
    data = bytearray(path.read_bytes())
    page = 4096
    for at in range(page * 3, min(len(data), page * 40), page * 2):
        data[at:at + page] = os.urandom(page)
    path.write_bytes(bytes(data))


def damaged_files(tmp_path: Path, demo_template: Path) -> dict[str, Path]:
    files = {}
    malformed = tmp_path / "malformed.db"
    shutil.copy(demo_template, malformed)
    overwrite_pages(malformed)
    files["malformed"] = malformed
    cut = tmp_path / "cut.db"
    cut.write_bytes(demo_template.read_bytes()[: 4096 * 5])
    files["cut off"] = cut
    other = tmp_path / "photo.db"
    other.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(20000))
    files["not a database"] = other
    empty = tmp_path / "empty.db"
    empty.touch()
    files["empty"] = empty
    newer = tmp_path / "newer.db"
    shutil.copy(demo_template, newer)
    connection = sqlite3.connect(newer)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    connection.close()
    files["newer"] = newer
    foreign = tmp_path / "foreign.db"
    connection = sqlite3.connect(foreign)
    with connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.close()
    files["foreign"] = foreign
    return files


EXPECTED = {"malformed": health.State.MALFORMED, "cut off": health.State.MALFORMED,
            "not a database": health.State.NOT_A_DATABASE, "empty": health.State.EMPTY,
            "newer": health.State.NEWER, "foreign": health.State.FOREIGN}


def test_each_kind_of_damage_is_named_and_the_file_is_left_untouched(tmp_path, demo_template):
    for kind, path in damaged_files(tmp_path, demo_template).items():
        before = path.read_bytes()
        state = health.check(path)
        assert state.state is EXPECTED[kind], (kind, state)
        with pytest.raises(DamagedDatabase) as raised:
            open_database(f"sqlite:///{path}")
        assert raised.value.health.state is EXPECTED[kind]
        assert str(path) in str(raised.value)
        assert path.read_bytes() == before, kind  # nothing written, no demo filled in


def test_a_good_database_is_ok_and_a_missing_one_is_created(demo_file, tmp_path):
    assert health.check(demo_file).state is health.State.OK
    assert health.check(tmp_path / "nieuw.db").state is health.State.MISSING


def test_an_empty_file_at_the_default_place_is_not_filled_with_the_demo(monkeypatch, tmp_path):
    """It used to be filled silently, so a user could carry on working on demo data."""
    monkeypatch.setenv("PARAGON_DATA_DIR", str(tmp_path))
    (tmp_path / "paragon.db").touch()
    with pytest.raises(DamagedDatabase, match="is empty"):
        open_database(None)
    assert (tmp_path / "paragon.db").stat().st_size == 0


def test_the_demo_goes_only_into_a_database_the_app_just_created(monkeypatch, tmp_path):
    monkeypatch.setenv("PARAGON_DATA_DIR", str(tmp_path))
    db, filled = open_database(None)
    db.dispose()
    assert filled
    # A database without users that the app did not just create is left as it is.
    bare = tmp_path / "bare"
    bare.mkdir()
    monkeypatch.setenv("PARAGON_DATA_DIR", str(bare))
    from paragon_desktop.storage.migrate import upgrade

    made = Database.open(bare / "paragon.db")
    upgrade(made.engine)
    made.dispose()
    db, filled = open_database(None)
    db.dispose()
    assert not filled


def message_count(path: Path) -> int:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT count(*) FROM messages").fetchone()[0]
    finally:
        connection.close()


def post_messages(db: Database, count: int, stop: threading.Event | None = None) -> int:
    services = build_services(db)
    user = services.auth.user_by_name("an.peeters")
    case = services.cases.list_cases(user)[0]
    feed = services.cases.open_case(user, case.id).changes.feeds[0]
    done = 0
    while done < count and not (stop and stop.is_set()):
        services.feeds.post(user, feed.id, f"bericht {done}", [])
        done += 1
    return done


def test_a_backup_holds_what_is_still_in_the_wal_file(demo_file, tmp_path):
    db = Database.open(demo_file)
    with db.engine.connect() as connection:
        connection.execute(text("PRAGMA wal_autocheckpoint=0"))
        before = connection.execute(select(func.count()).select_from(Message)).scalar()
    post_messages(db, 25)
    wal = Path(str(demo_file) + "-wal")
    assert wal.stat().st_size > 0  # the new messages are (at least partly) only in the WAL
    copied = tmp_path / "copied.db"
    shutil.copy(demo_file, copied)  # what copying the file by hand gives
    taken = backup.backup_to(demo_file, tmp_path / "backup.db")
    db.dispose()
    assert message_count(taken) == before + 25
    assert health.check(taken, thorough=True).state is health.State.OK
    assert not Path(str(taken) + "-wal").exists()
    assert message_count(copied) == before  # the copy by hand lost them


def test_backups_while_the_app_writes_are_consistent_and_complete(demo_file):
    db = Database.open(demo_file)
    stop = threading.Event()
    written: list[int] = []
    writer = threading.Thread(target=lambda: written.append(post_messages(db, 10_000, stop)))
    writer.start()
    counts = []
    try:
        for _ in range(4):
            committed = message_count(demo_file)
            taken = backup.take(demo_file)
            assert health.check(taken.path, thorough=True).state is health.State.OK
            counts.append((committed, message_count(taken.path)))
    finally:
        stop.set()
        writer.join()
        db.dispose()
    assert written[0] > 0
    for committed, in_backup in counts:
        assert in_backup >= committed  # everything committed before the backup started is in it
    assert [n for _, n in counts] == sorted(n for _, n in counts)
    assert not list(backup.backup_dir(demo_file).glob("*.partial"))


def test_old_backups_are_thinned_to_24_recent_and_one_a_day_for_a_week(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    for hours in range(0, 24 * 10):
        at = now - timedelta(hours=hours)
        (folder / f"paragon-{at.strftime('%Y%m%d-%H%M%S')}.db").write_bytes(b"x")
    backup.prune(folder, now)
    kept = backup.backups(folder)
    assert len(kept) == 24 + 6  # the last 24 hours (today and yesterday) plus 6 more days
    days = {b.taken_at.date() for b in kept}
    assert days == {(now - timedelta(days=d)).date() for d in range(8)}  # 23 to 30 November
    assert min(b.taken_at for b in kept) >= now - timedelta(days=7)
    assert kept[0].taken_at == now


def test_restore_refuses_what_is_not_a_paragon_database(demo_file, tmp_path, demo_template):
    before = demo_file.read_bytes()
    for kind, path in damaged_files(tmp_path, demo_template).items():
        with pytest.raises(backup.BackupError, match="cannot be restored"):
            backup.restore(demo_file, path)
        assert demo_file.read_bytes() == before, kind
    with pytest.raises(backup.BackupError, match="no such file"):
        backup.restore(demo_file, tmp_path / "nergens.db")


def test_restore_sets_the_current_database_aside_and_brings_the_backup_back(demo_file, tmp_path):
    taken = backup.backup_to(demo_file, tmp_path / "voor.db")
    db = Database.open(demo_file)
    before = message_count(demo_file)
    post_messages(db, 3)
    db.dispose()
    aside = backup.restore(demo_file, taken)
    assert aside is not None
    assert message_count(demo_file) == before
    assert message_count(aside) == before + 3  # nothing deleted: the newer data is kept aside
    assert health.check(demo_file).state is health.State.OK


def test_restore_is_refused_while_the_app_has_the_database_open(demo_file, tmp_path):
    taken = backup.backup_to(demo_file, tmp_path / "voor.db")
    db = Database.open(demo_file)
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        with pytest.raises(backup.BackupError, match="in use"):
            backup.restore(demo_file, taken)
    db.dispose()


def test_a_full_disk_leaves_no_half_written_backup(demo_file, tmp_path):
    """A process whose files may not grow beyond 100 KB: the kernel refuses the writes (EFBIG),
    as a full disk refuses them (ENOSPC)."""
    probe = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from paragon_desktop import i18n\n"
        "from paragon_desktop.storage import backup\n"
        "i18n.use('en')\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, resource.RLIM_INFINITY))\n"
        "try:\n"
        f"    backup.take(Path({str(demo_file)!r}))\n"
        "except backup.BackupError as exc:\n"
        "    print(exc)\n"
        "else:\n"
        "    sys.exit('backup written')\n"
    )
    before = demo_file.read_bytes()
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "Not enough disk space" in done.stdout
    assert "your database is unchanged" in done.stdout
    assert list(backup.backup_dir(demo_file).iterdir()) == []
    assert demo_file.read_bytes() == before


def test_a_full_disk_while_storing_says_so(demo_file):
    db = Database.open(demo_file)
    with db.engine.connect() as connection:
        pages = connection.execute(text("PRAGMA page_count")).scalar()

    @event.listens_for(db.engine, "connect")
    def no_room(connection, _record):
        connection.execute(f"PRAGMA max_page_count = {pages}")

    db.engine.dispose()
    before = message_count(demo_file)
    with pytest.raises(StorageFull, match="The disk is full"):
        post_messages(db, 500)
    db.dispose()
    assert health.check(demo_file).state is health.State.OK
    assert message_count(demo_file) >= before


def test_cli_backup_and_restore(demo_file, tmp_path, capsys):
    url = f"sqlite:///{demo_file}"
    assert cli(["db", "backup", str(tmp_path / "kopie.db"), "--db", url]) == 0
    assert "written to" in capsys.readouterr().out
    assert health.check(tmp_path / "kopie.db").state is health.State.OK
    (tmp_path / "tekst.db").write_text("geen database")
    assert cli(["db", "restore", str(tmp_path / "tekst.db"), "--db", url]) == 2
    assert "cannot be restored" in capsys.readouterr().err
    assert cli(["db", "restore", str(tmp_path / "kopie.db"), "--db", url]) == 0
    assert "previous database was kept as" in capsys.readouterr().out


def test_a_big_database_is_backed_up_while_someone_keeps_writing(demo_file):
    """Copied in steps, the backup restarted at every write of another connection: on a busy
    database bigger than one step (16 MB) it never finished."""
    add_messages(demo_file, 40_000, "x" * 500)
    assert demo_file.stat().st_size > 20_000_000
    db = Database.open(demo_file)
    stop = threading.Event()
    writer = threading.Thread(target=lambda: post_messages(db, 100_000, stop))
    writer.start()
    start = message_count(demo_file)
    deadline = time.monotonic() + 30
    while message_count(demo_file) < start + 5 and time.monotonic() < deadline:
        time.sleep(0.05)  # the writer is writing
    taken: list[backup.Backup] = []
    backing_up = threading.Thread(target=lambda: taken.append(backup.take(demo_file)), daemon=True)
    try:
        backing_up.start()
        backing_up.join(60)
        assert taken, "the backup did not finish while another connection kept writing"
    finally:
        stop.set()
        writer.join()
        db.dispose()
    assert health.check(taken[0].path, thorough=True).state is health.State.OK
    assert message_count(taken[0].path) >= 40_000
