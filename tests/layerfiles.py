"""Layer files the tests build themselves: every supported format, and hostile ones.

Valid files are written with GDAL (pyogrio) where it can write the format, otherwise as the
text a GPS or Google Earth would produce. Coordinates are around Beveren/Kallo (Waasland).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from shapely.geometry import LineString, Point, Polygon

from paragon_desktop.gis.crs import WGS84, transformer

KALLO = (4.2790, 51.2700)


def _project(geometries: list, crs: str) -> np.ndarray:
    convert = transformer(WGS84, crs)
    return shapely.transform(
        np.array(geometries, dtype=object),
        lambda xy: np.column_stack(convert.transform(xy[:, 0], xy[:, 1])),
    )


def sample_geometries() -> list:
    lon, lat = KALLO
    return [
        Point(lon, lat),
        LineString([(lon, lat), (lon + 0.01, lat + 0.005), (lon + 0.02, lat)]),
        Polygon([(lon, lat), (lon + 0.01, lat), (lon + 0.01, lat + 0.01), (lon, lat + 0.01)]),
    ]


def write_with_gdal(path: Path, driver: str, crs: str, *, names: list[str] | None = None,
                    layer: str | None = None) -> Path:
    sample = sample_geometries()
    if driver == "ESRI Shapefile":  # one geometry type per shapefile
        sample = [Point(KALLO[0] + i * 0.001, KALLO[1]) for i in range(3)]
    geoms = _project(sample, crs) if crs != WGS84 else np.array(sample)
    names = names or ["punt", "lijn", "zone"]
    pyogrio.raw.write(
        path, shapely.to_wkb(geoms), [np.array(names, dtype=object), np.array([1, 2, 3])],
        ["naam", "nummer"], driver=driver, geometry_type="Unknown" if driver != "ESRI Shapefile"
        else "Point", crs=crs, layer=layer,
    )
    return path


def geojson(path: Path, features: list[dict], *, crs_member: str | None = None,
            encoding: str = "utf-8") -> Path:
    data: dict = {"type": "FeatureCollection", "features": features}
    if crs_member:
        data["crs"] = {"type": "name", "properties": {"name": crs_member}}
    path.write_bytes(json.dumps(data, ensure_ascii=False).encode(encoding))
    return path


def points(coords, **props) -> list[dict]:
    return [{"type": "Feature", "geometry": {"type": "Point", "coordinates": list(c)},
             "properties": {"nr": i, **props}} for i, c in enumerate(coords)]


def multibyte_points(path: Path, n: int, repeat: int) -> Path:
    """A GeoJSON file of ``n`` points whose names repeat multi-byte text ``repeat`` times (a few
    megabytes of UTF-8 for thousands of points)."""
    return geojson(path, [{"type": "Feature", "properties": {"naam": f"Église €–ñ 緊急 {i} " * repeat},
                           "geometry": {"type": "Point", "coordinates": [4.25 + i * 1e-5, 51.2]}}
                          for i in range(n)])


def lambert_points(crs: str, n: int = 3) -> list[tuple[float, float]]:
    lon, lat = KALLO
    convert = transformer(WGS84, crs)
    return [convert.transform(lon + i * 0.001, lat) for i in range(n)]


def kml_text(placemarks: int = 2, *, folders: bool = False) -> str:
    lon, lat = KALLO
    marks = []
    for i in range(placemarks):
        marks.append(f"""
    <Placemark><name>Punt {i}</name><styleUrl>#rood</styleUrl>
      <description>meetpunt {i}</description>
      <Point><coordinates>{lon + i * 0.001},{lat},0</coordinates></Point></Placemark>""")
    zone = f"""
    <Placemark><name>Zone</name><styleUrl>#zone</styleUrl>
      <Polygon><outerBoundaryIs><LinearRing><coordinates>
        {lon},{lat} {lon + 0.01},{lat} {lon + 0.01},{lat + 0.01} {lon},{lat} </coordinates>
      </LinearRing></outerBoundaryIs></Polygon></Placemark>"""
    body = "".join(marks) + zone
    if folders:
        body = (f"<Folder><name>Punten</name>{''.join(marks)}</Folder>"
                f"<Folder><name>Zones</name>{zone}</Folder>")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Test</name>
  <Style id="rood"><IconStyle><color>ff0000ff</color></IconStyle></Style>
  <Style id="zone"><LineStyle><color>ff00a5ff</color><width>4</width></LineStyle>
    <PolyStyle><color>4000a5ff</color></PolyStyle></Style>{body}
</Document></kml>
"""


def kmz(path: Path, kml: str | None = None, *, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if kml is not None:
            archive.writestr("doc.kml", kml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def gpx_text(waypoints: int = 3, *, track_points: int = 5) -> str:
    lon, lat = KALLO
    wpts = "".join(f'<wpt lat="{lat + i * 0.001}" lon="{lon}"><name>WP{i}</name></wpt>'
                   for i in range(waypoints))
    rte = "".join(f'<rtept lat="{lat}" lon="{lon + i * 0.002}"/>' for i in range(3))
    trk = "".join(f'<trkpt lat="{lat - i * 0.0005}" lon="{lon + i * 0.0005}"><ele>3</ele></trkpt>'
                  for i in range(track_points))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" '
            f'xmlns="http://www.topografix.com/GPX/1/1">{wpts}<rte><name>Route</name>{rte}</rte>'
            f"<trk><name>Spoor</name><trkseg>{trk}</trkseg></trk></gpx>\n")


def zipped_shapefile(path: Path, crs: str, *, with_prj: bool = True, drop: str | None = None) -> Path:
    folder = path.parent / (path.stem + "_shp")
    folder.mkdir()
    write_with_gdal(folder / "punten.shp", "ESRI Shapefile", crs)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(folder.iterdir()):
            if (part.suffix == ".prj" and not with_prj) or part.suffix == drop:
                continue
            archive.write(part, part.name)
    return path


ENTITY_BOMB_KML = """<?xml version="1.0"?>
<!DOCTYPE kml [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&f;</name>
<Point><coordinates>4.28,51.27,0</coordinates></Point></Placemark></Document></kml>
"""

XXE_GPX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE gpx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1">
<wpt lat="51.27" lon="4.28"><name>&secret;</name></wpt></gpx>
"""
