"""Coordinate systems used in Belgium, with cached pyproj transformers."""

from __future__ import annotations

from functools import lru_cache

from pyproj import Transformer

WGS84 = "EPSG:4326"
LAMBERT72 = "EPSG:31370"
LAMBERT2008 = "EPSG:3812"


@lru_cache(maxsize=16)
def transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


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
