"""A layer's GeoJSON text in and out of ``layer_data`` as UTF-8, without the window waiting.

A million points are 130 MB of text. Bound as one parameter, the ``sqlite3`` module copies it
with Python's lock held (80-90 ms) and reads it back the same way (decoding a ``str``: 120 ms),
and the window's thread, which needs that lock for every Python slot, stands still meanwhile.
On SQLite big texts go through SQLite's incremental blob I/O instead, a megabyte at a time,
each piece copied with the lock let go: the row is made with a ``zeroblob`` of the right size,
filled, and turned into TEXT by SQLite itself (``CAST``, inside one statement, also without the
lock); reading copies the pieces into one anonymous memory map. On PostgreSQL a text comes as its
UTF-8 in 1 MB rows cut by the server and streamed one row at a time (psycopg's single-row mode):
read as one value, libpq and psycopg hold the lock while they take in 130 MB (100-400 ms);
in pieces, never more than a few ms. A text of ``BIG_ON_SERVER`` or more is stored there the
same way round: its pieces are copied into a temporary table (``COPY``, binary, uncompressed)
and joined into the row by the server in one statement (bound as one value: ~100 ms of lock).
"""

from __future__ import annotations

import mmap
import sqlite3
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, literal_column, select, text
from sqlalchemy.orm import Session

from paragon_desktop.storage.models import LayerData

PIECE = 1 << 20
BIG = 1 << 20  # below this the ordinary bind costs a millisecond or two
# On PostgreSQL joining the pieces on the server costs more than binding the whole (a million
# points: 1.2 → 1.7 s); below this the bind holds the lock for under ~12 ms.
BIG_ON_SERVER = 16 << 20


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _driver(session: Session) -> sqlite3.Connection:
    raw = session.connection().connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _rowid(session: Session, layer_id: int) -> int:
    return int(session.execute(text("SELECT rowid FROM layer_data WHERE layer_id = :id"),
                               {"id": layer_id}).scalar_one())


def add(session: Session, layer_id: int, geojson: str | None,
        utf8: bytes | memoryview | None) -> None:
    """Insert the layer's ``layer_data`` row with the text (given as ``str``, as UTF-8, or
    both)."""
    if utf8 is not None and len(utf8) >= BIG and _sqlite(session):
        data = memoryview(utf8)
        session.add(LayerData(layer_id=layer_id, geojson=func.zeroblob(len(data))))
        session.flush()
        with _driver(session).blobopen("layer_data", "geojson", _rowid(session, layer_id)) as blob:
            for start in range(0, len(data), PIECE):
                blob.write(data[start:start + PIECE])
        session.execute(text("UPDATE layer_data SET geojson = CAST(geojson AS TEXT) "
                             "WHERE layer_id = :id"), {"id": layer_id})
        return
    if utf8 is not None and len(utf8) >= BIG_ON_SERVER and not _sqlite(session):
        _add_pieces(session, layer_id, memoryview(utf8))
        return
    if geojson is None:
        assert utf8 is not None
        geojson = str(utf8, "utf-8")
    session.add(LayerData(layer_id=layer_id, geojson=geojson))


def read_utf8(session: Session, layer_ids: Collection[int]) -> dict[int, bytes | memoryview]:
    """The texts of those layers, as UTF-8 (the map page's form)."""
    if not layer_ids:
        return {}
    if not _sqlite(session):
        return _read_pieces(session, layer_ids)
    rows: list[Any] = list(session.execute(
        select(LayerData.layer_id, literal_column("rowid"))
        .where(LayerData.layer_id.in_(layer_ids))))
    raw = _driver(session)
    out: dict[int, bytes | memoryview] = {}
    for layer_id, rowid in rows:
        with raw.blobopen("layer_data", "geojson", rowid, readonly=True) as blob:
            size = len(blob)
            if size < BIG:
                out[layer_id] = blob.read()
                continue
            buffer = mmap.mmap(-1, size)
            for start in range(0, size, PIECE):
                buffer[start:start + PIECE] = blob.read(PIECE)
        out[layer_id] = memoryview(buffer)
    return out


# The layers' texts as UTF-8, cut into pieces by the server: each is detoasted and converted once
# (the CTE is materialised, so the planner cannot compute it again for each piece).
PIECES = """
WITH texts AS MATERIALIZED (
    SELECT layer_id, convert_to(geojson, 'UTF8') AS utf8 FROM layer_data
    WHERE layer_id = ANY(%(ids)s))
SELECT layer_id, length(utf8), start, substring(utf8 FROM start FOR %(piece)s)
FROM texts, generate_series(1, greatest(length(utf8), 1), %(piece)s) AS start
ORDER BY layer_id, start
"""


def _add_pieces(session: Session, layer_id: int, data: memoryview) -> None:
    """The row made by the server from the text's pieces (the temporary table is this
    connection's own and empties when the transaction ends, committed or not)."""
    session.flush()  # the layer's row first
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS paragon_text_pieces "
                       "(n integer, piece bytea) ON COMMIT DELETE ROWS")
        # Not compressed on the way (pglz, the default, took a second for 130 MB).
        cursor.execute("ALTER TABLE paragon_text_pieces ALTER piece SET STORAGE EXTERNAL")
        with cursor.copy("COPY paragon_text_pieces (n, piece) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int4", "bytea"])
            for n, start in enumerate(range(0, len(data), PIECE)):
                copy.write_row((n, data[start:start + PIECE]))
        cursor.execute(
            "INSERT INTO layer_data (layer_id, geojson, revision) SELECT %s, "
            "convert_from(string_agg(piece, ''::bytea ORDER BY n), 'UTF8'), 0 "
            "FROM paragon_text_pieces", [layer_id])


def _read_pieces(session: Session, layer_ids: Collection[int]) -> dict[int, bytes | memoryview]:
    raw = session.connection().connection.driver_connection
    assert raw is not None
    out: dict[int, bytes | memoryview] = {}
    buffer: mmap.mmap | None = None
    with raw.cursor(binary=True) as cursor:
        for layer_id, size, start, piece in cursor.stream(
                PIECES, {"ids": list(layer_ids), "piece": PIECE}):
            if size <= PIECE:
                out[layer_id] = piece
                continue
            if start == 1:
                buffer = mmap.mmap(-1, size)
                out[layer_id] = memoryview(buffer)
            assert buffer is not None
            buffer[start - 1:start - 1 + len(piece)] = piece
    return out
