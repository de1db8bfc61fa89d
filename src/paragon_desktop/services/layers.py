"""Storing map layers read from files, shared personally or through feeds."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import shapely
from sqlalchemy.orm import Session

from paragon_desktop.gis.geometry import union_bbox
from paragon_desktop.gis.layers import LayerRead
from paragon_desktop.services import audit
from paragon_desktop.storage.models import Layer, LayerData, LayerShare


def features_bbox(features: dict[str, Any]) -> tuple[float, float, float, float] | None:
    boxes = []
    for feature in features["features"]:
        geometry = shapely.from_geojson(json.dumps(feature["geometry"]))
        if not geometry.is_empty:
            boxes.append(tuple(float(v) for v in shapely.bounds(geometry)))
    return union_bbox(boxes)  # type: ignore[arg-type]


def store_layer(
    session: Session,
    *,
    case_id: int,
    owner_id: int,
    name: str,
    read: LayerRead,
    source: Path,
    description: str = "",
    feed_ids: Iterable[int] = (),
    style: dict[str, Any] | None = None,
) -> int:
    """Store a layer and its features; no feeds means personal to its owner."""
    bbox = features_bbox(read.features)
    layer = Layer(
        case_id=case_id,
        owner_id=owner_id,
        name=name,
        description=description,
        source_file=source.name,
        source_format=read.source_format,
        source_crs=read.source_crs,
        feature_count=read.feature_count,
        style_json=json.dumps(style or {}),
        created_at=datetime.now(UTC),
    )
    if bbox is not None:
        layer.min_lon, layer.min_lat, layer.max_lon, layer.max_lat = bbox
    session.add(layer)
    session.flush()
    session.add(
        LayerData(
            layer_id=layer.id,
            geojson=json.dumps(read.features, separators=(",", ":"), ensure_ascii=False),
        )
    )
    for feed_id in feed_ids:
        session.add(LayerShare(layer_id=layer.id, feed_id=feed_id))
    audit.record(
        session, "layer.added", user_id=owner_id, case_id=case_id, name=name,
        source=source.name, features=read.feature_count,
    )
    return layer.id
