"""Alembic environment: the engine comes from the caller (storage.migrate), never from an ini.

SQLite changes a table by copying it into a new one and dropping the old ("batch" mode). With
foreign keys enforced, dropping a table that other rows refer to fails, so on SQLite the
migrations run with foreign keys off, inside one explicit transaction (SQLite's DDL is
transactional: a failed upgrade leaves the file as it was), and the keys are checked before the
commit.
"""

from __future__ import annotations

from alembic import context

from paragon_desktop.storage.models import Base

engine = context.config.attributes["engine"]


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()


def _drop_leftovers(connection) -> None:  # type: ignore[no-untyped-def]
    """Copies an interrupted upgrade of an older version left behind (before upgrades were one
    transaction). Only while the original table is still there: then the copy holds nothing new."""
    names = {row[0] for row in connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    for name in names:
        if name.startswith("_alembic_tmp_") and name.removeprefix("_alembic_tmp_") in names:
            connection.exec_driver_sql(f'DROP TABLE "{name}"')


if engine.dialect.name == "sqlite":
    with engine.connect() as base:
        connection = base.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.exec_driver_sql("BEGIN")
        try:
            _drop_leftovers(connection)
            _run(connection)
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"The upgrade would break {len(broken)} references: {broken[:5]}")
            connection.exec_driver_sql("COMMIT")
        except BaseException:
            connection.exec_driver_sql("ROLLBACK")
            raise
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
else:
    with engine.begin() as connection:
        _run(connection)
