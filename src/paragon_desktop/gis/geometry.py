"""GeoJSON geometry helpers on shapely."""

from __future__ import annotations

import json
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from paragon_desktop.domain.anchors import BELGIUM_EXTENT, GEOMETRY_TYPES, MAX_VERTICES, vertices
from paragon_desktop.domain.errors import ValidationError

BBoxTuple = tuple[float, float, float, float]


def from_geojson(text: str | dict[str, Any]) -> BaseGeometry:
    data = json.loads(text) if isinstance(text, str) else text
    return shape(data)


def to_geojson(geometry: BaseGeometry) -> str:
    return json.dumps(mapping(geometry), separators=(",", ":"))


def bbox_of(geometry: BaseGeometry) -> BBoxTuple:
    min_x, min_y, max_x, max_y = shapely.bounds(geometry).tolist()
    return float(min_x), float(min_y), float(max_x), float(max_y)


def union_bbox(boxes: list[BBoxTuple]) -> BBoxTuple | None:
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


CIRCLE_SEGMENTS = 72
RADIUS_MAX_M = 50_000.0


def circle(lon: float, lat: float, radius_m: float) -> dict[str, Any]:
    """A circle on the ground (e.g. a 600 m red zone) as a GeoJSON polygon: its vertices lie at
    ``radius_m`` from the centre along the ellipsoid (WGS84), not on a flat map."""
    from pyproj import Geod

    if not 0 < radius_m <= RADIUS_MAX_M:
        raise ValidationError("A circle's radius is between 1 m and {radius_max} km; this one is "
                              "{radius:.0f} m.", radius_max=RADIUS_MAX_M / 1000, radius=radius_m,
                              fields=("geometry",))
    geod = Geod(ellps="WGS84")
    n = CIRCLE_SEGMENTS
    lons, lats, _back = geod.fwd([lon] * n, [lat] * n, [360.0 * i / n for i in range(n)],
                                 [radius_m] * n)
    ring = [[round(x, 7), round(y, 7)] for x, y in zip(lons, lats, strict=True)]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def anchor_shape(geometry: dict[str, Any]) -> BaseGeometry:
    """A drawn or imported anchor geometry, checked before it is stored: a point, line or area,
    valid, within Belgium (with a margin) and of a reasonable size. Never trusted as it came."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in GEOMETRY_TYPES:
        raise ValidationError("An anchor is a point, a line or an area, not “{kind}”.",
                              kind=str(kind), fields=("geometry",))
    if vertices(geometry) > MAX_VERTICES:
        raise ValidationError("An anchor has at most {max_vertices:,} vertices; this one has "
                              "{count:,}. Simplify it first.", max_vertices=MAX_VERTICES,
                              count=vertices(geometry), fields=("geometry",))
    try:
        found = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        raise ValidationError("The anchor's geometry cannot be read ({reason}).",
                              reason=str(exc), fields=("geometry",)) from exc
    if found.is_empty or not found.is_valid:
        reason = shapely.is_valid_reason(found) if not found.is_empty else "empty"
        raise ValidationError("The anchor's shape is not valid ({reason}): an area may not cross "
                              "itself. Draw it again.", reason=reason, fields=("geometry",))
    west, south, east, north = BELGIUM_EXTENT
    x0, y0, x1, y1 = bbox_of(found)
    if x0 < west or y0 < south or x1 > east or y1 > north:
        raise ValidationError("The anchor lies outside Belgium and its border area "
                              "({west}–{east}° E, {south}–{north}° N).", west=west, east=east,
                              south=south, north=north, fields=("geometry",))
    return found
