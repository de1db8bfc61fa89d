"""the QGIS table of layer features is filled after an import, not inside it (issue 21)

``layer_features`` (one PostGIS row per feature, for QGIS; the app's map reads ``layer_data``)
was filled by a trigger inside the import's transaction: for 100,000 points 1.55 s of the
1.7 s an import took on PostgreSQL (0.07 s on SQLite). Now the trigger only queues the layer in
``layer_features_pending``; ``paragon_fill_layer_features()`` fills what is queued, one layer per
statement, each layer at most once at a time (the queue row is locked, a second caller skips it).
The app calls it right after an import, off the window's thread, and when a case opens (a crash
between the two leaves the layer queued, not lost); the CLI before it returns. Users may call it
(it only derives rows from stored data, as the trigger did); they cannot write the queue.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

APP_ROLE = 'paragon_user'

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION paragon_layer_features() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO layer_features_pending (layer_id, queued_at) VALUES (NEW.layer_id, now())
    ON CONFLICT (layer_id) DO UPDATE SET queued_at = now();
    RETURN NULL;
END $$;

-- Fill the queued layers (all, or one): returns how many layers were filled.
CREATE FUNCTION paragon_fill_layer_features(target integer DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE queued integer;
DECLARE filled integer := 0;
BEGIN
    FOR queued IN
        SELECT layer_id FROM layer_features_pending
        WHERE target IS NULL OR layer_id = target
        ORDER BY queued_at FOR UPDATE SKIP LOCKED
    LOOP
        DELETE FROM layer_features WHERE layer_id = queued;
        INSERT INTO layer_features (layer_id, feature_index, properties, geom)
        SELECT d.layer_id, f.ordinality - 1,
               coalesce(f.value -> 'properties', '{}'::jsonb) - '_style',
               ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(f.value -> 'geometry')), 4326)
        FROM layer_data d,
             jsonb_array_elements(d.geojson::jsonb -> 'features') WITH ORDINALITY AS f
        WHERE d.layer_id = queued AND jsonb_typeof(f.value -> 'geometry') = 'object';
        DELETE FROM layer_features_pending WHERE layer_id = queued;
        filled := filled + 1;
    END LOOP;
    RETURN filled;
END $$;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("CREATE TABLE layer_features_pending ("
               "layer_id integer PRIMARY KEY REFERENCES layers (id) ON DELETE CASCADE, "
               "queued_at timestamptz NOT NULL DEFAULT now())")
    op.execute(FUNCTIONS)
    op.execute("REVOKE EXECUTE ON FUNCTION paragon_fill_layer_features(integer) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION paragon_fill_layer_features(integer) TO {APP_ROLE}")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        raise NotImplementedError(
            "Migration 0017 is not undone on PostgreSQL: restore a backup taken before it.")
