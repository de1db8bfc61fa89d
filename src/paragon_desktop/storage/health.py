"""Is an embedded database file usable? Checked before the app opens it, without changing it.

A laptop that crashed or whose disk filled up can leave a damaged file; a file can also be
empty, not a database at all, or written by a newer version of the app. Each gets its own state,
so the start-up dialog can say what is wrong and offer what a person needs.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from alembic.script import ScriptDirectory

from paragon_desktop.i18n import E_, error_text
from paragon_desktop.storage.migrate import MIGRATIONS

SQLITE_HEADER = b"SQLite format 3\x00"


class State(Enum):
    MISSING = "missing"  # no file: the app creates it
    OK = "ok"
    EMPTY = "empty"  # a file with no Paragon tables (zero bytes, or an empty SQLite file)
    NOT_A_DATABASE = "not a database"
    MALFORMED = "malformed"
    NEWER = "newer"  # written by a newer Paragon Desktop
    FOREIGN = "foreign"  # a SQLite database, but not Paragon's


@dataclass(frozen=True)
class Health:
    state: State
    detail: str = ""

    @property
    def usable(self) -> bool:
        return self.state in (State.MISSING, State.OK)


def _known_revisions() -> set[str]:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def check(path: Path, *, thorough: bool = False) -> Health:
    """The state of the database file at ``path`` (opened read-only; nothing is written).

    ``quick_check`` reads every page but skips the index-content checks of ``integrity_check``;
    ``thorough`` runs the full check (for backups and restores).
    """
    if not path.exists():
        return Health(State.MISSING)
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        return Health(State.NOT_A_DATABASE, str(exc))
    if not header:
        return Health(State.EMPTY, "the file is empty (0 bytes)")
    if header != SQLITE_HEADER:
        return Health(State.NOT_A_DATABASE, "the file does not start like a SQLite database")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return Health(State.MALFORMED, str(exc))
    try:
        connection.text_factory = bytes  # damaged text must not fail to decode
        pragma = "integrity_check" if thorough else "quick_check"
        rows = connection.execute(f"PRAGMA {pragma}(20)").fetchall()
        problems = [row[0].decode("utf-8", "replace") for row in rows]
        if problems != ["ok"]:
            return Health(State.MALFORMED, "; ".join(problems[:3]))
        tables = {row[0].decode() for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return Health(State.EMPTY, "the database holds no tables")
        if "alembic_version" not in tables or "users" not in tables:
            return Health(State.FOREIGN, "the database holds no Paragon tables")
        versions = {row[0].decode() for row in connection.execute(
            "SELECT version_num FROM alembic_version")}
    except sqlite3.DatabaseError as exc:
        return Health(State.MALFORMED, str(exc))
    finally:
        connection.close()
    unknown = versions - _known_revisions()
    if unknown:
        return Health(State.NEWER, f"schema version {', '.join(sorted(unknown))}")
    return Health(State.OK)


def describe(path: Path, health: Health) -> str:
    """One sentence for the start-up dialog and the command line."""
    what = {
        State.EMPTY: E_("The database {path} is empty: it holds no Paragon data."),
        State.NOT_A_DATABASE: E_("The database {path} is not a database (it may have been "
                                 "overwritten by another file)."),
        State.MALFORMED: E_("The database {path} is damaged (a crash or a full disk while it "
                            "was being written?)."),
        State.NEWER: E_("The database {path} was written by a newer version of Paragon "
                        "Desktop; this version cannot open it without risking your data."),
        State.FOREIGN: E_("The database {path} is a database, but not a Paragon Desktop one."),
    }.get(health.state)
    text = (error_text(what).format(path=path) if what
            else f"{path}: {health.state.value}")
    return text + (f" ({health.detail})" if health.detail else "")
