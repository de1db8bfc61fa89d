"""Basemap files with known tiles, written for the tests (MBTiles and PMTiles)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from paragon_desktop.gis.tile_download import tile_xy, tiles_in
from paragon_desktop.services.demo_basemap import png

__all__ = ["AREA", "solid", "tile_xy", "tiles", "write_mbtiles", "write_pmtiles"]

# The demo region and around it.
AREA = (4.00, 51.00, 4.50, 51.40)


def solid(colour: tuple[int, int, int]) -> bytes:
    image = np.empty((256, 256, 3), dtype=np.uint8)
    image[:] = colour
    return png(image)


def tiles(zooms=range(8, 13), area=AREA):
    return tiles_in(area, zooms)


def write_mbtiles(path: Path, colour=(255, 0, 0), *, fmt: str = "png", zooms=range(8, 13),
                  name: str = "Rood", attribution: str = "test tiles") -> Path:
    data = solid(colour) if fmt == "png" else b"\x1a\x08vector"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
                   "tile_data BLOB)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)",
                       [("name", name), ("format", fmt), ("attribution", attribution)])
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                       [(z, x, 2 ** z - 1 - y, data) for z, x, y in tiles(zooms)])
    return path


def write_pmtiles(path: Path, colour=(0, 0, 255), zooms=range(8, 13)) -> Path:
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import Writer

    data = solid(colour)
    entries = sorted((zxy_to_tileid(z, x, y), data) for z, x, y in tiles(zooms))
    with path.open("wb") as handle:
        writer = Writer(handle)
        for tile_id, tile in entries:
            writer.write_tile(tile_id, tile)
        west, south, east, north = AREA
        writer.finalize({
            "tile_type": TileType.PNG, "tile_compression": Compression.NONE,
            "min_zoom": zooms[0], "max_zoom": zooms[-1],
            "min_lon_e7": int(west * 1e7), "min_lat_e7": int(south * 1e7),
            "max_lon_e7": int(east * 1e7), "max_lat_e7": int(north * 1e7),
            "center_zoom": zooms[0], "center_lon_e7": int((west + east) / 2 * 1e7),
            "center_lat_e7": int((south + north) / 2 * 1e7)},
            {"name": "Blauw", "attribution": "test tiles"})
    return path
