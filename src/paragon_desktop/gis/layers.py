"""Read map layer files with pyogrio/GDAL into a GeoJSON FeatureCollection in EPSG:4326.

No hand-written KML or GPX parsing: GDAL reads the files. KML styles come from GDAL's LIBKML
driver with style references resolved into per-feature OGR style strings.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import shapely
from pyproj import CRS

from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.gis.crs import WGS84, transformer
from paragon_desktop.gis.styles import ogr_style_to_leaflet

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
FORMATS = {".kml": "KML", ".kmz": "KMZ", ".geojson": "GeoJSON", ".json": "GeoJSON", ".gpx": "GPX"}
# LIBKML bookkeeping fields that say nothing to a map operator.
_KML_NOISE = {"tessellate", "extrude", "visibility", "drawOrder", "altitudeMode", "icon", "id"}
_GPX_SUBLAYERS = ("waypoints", "routes", "tracks")

pyogrio.set_gdal_config_options({"LIBKML_RESOLVE_STYLE": "YES"})


class LayerReadError(ParagonError):
    """A layer file could not be read; the message names the file and the problem."""


@dataclass
class LayerRead:
    features: dict[str, Any]
    source_crs: str
    source_format: str
    warnings: list[str] = field(default_factory=list)

    @property
    def feature_count(self) -> int:
        return len(self.features["features"])


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _crs_name(crs: str | None) -> str:
    if not crs:
        return WGS84
    parsed = CRS.from_user_input(crs)
    epsg = parsed.to_epsg()
    return f"EPSG:{epsg}" if epsg else parsed.to_string()


def _read_one(path: Path, layer: str | None, is_kml: bool) -> tuple[list[dict[str, Any]], str]:
    kwargs: dict[str, Any] = {}
    if is_kml:
        name = layer or pyogrio.list_layers(path)[0][0]
        kwargs = {"sql": f'SELECT *, OGR_STYLE FROM "{name}"', "sql_dialect": "OGRSQL"}
    elif layer:
        kwargs = {"layer": layer}
    meta, _fids, geometries, values = pyogrio.raw.read(path, **kwargs)
    crs = _crs_name(meta.get("crs"))
    names = list(meta["fields"])
    columns = {n: values[i] for i, n in enumerate(names)}
    geoms = shapely.from_wkb(geometries) if geometries is not None else np.array([])
    if crs != WGS84 and len(geoms):
        convert = transformer(crs, WGS84)
        geoms = shapely.transform(
            geoms, lambda xy: np.column_stack(convert.transform(xy[:, 0], xy[:, 1]))
        )
    keep = [
        n
        for n in names
        if n != "OGR_STYLE"
        and not (is_kml and n in _KML_NOISE)
        and any(_plain(v) not in (None, "") for v in columns[n])
    ]
    styles = columns.get("OGR_STYLE")
    features: list[dict[str, Any]] = []
    geojson_texts = shapely.to_geojson(geoms)
    for i, geom_text in enumerate(geojson_texts):
        if geom_text is None:
            continue
        properties = {n: _plain(columns[n][i]) for n in keep}
        if styles is not None and (style := ogr_style_to_leaflet(styles[i])):
            properties["_style"] = style
        features.append(
            {"type": "Feature", "geometry": json.loads(geom_text), "properties": properties}
        )
    return features, crs


def read_layer(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LayerRead:
    """Read a KML, KMZ, GeoJSON or GPX file; features come back in EPSG:4326."""
    path = Path(path)
    if not path.is_file():
        raise LayerReadError(f"{path.name}: no such file.")
    size = path.stat().st_size
    if size == 0:
        raise LayerReadError(f"{path.name}: the file is empty.")
    if size > max_bytes:
        raise LayerReadError(
            f"{path.name}: {size / 1e6:.0f} MB is more than the limit of {max_bytes / 1e6:.0f} MB."
        )
    source_format = FORMATS.get(path.suffix.lower())
    if source_format is None:
        raise LayerReadError(
            f"{path.name}: unknown layer format; use KML, KMZ, GeoJSON or GPX."
        )
    try:
        if source_format == "GPX":
            available = {name for name, _ in pyogrio.list_layers(path)}
            features: list[dict[str, Any]] = []
            crs = WGS84
            for sub in _GPX_SUBLAYERS:
                if sub in available:
                    part, crs = _read_one(path, sub, False)
                    for feature in part:
                        feature["properties"]["_sublayer"] = sub
                    features.extend(part)
        else:
            features, crs = _read_one(path, None, source_format in ("KML", "KMZ"))
    except LayerReadError:
        raise
    except Exception as exc:  # GDAL reports broken files with many exception types
        raise LayerReadError(f"{path.name}: could not be read as {source_format} ({exc}).") from exc
    warnings = []
    if not features:
        warnings.append(f"{path.name}: the file holds no features.")
    return LayerRead(
        features={"type": "FeatureCollection", "features": features},
        source_crs=crs,
        source_format=source_format,
        warnings=warnings,
    )
