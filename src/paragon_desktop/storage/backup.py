"""Backups of the embedded database with SQLite's online backup API.

The backup API copies the database as one consistent snapshot, including what is still in the
WAL file (copying ``paragon.db`` by hand while the app runs loses the recent messages kept
there), and it may run while the app writes. Each backup is written to a ``.partial`` file,
checked, synced and only then renamed: a full disk or a crash leaves no half-written backup.

Kept in ``<data dir>/backups``: the newest 24, plus the newest of each of the last 7 days.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.storage import health

KEEP_RECENT = 24
KEEP_DAYS = 7
PREFIX = "paragon-"
SUFFIX = ".db"
_STAMP = "%Y%m%d-%H%M%S"


class BackupError(ParagonError):
    """A backup or restore could not be made; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime

    @property
    def label(self) -> str:
        return self.taken_at.astimezone().strftime("%d-%m-%Y %H:%M")


def backup_dir(database: Path) -> Path:
    return database.parent / "backups"


def _disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return True
    return isinstance(exc, sqlite3.Error) and ("full" in str(exc) or "disk I/O" in str(exc))


def _copy(source: Path, target: Path) -> None:
    """Online-backup ``source`` into ``target`` (a new file), checked and synced."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                # One step, under one read transaction: a consistent snapshot that writers (WAL)
                # do not block. Copying in several steps restarts whenever another connection
                # writes, so a backup of a busy database never finished.
                src.backup(dst, pages=-1)
                # A backup is a single file: no WAL next to it.
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        state = health.check(partial, thorough=True)
        if state.state is not health.State.OK:
            raise BackupError("The backup of {name} did not pass its check ({state}: {detail}); it "
                              "was not kept.",
                              name=source.name, state=state.state.value, detail=state.detail)
        fd = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, BackupError):
            raise
        if isinstance(exc, OSError | sqlite3.Error) and _disk_full(exc):
            free = shutil.disk_usage(target.parent).free
            raise BackupError(
                "Not enough disk space for a backup in {folder} (the database is {size:,.1f} MB, "
                "{free:,.1f} MB is free). Nothing half-written was left; your database is "
                "unchanged. Free some disk space.",
                folder=target.parent, size=source.stat().st_size / 1e6, free=free / 1e6
            ) from None
        if isinstance(exc, OSError | sqlite3.Error):
            raise BackupError("The backup of {name} could not be written to {parent}: {exc}.",
                              name=source.name, parent=target.parent, exc=exc) from None
        raise


def backup_to(database: Path, out: Path) -> Path:
    """A backup of ``database`` at ``out`` (``paragon-desktop db backup OUT``)."""
    state = health.check(database)
    if state.state is not health.State.OK:
        raise BackupError("{problem} Nothing to back up.",
                          problem=health.describe(database, state))
    if out.is_dir():
        out = out / f"{PREFIX}{datetime.now(UTC).strftime(_STAMP)}{SUFFIX}"
    if out.exists():
        raise BackupError("{out} exists already; choose another name.",
                          out=out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _copy(database, out)
    return out


def take(database: Path, now: datetime | None = None) -> Backup:
    """An automatic backup into the backup folder, then the old ones thinned out."""
    now = now or datetime.now(UTC)
    folder = backup_dir(database)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / f"{PREFIX}{now.strftime(_STAMP)}{SUFFIX}"
    _copy(database, target)
    prune(folder, now)
    return Backup(target, now)


def backups(folder: Path) -> list[Backup]:
    """The backups in ``folder``, newest first."""
    found = []
    if folder.is_dir():
        for path in folder.glob(f"{PREFIX}*{SUFFIX}"):
            try:
                taken = datetime.strptime(path.name[len(PREFIX):-len(SUFFIX)], _STAMP)
            except ValueError:
                continue
            found.append(Backup(path, taken.replace(tzinfo=UTC)))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def prune(folder: Path, now: datetime) -> list[Path]:
    """Keep the newest ``KEEP_RECENT`` and the newest of each of the last ``KEEP_DAYS`` days."""
    found = backups(folder)
    keep = {b.path for b in found[:KEEP_RECENT]}
    days: set[str] = set()
    for backup in found:
        day = backup.taken_at.date().isoformat()
        if now - backup.taken_at <= timedelta(days=KEEP_DAYS) and day not in days:
            days.add(day)
            keep.add(backup.path)
    removed = [b.path for b in found if b.path not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def latest_good(database: Path) -> Backup | None:
    """The newest backup that passes its check (for the start-up dialog)."""
    for backup in backups(backup_dir(database)):
        if health.check(backup.path).state is health.State.OK:
            return backup
    return None


def set_aside(database: Path, why: str) -> Path:
    """Move the database (and its -wal/-shm files) aside, named with ``why`` and the time; the
    damaged data is kept for whoever wants to look at it."""
    stamp = datetime.now(UTC).strftime(_STAMP)
    aside = database.with_name(f"{database.name}.{why}-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        part = Path(str(database) + suffix)
        if part.exists():
            os.replace(part, Path(str(aside) + suffix))
    return aside


def restore(database: Path, source: Path) -> Path | None:
    """Make ``source`` (a backup) the database. Refuses a file that is not a Paragon database.

    The current database, if any, is set aside (returned), never deleted.
    """
    state = health.check(source, thorough=True)
    if state.state is not health.State.OK:
        if state.state is health.State.MISSING:
            raise BackupError("{source}: no such file.",
                              source=source)
        raise BackupError("{source} cannot be restored: it is not a usable Paragon database. "
                          "{problem}", source=source, problem=health.describe(source, state))
    if database.exists():
        _refuse_if_in_use(database)
    database.parent.mkdir(parents=True, exist_ok=True)
    incoming = database.with_name(database.name + ".restoring")
    _copy(source, incoming)
    aside = set_aside(database, "before-restore") if database.exists() else None
    os.replace(incoming, database)
    return aside


def _refuse_if_in_use(database: Path) -> None:
    """Leaving WAL mode needs the database to itself: while a running app holds a connection it
    fails at once, and so the restore is refused. (It also folds the WAL into the file that is
    set aside, so that file is complete on its own.)"""
    try:
        connection = sqlite3.connect(database, timeout=0)
        try:
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()
        finally:
            connection.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise BackupError("{database} is in use; close Paragon Desktop and restore again.",
                              database=database) \
                from None
        return
    except sqlite3.DatabaseError:
        return  # a damaged database is what a restore replaces
    if mode is None or str(mode[0]).lower() != "delete":
        raise BackupError("{database} is in use; close Paragon Desktop and restore again.",
                          database=database)
