"""Coordinate systems used in Belgium, with cached pyproj transformers."""

from __future__ import annotations

import re
import threading

from pyproj import Transformer

WGS84 = "EPSG:4326"
LAMBERT72 = "EPSG:31370"
LAMBERT2008 = "EPSG:3812"


_local = threading.local()


def transformer(source: str, target: str) -> Transformer:
    """A cached transformer for this thread: pyproj objects must not be shared between threads
    (imports and refreshes run on worker threads, the cursor read-out on the GUI thread)."""
    cache: dict[tuple[str, str], Transformer] = _local.__dict__.setdefault("transformers", {})
    found = cache.get((source, target))
    if found is None:
        found = cache[(source, target)] = Transformer.from_crs(source, target, always_xy=True)
    return found


def to_lambert72(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 longitude/latitude to Belgian Lambert 72 (x, y) in metres."""
    x, y = transformer(WGS84, LAMBERT72).transform(lon, lat)
    return float(x), float(y)


def format_position(lon: float, lat: float) -> str:
    """The status bar text: WGS84 degrees and Lambert 72 metres."""
    x, y = to_lambert72(lon, lat)

    def metres(value: float) -> str:
        return f"{value:,.0f}".replace(",", " ")

    return f"WGS84 {lat:.5f}° N, {lon:.5f}° E  |  Lambert 72 X {metres(x)} m, Y {metres(y)} m"


# Where Belgian projected coordinates fall (with a margin around the country), in metres.
_BELGIAN_EXTENTS = {
    LAMBERT72: (0.0, 0.0, 320_000.0, 320_000.0),
    LAMBERT2008: (470_000.0, 480_000.0, 820_000.0, 800_000.0),
}
# Lambert 72 coordinates below this are not in Belgium: lon/lat values with one bad point are not
# mistaken for metres.
_MIN_METRES = 1_000.0


def is_lonlat(bounds: tuple[float, float, float, float]) -> bool:
    min_x, min_y, max_x, max_y = bounds
    return -180.0 <= min_x <= max_x <= 180.0 and -90.0 <= min_y <= max_y <= 90.0


def guess_belgian_crs(bounds: tuple[float, float, float, float]) -> str | None:
    """For a file that does not say: which Belgian system its coordinates fit, if any."""
    min_x, min_y, max_x, max_y = bounds
    if min(min_x, min_y) < _MIN_METRES:
        return None
    for crs, (x0, y0, x1, y1) in _BELGIAN_EXTENTS.items():
        if x0 <= min_x and max_x <= x1 and y0 <= min_y and max_y <= y1:
            return crs
    return None




def _dms(value: float, positive: str, negative: str) -> str:
    hemisphere = positive if value >= 0 else negative
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = (value - degrees - minutes / 60) * 3600
    if seconds >= 59.995:  # 59.999" rounds up to the next minute
        seconds, minutes = 0.0, minutes + 1
    if minutes == 60:
        minutes, degrees = 0, degrees + 1
    return f"{degrees}°{minutes:02d}'{seconds:05.2f}\"{hemisphere}"


def coordinate_texts(lon: float, lat: float) -> list[tuple[str, str]]:
    """A point written in each system Belgian services use: (system, text to copy)."""
    x72, y72 = transformer(WGS84, LAMBERT72).transform(lon, lat)
    x08, y08 = transformer(WGS84, LAMBERT2008).transform(lon, lat)
    zone = 31 if lon < 6 else 32  # the east of the province of Liège lies in zone 32
    xu, yu = transformer(WGS84, f"EPSG:{32600 + zone}").transform(lon, lat)
    return [
        ("WGS84", f"{lat:.6f}, {lon:.6f}"),
        ("WGS84 (DMS)", f"{_dms(lat, 'N', 'S')} {_dms(lon, 'E', 'W')}"),
        ("Lambert 72", f"{x72:.1f}, {y72:.1f}"),
        ("Lambert 2008", f"{x08:.1f}, {y08:.1f}"),
        (f"UTM {zone}N", f"{zone}U {xu:.0f} {yu:.0f}"),
        ("MGRS", _mgrs(zone, "U", xu, yu)),
    ]


def _mgrs(zone: int, band: str, easting: float, northing: float) -> str:
    column = _MGRS_COLUMNS[(zone - 1) % 3][int(easting // 100_000) - 1]
    row = _MGRS_ROWS[(int(northing // 100_000) + (0 if zone % 2 else 5)) % 20]
    return f"{zone}{band} {column}{row} {int(easting % 100_000):05d} {int(northing % 100_000):05d}"


# -- the coordinate search: what a person types, in the systems Belgian services use -------------
_NUMBER = r"[-+]?\d+(?:[.,]\d+)?"
_DMS_PART = re.compile(r"(?P<hem1>[NSEWOZ])?\s*(?P<d>\d+(?:[.,]\d+)?)\s*°\s*"
                       r"(?:(?P<m>\d+(?:[.,]\d+)?)\s*['′]\s*)?"
                       r"(?:(?P<s>\d+(?:[.,]\d+)?)\s*(?:\"|″|'')\s*)?(?P<hem2>[NSEWOZ])?",
                       re.IGNORECASE)
_UTM = re.compile(r"^(?P<zone>\d{1,2})\s*(?P<band>[C-HJ-NP-X])?\s+(?P<e>\d+(?:[.,]\d+)?)\s+"
                  r"(?P<n>\d+(?:[.,]\d+)?)$", re.IGNORECASE)


_MGRS = re.compile(r"^(?P<zone>\d{1,2})\s*(?P<band>[C-HJ-NP-X])\s*(?P<col>[A-HJ-NP-Z])"
                   r"(?P<row>[A-HJ-NP-V])\s*(?P<digits>\d+(?:\s+\d+)?)$", re.IGNORECASE)
_MGRS_COLUMNS = ("ABCDEFGH", "JKLMNPQR", "STUVWXYZ")
_MGRS_ROWS = "ABCDEFGHJKLMNPQRSTUV"
_BANDS = "CDEFGHJKLMNPQRSTUVWX"


def _mgrs_to_utm(match: re.Match[str]) -> tuple[int, float, float] | None:
    """MGRS ("31U ES 89150 78846") as UTM zone, easting, northing (northern hemisphere)."""
    zone = int(match.group("zone"))
    band, col, row = (match.group(k).upper() for k in ("band", "col", "row"))
    digits = match.group("digits").split()
    if len(digits) == 1:
        if len(digits[0]) % 2:
            return None
        half = len(digits[0]) // 2
        digits = [digits[0][:half], digits[0][half:]]
    if len(digits[0]) != len(digits[1]) or not 1 <= len(digits[0]) <= 5 or band < "N":
        return None
    scale = 10 ** (5 - len(digits[0]))
    columns = _MGRS_COLUMNS[(zone - 1) % 3]
    if col not in columns:
        return None
    easting = (columns.index(col) + 1) * 100_000 + int(digits[0]) * scale
    row_index = (_MGRS_ROWS.index(row) - (0 if zone % 2 else 5)) % 20
    northing = row_index * 100_000 + int(digits[1]) * scale
    # The band's southern edge fixes which 2,000 km cycle the row letters are in.
    band_south = -80 + 8 * _BANDS.index(band)
    _x, south = transformer(WGS84, f"EPSG:{32600 + zone}").transform(6 * zone - 183, band_south)
    while northing < south - 100_000:
        northing += 2_000_000
    return zone, float(easting), float(northing)


def _float(text: str) -> float:
    return float(text.replace(",", "."))


def _two_numbers(text: str) -> tuple[float, float] | None:
    """Two numbers as typed: "51.25, 4.27", "51,25 4,27", "51.25;4.27", "143628 216014"."""
    text = text.strip()
    for separator in (";", ", ", " "):
        parts = [p for p in text.split(separator) if p.strip()] if separator != " " \
            else text.split()
        if len(parts) == 2 and all(re.fullmatch(_NUMBER, p.strip()) for p in parts):
            return _float(parts[0].strip()), _float(parts[1].strip())
    if text.count(",") == 1 and "." in text:  # "51.25,4.27"
        a, b = text.split(",")
        if re.fullmatch(_NUMBER, a.strip()) and re.fullmatch(_NUMBER, b.strip()):
            return float(a), float(b)
    return None


def parse_coordinates(text: str) -> tuple[float, float, str]:
    """(lon, lat, system) of a typed position: WGS84 decimal degrees (latitude first, or either
    order when it is clear in Belgium), degrees-minutes-seconds, Lambert 72, Lambert 2008
    (x, y in metres, told apart by their ranges), UTM ("31U 589150 5678846") or MGRS
    ("31U ES 89150 78846", 1 to 5 digits each)."""
    from paragon_desktop.domain.anchors import BELGIUM_EXTENT
    from paragon_desktop.domain.errors import ValidationError

    cleaned = " ".join(text.replace("\u00a0", " ").split())
    found: tuple[float, float, str] | None = None
    utm = _UTM.match(cleaned)
    mgrs = _MGRS.match(cleaned)
    dms = [m for m in _DMS_PART.finditer(cleaned) if m.group("d")]
    grid = _mgrs_to_utm(mgrs) if mgrs else None
    if grid is not None and 29 <= grid[0] <= 33:
        zone, easting, northing = grid
        lon, lat = transformer(f"EPSG:{32600 + zone}", WGS84).transform(easting, northing)
        found = (float(lon), float(lat), "MGRS")
    elif utm and 29 <= int(utm.group("zone")) <= 33:
        zone = int(utm.group("zone"))
        lon, lat = transformer(f"EPSG:{32600 + zone}", WGS84).transform(
            _float(utm.group("e")), _float(utm.group("n")))
        found = (float(lon), float(lat), f"UTM {zone}N")
    elif len(dms) == 2:
        values = []
        for m in dms:
            value = _float(m.group("d")) + _float(m.group("m") or "0") / 60 \
                + _float(m.group("s") or "0") / 3600
            hemisphere = (m.group("hem1") or m.group("hem2") or "").upper()
            if hemisphere in ("S", "W"):
                value = -value
            values.append((value, hemisphere))
        (a, ha), (b, hb) = values
        lat, lon = (b, a) if ha in ("E", "O", "W") or hb in ("N", "Z", "S") else (a, b)
        found = (lon, lat, "WGS84 (DMS)")
    else:
        pair = _two_numbers(cleaned)
        if pair is not None:
            a, b = pair
            if 470_000 <= a <= 820_000 and 480_000 <= b <= 800_000:
                lon, lat = transformer(LAMBERT2008, WGS84).transform(a, b)
                found = (float(lon), float(lat), "Lambert 2008")
            elif 1_000 <= a <= 320_000 and 1_000 <= b <= 320_000:
                lon, lat = transformer(LAMBERT72, WGS84).transform(a, b)
                found = (float(lon), float(lat), "Lambert 72")
            elif 49 <= a <= 52 and 2 <= b <= 7:
                found = (b, a, "WGS84")
            elif 2 <= a <= 7 and 49 <= b <= 52:
                found = (a, b, "WGS84")
    if found is None:
        raise ValidationError(
            "“{text}” is not a position this app reads. Type WGS84 degrees (51.2540, 4.2775 or "
            "51°15'14\"N 4°16'39\"E), Lambert 72 or Lambert 2008 metres (143629, 216015), UTM "
            "(31U 589150 5678846) or MGRS (31U ES 89150 78846).", text=text.strip())
    lon, lat, system = found
    west, south, east, north = BELGIUM_EXTENT
    if not (west <= lon <= east and south <= lat <= north):
        raise ValidationError("{text} ({system}) lies outside Belgium and its border area.",
                              text=text.strip(), system=system)
    return lon, lat, system
