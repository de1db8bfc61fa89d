"""A throwaway PostgreSQL cluster for the tests, on 127.0.0.1, stopped at the end.

PARAGON_TEST_PG_URL (a postgresql+psycopg:// URL of a role that may create databases) uses an
existing server instead. Without either, PostgreSQL tests skip on a developer machine and fail
in CI (CI=true), where they must run.
"""

from __future__ import annotations

import glob
import os
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


@contextmanager
def server() -> Iterator[str]:
    """Yield a server URL (maintenance database ``postgres``)."""
    existing = os.environ.get("PARAGON_TEST_PG_URL")
    if existing:
        yield existing
        return
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
    data = base / "data"
    if as_user:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    port = _free_port()

    def run(*args: str) -> None:
        result = subprocess.run([*as_user, *args], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")

    run(str(bindir / "initdb"), "-D", str(data), "-U", ROLE, "--auth=trust", "-E", "UTF8",
        "--no-locale")
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w",
        "-o", f"-h 127.0.0.1 -p {port} -k {base} -c fsync=off -c full_page_writes=off", "start")
    try:
        yield f"postgresql+psycopg://{ROLE}@127.0.0.1:{port}/postgres"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(base, ignore_errors=True)
