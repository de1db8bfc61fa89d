"""The demo's offline basemap: raster tiles of its fictional Waasland region, drawn here (fields,
the river, the towns and the roads between them), so the first screen after `make run` shows a
map and not grey. Nothing is taken from elsewhere: there is nothing to license.

Written as an MBTiles file (zoom 9-13, PNG) in about a second, with numpy and zlib only."""

from __future__ import annotations

import math
import sqlite3
import struct
import zlib
from pathlib import Path

import numpy as np

from paragon_desktop.gis.basemaps import Basemap, BasemapStore
from paragon_desktop.gis.tile_download import tiles_in
from paragon_desktop.services import demo_data

ZOOMS = range(9, 14)  # Leaflet enlarges zoom 13 beyond; zoom 14 alone took 5 s to draw
MARGIN = 0.03
LAND = (242, 239, 233)
FIELD = (221, 234, 203)
TOWN = (226, 219, 212)
WATER = (170, 211, 223)
ROAD = (255, 255, 255)
ROAD_EDGE = (205, 200, 192)


def _extent() -> tuple[float, float, float, float]:
    cols, rows = demo_data.MUNICIPALITY_COLUMNS, demo_data.MUNICIPALITY_ROWS
    return cols[0] - MARGIN, rows[0] - MARGIN, cols[-1] + MARGIN, rows[-1] + MARGIN


def _towns() -> list[tuple[float, float]]:
    cols, rows = demo_data.MUNICIPALITY_COLUMNS, demo_data.MUNICIPALITY_ROWS
    return [((cols[c] + cols[c + 1]) / 2, (rows[r] + rows[r + 1]) / 2)
            for _name, c, r in demo_data.MUNICIPALITIES]


def _pixels(zoom: int, x: int, y: int) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude of each pixel centre of a tile."""
    n = 2 ** zoom * 256
    px = (x * 256 + np.arange(256) + 0.5) / n
    py = (y * 256 + np.arange(256) + 0.5) / n
    lon = px * 360 - 180
    lat = np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * py))))
    return np.meshgrid(lon, lat)


def _segment_distance(lon, lat, a, b) -> np.ndarray:
    """Distance in degrees (longitude scaled to ground) from each pixel to a road segment."""
    k = math.cos(math.radians(51.2))
    ax, ay, bx, by = a[0] * k, a[1], b[0] * k, b[1]
    px, py = lon * k, lat
    dx, dy = bx - ax, by - ay
    t = np.clip(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy), 0, 1)
    return np.hypot(px - (ax + t * dx), py - (ay + t * dy))


def render_tile(zoom: int, x: int, y: int) -> np.ndarray:
    lon, lat = _pixels(zoom, x, y)
    image = np.empty((256, 256, 3), dtype=np.uint8)
    image[:] = LAND
    # Fields: a patchwork from a smooth pattern of the position.
    pattern = np.sin(lon * 310) * np.cos(lat * 270) + 0.6 * np.sin((lon + lat) * 523)
    image[pattern > 0.35] = FIELD
    towns = _towns()
    for tlon, tlat in towns:
        near = np.hypot((lon - tlon) * math.cos(math.radians(51.2)), lat - tlat) < 0.011
        image[near] = TOWN
    degree_per_pixel = 360 / (2 ** zoom * 256)
    width = max(1.5, 3.5 * 2 ** (zoom - 14)) * degree_per_pixel
    for a, b in zip(towns, towns[1:] + towns[:1], strict=True):
        distance = _segment_distance(lon, lat, a, b)
        image[distance < width * 1.6] = ROAD_EDGE
        image[distance < width] = ROAD
    # The river: a band winding west to east north of the towns.
    centre = 51.268 + 0.006 * np.sin((lon - 4.15) * 24)
    image[np.abs(lat - centre) < 0.0028] = WATER
    return image


def png(image: np.ndarray) -> bytes:
    height, width, _ = image.shape
    rows = b"".join(b"\x00" + image[row].tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


def write_demo_basemap(path: Path) -> Path:
    """The demo region's tiles as an MBTiles file at ``path``."""
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    west, south, east, north = _extent()
    with sqlite3.connect(partial) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, "
                   "tile_row INTEGER, tile_data BLOB)")
        db.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", [
            ("name", "Demo Waasland"), ("format", "png"), ("type", "baselayer"),
            ("minzoom", str(ZOOMS[0])), ("maxzoom", str(ZOOMS[-1])),
            ("bounds", f"{west},{south},{east},{north}"),
            ("attribution", "Paragon Desktop demo")])
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)", [
            (zoom, x, 2 ** zoom - 1 - y, png(render_tile(zoom, x, y)))
            for zoom, x, y in tiles_in(_extent(), ZOOMS)])
    partial.replace(path)
    return path


def add_demo_basemap(target: BasemapStore) -> Basemap | None:
    """The demo region's basemap, once (the embedded demo database was just made)."""
    if any(b.name == "Demo Waasland" for b in target.all()):
        return None
    target.folder.mkdir(parents=True, exist_ok=True)
    made = write_demo_basemap(target.folder / "demo-waasland.source")
    try:
        return target.add(made, "Demo Waasland")
    finally:
        made.unlink(missing_ok=True)
