"""Writing layers out as GeoJSON, KML or KMZ, with their styles, for other tools.

GDAL's KML writers do not carry feature styles (and the LIBKML writer crashes in the pyogrio
wheel), so KML is written here with ElementTree: escaping is ElementTree's, and the result is
read back by GDAL in the tests. GeoJSON styles use the "simplestyle" property names that QGIS,
geojson.io and GitHub understand.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from paragon_desktop.domain.errors import ParagonError

EXPORT_FORMATS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".kml": "KML", ".kmz": "KMZ"}
KML_NS = "http://www.opengis.net/kml/2.2"
_DEFAULT_STYLE = {"color": "#3b5bdb", "weight": 2, "opacity": 0.9, "fillOpacity": 0.2}


class LayerExportError(ParagonError):
    """A layer could not be written; the message says where and why."""


@dataclass
class ExportLayer:
    name: str
    geojson: str
    description: str = ""
    style: dict[str, Any] = field(default_factory=dict)


def _style_of(layer: ExportLayer, properties: dict[str, Any]) -> dict[str, Any]:
    return {**_DEFAULT_STYLE, **layer.style, **(properties.get("_style") or {})}


def _plain_properties(properties: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in properties.items() if not k.startswith("_")}


def _features(layer: ExportLayer) -> list[dict[str, Any]]:
    try:
        data = json.loads(layer.geojson)
    except json.JSONDecodeError as exc:
        raise LayerExportError("Layer “{name}” holds damaged data ({exc}).",
                               name=layer.name, exc=exc) from exc
    features: list[dict[str, Any]] = data.get("features", [])
    return features


def export_layers(layers: Sequence[ExportLayer], path: str | Path) -> int:
    """Write one or more layers to ``path``; the format follows its extension. Returns the
    number of features written."""
    path = Path(path)
    fmt = EXPORT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise LayerExportError("{name}: export as .geojson, .kml or .kmz.",
                               name=path.name)
    if not layers:
        raise LayerExportError("No layers to export: tick the layers you want first.")
    try:
        if fmt == "GeoJSON":
            text, count = _geojson(layers)
            path.write_text(text, encoding="utf-8")
        else:
            data, count = _kml(layers, path.stem)
            if fmt == "KML":
                path.write_bytes(data)
            else:
                with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                    archive.writestr("doc.kml", data)
    except OSError as exc:
        raise LayerExportError("{name}: could not be written ({strerror}).",
                               name=path.name, strerror=exc.strerror) from exc
    return count


def _geojson(layers: Sequence[ExportLayer]) -> tuple[str, int]:
    out = []
    for layer in layers:
        for feature in _features(layer):
            properties = feature.get("properties") or {}
            style = _style_of(layer, properties)
            plain = _plain_properties(properties)
            if len(layers) > 1:
                plain["layer"] = layer.name
            if properties.get("_sublayer"):
                plain.setdefault("sublayer", properties["_sublayer"])
            plain.update({
                "stroke": style["color"], "stroke-width": style.get("weight", 2),
                "stroke-opacity": style.get("opacity", 1.0),
                "fill": style.get("fillColor", style["color"]),
                "fill-opacity": style.get("fillOpacity", 0.2),
            })
            if feature["geometry"]["type"] in ("Point", "MultiPoint"):
                plain["marker-color"] = style.get("fillColor", style["color"])
            out.append({"type": "Feature", "geometry": feature["geometry"], "properties": plain})
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": out}
    if len(layers) == 1:
        collection["name"] = layers[0].name
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")), len(out)


def kml_colour(colour: str, opacity: float) -> str:
    """#rrggbb and 0-1 opacity to KML's aabbggrr."""
    hex_colour = colour.lstrip("#")
    if len(hex_colour) != 6:
        hex_colour = "3b5bdb"
    alpha = max(0, min(255, round(float(opacity) * 255)))
    return f"{alpha:02x}{hex_colour[4:6]}{hex_colour[2:4]}{hex_colour[0:2]}"


def _coords(points: Sequence[Sequence[float]]) -> str:
    return " ".join(",".join(repr(float(v)) for v in p[:3]) for p in points)


def _geometry(parent: ET.Element, geometry: dict[str, Any]) -> None:
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Point":
        ET.SubElement(ET.SubElement(parent, "Point"), "coordinates").text = _coords([coords])  # type: ignore[list-item]
    elif kind == "LineString":
        ET.SubElement(ET.SubElement(parent, "LineString"), "coordinates").text = _coords(coords)  # type: ignore[arg-type]
    elif kind == "Polygon":
        polygon = ET.SubElement(parent, "Polygon")
        for i, ring in enumerate(coords or []):
            boundary = ET.SubElement(polygon, "outerBoundaryIs" if i == 0 else "innerBoundaryIs")
            ET.SubElement(ET.SubElement(boundary, "LinearRing"), "coordinates").text = _coords(ring)
    elif kind in ("MultiPoint", "MultiLineString", "MultiPolygon"):
        multi = ET.SubElement(parent, "MultiGeometry")
        for part in coords or []:
            _geometry(multi, {"type": kind[5:], "coordinates": part})
    elif kind == "GeometryCollection":
        multi = ET.SubElement(parent, "MultiGeometry")
        for part in geometry.get("geometries", []):
            _geometry(multi, part)


def _title(properties: dict[str, Any], fallback: str) -> str:
    for key in ("Name", "name", "naam", "title", "titel"):
        if properties.get(key) not in (None, ""):
            return str(properties[key])
    return fallback


def _kml(layers: Sequence[ExportLayer], document_name: str) -> tuple[bytes, int]:
    root = ET.Element("kml", xmlns=KML_NS)
    document = ET.SubElement(root, "Document")
    ET.SubElement(document, "name").text = document_name
    count = 0
    for layer in layers:
        folder = ET.SubElement(document, "Folder")
        ET.SubElement(folder, "name").text = layer.name
        if layer.description:
            ET.SubElement(folder, "description").text = layer.description
        for index, feature in enumerate(_features(layer), start=1):
            properties = feature.get("properties") or {}
            placemark = ET.SubElement(folder, "Placemark")
            ET.SubElement(placemark, "name").text = _title(properties, f"{layer.name} {index}")
            style = _style_of(layer, properties)
            kml_style = ET.SubElement(placemark, "Style")
            icon = ET.SubElement(kml_style, "IconStyle")
            ET.SubElement(icon, "color").text = kml_colour(style.get("fillColor", style["color"]),
                                                           style.get("opacity", 1.0))
            line = ET.SubElement(kml_style, "LineStyle")
            ET.SubElement(line, "color").text = kml_colour(style["color"], style.get("opacity", 1.0))
            ET.SubElement(line, "width").text = f"{float(style.get('weight', 2)):g}"
            poly = ET.SubElement(kml_style, "PolyStyle")
            ET.SubElement(poly, "color").text = kml_colour(style.get("fillColor", style["color"]),
                                                           style.get("fillOpacity", 0.2))
            plain = {k: v for k, v in _plain_properties(properties).items()
                     if k not in ("Name", "name") and v not in (None, "")}
            if plain:
                extended = ET.SubElement(placemark, "ExtendedData")
                for key, value in plain.items():
                    data = ET.SubElement(extended, "Data", name=str(key))
                    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                    ET.SubElement(data, "value").text = text
            _geometry(placemark, feature["geometry"])
            count += 1
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), count
