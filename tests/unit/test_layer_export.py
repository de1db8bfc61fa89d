"""Exported layers read back with GDAL: features, attributes and styles survive."""

from __future__ import annotations

import json
import zipfile

import pytest

from paragon_desktop.gis import read_layer
from paragon_desktop.gis.export import ExportLayer, LayerExportError, export_layers, kml_colour
from tests import layerfiles as lf


@pytest.fixture
def zones(tmp_path):
    path = tmp_path / "zones.kml"
    path.write_text(lf.kml_text(2))
    read = read_layer(path)
    return ExportLayer("Zones <rood> & co", read.geojson, "Perimeter van 14:05", {})


@pytest.fixture
def gpx_layer(tmp_path):
    path = tmp_path / "rit.gpx"
    path.write_text(lf.gpx_text(3))
    return ExportLayer("Meetrit", read_layer(path).geojson, "", {"color": "#2b8a3e"})


def test_kml_colours_are_aabbggrr():
    assert kml_colour("#ffa500", 1.0) == "ff00a5ff"
    assert kml_colour("#e01c1c", 0.2) == "331c1ce0"


@pytest.mark.parametrize("suffix", [".kml", ".kmz"])
def test_kml_and_kmz_round_trip_with_styles(tmp_path, zones, gpx_layer, suffix):
    out = tmp_path / f"export{suffix}"
    assert export_layers([zones, gpx_layer], out) == 3 + 5
    if suffix == ".kmz":
        assert zipfile.ZipFile(out).namelist() == ["doc.kml"]
    back = read_layer(out)
    assert back.feature_count == 8
    by_name = {f["properties"]["Name"]: f["properties"] for f in back.features["features"]}
    # The zone keeps its orange line of width 4 from the source KML.
    assert by_name["Zone"]["_style"]["color"] == "#ffa500"
    assert by_name["Zone"]["_style"]["weight"] == 4
    # A layer colour chosen for a style-less format is written as a style too.
    assert by_name["WP0"]["_style"]["color"] == "#2b8a3e"
    # Layers become folders, names with markup stay text.
    assert {p["_sublayer"] for p in by_name.values()} == {"Zones <rood> & co", "Meetrit"}


def test_geojson_export_uses_simplestyle_and_names_layers(tmp_path, zones, gpx_layer):
    out = tmp_path / "export.geojson"
    export_layers([zones, gpx_layer], out)
    data = json.loads(out.read_text())
    zone = next(f for f in data["features"] if f["properties"].get("Name") == "Zone")
    assert zone["properties"]["stroke"] == "#ffa500"
    assert zone["properties"]["layer"] == "Zones <rood> & co"
    assert not any(k.startswith("_") for f in data["features"] for k in f["properties"])
    assert read_layer(out).feature_count == 8


def test_export_refuses_unknown_formats_and_nothing(tmp_path, zones):
    with pytest.raises(LayerExportError, match="export as .geojson, .kml or .kmz"):
        export_layers([zones], tmp_path / "x.shp")
    with pytest.raises(LayerExportError, match="No layers to export"):
        export_layers([], tmp_path / "x.kml")
