"""Read map layer files with pyogrio/GDAL into GeoJSON text in EPSG:4326.

No hand-written KML or GPX parsing: GDAL reads the files, after ``safety`` has looked at them
(content against extension, XML prologs, archives, encoding, truncation). KML styles come from
GDAL's LIBKML driver with style references resolved into per-feature OGR style strings.
Geometries are handled as shapely arrays and the GeoJSON text is assembled once, so a
100,000-point file costs about what reading it and writing GeoJSON costs.
"""

from __future__ import annotations

import json
import math
import re
import warnings as py_warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError, ProjError

from paragon_desktop.domain.anchors import BELGIUM_EXTENT
from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.gis import repair, safety
from paragon_desktop.gis.crs import WGS84, guess_belgian_crs, is_lonlat, transformer
from paragon_desktop.gis.safety import LayerReadError
from paragon_desktop.gis.sandbox import NO_NETWORK_ENV
from paragon_desktop.gis.styles import ogr_style_to_leaflet
from paragon_desktop.i18n import error_text

DEFAULT_MAX_BYTES = 200_000_000
# Opening a GeoPackage costs time per layer it holds; 3,000 layers took minutes.
MAX_LAYERS = 200
FORMATS = {
    ".kml": "KML", ".kmz": "KMZ", ".geojson": "GeoJSON", ".json": "GeoJSON", ".gpx": "GPX",
    ".gpkg": "GeoPackage", ".zip": "Shapefile",
}
FILE_FILTER = "Kaartlagen (*.kml *.kmz *.geojson *.json *.gpx *.gpkg *.zip)"
# What the content may be for each claimed format, and how to name content in messages.
_CONTENT = {"KML": {"kml"}, "GPX": {"gpx"}, "GeoJSON": {"json"}, "GeoPackage": {"sqlite"},
            "KMZ": {"zip"}, "Shapefile": {"zip"}}
_CONTENT_NAMES = {"kml": "KML", "gpx": "GPX", "json": "GeoJSON", "sqlite": "a SQLite/GeoPackage "
                  "database", "zip": "a zip archive (KMZ or zipped Shapefile)"}
_CONTENT_EXT = {"kml": ".kml", "gpx": ".gpx", "json": ".geojson", "sqlite": ".gpkg", "zip": ".kmz or .zip"}
# LIBKML bookkeeping fields that say nothing to a map operator.
_KML_NOISE = {"tessellate", "extrude", "visibility", "drawOrder", "altitudeMode", "icon", "id",
              "begin", "end", "timestamp", "snippet"}
_GPX_SUBLAYERS = ("waypoints", "routes", "tracks")
_LINKED_CRS = re.compile(rb'"crs"\s*:\s*\{[^{}]*"type"\s*:\s*"link"')


@cache
def load_gdal() -> Any:
    """pyogrio, set up: imported by the first read, so that the window's process, which reads
    no file itself (the reader process does; it only builds the demo workspace from its files,
    once, on an empty database), does not load GDAL (45 MB of its memory)."""
    import pyogrio

    pyogrio.set_gdal_config_options({"LIBKML_RESOLVE_STYLE": "YES"})
    # Files never make GDAL go on the network, in this process either (the reader process also
    # has no sockets at all, see sandbox.py).
    pyogrio.set_gdal_config_options({k: v for k, v in NO_NETWORK_ENV.items()
                                     if k.startswith(("GDAL_", "CPL_"))})
    return pyogrio


Progress = Callable[[float, str], None]


class LayerReadCancelled(ParagonError):
    """The user cancelled reading a layer."""


class LayerRead:
    """A layer read from a file: GeoJSON text in EPSG:4326 plus what was found on the way.

    From the reader process the text comes as its UTF-8 bytes (``utf8``) and stays so: storing
    it and showing it take the bytes, and ``geojson`` decodes them only when asked (for a
    million points 120 ms holding Python's lock, which the window's thread would wait for)."""

    def __init__(self, geojson: str | None, feature_count: int,
                 bbox: tuple[float, float, float, float] | None, source_crs: str,
                 source_format: str, geometry_types: dict[str, int] | None = None,
                 warnings: list[str] | None = None,
                 utf8: bytes | memoryview | None = None) -> None:
        if geojson is None and utf8 is None:
            raise ValueError("a LayerRead needs its text")
        self._text = geojson
        self.utf8 = utf8
        self.feature_count = feature_count
        self.bbox = bbox
        self.source_crs = source_crs
        self.source_format = source_format
        self.geometry_types: dict[str, int] = geometry_types if geometry_types is not None else {}
        self.warnings: list[str] = warnings if warnings is not None else []

    def __repr__(self) -> str:
        return (f"LayerRead({self.feature_count} features, {self.source_format}, "
                f"{self.source_crs}, bbox={self.bbox})")

    @property
    def geojson(self) -> str:
        """The FeatureCollection's text (decoded from ``utf8`` on first use)."""
        if self._text is None:
            assert self.utf8 is not None
            self._text = str(self.utf8, "utf-8")
        return self._text

    @property
    def encoded(self) -> bytes | memoryview:
        """The text in UTF-8: the reader's own bytes, or encoded now."""
        return self.utf8 if self.utf8 is not None else self.geojson.encode("utf-8")

    @cached_property
    def features(self) -> dict[str, Any]:
        """The FeatureCollection as Python objects (parsed on first use)."""
        parsed: dict[str, Any] = json.loads(self.geojson)
        return parsed


@dataclass
class _Part:
    geoms: np.ndarray
    columns: dict[str, list[Any]]
    styles: list[str | None] | None
    sublayer: str | None
    crs: str


def _column(values: np.ndarray) -> list[Any]:
    """A pyogrio field array as JSON-ready Python values (NaN and NaT become null)."""
    kind = values.dtype.kind
    if kind == "f":
        out = values.astype(object)
        out[~np.isfinite(values)] = None
        return list(out.tolist())
    if kind == "M":
        text = np.datetime_as_string(values)
        return [None if t == "NaT" else t for t in text.tolist()]
    if kind == "O":
        return [_plain(v) for v in values]
    return list(values.tolist())


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):  # list-valued fields (GeoJSON arrays, GeoPackage JSON)
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _crs_name(crs: str | None, name: str = "") -> str | None:
    """A file's or user's coordinate system as text for pyproj: its EPSG code where it has one.

    Only coordinate systems that place features on a map are taken: geographic or projected, or
    the horizontal part of a compound one. Vertical, geocentric and engineering (local) systems
    would put the file's numbers in the wrong place, so they are refused by name.
    """
    if not crs:
        return None
    try:
        parsed = CRS.from_user_input(crs)
    except CRSError as exc:
        raise LayerReadError(
            "{file}: the coordinate system is not one PROJ knows ({reason}). Choose the file's "
            "coordinate system in the import dialog.",
            file=name or crs, reason=_short(str(exc))
        ) from None
    if parsed.is_compound and parsed.sub_crs_list:
        parsed = parsed.sub_crs_list[0]
    if not (parsed.is_projected or parsed.is_geographic) or parsed.is_geocentric:
        kind = ("vertical (heights)" if parsed.is_vertical else "geocentric (x, y, z from the "
                "earth's centre)" if parsed.is_geocentric else "an engineering (local) grid"
                if parsed.is_engineering else parsed.type_name)
        raise LayerReadError(
            "{file}: the file states the coordinate system {crs!r}, which is {kind}, not a map "
            "coordinate system; its coordinates cannot be placed on the map. Choose the file's map "
            "coordinate system (for example Lambert 72) in the import dialog.",
            file=name or crs, crs=parsed.name, kind=kind
        )
    epsg = parsed.to_epsg()
    return f"EPSG:{epsg}" if epsg else parsed.to_wkt()


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def normalise_crs(crs: str) -> str:
    """A user's CRS choice ("31370", "EPSG:3812", "Lambert 72") as an EPSG code, or an error."""
    text = crs.strip()
    aliases = {"lambert 72": "EPSG:31370", "lambert72": "EPSG:31370", "lambert 2008": "EPSG:3812",
               "lambert2008": "EPSG:3812", "wgs84": WGS84, "wgs 84": WGS84}
    text = aliases.get(text.lower(), text)
    if text.isdigit():
        text = f"EPSG:{text}"
    try:
        name = _crs_name(text)
    except LayerReadError:
        name = None
    if not name:
        raise LayerReadError("{crs!r} is not a coordinate system pyproj knows (try EPSG:31370).",
                             crs=crs)
    return name


_STYLE_FIELD = "paragon_ogr_style"


def _read_part(name: str, source: str, layer: str | None, is_kml: bool,
               sublayer: str | None, notes: Counter[str], left_out: Counter[str],
               override: bool = False) -> _Part:
    kwargs: dict[str, Any] = {}
    table = ""
    if is_kml:
        table = (layer or load_gdal().list_layers(source)[0][0]).replace('"', '""')
        kwargs = {"sql": f'SELECT *, OGR_STYLE AS {_STYLE_FIELD} FROM "{table}"',
                  "sql_dialect": "OGRSQL"}
    elif layer:
        kwargs = {"layer": layer}
    try:
        with py_warnings.catch_warnings():
            # GDAL's notes ("Non closed ring detected") are answered by the repairs below.
            py_warnings.simplefilter("ignore", RuntimeWarning)
            # Times as the file writes them (ISO 8601 with their offset): as numbers, an offset
            # was dropped and 10:48+02:00 became a naive 10:48.
            meta, _fids, geometries, values = load_gdal().raw.read(
                source, datetime_as_string=True, **kwargs)
    except Exception as exc:
        if "projection" in str(exc).lower() or "crs" in str(exc).lower():
            raise LayerReadError(
                "{name}: the coordinate system the file states cannot be used ({short}). Choose the "
                "file's coordinate system in the import dialog.",
                name=name, short=_short(str(exc))
            ) from None
        raise
    names = list(meta["fields"])
    raw = {n: values[i] for i, n in enumerate(names)}
    styles = raw.pop(_STYLE_FIELD, None) if is_kml else None
    if geometries is None:
        geoms = np.array([None] * (len(values[0]) if values else 0), dtype=object)
    else:
        with py_warnings.catch_warnings():
            py_warnings.simplefilter("ignore", RuntimeWarning)
            geoms = repair.from_wkb(geometries, notes, left_out)
        if is_kml:
            _linear_rings(source, table, geometries, geoms, notes)
    columns: dict[str, list[Any]] = {}
    for n, column in raw.items():
        if is_kml and n in _KML_NOISE:
            continue
        converted = _column(column)
        if any(v is not None and v != "" for v in converted):
            columns[n] = converted
    return _Part(
        geoms=geoms,
        columns=columns,
        styles=None if styles is None else [_plain(s) for s in styles],
        sublayer=sublayer,
        # With the user's choice the file's own statement is not used (nor judged).
        crs="" if override else _crs_name(meta.get("crs"), name) or "",
    )


def _linear_rings(source: str, table: str, wkb: np.ndarray, geoms: np.ndarray,
                  notes: Counter[str]) -> None:
    """A KML ``<LinearRing>`` used directly as a Placemark's geometry has no WKB in GDAL; read
    those few from OGR's WKT and draw them as the closed lines Google Earth draws."""
    empty = [i for i, w in enumerate(wkb) if w is not None and len(w) == 0]
    if not empty:
        return
    _meta, _fids, _geometries, values = load_gdal().raw.read(
        source, sql=f'SELECT OGR_GEOM_WKT AS paragon_wkt FROM "{table}"', sql_dialect="OGRSQL",
        read_geometry=False)
    texts = values[0]
    for i in empty:
        ring = shapely.from_wkt(texts[i], on_invalid="fix") if texts[i] else None
        if ring is None or ring.is_empty or len(set(ring.coords)) < 2:
            continue
        geoms[i] = shapely.LineString(ring.coords)
        notes[repair.LINEAR_RING] += 1


def _at_most(name: str, layers: list[str]) -> list[str]:
    if len(layers) > MAX_LAYERS:
        raise LayerReadError(
            "{name}: the file holds {count:,} layers; at most {max_layers} are read from one file. "
            "Save the layers you need into a smaller file (QGIS: Export > Save Features As).",
            name=name, count=len(layers), max_layers=MAX_LAYERS
        )
    return layers


def _sources(path: Path, source_format: str, zipped: safety.ZipContents | None
             ) -> list[tuple[str, str | None, bool, str | None]]:
    """(GDAL source, layer, read KML styles, sublayer label) for every layer in the file."""
    text = str(path)
    if source_format in ("KML", "KMZ"):
        layers = _at_most(path.name, [n for n, _ in load_gdal().list_layers(text)])
        return [(text, n, True, n if len(layers) > 1 else None) for n in layers]
    if source_format == "GPX":
        available = {n for n, _ in load_gdal().list_layers(text)}
        return [(text, n, False, n) for n in _GPX_SUBLAYERS if n in available]
    if source_format == "GeoPackage":
        layers = _at_most(path.name, [n for n, geometry_type in load_gdal().list_layers(text)
                                      if geometry_type])
        return [(text, n, False, n if len(layers) > 1 else None) for n in layers]
    if source_format == "Shapefile":
        assert zipped is not None
        return [(f"/vsizip/{text}/{shp}", None, False, Path(shp).stem if len(zipped.shp) > 1 else None)
                for shp in zipped.shp]
    return [(text, None, False, None)]


def _check_format(path: Path, claimed: str, max_bytes: int) -> tuple[str, safety.ZipContents | None]:
    """The format to read, once the content agrees with the extension."""
    sniffed = safety.sniff(path)
    if sniffed.kind not in _CONTENT[claimed]:
        raise LayerReadError(
            "{name}: the name says {claimed} but the file holds {content}. Rename it to {extension} "
            "if that is what it is.",
            name=path.name, claimed=claimed, content=_CONTENT_NAMES[sniffed.kind],
            extension=_CONTENT_EXT[sniffed.kind]
        )
    if sniffed.kind in ("kml", "gpx", "json"):
        safety.check_text_file(path, sniffed)
        return claimed, None
    if sniffed.kind != "zip":
        return claimed, None
    zipped = safety.inspect_zip(path, max_bytes)
    if claimed == "KMZ" or (not zipped.shp and zipped.kml):
        if not zipped.kml:
            listing = ", ".join(zipped.names[:6]) or "nothing"
            raise LayerReadError("{name}: the KMZ holds no KML document (it holds {listing}).",
                                 name=path.name, listing=listing)
        return "KMZ", zipped
    if not zipped.shp:
        listing = ", ".join(zipped.names[:6]) or "nothing"
        raise LayerReadError(
            "{name}: the zip holds no Shapefile (.shp) or KML (it holds {listing}).",
            name=path.name, listing=listing
        )
    lower = {n.lower() for n in zipped.names}
    for shp in zipped.shp:
        for ext in (".shx", ".dbf"):
            if shp[:-4].lower() + ext not in lower:
                raise LayerReadError(
                    "{name}: {shapefile} comes without its {ext} file; a Shapefile needs .shp, .shx and .dbf "
                    "together (and .prj for its coordinate system).",
                    name=path.name, shapefile=Path(shp).name, ext=ext
                )
    return "Shapefile", zipped


# Belgium (with a margin) in longitude/latitude, to notice files that give latitude first.
_BELGIUM_LONLAT = BELGIUM_EXTENT


def _crs_label(crs: str) -> str:
    return crs if crs.startswith("EPSG:") else CRS.from_user_input(crs).name


def _resolve_crs(name: str, part: _Part, override: str | None, warnings: list[str]
                 ) -> tuple[str, bool]:
    """The coordinate system to read the part in, and whether its x and y must be swapped."""
    if override:
        return override, False
    if part.crs and part.crs != WGS84:
        return part.crs, False
    present = part.geoms[~shapely.is_missing(part.geoms) & ~shapely.is_empty(part.geoms)]
    if not len(present):
        return WGS84, False
    bounds = tuple(float(v) for v in shapely.total_bounds(present))
    west, south, east, north = _BELGIUM_LONLAT
    if south <= bounds[0] and bounds[2] <= north and west <= bounds[1] and bounds[3] <= east:
        warnings.append(error_text(
            "{name}: the coordinates give latitude before longitude: read as written they lie in "
            "the Indian Ocean, swapped they lie in Belgium, so they were swapped. If the layer "
            "really lies near Somalia, import it again with WGS84 chosen as coordinate system."
        ).format(name=name))
        return WGS84, True
    if is_lonlat(bounds):  # type: ignore[arg-type]
        return WGS84, False
    guess = guess_belgian_crs(bounds)  # type: ignore[arg-type]
    if guess is not None:
        label = {"EPSG:31370": error_text("Belgian Lambert 72"),
                 "EPSG:3812": error_text("Belgian Lambert 2008")}[guess]
        warnings.append(error_text(
            "{name}: the file does not state its coordinate system; its coordinates fit {label} "
            "({code}), so that was used. Choose another if the layer lands in the wrong place."
        ).format(name=name, label=label, code=guess))
        return guess, False
    raise LayerReadError(
        "{name}: the coordinates are out of range for longitude/latitude (x {west:,.6g} to "
        "{east:,.6g}, y {south:,.6g} to {north:,.6g}) and fit no Belgian coordinate system. "
        "Choose the file's coordinate system (CRS) and import again.",
        name=name, west=bounds[0], east=bounds[2], south=bounds[1], north=bounds[3]
    )


def _to_wgs84(name: str, geoms: np.ndarray, crs: str, swap: bool = False) -> np.ndarray:
    if swap:
        geoms = shapely.transform(geoms, lambda xy: xy[:, ::-1].copy())
    if crs != WGS84 and len(geoms):
        try:
            convert = transformer(crs, WGS84)
            geoms = shapely.transform(
                geoms, lambda xy: np.column_stack(convert.transform(xy[:, 0], xy[:, 1], errcheck=False))
            )
        except (CRSError, ProjError) as exc:
            raise LayerReadError(
                "{name}: the coordinates cannot be converted from {crs_label} to longitude/latitude "
                "({short}). Choose the file's coordinate system in the import dialog.",
                name=name, crs_label=_crs_label(crs), short=_short(str(exc))
            ) from None
    present = geoms[~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)]
    if len(present):
        bounds = shapely.total_bounds(present)
        if not np.all(np.isfinite(bounds)):
            raise LayerReadError(
                "{name}: some coordinates cannot be converted from {crs_label} to longitude/latitude: "
                "they lie outside the area that coordinate system covers. Is it the file's real "
                "coordinate system? Choose another in the import dialog.",
                name=name, crs_label=_crs_label(crs)
            )
        if not is_lonlat(tuple(bounds)):  # type: ignore[arg-type]
            raise LayerReadError(
                "{name}: some coordinates are out of range (longitude must be -180 to 180, latitude "
                "-90 to 90; found {west:.6g} to {east:.6g}, {south:.6g} to {north:.6g}). If the file "
                "is in another coordinate system, choose it.",
                name=name, west=bounds[0], east=bounds[2], south=bounds[1], north=bounds[3]
            )
    return geoms


def _repair(name: str, geoms: np.ndarray, warnings: list[str]) -> np.ndarray:
    """make_valid what is invalid; say how many were repaired."""
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    count = int(invalid.sum())
    if count:
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
        warnings.append(error_text("{name}: {count} invalid geometries (e.g. self-intersecting "
                                   "polygons) were repaired.").format(name=name, count=count))
    return geoms


def read_layer(
    path: str | Path,
    *,
    crs: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> LayerRead:
    """Read a KML, KMZ, GeoJSON, GPX, GeoPackage or zipped Shapefile; features in EPSG:4326.

    ``crs`` overrides the file's coordinate system (for files that do not state it or state it
    wrongly). ``progress(fraction, stage)`` is called along the way; when ``cancelled()`` turns
    true, ``LayerReadCancelled`` is raised. Every refusal is a ``LayerReadError`` whose
    message names the file and the problem.
    """
    path = Path(path)

    def step(fraction: float, stage: str) -> None:
        if cancelled is not None and cancelled():
            raise LayerReadCancelled("{name}: import cancelled.",
                                     name=path.name)
        if progress is not None:
            progress(fraction, stage)

    override = normalise_crs(crs) if crs else None
    if not path.is_file():
        raise LayerReadError("{name}: no such file.",
                             name=path.name)
    size = path.stat().st_size
    if size == 0:
        raise LayerReadError("{name}: the file is empty.",
                             name=path.name)
    if size > max_bytes:
        raise LayerReadError(
            "{name}: {size:,.0f} MB is more than the limit of {limit:,.0f} MB (Settings).",
            name=path.name, size=size / 1e6, limit=max_bytes / 1e6
        )
    claimed = FORMATS.get(path.suffix.lower())
    if claimed is None:
        raise LayerReadError(
            "{name}: unknown layer format; use KML, KMZ, GeoJSON, GPX, GeoPackage (.gpkg) or a "
            "zipped Shapefile (.zip).",
            name=path.name
        )
    step(0.02, "controleren")
    source_format, zipped = _check_format(path, claimed, max_bytes)
    step(0.08, "lezen")
    warnings: list[str] = []
    if source_format == "GeoJSON" and _LINKED_CRS.search(path.open("rb").read(safety.HEAD_BYTES)):
        warnings.append(error_text(
            "{name}: the file refers to its coordinate system by a web link; the link was not "
            "followed (files never make Paragon go on the network). Longitude/latitude was "
            "assumed; choose the coordinate system if the layer lands in the wrong place."
        ).format(name=path.name))
    parts: list[_Part] = []
    notes: Counter[str] = Counter()
    left_out: Counter[str] = Counter()
    try:
        sources = _sources(path, source_format, zipped)
        for i, (source, layer, is_kml, sublayer) in enumerate(sources):
            parts.append(_read_part(path.name, source, layer, is_kml, sublayer, notes, left_out,
                                    override=override is not None))
            step(0.08 + 0.4 * (i + 1) / len(sources), "lezen")
    except (LayerReadError, LayerReadCancelled, MemoryError):
        raise
    except Exception as exc:  # GDAL reports broken files with many exception types
        raise LayerReadError(
            "{name}: could not be read as {source_format}; the file is damaged or not what its name "
            "says (GDAL: {short}).",
            name=path.name, source_format=source_format, short=_short(str(exc))
        ) from exc
    crs_used: list[str] = []
    missing = 0
    for part in parts:
        part_crs, swap = _resolve_crs(path.name, part, override, warnings)
        crs_used.append(_crs_label(part_crs))
        keep = ~shapely.is_missing(part.geoms) & ~shapely.is_empty(part.geoms)
        missing += int((~keep).sum())
        part.geoms = _repair(path.name, _to_wgs84(path.name, part.geoms, part_crs, swap), warnings)
        step(0.55, "omrekenen")
    warnings.extend(repair.describe(path.name, notes, left_out))
    missing -= sum(left_out.values())
    if missing:
        warnings.append(error_text("{name}: {count} features without geometry were left "
                                   "out.").format(name=path.name, count=missing))
    geojson, count, types, bbox = _assemble(parts, step)
    if count == 0:
        raise LayerReadError("{name}: the file holds no features with a geometry; nothing to add.",
                             name=path.name)
    step(1.0, "klaar")
    return LayerRead(
        geojson=geojson,
        feature_count=count,
        bbox=bbox,
        source_crs=", ".join(dict.fromkeys(crs_used)) or WGS84,
        source_format=source_format,
        geometry_types=types,
        warnings=warnings,
    )


def proposed_name(path: Path) -> str:
    """A readable layer name from a file name: "perimeter_nordchem-v2.kml" -> "perimeter
    nordchem v2"."""
    name = " ".join(path.stem.replace("_", " ").replace("-", " ").split())
    return name[:200] or path.name


_encode_str = json.encoder.encode_basestring  # type: ignore[attr-defined]  # C, escapes like json
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def _json_values(values: list[Any]) -> list[str]:
    """Each value as JSON text, column at a time (the per-call cost of json.dumps dominates
    100,000 small property dicts)."""
    kinds = {type(v) for v in values}
    if kinds <= {str, type(None)}:
        return ["null" if v is None else _encode_str(v) for v in values]
    if kinds <= {int, type(None)}:
        return ["null" if v is None else str(v) for v in values]
    if kinds <= {float, int, type(None)}:  # NaN was turned into None by _column
        return ["null" if v is None else repr(v) for v in values]
    return [_dumps(v) for v in values]


def _assemble(parts: list[_Part], step: Callable[[float, str], None]
              ) -> tuple[str, int, dict[str, int], tuple[float, float, float, float] | None]:
    """The FeatureCollection text, assembled from geometry texts and property columns."""
    chunks: list[str] = []
    types: dict[str, int] = {}
    boxes = []
    total = sum(len(p.geoms) for p in parts) or 1
    done = 0
    for part in parts:
        keep = ~shapely.is_missing(part.geoms) & ~shapely.is_empty(part.geoms)
        if keep.any():
            boxes.append(shapely.total_bounds(part.geoms[keep]))
        type_ids, counts = np.unique(shapely.get_type_id(part.geoms[keep]), return_counts=True)
        for type_id, n in zip(type_ids.tolist(), counts.tolist(), strict=True):
            label = _GEOMETRY_NAMES.get(type_id, "Other")
            types[label] = types.get(label, 0) + n
        texts = shapely.to_geojson(part.geoms).tolist()
        step(0.6 + 0.1 * done / total, "omzetten")
        # One list of '"key":value' per property, then joined feature by feature.
        columns = [[f"{_encode_str(name)}:{v}" for v in _json_values(values)]
                   for name, values in part.columns.items()]
        extra: list[str] = []
        if part.styles is not None:
            columns.append(['"_style":' + _dumps(ogr_style_to_leaflet(s)) if s else '"_style":{}'
                            for s in part.styles])
        if part.sublayer:
            extra.append('"_sublayer":' + _encode_str(part.sublayer))
        tail = ("," + ",".join(extra)) if extra and columns else ",".join(extra)
        rows = [",".join(cells) for cells in zip(*columns, strict=True)] if columns else [""] * len(texts)
        step(0.6 + 0.3 * (done + len(texts)) / total, "omzetten")
        chunks.extend(
            '{"type":"Feature","geometry":' + geom + ',"properties":{' + row + tail + "}}"
            for geom, row, kept in zip(texts, rows, keep.tolist(), strict=True) if kept
        )
        done += len(texts)
    bbox = None
    if boxes:
        stacked = np.array(boxes)
        bbox = (float(stacked[:, 0].min()), float(stacked[:, 1].min()),
                float(stacked[:, 2].max()), float(stacked[:, 3].max()))
    text = '{"type":"FeatureCollection","features":[' + ",".join(chunks) + "]}"
    return text, len(chunks), types, bbox


_GEOMETRY_NAMES = {0: "Point", 1: "LineString", 2: "LineString", 3: "Polygon", 4: "Point",
                   5: "LineString", 6: "Polygon", 7: "GeometryCollection"}
