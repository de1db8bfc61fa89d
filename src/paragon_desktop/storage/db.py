"""Engine and session factory for the embedded SQLite database or a PostgreSQL server."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import psycopg.errors
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from paragon_desktop.domain.errors import (
    CredentialsRefused,
    SignInError,
    StorageFull,
    ValidationError,
)
from paragon_desktop.storage import revisions


def normalise_url(value: str | Path) -> URL:
    """Accept a SQLAlchemy URL, a plain file path, or a postgresql:// URL (psycopg 3 driver)."""
    text = str(value)
    if "://" not in text:
        return make_url(f"sqlite:///{Path(text).expanduser().resolve()}")
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise ValidationError("Not a database address: {text!r} ({exc}).",
                              text=text, exc=exc) from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValidationError(
            "Unsupported database {backend!r}: use sqlite:///PATH or "
            "postgresql+psycopg://HOST/DB.",
            backend=url.get_backend_name()
        )
    if url.get_backend_name() == "postgresql" and url.drivername != "postgresql+psycopg":
        raise ValidationError("Use the psycopg driver: postgresql+psycopg://HOST/DB.")
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _private_file(path: Path) -> None:
    """The embedded database is readable by its owner only (SQLite gives its -wal and -shm files
    the database file's mode); an existing file loses any group and other rights."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        path.chmod(mode & 0o700)


def _disk_full(context: Any) -> BaseException | None:
    """A full disk, said so a person can act on it, in place of the driver's error."""
    original = context.original_exception
    text = str(original)
    if isinstance(original, sqlite3.OperationalError) and (
            "database or disk is full" in text or "disk I/O error" in text):
        return StorageFull(
            "The disk is full: this could not be stored. Nothing was half-written and what you "
            "typed is kept. Free some disk space (or move old files off this computer) and try "
            "again.")
    if isinstance(original, psycopg.errors.DiskFull):
        return StorageFull(
            "The database server's disk is full: this could not be stored. Nothing was "
            "half-written and what you typed is kept. Ask the server's administrator to free "
            "space, then try again.")
    return None


def create_db_engine(value: str | Path | URL) -> Engine:
    url = value if isinstance(value, URL) else normalise_url(value)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:":
            _private_file(Path(database))
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "handle_error", _disk_full)
        return engine
    # A server that does not answer must not hang a worker (or the sign-in) for minutes.
    engine = create_engine(url, pool_pre_ping=True, pool_size=4, max_overflow=4,
                           connect_args={"connect_timeout": 5})
    event.listen(engine, "handle_error", _disk_full)
    return engine


@dataclass
class Database:
    """An engine plus the session factory that stamps revisions."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(cls, value: str | Path | URL) -> Database:
        engine = create_db_engine(value)
        factory = sessionmaker(engine, expire_on_commit=False)
        revisions.install(factory)
        return cls(engine, factory)

    @classmethod
    def open_login(cls, url: URL, username: str, password: str) -> Database:
        """Connect to PostgreSQL as a user's own login role; the server checks the password.

        Refusals are worded for the person signing in: a wrong name or password does not say
        which, an unreachable server says where it was looked for.
        """
        db = cls.open(url.set(username=username.strip(), password=password))
        try:
            with db.engine.connect():
                pass
        except OperationalError as exc:
            db.dispose()
            reason = str(exc.orig)
            if "authentication failed" in reason or "does not exist" in reason and "role" in reason:
                raise CredentialsRefused from None
            raise SignInError(
                "Cannot reach the database server {host}:{port} ({reason}).",
                host=url.host or "localhost", port=url.port or 5432,
                reason=reason.strip().splitlines()[0] if reason.strip() else "no answer") from None
        return db

    @property
    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()


def is_connection_lost(exc: BaseException) -> bool:
    """Whether a failure means the database server went away (as opposed to a refusal).
    The embedded database has no connection to lose: its errors are refusals."""
    if isinstance(exc, DBAPIError) and isinstance(exc.orig, sqlite3.Error):
        return False
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or isinstance(exc, OperationalError)
    return isinstance(exc, psycopg.OperationalError)
