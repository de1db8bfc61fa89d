"""Taking an area offline: the tiles of a rectangle at chosen zooms, fetched from an online source
that allows it, into an MBTiles file that the map then serves offline (the CP-Ops laptop before
it leaves). One tile at a time, politely; a cancelled download keeps what it has and a second
run fetches only what is missing."""

from __future__ import annotations

import math
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from paragon_desktop.gis.basemaps import image_type
from paragon_desktop.gis.tile_sources import TileSourceError, tile_url

MAX_TILES = 50_000
BYTES_PER_TILE = 25_000  # an estimate for the size shown before starting (PNG topo/ortho)
TIMEOUT_S = 20


def _tile_x(lon: float, zoom: int) -> int:
    return min(2 ** zoom - 1, max(0, int((lon + 180) / 360 * 2 ** zoom)))


def _tile_y(lat: float, zoom: int) -> int:
    s = math.sin(math.radians(max(-85.0511, min(85.0511, lat))))
    return min(2 ** zoom - 1, max(0, int((0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi))
                                         * 2 ** zoom)))


def tile_xy(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The XYZ tile (Web Mercator) holding a place at a zoom."""
    return _tile_x(lon, zoom), _tile_y(lat, zoom)


def tiles_in(bounds: tuple[float, float, float, float], zooms: range) -> Iterator[tuple[int, int, int]]:
    """Every tile (z, x, y) that touches the rectangle (west, south, east, north)."""
    west, south, east, north = bounds
    for zoom in zooms:
        for x in range(_tile_x(west, zoom), _tile_x(east, zoom) + 1):
            for y in range(_tile_y(north, zoom), _tile_y(south, zoom) + 1):
                yield zoom, x, y


def count_tiles(bounds: tuple[float, float, float, float], zooms: range) -> int:
    west, south, east, north = bounds
    return sum((_tile_x(east, z) - _tile_x(west, z) + 1) * (_tile_y(south, z) - _tile_y(north, z) + 1)
               for z in zooms)


@dataclass
class DownloadReport:
    fetched: int = 0
    already: int = 0  # there from an earlier, interrupted run
    missing: int = 0  # the source had no tile there (404)
    cancelled: bool = False


def _open(target: Path, name: str, bounds: tuple[float, float, float, float], zooms: range,
          attribution: str) -> sqlite3.Connection:
    db = sqlite3.connect(target)
    db.execute("CREATE TABLE IF NOT EXISTS metadata (name TEXT PRIMARY KEY, value TEXT)")
    db.execute("CREATE TABLE IF NOT EXISTS tiles (zoom_level INTEGER, tile_column INTEGER, "
               "tile_row INTEGER, tile_data BLOB)")
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS tile_index ON tiles "
               "(zoom_level, tile_column, tile_row)")
    db.executemany("INSERT OR REPLACE INTO metadata VALUES (?, ?)", [
        ("name", name), ("format", "png"), ("type", "baselayer"),
        ("minzoom", str(zooms[0])), ("maxzoom", str(zooms[-1])),
        ("bounds", ",".join(str(v) for v in bounds)), ("attribution", attribution)])
    db.commit()
    return db


def download(template: str, bounds: tuple[float, float, float, float], zooms: range,
             target: Path, *, name: str, attribution: str = "",
             progress: Callable[[int, int], None] | None = None,
             cancelled: Callable[[], bool] | None = None,
             timeout: float = TIMEOUT_S) -> DownloadReport:
    """Fetch the rectangle's tiles into ``target`` (MBTiles). Tiles already there are kept."""
    total = count_tiles(bounds, zooms)
    if total > MAX_TILES:
        raise TileSourceError("{count:,} tiles is more than the {limit:,} one download may take: "
                              "choose a smaller area or fewer zoom levels.", count=total,
                              limit=MAX_TILES)
    report = DownloadReport()
    db = _open(target, name, bounds, zooms, attribution)
    try:
        for done, (z, x, y) in enumerate(tiles_in(bounds, zooms), start=1):
            if cancelled is not None and cancelled():
                report.cancelled = True
                break
            row = 2 ** z - 1 - y  # MBTiles rows are TMS
            if db.execute("SELECT 1 FROM tiles WHERE zoom_level = ? AND tile_column = ? AND "
                          "tile_row = ?", (z, x, row)).fetchone():
                report.already += 1
            else:
                data = _fetch(tile_url(template, z, x, y), timeout)
                if data is None:
                    report.missing += 1
                else:
                    db.execute("INSERT OR IGNORE INTO tiles VALUES (?, ?, ?, ?)", (z, x, row, data))
                    report.fetched += 1
                    if report.fetched % 50 == 0:
                        db.commit()  # an interruption keeps what was fetched
            if progress is not None:
                progress(done, total)
        db.commit()
    finally:
        db.close()
    return report


def _fetch(url: str, timeout: float) -> bytes | None:
    request = urllib.request.Request(url, headers={"User-Agent": "Paragon-Desktop"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 (http(s))
            data = answer.read(5_000_000)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise TileSourceError("The source answered {status} for {url}; the download stopped "
                              "(what was fetched is kept: start again to go on).",
                              status=exc.code, url=url) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise TileSourceError("The source stopped answering ({reason}); the download stopped "
                              "(what was fetched is kept: start again to go on).",
                              reason=str(getattr(exc, "reason", exc))) from exc
    return data if image_type(data) else None
