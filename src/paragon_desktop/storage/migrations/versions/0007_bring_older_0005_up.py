"""Bring databases migrated by an earlier text of 0005 to what 0005 finally says

Migration 0005 was edited four times after databases could have run it (a released migration is
never edited again; tests/unit/test_migration_manifest.py now holds every released file to its
hash). A database stamped 0005 by an earlier text lacks what the later texts added:

- on both backends: ON DELETE CASCADE / SET NULL on the references to layers (removing a layer
  failed or left rows), and the indexes on case_shares.organisation_id and cases.created_by_id;
- on PostgreSQL: the policy functions computing the user once per query, the correlated EXISTS
  policies of attachments and acknowledgements, paragon_may_join without "coordinators may add
  anyone", and paragon_astrid_holder (without which 0006 could not even run; storage/migrate.py
  creates it before 0006 for such databases).

Everything here is idempotent and compares what is there: on a database made by the final 0005
it changes nothing. Functions and policies that 0006 replaced or dropped are left as 0006 left
them.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Replaced by 0006 (point lookups): not to be set back to 0005's text.
REPLACED_BY_0006 = ('paragon_writes_case(', 'paragon_coordinates(', 'paragon_writes_feed(')
INDEXES = (('ix_case_shares_organisation_id', 'case_shares', 'organisation_id'),
           ('ix_cases_created_by_id', 'cases', 'created_by_id'))


def _released(filename: str, name: str):
    """A released migration's module (its definitions are what this migration restores)."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(filename))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def final_0005():
    return _released('0005_shared_server.py', 'paragon_migration_0005')


def dropped_by_0006() -> set[tuple[str, str]]:
    """0005's policies that 0006 dropped on purpose (deletes through paragon_delete(), audit and
    tombstones written by the server only)."""
    m = _released('0006_server_write_path.py', 'paragon_migration_0006')
    return ({(table, 'paragon_delete') for table in m.DELETABLE}
            | {('audit_events', 'paragon_insert'), ('tombstones', 'paragon_insert')})


def _functions(m) -> list[str]:
    """0005's CREATE FUNCTION statements, as CREATE OR REPLACE, minus those 0006 replaced."""
    parts = m.FUNCTIONS.split('CREATE FUNCTION ')[1:]
    return ['CREATE OR REPLACE FUNCTION ' + part.rstrip().rstrip(';') + ';' for part in parts
            if not part.startswith(REPLACED_BY_0006)]


def _layer_references(bind) -> None:
    m = final_0005()
    rules = {'CASCADE': ('CASCADE', 'c'), 'SET NULL': ('SET NULL', 'n')}
    for table, action in m.LAYER_REFERENCES:
        name = f"fk_{table}_layer_id_layers"
        if bind.dialect.name == 'postgresql':
            current = bind.execute(sa.text(
                "SELECT confdeltype FROM pg_constraint WHERE conname = :name"), {'name': name}).scalar()
            if current == rules[action][1]:
                continue
        else:
            keys = bind.exec_driver_sql(f"PRAGMA foreign_key_list({table})").fetchall()
            # (id, seq, table, from, to, on_update, on_delete, match)
            if any(k[2] == 'layers' and k[3] == 'layer_id' and k[6] == rules[action][0] for k in keys):
                continue
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(name, type_='foreignkey')
            batch_op.create_foreign_key(name, 'layers', ['layer_id'], ['id'], ondelete=action)


def _postgresql(bind) -> None:
    m = final_0005()
    for statement in _functions(m):
        op.execute(statement)
    dropped = dropped_by_0006()
    for table, command, using, check in m.POLICIES:
        name = f"paragon_{command.lower()}"
        if (table, name) in dropped:
            continue
        clauses = f" USING ({using})" if using else ""
        clauses += f" WITH CHECK ({check})" if check else ""
        op.execute(f"DROP POLICY IF EXISTS {name} ON {table}")
        op.execute(f"CREATE POLICY {name} ON {table} FOR {command} TO {m.APP_ROLE}{clauses}")


def upgrade() -> None:
    bind = op.get_bind()
    _layer_references(bind)
    for name, table, column in INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})")
    if bind.dialect.name == 'postgresql':
        _postgresql(bind)


def downgrade() -> None:
    # Nothing to undo: 0007 only brings a database to what 0005 and 0006 already describe.
    pass
