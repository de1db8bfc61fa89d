"""Anchors from and to files: a file's features become anchors of a case (through the editing
service, so each one is checked, stored once and recorded like a drawn one), and a case's
anchors with its location are written as GeoJSON, KML or KMZ with their categories' styles."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from paragon_desktop.domain.anchors import NAME_MAX, AnchorCategory, category_of
from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.gis.export import ExportLayer
from paragon_desktop.i18n import _
from paragon_desktop.services.editing import EditingService
from paragon_desktop.services.views import AnchorView, CaseSummary, UserView

# A file's feature property that usually holds a place's name (first found wins).
NAME_FIELDS = ("name", "Name", "NAME", "naam", "Naam", "nom", "title", "label")


@dataclass
class AnchorImport:
    added: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "feature: reason", in the user's language


def _parts(geometry: dict[str, Any]) -> list[dict[str, Any]]:
    """Anchors are points, lines and areas: a multi-point or multi-line becomes one per part."""
    kind = geometry.get("type")
    if kind == "MultiPoint":
        return [{"type": "Point", "coordinates": c} for c in geometry["coordinates"]]
    if kind == "MultiLineString":
        return [{"type": "LineString", "coordinates": c} for c in geometry["coordinates"]]
    if kind == "GeometryCollection":
        return [p for g in geometry.get("geometries", []) for p in _parts(g)]
    return [geometry]


def import_anchors(editing: EditingService, user: UserView, case_id: int, geojson: str, *,
                   category: AnchorCategory = AnchorCategory.OTHER,
                   name_field: str | None = None, fallback_name: str = "") -> AnchorImport:
    """Every feature of a layer read from a file (``LayerRead.geojson``) as an anchor. A feature
    that cannot be one (no name, a shape refused) is reported and the others still go in."""
    report = AnchorImport()
    features = json.loads(geojson).get("features", [])
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        field_names = [name_field] if name_field else list(NAME_FIELDS)
        name = next((str(properties[f]).strip() for f in field_names
                     if properties.get(f) not in (None, "")), "")
        name = name or (f"{fallback_name} {number}" if fallback_name else "")
        description = str(properties.get("description") or properties.get("desc") or "")
        geometry = feature.get("geometry") or {}
        parts = _parts(geometry)
        for index, part in enumerate(parts, start=1):
            label = name if len(parts) == 1 else f"{name} ({index})"
            try:
                editing.add_anchor(user, case_id, label[:NAME_MAX], part, category=category,
                                   description=description)
            except ParagonError as exc:
                report.refused.append(f"{label or f'#{number}'}: {exc}")
            else:
                report.added.append(label)
    return report


def anchor_layers(case: CaseSummary, anchors: list[AnchorView]) -> list[ExportLayer]:
    """One layer per category (its colour, its name in the user's language), and the case
    location first."""
    layers = []
    if case.location_geojson:
        layers.append(ExportLayer(
            name=_("Caselocatie"), description=case.name,
            geojson=json.dumps({"type": "FeatureCollection", "features": [{
                "type": "Feature", "geometry": json.loads(case.location_geojson),
                "properties": {"name": case.location_name, "case": case.name}}]}),
            style={"color": "#d9480f", "fillColor": "#ff922b", "weight": 3, "fillOpacity": 0.18}))
    for category in AnchorCategory:
        chosen = [a for a in anchors if category_of(a.category) is category]
        if not chosen:
            continue
        symbol = category.symbol
        layers.append(ExportLayer(
            name=category.label,
            geojson=json.dumps({"type": "FeatureCollection", "features": [{
                "type": "Feature", "geometry": a.geometry,
                "properties": {"name": a.name, "description": a.description,
                               "category": category.value}} for a in chosen]}),
            style={"color": symbol.colour, "fillOpacity": symbol.fill, "weight": 2.5}))
    return layers
