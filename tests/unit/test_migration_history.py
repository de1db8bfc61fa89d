"""Released migrations are never edited, and databases made by earlier texts catch up.

0005 was edited four times after databases could have run it; those databases never got the
later changes (a PostgreSQL one at the first text could not even run 0006). The four earlier
texts are kept in tests/data/migrations; a database made by each, then upgraded by this app,
must have exactly the schema of a database made by the final migrations.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from paragon_desktop.storage.db import Database
from paragon_desktop.storage.migrate import MIGRATIONS, upgrade
from tests import pg

VERSIONS = MIGRATIONS / "versions"
MANIFEST = MIGRATIONS / "released.json"
OLD_0005 = sorted((Path(__file__).parents[1] / "data" / "migrations").glob("0005_shared_server.*.py"))


def test_a_released_migration_is_never_edited():
    released = json.loads(MANIFEST.read_text())
    files = sorted(p.name for p in VERSIONS.glob("*.py"))
    assert files == sorted(released), "add a new migration to released.json when it lands"
    for name, digest in released.items():
        actual = hashlib.sha256((VERSIONS / name).read_bytes()).hexdigest()
        assert actual == digest, f"{name} was released and has been edited; write a new migration"


CATALOG = {
    "functions": "SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', "
                 "pg_get_functiondef(p.oid) || coalesce(p.proacl::text, '') FROM pg_proc p "
                 "WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'paragon%'",
    "policies": "SELECT tablename || '.' || policyname, cmd || ' ' || coalesce(qual, '') || "
                "' CHECK ' || coalesce(with_check, '') || roles::text FROM pg_policies",
    "indexes": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "constraints": "SELECT conrelid::regclass || '.' || conname, pg_get_constraintdef(oid) "
                   "FROM pg_constraint WHERE connamespace = 'public'::regnamespace",
    "triggers": "SELECT tgrelid::regclass || '.' || tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE NOT tgisinternal",
    "grants": "SELECT table_name || ' ' || grantee, string_agg(privilege_type, ',' ORDER BY "
              "privilege_type) FROM information_schema.role_table_grants GROUP BY 1",
    "column_grants": "SELECT table_name || '.' || column_name || ' ' || grantee, "
                     "string_agg(privilege_type, ',' ORDER BY privilege_type) "
                     "FROM information_schema.column_privileges WHERE grantee = 'paragon_user' "
                     "GROUP BY 1",
    "row_security": "SELECT relname, relrowsecurity::text FROM pg_class "
                    "WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'",
    "columns": "SELECT table_name || '.' || column_name, data_type || ' ' || is_nullable || ' ' "
               "|| coalesce(column_default, '') FROM information_schema.columns "
               "WHERE table_schema = 'public'",
}


def schema(url: str) -> dict:
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            # Batch mode rewrites tables: the order of their lines is not the schema.
            return {name: sorted(line.strip().rstrip(",") for line in (sql or "").splitlines())
                    for name, sql in connection.execute(
                        "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
        finally:
            connection.close()
    engine = create_engine(url)
    with engine.connect() as connection:
        found = {kind: dict(connection.execute(text(query)).all()) for kind, query in CATALOG.items()}
    engine.dispose()
    return found


def made_by_an_older_app(url: str, old_0005: Path, tmp_path: Path) -> None:
    scripts = tmp_path / "migrations"
    later = [p.name for p in (MIGRATIONS / "versions").glob("0*.py") if p.name[:4] > "0005"]
    shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__", *later,
                                                                         "released.json"))
    shutil.copy(old_0005, scripts / "versions" / "0005_shared_server.py")
    db = Database.open(url)
    config = Config()
    config.set_main_option("script_location", str(scripts))
    config.attributes["engine"] = db.engine
    command.upgrade(config, "0005")
    db.dispose()


@pytest.fixture
def second_url(backend, request, tmp_path):
    """A second empty database: the reference made by this app's migrations alone."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'reference.db'}"
        return
    server = request.getfixturevalue("pg_server")
    with pg.database(server, f"paragon_reference_{uuid.uuid4().hex[:12]}") as url:
        yield url


@pytest.mark.parametrize("old_0005", OLD_0005, ids=lambda p: p.name.split(".")[1])
def test_a_database_made_by_an_earlier_0005_catches_up(fresh_url, second_url, old_0005, tmp_path):
    made_by_an_older_app(fresh_url, old_0005, tmp_path)
    older = Database.open(fresh_url)
    upgrade(older.engine)  # this app opens it
    older.dispose()
    reference = Database.open(second_url)
    upgrade(reference.engine)
    reference.dispose()
    assert schema(fresh_url) == schema(second_url)


def test_the_earlier_texts_really_differ(tmp_path):
    """The catch-up is needed: without 0007 an earlier text's SQLite schema lacks the cascades."""
    final = (VERSIONS / "0005_shared_server.py").read_text()
    assert all(path.read_text() != final for path in OLD_0005)
    assert len(OLD_0005) == 4
