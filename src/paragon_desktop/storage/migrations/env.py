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
    _before_0006(connection)
    context.run_migrations()


def _before_0006(connection) -> None:  # type: ignore[no-untyped-def]
    """A PostgreSQL database stamped 0005 by its first text lacks paragon_astrid_holder(), which
    0006 grants and uses: 0006 could not run. Released migrations are never edited, so the
    function (as the final 0005 defines it) is created here, before 0006; 0007 brings the rest."""
    if connection.dialect.name != "postgresql":
        return
    if set(context.get_context().get_current_heads()) != {"0005"}:
        return
    if connection.exec_driver_sql(
            "SELECT to_regprocedure('paragon_astrid_holder(text, integer)')").scalar() is not None:
        return
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parent / "versions" / "0005_shared_server.py"
    spec = importlib.util.spec_from_file_location("paragon_migration_0005", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    definition = next(part for part in module.FUNCTIONS.split("CREATE FUNCTION ")
                      if part.startswith("paragon_astrid_holder("))
    connection.exec_driver_sql("CREATE FUNCTION " + definition.rstrip().rstrip(";"))


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
