"""Hostile GeoPackages, generated because they are large or slow to write by hand.

Each is a valid GeoPackage that GDAL opens; what makes it hostile is inside: a layer that is a
view over a query that never ends, a view whose rows take gigabytes, thousands of layers.
The small hostile and awkward files are kept as they are in ``tests/data/hostile``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pyogrio
import shapely


def _base(path: Path, layer: str = "punten") -> Path:
    geoms = shapely.to_wkb(np.array([shapely.Point(4.28, 51.27), shapely.Point(4.29, 51.27)]))
    pyogrio.raw.write(path, geoms, [np.array(["a", "b"], dtype=object)], ["naam"],
                      driver="GPKG", geometry_type="Point", crs="EPSG:4326", layer=layer)
    return path


def _register_view(db: sqlite3.Connection, view: str) -> None:
    db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
               "VALUES (?, 'features', ?, 4326)", (view, view))
    db.execute("INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, "
               "srs_id, z, m) VALUES (?, 'geom', 'POINT', 4326, 0, 0)", (view,))


def endless_view(path: Path) -> Path:
    """A layer that is a view over a recursive query without end (100 % CPU, forever)."""
    _base(path)
    db = sqlite3.connect(path)
    db.execute("DELETE FROM gpkg_contents")
    db.execute("DELETE FROM gpkg_geometry_columns")
    db.execute("""CREATE VIEW eindeloos AS
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)
        SELECT i AS fid, (SELECT geom FROM punten LIMIT 1) AS geom FROM n WHERE i < 0""")
    _register_view(db, "eindeloos")
    db.commit()
    db.close()
    return path


def greedy_view(path: Path, rows: int = 4_000) -> Path:
    """A small file whose one layer is a view of thousands of rows of a megabyte each."""
    _base(path)
    db = sqlite3.connect(path)
    db.execute("DELETE FROM gpkg_contents")
    db.execute("DELETE FROM gpkg_geometry_columns")
    db.execute(f"""CREATE VIEW veel AS
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
        SELECT i AS fid, (SELECT geom FROM punten LIMIT 1) AS geom,
               CAST(printf('%.*c', 1000000, 'x') AS TEXT) AS ballast
        FROM n""")
    _register_view(db, "veel")
    db.commit()
    db.close()
    return path


def many_layers(path: Path, layers: int = 3000) -> Path:
    """A GeoPackage with thousands of (tiny) point layers."""
    _base(path, "laag0")
    db = sqlite3.connect(path)
    for i in range(1, layers):
        name = f"laag{i}"
        db.execute(f'CREATE TABLE "{name}" AS SELECT * FROM laag0')
        db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                   "VALUES (?, 'features', ?, 4326)", (name, name))
        db.execute("INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name,"
                   " srs_id, z, m) VALUES (?, 'geom', 'POINT', 4326, 0, 0)", (name,))
    db.commit()
    db.close()
    return path
