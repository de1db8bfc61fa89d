"""Offline basemaps: MBTiles (SQLite) and PMTiles files of raster tiles, kept in the data
directory and served to the map through the app's own URL scheme (never an open port).

A basemap file comes from outside: it is opened read-only, its tiles are only ever returned as
bytes of a known image type, and a file that is neither format is refused by name."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
import threading
import uuid
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from paragon_desktop.domain.errors import ParagonError

SQLITE_MAGIC = b"SQLite format 3\x00"
PMTILES_MAGIC = b"PMTiles"
IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"RIFF": "image/webp"}
# Tiles a map shows at once are many small reads: a connection per file, one query at a time.
_LOCK = threading.Lock()


class BasemapError(ParagonError):
    """A basemap file could not be added or read; the message says which and why."""


@dataclass
class Basemap:
    id: str
    name: str
    file: str  # inside the basemaps folder of the data directory
    format: str  # "mbtiles" or "pmtiles"
    minzoom: int
    maxzoom: int
    bounds: list[float] | None = None  # west, south, east, north
    attribution: str = ""
    shown: bool = True
    opacity: float = 1.0


def image_type(data: bytes) -> str | None:
    return next((mime for magic, mime in IMAGE_TYPES.items() if data.startswith(magic)), None)


def _mbtiles_meta(path: Path) -> dict[str, Any]:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            meta = dict(db.execute("SELECT name, value FROM metadata").fetchall())
            zooms = db.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
            sample = db.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
    except sqlite3.Error as exc:
        raise BasemapError("{name} is not an MBTiles file this app can read ({reason}).",
                           name=path.name, reason=str(exc)) from exc
    if sample is None or zooms[0] is None:
        raise BasemapError("{name} holds no tiles.", name=path.name)
    kind = str(meta.get("format", "")).lower()
    if kind == "pbf" or image_type(bytes(sample[0])) is None:
        raise BasemapError("{name} holds vector tiles (or tiles of an unknown kind); this app "
                           "shows raster basemaps (PNG, JPEG, WebP). Convert it to raster tiles "
                           "first, e.g. with a tile server or QGIS (Generate XYZ tiles).",
                           name=path.name)
    bounds = None
    if meta.get("bounds"):
        try:
            bounds = [float(v) for v in str(meta["bounds"]).split(",")]
        except ValueError:
            bounds = None
    return {"format": "mbtiles", "minzoom": int(zooms[0]), "maxzoom": int(zooms[1]),
            "bounds": bounds if bounds and len(bounds) == 4 else None,
            "attribution": str(meta.get("attribution", "")), "name": str(meta.get("name", ""))}


def _pmtiles_meta(path: Path) -> dict[str, Any]:
    from pmtiles.reader import MmapSource, Reader
    from pmtiles.tile import TileType

    try:
        with path.open("rb") as handle:
            reader = Reader(MmapSource(handle))
            header = reader.header()
            metadata = reader.metadata()
    except Exception as exc:  # noqa: BLE001 (the pmtiles reader raises plain exceptions)
        raise BasemapError("{name} is not a PMTiles file this app can read ({reason}).",
                           name=path.name, reason=str(exc)) from exc
    if header["tile_type"] not in (TileType.PNG, TileType.JPEG, TileType.WEBP):
        raise BasemapError("{name} holds vector tiles (or tiles of an unknown kind); this app "
                           "shows raster basemaps (PNG, JPEG, WebP). Convert it to raster tiles "
                           "first, e.g. with a tile server or QGIS (Generate XYZ tiles).",
                           name=path.name)
    bounds = [header["min_lon_e7"] / 1e7, header["min_lat_e7"] / 1e7,
              header["max_lon_e7"] / 1e7, header["max_lat_e7"] / 1e7]
    return {"format": "pmtiles", "minzoom": int(header["min_zoom"]),
            "maxzoom": int(header["max_zoom"]), "bounds": bounds,
            "attribution": str((metadata or {}).get("attribution", "")),
            "name": str((metadata or {}).get("name", ""))}


def inspect(path: Path) -> dict[str, Any]:
    """What a basemap file holds (format by content, not by name), or a refusal."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise BasemapError("{name} cannot be read ({reason}).", name=path.name,
                           reason=exc.strerror or str(exc)) from exc
    if head.startswith(SQLITE_MAGIC):
        return _mbtiles_meta(path)
    if head.startswith(PMTILES_MAGIC):
        return _pmtiles_meta(path)
    raise BasemapError("{name} is neither an MBTiles nor a PMTiles file.", name=path.name)


class TileReader:
    """The tiles of one basemap file (XYZ numbering, as Leaflet asks)."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path, self.format = path, fmt
        self._db: sqlite3.Connection | None = None
        self._pm: Any = None
        self._handle: Any = None
        self._gzip = False

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        if not (0 <= z <= 24 and 0 <= x < 2 ** z and 0 <= y < 2 ** z):
            return None
        with _LOCK:
            data = self._read(z, x, y)
        return data if data and image_type(data) else None

    def _read(self, z: int, x: int, y: int) -> bytes | None:
        if self.format == "mbtiles":
            if self._db is None:
                self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                           check_same_thread=False)
            row = self._db.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? "
                "AND tile_row = ?", (z, x, 2 ** z - 1 - y)).fetchone()  # MBTiles rows are TMS
            return bytes(row[0]) if row else None
        if self._pm is None:
            from pmtiles.reader import MmapSource, Reader
            from pmtiles.tile import Compression

            self._handle = self.path.open("rb")
            self._pm = Reader(MmapSource(self._handle))
            self._gzip = self._pm.header()["tile_compression"] == Compression.GZIP
        found = self._pm.get(z, x, y)
        if not found:
            return None
        return gzip.decompress(found) if self._gzip else bytes(found)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
        if self._handle is not None:
            self._handle.close()


@dataclass
class BasemapStore:
    """The basemaps of this machine: files in ``<data>/basemaps/``, the list in
    ``basemaps.json`` beside them (order: the first is drawn at the bottom)."""

    folder: Path
    readers: dict[str, TileReader] = field(default_factory=dict, repr=False)

    @property
    def _index(self) -> Path:
        return self.folder / "basemaps.json"

    def all(self) -> list[Basemap]:
        try:
            data = json.loads(self._index.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError):
            self._index.replace(self._index.with_suffix(".damaged"))
            return []
        known = {f.name for f in fields(Basemap)}
        found = []
        for item in data if isinstance(data, list) else []:
            try:  # a newer app's extra keys are left out; an entry missing some is skipped
                found.append(Basemap(**{k: v for k, v in item.items() if k in known}))
            except (TypeError, AttributeError):
                continue
        return found

    def _save(self, basemaps: list[Basemap]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self._index.with_suffix(".partial")
        partial.write_text(json.dumps([asdict(b) for b in basemaps], ensure_ascii=False, indent=1),
                           encoding="utf-8")
        partial.replace(self._index)

    def add(self, path: Path, name: str = "") -> Basemap:
        """Copy a basemap file in and list it (shown: the first one is shown by default)."""
        meta = inspect(path)
        basemaps = self.all()
        label = " ".join((name or meta["name"] or path.stem).split())
        if any(b.name.casefold() == label.casefold() for b in basemaps):
            raise BasemapError("There is already a basemap called “{name}”; give this one "
                               "another name.", name=label)
        ident = uuid.uuid4().hex[:12]
        target = self.folder / f"{ident}.{meta['format']}"
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        shutil.copyfile(path, partial)
        partial.replace(target)
        basemap = Basemap(id=ident, name=label, file=target.name, format=meta["format"],
                          minzoom=meta["minzoom"], maxzoom=meta["maxzoom"], bounds=meta["bounds"],
                          attribution=meta["attribution"], shown=not any(b.shown for b in basemaps))
        self._save([*basemaps, basemap])
        return basemap

    def adopt(self, path: Path, name: str) -> Basemap:
        """List a basemap file written into the folder (an area taken offline); written again
        (a resumed download), its entry is brought up to date."""
        meta = inspect(path)
        basemaps = self.all()
        for basemap in basemaps:
            if basemap.file == path.name:
                self.update(basemap.id, minzoom=meta["minzoom"], maxzoom=meta["maxzoom"],
                            bounds=meta["bounds"])
                reader = self.readers.pop(basemap.id, None)
                if reader is not None:
                    reader.close()
                return self.find(basemap.id)
        basemap = Basemap(id=path.stem, name=name, file=path.name, format=meta["format"],
                          minzoom=meta["minzoom"], maxzoom=meta["maxzoom"], bounds=meta["bounds"],
                          attribution=meta["attribution"], shown=True)
        self._save([*basemaps, basemap])
        return basemap

    def find(self, name_or_id: str) -> Basemap:
        for basemap in self.all():
            if name_or_id in (basemap.id, basemap.name):
                return basemap
        raise BasemapError("No basemap called “{name}”.", name=name_or_id)

    def remove(self, name_or_id: str) -> Basemap:
        gone = self.find(name_or_id)
        reader = self.readers.pop(gone.id, None)
        if reader is not None:
            reader.close()
        self._save([b for b in self.all() if b.id != gone.id])
        (self.folder / gone.file).unlink(missing_ok=True)
        return gone

    def update(self, basemap_id: str, **changes: Any) -> None:
        self._save([Basemap(**{**asdict(b), **changes}) if b.id == basemap_id else b
                    for b in self.all()])

    def reorder(self, ids: list[str]) -> None:
        by_id = {b.id: b for b in self.all()}
        self._save([by_id[i] for i in ids if i in by_id]
                   + [b for i, b in by_id.items() if i not in ids])

    def tile(self, basemap_id: str, z: int, x: int, y: int) -> bytes | None:
        reader = self.readers.get(basemap_id)
        if reader is None:
            basemap = next((b for b in self.all() if b.id == basemap_id), None)
            if basemap is None:
                return None
            reader = self.readers[basemap_id] = TileReader(self.folder / basemap.file,
                                                           basemap.format)
        return reader.tile(z, x, y)


def store() -> BasemapStore:
    """This machine's basemaps (in the data directory)."""
    from paragon_desktop.settings import data_dir

    return BasemapStore(data_dir() / "basemaps")
