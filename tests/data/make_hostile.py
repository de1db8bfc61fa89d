"""Writes the small hostile and awkward layer files of tests/data/hostile (run once; the files are
committed). Each file's expected outcome is in tests/data/hostile/outcomes.json.

Large or slow ones (endless GeoPackage views, thousands of layers, long prologs) are generated
by the tests themselves (tests/hostile.py).
"""

from __future__ import annotations

import io
import json
import sqlite3
import struct
import zipfile
from pathlib import Path

import numpy as np
import pyogrio
import shapely

HERE = Path(__file__).parent / "hostile"
KML = ('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2" '
       'xmlns:gx="http://www.google.com/kml/ext/2.2"><Document>{}</Document></kml>\n')
POINT = "<Point><coordinates>4.28,51.27</coordinates></Point>"


def placemark(name: str, geometry: str, extra: str = "") -> str:
    return f"<Placemark><name>{name}</name>{extra}{geometry}</Placemark>"


def ring(coords: str) -> str:
    return (f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}</coordinates>"
            "</LinearRing></outerBoundaryIs></Polygon>")


def track(*coords: tuple[float, float]) -> str:
    whens = "".join(f"<when>2026-11-30T10:0{i}:00Z</when>" for i in range(len(coords)))
    points = "".join(f"<gx:coord>{x} {y} 0</gx:coord>" for x, y in coords)
    return f"<gx:Track>{whens}{points}</gx:Track>"


def feature_collection(features: list[dict], crs: dict | None = None) -> str:
    data: dict = {"type": "FeatureCollection"}
    if crs:
        data["crs"] = crs
    data["features"] = features
    return json.dumps(data)


def feature(geometry: dict, **properties: object) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def pt(x: float, y: float) -> dict:
    return {"type": "Point", "coordinates": [x, y]}


def patched_zip(name: str, patch) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("doc.kml", KML.format(placemark("punt", POINT)))
    data = bytearray(buffer.getvalue())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    patch(data, local, central)
    return bytes(data)


def encrypt(data: bytearray, local: int, central: int) -> None:
    for at in (local + 6, central + 8):
        flags = struct.unpack_from("<H", data, at)[0]
        struct.pack_into("<H", data, at, flags | 0x1)


def deflate64(data: bytearray, local: int, central: int) -> None:
    struct.pack_into("<H", data, local + 8, 9)
    struct.pack_into("<H", data, central + 10, 9)


def bad_crc(data: bytearray, local: int, central: int) -> None:
    struct.pack_into("<I", data, local + 14, 0xDEADBEEF)
    struct.pack_into("<I", data, central + 16, 0xDEADBEEF)


LOCAL_CS = 'LOCAL_CS["Bouwplaatsraster",UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'


def shapefile_with_local_cs(path: Path) -> None:
    folder = HERE / "_shp"
    folder.mkdir(exist_ok=True)
    geoms = shapely.to_wkb(np.array([shapely.Point(150_000, 200_000), shapely.Point(150_100, 200_000)]))
    pyogrio.raw.write(folder / "raster.shp", geoms, [np.array(["a", "b"], dtype=object)], ["naam"],
                      driver="ESRI Shapefile", geometry_type="Point", crs="EPSG:31370")
    (folder / "raster.prj").write_text(LOCAL_CS)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(folder.iterdir()):
            archive.write(part, part.name)
    for part in folder.iterdir():
        part.unlink()
    folder.rmdir()


def geopackage_with_local_cs(path: Path) -> None:
    geoms = shapely.to_wkb(np.array([shapely.Point(150_000, 200_000)]))
    pyogrio.raw.write(path, geoms, [np.array(["a"], dtype=object)], ["naam"], driver="GPKG",
                      geometry_type="Point", crs="EPSG:31370", layer="raster")
    db = sqlite3.connect(path)
    db.execute("INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, "
               "organization_coordsys_id, definition) VALUES ('Bouwplaatsraster', 99001, 'NONE', "
               "99001, ?)", (LOCAL_CS,))
    db.execute("UPDATE gpkg_contents SET srs_id = 99001")
    db.execute("UPDATE gpkg_geometry_columns SET srs_id = 99001")
    db.commit()
    db.close()


def main() -> None:
    HERE.mkdir(exist_ok=True)
    files = {
        "one-point-line.kml": KML.format(
            placemark("ok", POINT) + placemark("een", "<LineString><coordinates>4.28,51.27"
                                               "</coordinates></LineString>")),
        "open-ring.kml": KML.format(
            placemark("ok", POINT) + placemark("open", ring("4.28,51.27 4.29,51.27 4.29,51.28"))),
        "two-point-ring.kml": KML.format(
            placemark("ok", POINT) + placemark("plat", ring("4.28,51.27 4.29,51.27"))),
        "linear-ring-placemark.kml": KML.format(
            placemark("ok", POINT) + placemark("ring", "<LinearRing><coordinates>4.28,51.27 "
                                               "4.29,51.27 4.29,51.28 4.28,51.27</coordinates>"
                                               "</LinearRing>")),
        "timespan-polygons.kml": KML.format(
            placemark("a", ring("4.28,51.27 4.29,51.27 4.29,51.28 4.28,51.27"),
                      "<TimeSpan><begin>2026-11-30T10:00:00+01:00</begin></TimeSpan>")
            + placemark("b", ring("4.30,51.27 4.31,51.27 4.31,51.28 4.30,51.27"),
                        "<TimeSpan><begin>2026</begin><end>2026-12</end></TimeSpan>")
            + placemark("c", POINT, "<TimeStamp><when>2026-11-30</when></TimeStamp>")),
        "gx-tracks.kml": KML.format(
            placemark("spoor", track((4.28, 51.27), (4.29, 51.28), (4.30, 51.28)))
            + placemark("sporen", "<gx:MultiTrack>" + track((4.28, 51.26), (4.29, 51.26))
                        + track((4.30, 51.26), (4.31, 51.26)) + "</gx:MultiTrack>")),
        "several-points.kml": KML.format(placemark(
            "drie", "<MultiGeometry>" + "".join(
                f"<Point><coordinates>4.2{i},51.27</coordinates></Point>" for i in range(3))
            + "</MultiGeometry>")),
        "nan-coordinates.kml": KML.format(
            placemark("ok", POINT) + placemark("nan", "<Point><coordinates>nan,51.27</coordinates>"
                                               "</Point>")),
        "gps-export.gpx": (
            '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="gps" '
            'xmlns="http://www.topografix.com/GPX/1/1">'
            '<wpt lat="51.27" lon="4.28"><name>WP1</name></wpt>'
            '<wpt lat="NaN" lon="4.28"><name>kapot</name></wpt>'
            '<rte><name>kort</name><rtept lat="51.27" lon="4.28"/></rte>'
            '<trk><name>spoor</name><trkseg><trkpt lat="51.27" lon="4.28"/></trkseg>'
            '<trkseg><trkpt lat="51.27" lon="4.28"/><trkpt lat="51.28" lon="4.29"/></trkseg></trk>'
            "</gpx>\n"),
        "nan-coordinates.geojson": feature_collection([
            feature(pt(4.28, 51.27), naam="ok"),
            feature({"type": "Point", "coordinates": [float("nan"), 51.27]}, naam="nan"),
            feature({"type": "LineString", "coordinates": [[4.28, 51.27], [float("nan"), 51.28],
                                                           [4.29, 51.28]]}, naam="lijn")]),
        "list-properties.geojson": feature_collection([
            feature(pt(4.28, 51.27), tags=["gas", "NH3"], waarden=[1, 2, 3],
                    meta={"bron": "drone"})]),
        "ogr-style-property.geojson": feature_collection([
            feature(pt(4.28, 51.27), OGR_STYLE="<b>geen stijl</b>", naam="a")]),
        "crs-link.geojson": feature_collection(
            [feature(pt(4.28, 51.27))],
            {"type": "link", "properties": {"href": "http://127.0.0.1:9/crs.wkt", "type": "ogcwkt"}}),
        "engineering-crs.geojson": feature_collection(
            [feature(pt(150000, 200000))],
            {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::5800"}}),
        "vertical-crs.geojson": feature_collection(
            [feature(pt(4.28, 51.27))],
            {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::5710"}}),
        "geocentric-crs.geojson": feature_collection(
            [feature(pt(4.28, 51.27))],
            {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4978"}}),
        "lat-lon-swapped.geojson": feature_collection(
            [feature(pt(51.27, 4.28)), feature(pt(51.28, 4.29))]),
        "comment-trick.kml": ('<?xml version="1.0"?>\n<!-->\n<!DOCTYPE kml [<!ENTITY a "aaaa">]>\n'
                              '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
                              "<name>&a;</name>" + POINT + "</Placemark></Document></kml>\n"),
        "entity-in-body.kml": ('<?xml version="1.0"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
                               '<Document><!DOCTYPE x [<!ENTITY a "b">]><Placemark>'
                               + POINT + "</Placemark></Document></kml>\n"),
    }
    for name, text in files.items():
        (HERE / name).write_text(text, encoding="utf-8")
    (HERE / "encrypted.kmz").write_bytes(patched_zip("encrypted", encrypt))
    (HERE / "deflate64.kmz").write_bytes(patched_zip("deflate64", deflate64))
    (HERE / "bad-crc.kmz").write_bytes(patched_zip("bad-crc", bad_crc))
    for name, make in (("local-cs-shapefile.zip", shapefile_with_local_cs),
                       ("local-cs.gpkg", geopackage_with_local_cs)):
        (HERE / name).unlink(missing_ok=True)
        make(HERE / name)


if __name__ == "__main__":
    main()
