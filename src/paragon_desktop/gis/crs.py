"""Coordinate systems used in Belgium, with cached pyproj transformers."""

from __future__ import annotations

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


UTM31N = "EPSG:32631"


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
    xu, yu = transformer(WGS84, UTM31N).transform(lon, lat)
    return [
        ("WGS84", f"{lat:.6f}, {lon:.6f}"),
        ("WGS84 (DMS)", f"{_dms(lat, 'N', 'S')} {_dms(lon, 'E', 'W')}"),
        ("Lambert 72", f"{x72:.1f}, {y72:.1f}"),
        ("Lambert 2008", f"{x08:.1f}, {y08:.1f}"),
        ("UTM 31N", f"31U {xu:.0f} {yu:.0f}"),
    ]
