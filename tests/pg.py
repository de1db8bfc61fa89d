"""A throwaway PostgreSQL cluster for the tests, on 127.0.0.1, stopped at the end.

PARAGON_TEST_PG_URL (a postgresql+psycopg:// URL of a role that may create databases) uses an
existing server instead. Without either, PostgreSQL tests skip on a developer machine and fail
in CI (CI=true), where they must run.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROLE = "paragon_test"


def _binaries() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL tests must run in CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


class Cluster:
    """A throwaway server this test run controls (stop and start it again, as an outage)."""

    def __init__(self, bindir: Path, base: Path, as_user: list[str], port: int,
                 password: str, settings: dict[str, str] | None = None) -> None:
        self.bindir, self.base, self.as_user, self.port = bindir, base, as_user, port
        self.settings = settings or {}
        self.url = f"postgresql+psycopg://{ROLE}:{password}@127.0.0.1:{port}/postgres"

    def run(self, *args: str) -> None:
        result = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> None:
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.base / "data"),
                 "-l", str(self.base / "server.log"), "-w", "-o",
                 f"-h 127.0.0.1 -p {self.port} -k {self.base} -c fsync=off "
                 "-c full_page_writes=off"
                 + "".join(f" -c {k}={v}" for k, v in self.settings.items()), "start")

    @property
    def postmaster_pid(self) -> int:
        return int((self.base / "data" / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.base / "data"), "-m", "immediate",
                 "stop")


@contextmanager
def cluster(**settings: str) -> Iterator[Cluster]:
    """Start a new cluster on 127.0.0.1 (a free port), with SCRAM passwords; remove it after.
    ``settings`` are server settings (``max_connections="300"``)."""
    bindir = _binaries()
    if bindir is None:
        unavailable("no PostgreSQL server binaries (initdb) on this machine; "
                    "install the postgresql package or set PARAGON_TEST_PG_URL")
    assert bindir is not None
    if bindir.parts[:4] == ("/", "usr", "lib", "postgresql"):
        control = Path("/usr/share/postgresql") / bindir.parent.name / "extension" / "postgis.control"
        if not control.exists():
            unavailable(f"PostGIS is not installed for PostgreSQL {bindir.parent.name} "
                        f"(apt install postgresql-{bindir.parent.name}-postgis-3)")
    # PostgreSQL refuses to run as root: run it as the postgres system user then.
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            import pwd

            owner = pwd.getpwnam("postgres")
        except KeyError:
            unavailable("running as root and there is no 'postgres' system user to run the server")
        as_user = ["runuser", "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="paragon-pg-"))
    base.chmod(0o755)
    if as_user:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    # Passwords are checked (SCRAM), as on a real server: sign-in tests need wrong ones refused.
    password = secrets.token_urlsafe(16)
    pwfile = base / "pwfile"
    pwfile.write_text(password + "\n")
    if as_user:
        os.chown(pwfile, owner.pw_uid, owner.pw_gid)
    result = Cluster(bindir, base, as_user, _free_port(), password, settings)
    result.run(str(bindir / "initdb"), "-D", str(base / "data"), "-U", ROLE,
               "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}",
               "-E", "UTF8", "--no-locale")
    result.start()
    try:
        yield result
    finally:
        try:
            result.stop()
        except RuntimeError:
            pass  # already stopped by the test
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def server() -> Iterator[str]:
    """Yield a server URL (maintenance database ``postgres``)."""
    existing = os.environ.get("PARAGON_TEST_PG_URL")
    if existing:
        yield existing
        return
    with cluster() as running:
        yield running.url


@contextmanager
def database(server_url: str, name: str) -> Iterator[str]:
    """A new empty database ``name`` on the server, dropped afterwards (open connections too)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
