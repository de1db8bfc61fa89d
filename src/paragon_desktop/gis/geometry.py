"""GeoJSON geometry helpers on shapely."""

from __future__ import annotations

import json
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

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
