"""a layer's GeoJSON is compressed with LZ4 on PostgreSQL, not pglz (issue 21)

Storing 100,000 points took 138 ms on PostgreSQL against 67 ms on SQLite (``add_layer``); most
of the difference was PostgreSQL compressing the GeoJSON with its default pglz when it moves it
out of the row (TOAST). Measured on that text (14.3 MB): pglz 109 ms to 1.33 MB, LZ4 53 ms to
1.26 MB. Only rows written from now on use LZ4; older ones stay readable as they are.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    # A server built without LZ4 (or before PostgreSQL 14) keeps pglz: slower, not wrong.
    offers_lz4 = bind.exec_driver_sql(
        "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
        "AND 'lz4' = ANY (enumvals)").first()
    if offers_lz4:
        op.execute("ALTER TABLE layer_data ALTER COLUMN geojson SET COMPRESSION lz4")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE layer_data ALTER COLUMN geojson SET COMPRESSION default")
