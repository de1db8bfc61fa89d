"""The coordinate box reads what people type in each system Belgian services use, and lands
within a metre of pyproj's own answer; the copy menu writes each system the same way."""

from __future__ import annotations

import pytest
from pyproj import Geod, Transformer

from paragon_desktop.domain.errors import ValidationError
from paragon_desktop.gis.crs import coordinate_texts, parse_coordinates
from paragon_desktop.ui.controllers.map_tools import area_text, distance_text

GEOD = Geod(ellps="WGS84")
LON, LAT = 4.2775, 51.2540  # Nordchem, Scheldemonde


def projected(epsg: str) -> tuple[float, float]:
    return Transformer.from_crs("EPSG:4326", epsg, always_xy=True).transform(LON, LAT)


def metres_off(lon: float, lat: float) -> float:
    return GEOD.inv(LON, LAT, lon, lat)[2]


def typed() -> dict[str, str]:
    x72, y72 = projected("EPSG:31370")
    x08, y08 = projected("EPSG:3812")
    xu, yu = projected("EPSG:32631")
    return {
        "WGS84": "51.2540, 4.2775",
        "WGS84 lon first": "4.2775 51.2540",
        "WGS84 Belgian decimal comma": "51,2540; 4,2775",
        "DMS": "51°15'14.4\"N 4°16'39.0\"E",
        "DMS with primes and minutes only": "N 51°15.240′ E 4°16.650′",
        "Lambert 72": f"{x72:.1f}, {y72:.1f}",
        "Lambert 2008": f"{x08:.1f} {y08:.1f}",
        "UTM": f"31U {xu:.0f} {yu:.0f}",
        # The 100 km square of this point is E (column) S (row): 589 km east, 5,678 km north.
        "MGRS": f"31U ES {int(xu % 100_000):05d} {int(yu % 100_000):05d}",
        "MGRS written together": f"31UES{int(xu % 100_000):05d}{int(yu % 100_000):05d}",
    }


@pytest.mark.parametrize("kind", list(typed()))
def test_each_system_lands_within_a_metre_of_pyproj(kind):
    lon, lat, _system = parse_coordinates(typed()[kind])
    assert metres_off(lon, lat) < (1.5 if kind.startswith("MGRS") else 1.0)  # MGRS: to the metre


def test_lambert_72_and_2008_are_told_apart_by_their_ranges():
    assert parse_coordinates(typed()["Lambert 72"])[2] == "Lambert 72"
    assert parse_coordinates(typed()["Lambert 2008"])[2] == "Lambert 2008"


@pytest.mark.parametrize(("text", "says"), [
    ("Kaaiweg 14", "not a position"),
    ("52.52, 13.40", "not a position"),  # Berlin: latitude/longitude outside every range
    ("31U 300000 6200000", "outside Belgium"),
])
def test_what_is_not_a_belgian_position_is_refused_with_the_formats(text, says):
    with pytest.raises(ValidationError, match=says):
        parse_coordinates(text)


def test_what_the_copy_menu_writes_the_box_reads_back():
    systems = []
    for system, text in coordinate_texts(LON, LAT):
        lon, lat, _found = parse_coordinates(text)
        assert metres_off(lon, lat) < 1.5, system
        systems.append(system)
    assert systems == ["WGS84", "WGS84 (DMS)", "Lambert 72", "Lambert 2008", "UTM 31N", "MGRS"]
    assert dict(coordinate_texts(LON, LAT))["MGRS"].startswith("31U ES ")


def test_measurements_read_in_the_unit_that_fits():
    assert distance_text(850) == "850 m"
    assert distance_text(12_346) == "12.35 km"
    assert area_text(2_500) == "2,500 m²"
    assert area_text(23_500) == "2.35 ha (23,500 m²)"
    assert area_text(3_200_000) == "3.20 km² (320 ha)"


def test_the_east_of_liege_is_written_in_utm_zone_32():
    texts = dict(coordinate_texts(6.1, 50.6))  # Eupen's area
    assert texts["UTM 32N"].startswith("32U ")
    assert texts["MGRS"].startswith("32U ")
    for text in (texts["UTM 32N"], texts["MGRS"]):
        lon, lat, _system = parse_coordinates(text)
        assert GEOD.inv(6.1, 50.6, lon, lat)[2] < 1.5
