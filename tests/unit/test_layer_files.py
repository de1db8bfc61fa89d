"""Reading every supported layer format, and refusing hostile or broken files clearly.

All files are built by the tests (tests/layerfiles.py) and read through the one public function,
``paragon_desktop.gis.read_layer``.
"""

from __future__ import annotations

import json
import time
import zipfile

import pytest

from paragon_desktop.gis import LayerReadError, read_layer
from paragon_desktop.gis.crs import LAMBERT72, LAMBERT2008, WGS84
from paragon_desktop.gis.layers import LayerReadCancelled
from tests import layerfiles as lf

LON, LAT = lf.KALLO


def first_point(read):
    return next(f["geometry"]["coordinates"] for f in read.features["features"]
                if f["geometry"]["type"] == "Point")


def near_kallo(lon, lat, *_z, tolerance=0.0005):
    return abs(lon - LON) < tolerance and abs(lat - LAT) < tolerance


# -- every format ------------------------------------------------------------------------------
def test_kml_styles_and_folders(tmp_path):
    path = tmp_path / "zones.kml"
    path.write_text(lf.kml_text(2, folders=True))
    read = read_layer(path)
    assert read.source_format == "KML"
    assert read.feature_count == 3
    assert read.geometry_types == {"Point": 2, "Polygon": 1}
    by_name = {f["properties"]["Name"]: f["properties"] for f in read.features["features"]}
    assert by_name["Zone"]["_style"]["color"] == "#ffa500"  # KML aabbggrr ff00a5ff
    assert by_name["Zone"]["_style"]["weight"] == 4
    assert by_name["Punt 0"]["_style"]["color"] == "#ff0000"
    assert {p["_sublayer"] for p in by_name.values()} == {"Punten", "Zones"}


def test_kmz_with_icon_reads_its_inner_kml(tmp_path):
    path = lf.kmz(tmp_path / "perimeter.kmz", lf.kml_text(3), extra={"files/icon.png": b"\x89PNG"})
    read = read_layer(path)
    assert read.source_format == "KMZ"
    assert read.feature_count == 4
    assert near_kallo(*first_point(read))


def test_gpx_gives_waypoints_routes_and_tracks_as_sublayers(tmp_path):
    path = tmp_path / "rit.gpx"
    path.write_text(lf.gpx_text(4))
    read = read_layer(path)
    kinds = [f["properties"]["_sublayer"] for f in read.features["features"]]
    assert (kinds.count("waypoints"), kinds.count("routes"), kinds.count("tracks")) == (4, 1, 1)


@pytest.mark.parametrize(("crs", "crs_member"), [
    (LAMBERT72, None), (LAMBERT72, "urn:ogc:def:crs:EPSG::31370"),
    (LAMBERT2008, None), (LAMBERT2008, "EPSG:3812"),
])
def test_belgian_geojson_is_placed_correctly_with_or_without_crs_member(tmp_path, crs, crs_member):
    path = lf.geojson(tmp_path / "metingen.geojson", lf.points(lf.lambert_points(crs)),
                      crs_member=crs_member)
    read = read_layer(path)
    assert read.source_crs == crs
    assert near_kallo(*first_point(read), tolerance=1e-6)
    # Only a guess is worth a warning.
    assert bool(read.warnings) == (crs_member is None)


def test_the_user_can_override_the_crs(tmp_path):
    path = lf.geojson(tmp_path / "x.geojson", lf.points(lf.lambert_points(LAMBERT72)))
    as_2008 = read_layer(path, crs="3812")
    assert as_2008.source_crs == LAMBERT2008
    assert not near_kallo(*first_point(as_2008), tolerance=0.5)
    assert read_layer(path, crs="Lambert 72").source_crs == LAMBERT72
    with pytest.raises(LayerReadError, match="not a coordinate system"):
        read_layer(path, crs="EPSG:999999")


def test_geopackage_in_lambert72(tmp_path):
    path = lf.write_with_gdal(tmp_path / "gemeente.gpkg", "GPKG", LAMBERT72, layer="objecten")
    read = read_layer(path)
    assert read.source_format == "GeoPackage"
    assert read.source_crs == LAMBERT72
    assert read.feature_count == 3
    assert near_kallo(*first_point(read), tolerance=1e-6)
    assert [f["properties"]["naam"] for f in read.features["features"]] == ["punt", "lijn", "zone"]


def test_zipped_shapefile_with_and_without_prj(tmp_path):
    with_prj = read_layer(lf.zipped_shapefile(tmp_path / "a.zip", LAMBERT2008))
    assert with_prj.source_format == "Shapefile"
    assert with_prj.source_crs == LAMBERT2008
    assert near_kallo(*first_point(with_prj), tolerance=1e-6)
    # Without .prj the coordinates are recognised as Lambert 2008, with a warning.
    without = read_layer(lf.zipped_shapefile(tmp_path / "b.zip", LAMBERT2008, with_prj=False))
    assert without.source_crs == LAMBERT2008
    assert "does not state its coordinate system" in without.warnings[0]
    with pytest.raises(LayerReadError, match=r"punten.shp comes without its .dbf file"):
        read_layer(lf.zipped_shapefile(tmp_path / "c.zip", LAMBERT2008, drop=".dbf"))


def test_invalid_geometries_are_repaired_and_counted(tmp_path):
    bowtie = [[LON, LAT], [LON + 0.01, LAT + 0.01], [LON + 0.01, LAT], [LON, LAT + 0.01], [LON, LAT]]
    features = [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [bowtie]},
                 "properties": {}}] * 2
    read = read_layer(lf.geojson(tmp_path / "strik.geojson", features))
    assert "2 invalid geometries" in read.warnings[0]
    assert {f["geometry"]["type"] for f in read.features["features"]} == {"MultiPolygon"}


def test_features_without_geometry_are_left_out_and_counted(tmp_path):
    features = lf.points([(LON, LAT)]) + [{"type": "Feature", "geometry": None, "properties": {}}]
    read = read_layer(lf.geojson(tmp_path / "half.geojson", features))
    assert read.feature_count == 1
    assert "1 features without geometry" in read.warnings[0]


def test_html_in_properties_is_kept_as_plain_data(tmp_path):
    script = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    read = read_layer(lf.geojson(tmp_path / "x.geojson", lf.points([(LON, LAT)], naam=script)))
    assert read.features["features"][0]["properties"]["naam"] == script


def test_progress_is_reported_and_cancel_stops_the_read(tmp_path):
    path = lf.geojson(tmp_path / "veel.geojson", lf.points([(LON, LAT)] * 50_000))
    seen = []
    read_layer(path, progress=lambda fraction, stage: seen.append(fraction))
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    assert len(seen) >= 5
    with pytest.raises(LayerReadCancelled, match="veel.geojson: import cancelled"):
        read_layer(path, cancelled=lambda: len(seen) > 3,
                   progress=lambda fraction, stage: seen.append(fraction))


# -- hostile and broken files ------------------------------------------------------------------
def test_entity_bomb_is_refused_quickly(tmp_path):
    path = tmp_path / "bom.kml"
    path.write_text(lf.ENTITY_BOMB_KML)
    started = time.perf_counter()
    with pytest.raises(LayerReadError, match="bom.kml: the file declares a DOCTYPE"):
        read_layer(path)
    assert time.perf_counter() - started < 5  # not expanded: 20^6 * 62 bytes would be 4 GB


def test_external_entity_gpx_is_refused(tmp_path):
    path = tmp_path / "xxe.gpx"
    path.write_text(lf.XXE_GPX)
    with pytest.raises(LayerReadError, match="xxe.gpx: the file declares a DOCTYPE"):
        read_layer(path)


def test_entity_bomb_inside_a_kmz_is_refused(tmp_path):
    path = lf.kmz(tmp_path / "bom.kmz", lf.ENTITY_BOMB_KML)
    with pytest.raises(LayerReadError, match=r"bom.kmz \(doc.kml\): the file declares a DOCTYPE"):
        read_layer(path)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("kort.kml", lf.kml_text(3)[:-40], "ends before its closing </kml> tag"),
    ("kort.gpx", lf.gpx_text(3)[:-30], "ends before its closing </gpx> tag"),
    ("kort.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature",', "ends in the middle"),
])
def test_truncated_files_are_refused(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(LayerReadError, match=f"{name}: .*{message}"):
        read_layer(path)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("echt-kml.geojson", lf.kml_text(1), "the name says GeoJSON but the file holds KML"),
    ("geojson.gpx", '{"type":"FeatureCollection","features":[]}',
     "the name says GPX but the file holds GeoJSON"),
    ("foto.kml", "\x89PNG\r\n\x1a\n....", "not a map layer"),
    ("svg.kml", '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>',
     "root element is <svg>"),
])
def test_a_lying_extension_is_named(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="latin-1")
    with pytest.raises(LayerReadError, match=f"{name}: .*{message}"):
        read_layer(path)


def test_kmz_without_kml_is_refused(tmp_path):
    path = lf.kmz(tmp_path / "leeg.kmz", None, extra={"foto.jpg": b"\xff\xd8", "lees.txt": b"hoi"})
    message = r"leeg.kmz: the KMZ holds no KML document \(it holds foto.jpg, lees.txt\)"
    with pytest.raises(LayerReadError, match=message):
        read_layer(path)


def test_zip_bomb_is_refused_without_unpacking(tmp_path):
    path = tmp_path / "bom.kmz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", lf.kml_text(1))
        archive.writestr("files/ruis.bin", b"\0" * 60_000_000)
    assert path.stat().st_size < 200_000
    with pytest.raises(LayerReadError, match="bom.kmz: files/ruis.bin would unpack .* zip bomb"):
        read_layer(path)
    # An archive that unpacks past the size limit is refused as well.
    with pytest.raises(LayerReadError, match="would unpack to 60 MB, more than the limit of 10 MB"):
        read_layer(path, max_bytes=10_000_000)


def test_coordinates_out_of_range_are_refused(tmp_path):
    path = lf.geojson(tmp_path / "fout.geojson", lf.points([(LON, LAT), (LON, 95.0)]))
    with pytest.raises(LayerReadError, match="fout.geojson: the coordinates are out of range"):
        read_layer(path)
    far = lf.geojson(tmp_path / "ver.geojson", lf.points([(5_000_000.0, 9_000_000.0)]))
    with pytest.raises(LayerReadError, match="fit no Belgian coordinate system. Choose"):
        read_layer(far)


def test_file_over_the_size_limit_is_refused(tmp_path):
    path = lf.geojson(tmp_path / "groot.geojson", lf.points([(LON, LAT)] * 2000))
    with pytest.raises(LayerReadError, match=r"groot.geojson: 0 MB is more than the limit"):
        read_layer(path, max_bytes=50_000)


def test_non_utf8_text_is_refused_with_its_line(tmp_path):
    path = lf.geojson(tmp_path / "latin.geojson", lf.points([(LON, LAT)], naam="Sint-Gillis-Waas é"),
                      encoding="latin-1")
    with pytest.raises(LayerReadError, match=r"latin.geojson: the text is not UTF-8 \(byte 0xE9 on line 1\)"):
        read_layer(path)
    kml = tmp_path / "latin.kml"
    kml.write_bytes(lf.kml_text(1).replace('encoding="UTF-8"', "").replace("Punt 0", "Caf\xe9")
                    .encode("latin-1"))
    with pytest.raises(LayerReadError, match="latin.kml: the text is not UTF-8"):
        read_layer(kml)
    # A declared Latin-1 encoding is honoured.
    declared = tmp_path / "declared.kml"
    declared.write_bytes(lf.kml_text(1).replace("UTF-8", "ISO-8859-1").replace("Punt 0", "Caf\xe9")
                         .encode("latin-1"))
    assert read_layer(declared).features["features"][0]["properties"]["Name"] == "Café"


def test_zero_features_is_refused(tmp_path):
    path = lf.geojson(tmp_path / "niets.geojson", [])
    with pytest.raises(LayerReadError, match="niets.geojson: the file holds no features"):
        read_layer(path)


def test_the_result_is_wgs84_geojson_text(tmp_path):
    read = read_layer(lf.geojson(tmp_path / "x.geojson", lf.points([(LON, LAT)])))
    assert read.geojson.startswith('{"type":"FeatureCollection"')
    assert read.bbox == pytest.approx((LON, LAT, LON, LAT))
    assert read.source_crs == WGS84


def test_times_keep_their_time_zone(tmp_path):
    """Read as numbers, a time's offset was dropped: 10:48+02:00 became a naive 10:48 (an hour
    or two off on the map's popups). Read as text, it stays what the file says."""
    path = tmp_path / "tijden.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [4.3, 51.2]},
        "properties": {"utc": "2026-11-19T08:48:00Z", "summer": "2026-07-01T10:48:00+02:00",
                       "naive": "2026-11-19T08:48:00"}}]}))
    properties = json.loads(read_layer(path).geojson)["features"][0]["properties"]
    assert properties["utc"] == "2026-11-19T08:48:00Z"
    assert properties["summer"] == "2026-07-01T10:48:00+02:00"
    assert properties["naive"] == "2026-11-19T08:48:00"
