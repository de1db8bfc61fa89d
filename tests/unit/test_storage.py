from datetime import datetime

import pytest
from sqlalchemy import inspect, select, text

from paragon_desktop.domain.errors import ValidationError
from paragon_desktop.storage.db import Database, normalise_url
from paragon_desktop.storage.migrate import needs_upgrade, upgrade
from paragon_desktop.storage.models import (
    POSTGRESQL_ONLY_COLUMNS,
    POSTGRESQL_ONLY_TABLES,
    Anchor,
    Base,
    Tombstone,
)
from paragon_desktop.storage.revisions import current_revision, remove


def test_migrations_create_exactly_the_model_schema(fresh_url):
    db = Database.open(fresh_url)
    assert needs_upgrade(db.engine)
    upgrade(db.engine)
    assert not needs_upgrade(db.engine)
    inspector = inspect(db.engine)
    # spatial_ref_sys belongs to the PostGIS extension, not to our schema.
    tables = set(inspector.get_table_names()) - {"alembic_version", "spatial_ref_sys"}
    tables -= POSTGRESQL_ONLY_TABLES
    assert tables == set(Base.metadata.tables)
    for name, table in Base.metadata.tables.items():
        columns = {c["name"] for c in inspector.get_columns(name)}
        if db.engine.dialect.name == "postgresql":
            columns -= POSTGRESQL_ONLY_COLUMNS.get(name, set())
        assert columns == {c.name for c in table.columns}, name
    db.dispose()


def test_embedded_database_uses_wal_and_foreign_keys(tmp_path):
    db = Database.open(tmp_path / "embedded.db")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    db.dispose()


def _anchor(name: str) -> Anchor:
    return Anchor(name=name, geometry_geojson='{"type":"Point","coordinates":[4.3,51.2]}')


def test_one_revision_per_transaction_stamped_on_every_written_row(empty_db):
    with empty_db.sessions.begin() as session:
        a, b = _anchor("a"), _anchor("b")
        session.add_all([a, b])
        session.flush()
        session.add(_anchor("c"))
    with empty_db.sessions() as session:
        revisions = set(session.scalars(select(Anchor.revision)))
        assert revisions == {1}
        assert current_revision(session) == 1
    with empty_db.sessions.begin() as session:
        row = session.scalars(select(Anchor).where(Anchor.name == "a")).one()
        row.description = "changed"
    with empty_db.sessions() as session:
        by_name = dict(session.execute(select(Anchor.name, Anchor.revision)).all())
    assert by_name == {"a": 2, "b": 1, "c": 1}


def test_a_transaction_that_writes_nothing_takes_no_revision(empty_db):
    with empty_db.sessions.begin() as session:
        session.add(_anchor("a"))
    with empty_db.sessions.begin() as session:
        row = session.scalars(select(Anchor)).one()
        row.name = "a"  # same value: not a change
    with empty_db.sessions() as session:
        assert current_revision(session) == 1


def test_deleting_a_row_leaves_a_tombstone_with_the_new_revision(empty_db):
    with empty_db.sessions.begin() as session:
        session.add(_anchor("gone soon"))
    with empty_db.sessions.begin() as session:
        remove(session, session.scalars(select(Anchor)).one())
    with empty_db.sessions() as session:
        stone = session.scalars(select(Tombstone)).one()
        assert (stone.table_name, stone.revision) == ("anchors", 2)


def test_rolled_back_transaction_does_not_leak_its_revision(empty_db):
    session = empty_db.sessions()
    session.begin()
    session.add(_anchor("x"))
    session.flush()
    session.rollback()
    session.close()
    with empty_db.sessions.begin() as session:
        session.add(_anchor("y"))
    with empty_db.sessions() as session:
        assert session.scalars(select(Anchor.revision)).one() == 1


def test_engine_factory_takes_sqlite_paths_and_postgresql_urls(tmp_path):
    assert normalise_url(tmp_path / "a.db").drivername == "sqlite"
    assert normalise_url(f"sqlite:///{tmp_path}/b.db").database == f"{tmp_path}/b.db"
    pg = normalise_url("postgresql://paragon@db.example/crisis")
    assert pg.drivername == "postgresql+psycopg"
    assert (pg.host, pg.database) == ("db.example", "crisis")
    with pytest.raises(ValidationError, match="Unsupported database 'mysql'"):
        normalise_url("mysql://x@y/z")
    with pytest.raises(ValidationError, match="psycopg"):
        normalise_url("postgresql+psycopg2://x@y/z")


def test_postgresql_engine_is_built_without_connecting():
    db = Database.open("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert db.engine.dialect.name == "postgresql"
    assert db.engine.dialect.driver == "psycopg"
    assert "nobody" in db.display_url
    db.dispose()


def test_timestamps_come_back_as_the_same_instant(empty_db):
    from zoneinfo import ZoneInfo

    from paragon_desktop.storage.models import AuditEvent

    brussels = datetime(2026, 11, 19, 9, 2, tzinfo=ZoneInfo("Europe/Brussels"))
    with empty_db.sessions.begin() as session:
        session.add(AuditEvent(at=brussels, action="test"))
    with empty_db.sessions() as session:
        stored = session.scalars(select(AuditEvent.at)).one()
    assert stored == brussels
    assert stored.tzinfo is not None
    assert stored.hour == 8  # 09:02 in Brussels (CET) is 08:02 UTC


def test_naive_timestamps_are_refused(empty_db):
    from sqlalchemy.exc import StatementError

    from paragon_desktop.storage.models import AuditEvent

    with pytest.raises(StatementError, match="naive datetime"), empty_db.sessions.begin() as s:
        s.add(AuditEvent(at=datetime(2026, 11, 19, 9, 2), action="test"))


def test_a_filled_embedded_database_of_an_older_version_upgrades_without_losing_rows(tmp_path):
    """Bug: upgrading a SQLite database with rows failed in the batch migrations ("FOREIGN KEY
    constraint failed" on DROP TABLE) and left a half-migrated file behind."""
    from alembic import command

    from paragon_desktop.storage.migrate import alembic_config

    db = Database.open(tmp_path / "old.db")
    command.upgrade(alembic_config(db.engine), "0001")
    with db.engine.begin() as connection:
        for statement in (
            "INSERT INTO organisations (id, name, kind, crisis_roles, revision) "
            "VALUES (1, 'Gemeente A', 'municipality', '', 1)",
            "INSERT INTO users (id, username, display_name, password_hash, case_access_level, "
            "active, revision) VALUES (1, 'a', 'A', 'x', 'agent', 1, 1)",
            "INSERT INTO cases (id, name, name_suffix, category, access, case_type, location_name, "
            "location_geojson, occurred_at, description, status, created_by_id, organisation_id, "
            "created_at, revision) VALUES (1, 'Incident - Brand - A', '', 'incident', 'public', "
            "'Brand', 'A', '{\"type\":\"Point\",\"coordinates\":[4,51]}', '2026-11-01 10:00:00', "
            "'', 'open', 1, 1, '2026-11-01 10:00:00', 1)",
            "INSERT INTO feeds (id, case_id, name, kind, position, revision) "
            "VALUES (1, 1, 'Multi', 'multi', 0, 1)",
            "INSERT INTO messages (id, case_id, feed_id, author_id, crisis_role, created_at, text, "
            "tags, revision) VALUES (1, 1, 1, 1, 'observer', '2026-11-01 10:05:00', 'Hallo', '', 1)",
            "INSERT INTO case_shares (id, case_id, organisation_id, reason, revision) "
            "VALUES (1, 1, 1, 'competent', 1)",
            # What the failed upgrade of an earlier version left behind.
            "CREATE TABLE _alembic_tmp_messages (id INTEGER PRIMARY KEY)",
        ):
            connection.execute(text(statement))
    upgrade(db.engine)
    assert not needs_upgrade(db.engine)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT text FROM messages")).scalar() == "Hallo"
        assert connection.execute(text("SELECT location_kind FROM cases")).scalar() == "point"
        assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
        tables = {r[0] for r in connection.execute(text("SELECT name FROM sqlite_master"))}
    assert not any(name.startswith("_alembic_tmp") for name in tables)
    db.dispose()
