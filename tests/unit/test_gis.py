import json

import pytest

from paragon_desktop.gis import LayerReadError, read_layer
from paragon_desktop.gis.crs import format_position, to_lambert72
from paragon_desktop.gis.styles import ogr_style_to_leaflet
from paragon_desktop.services.demo import demo_file, municipality_polygons


def test_kml_is_read_with_its_styles():
    read = read_layer(demo_file("perimeter-nordchem.kml"))
    assert read.source_format == "KML"
    assert read.feature_count == 4
    red = read.features["features"][0]
    assert red["properties"]["Name"].startswith("Rode zone")
    # KML colours are aabbggrr: ff1c1ce0 is opaque #e01c1c; poly 55 alpha is about 0.33.
    assert red["properties"]["_style"]["color"] == "#e01c1c"
    assert red["properties"]["_style"]["fillOpacity"] == pytest.approx(0x55 / 255, abs=0.01)
    assert red["properties"]["_style"]["weight"] == 3
    assert "tessellate" not in red["properties"]


def test_geojson_in_lambert72_is_placed_in_wgs84():
    read = read_layer(demo_file("gasmetingen-nh3.geojson"))
    assert read.source_crs == "EPSG:31370"
    lon, lat = read.features["features"][0]["geometry"]["coordinates"]
    raw = json.loads(demo_file("gasmetingen-nh3.geojson").read_text())
    x, y = raw["features"][0]["geometry"]["coordinates"]
    assert 4.2 < lon < 4.4
    assert 51.2 < lat < 51.3
    back = to_lambert72(lon, lat)
    assert back == pytest.approx((x, y), abs=0.05)


def test_gpx_waypoints_and_tracks_are_read():
    read = read_layer(demo_file("meetroute-d4.gpx"))
    kinds = [f["properties"]["_sublayer"] for f in read.features["features"]]
    assert kinds.count("waypoints") == 3
    assert kinds.count("tracks") == 1
    track = next(f for f in read.features["features"] if f["properties"]["_sublayer"] == "tracks")
    assert track["geometry"]["type"] == "MultiLineString"
    assert len(track["geometry"]["coordinates"][0]) == 48


def test_bad_files_give_errors_that_name_the_file(tmp_path):
    empty = tmp_path / "leeg.kml"
    empty.write_text("")
    with pytest.raises(LayerReadError, match="leeg.kml: the file is empty"):
        read_layer(empty)
    garbage = tmp_path / "kapot.geojson"
    garbage.write_text('{"type": "FeatureCollection", "features": [ {"type": ')
    with pytest.raises(LayerReadError, match="kapot.geojson: the GeoJSON ends in the middle"):
        read_layer(garbage)
    other = tmp_path / "notes.docx"
    other.write_bytes(b"PK\x03\x04")
    with pytest.raises(LayerReadError, match="notes.docx: unknown layer format"):
        read_layer(other)
    big = tmp_path / "groot.geojson"
    big.write_text(" " * 2048)
    with pytest.raises(LayerReadError, match="more than the limit"):
        read_layer(big, max_bytes=1024)


def test_ogr_style_strings_become_leaflet_options():
    assert ogr_style_to_leaflet("PEN(c:#FF0000FF,w:3.000000px);BRUSH(fc:#FF000040)") == {
        "color": "#ff0000", "opacity": 1.0, "weight": 3.0,
        "fillColor": "#ff0000", "fillOpacity": pytest.approx(0.251, abs=0.001),
    }
    assert ogr_style_to_leaflet("") == {}
    assert ogr_style_to_leaflet("BRUSH(fc:not-a-colour)") == {}


def test_lambert72_applies_the_bd72_datum_shift():
    # Lambert 72's central meridian is 4°22'02.952" E of the BD72 datum (false easting
    # 150000.013 m). The same longitude in WGS84 lies roughly 90 m off: a transformation that
    # forgot the datum shift would land on the false easting exactly.
    meridian = 4 + 22 / 60 + 2.952 / 3600
    x, y = to_lambert72(meridian, 50.8)
    assert 20 < abs(x - 150000.013) < 150
    assert 165_000 < y < 180_000
    assert format_position(meridian, 50.8).startswith("WGS84 50.80000° N, 4.36749° E")
    assert f"X {round(x):,} m".replace(",", " ") in format_position(meridian, 50.8)


def test_demo_municipalities_share_their_borders_exactly():
    polygons = municipality_polygons()
    names = list(polygons)
    for a in names:
        assert polygons[a].is_valid
        for b in names:
            if a < b:
                assert polygons[a].intersection(polygons[b]).area < 1e-12
    scheldemonde = polygons["Gemeente Scheldemonde"]
    neighbours = {n for n in names if n != "Gemeente Scheldemonde"
                  and scheldemonde.touches(polygons[n])}
    assert neighbours == set(names) - {"Gemeente Scheldemonde"}
