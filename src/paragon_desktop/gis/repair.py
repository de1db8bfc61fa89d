"""Keeping every feature of a layer file that can be kept.

GPS exports and hand-made KML hold geometries that GEOS refuses: a line or track segment of one
point, a polygon ring that is not closed or has two points, coordinates that are not numbers
(NaN). One such feature used to refuse the whole file. Here the geometries GEOS could not take,
or that hold non-finite coordinates, are decoded from their WKB by hand, repaired where there is
one obvious repair, and otherwise left out, each with a reason the import reports and counts.

Only those few features take this slow path: the others stay shapely arrays throughout.
"""

from __future__ import annotations

import math
import struct
from collections import Counter
from typing import Any

import numpy as np
import shapely

from paragon_desktop.i18n import E_, error_text

# What happened to a feature, as counted and reported (English here; the import words them).
CLOSED_RING = E_("rings closed")
ONE_POINT_LINE = E_("one-point lines turned into points")
ONE_POINT_PART = E_("one-point line parts left out")
NAN_VERTEX = E_("vertices that are not numbers (NaN) removed")
DEGENERATE_HOLE = E_("holes with fewer than three corners removed")
LINEAR_RING = E_("KML LinearRings drawn as closed lines")
# Why a feature was left out.
NOT_NUMBERS = E_("with coordinates that are not numbers (NaN)")
FLAT_POLYGON = E_("polygons with fewer than three corners")
UNREADABLE = E_("geometries that could not be read")

_TYPES = {1: "Point", 2: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString",
          6: "MultiPolygon", 7: "GeometryCollection"}


class _Reader:
    """A minimal WKB reader (ISO and EWKB flags): enough to get the coordinates back out of a
    geometry GEOS refused."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def _unpack(self, fmt: str, size: int) -> tuple[Any, ...]:
        if self.at + size > len(self.data):
            raise ValueError("WKB ends early")
        values = struct.unpack_from(fmt, self.data, self.at)
        self.at += size
        return values

    def geometry(self) -> tuple[str, Any]:
        (order,) = self._unpack("B", 1)
        end = "<" if order == 1 else ">"
        (code,) = self._unpack(end + "I", 4)
        dims = 2
        if code & 0x80000000:
            dims += 1
        if code & 0x40000000:
            dims += 1
        if code & 0x20000000:
            self._unpack(end + "I", 4)  # SRID
        code &= 0x0FFFFFFF
        iso, base = divmod(code, 1000)
        dims += {0: 0, 1: 1, 2: 1, 3: 2}.get(iso, 0)
        kind = _TYPES.get(base)
        if kind is None:
            raise ValueError(f"unknown WKB type {code}")

        def points(n: int) -> list[tuple[float, float]]:
            out = []
            for _ in range(n):
                values = self._unpack(end + "d" * dims, 8 * dims)
                out.append((values[0], values[1]))
            return out

        if kind == "Point":
            return kind, points(1)[0]
        if kind == "LineString":
            (n,) = self._unpack(end + "I", 4)
            return kind, points(n)
        if kind == "Polygon":
            (rings,) = self._unpack(end + "I", 4)
            return kind, [points(self._unpack(end + "I", 4)[0]) for _ in range(rings)]
        (n,) = self._unpack(end + "I", 4)
        return kind, [self.geometry() for _ in range(n)]


def _finite(coords: list[tuple[float, float]], notes: Counter[str]) -> list[tuple[float, float]]:
    kept = [c for c in coords if math.isfinite(c[0]) and math.isfinite(c[1])]
    if len(kept) != len(coords):
        notes[NAN_VERTEX] += len(coords) - len(kept)
    return kept


def _ring(coords: list[tuple[float, float]], notes: Counter[str]) -> list[tuple[float, float]] | None:
    coords = _finite(coords, notes)
    if len(set(coords)) < 3:
        return None
    if coords[0] != coords[-1]:
        coords = [*coords, coords[0]]
        notes[CLOSED_RING] += 1
    return coords


def _build(kind: str, body: Any, notes: Counter[str]) -> tuple[shapely.Geometry | None, str | None]:
    """A geometry GEOS accepts, or None with the reason it was left out."""
    if kind == "Point":
        x, y = body
        if not (math.isfinite(x) and math.isfinite(y)):
            return None, NOT_NUMBERS
        return shapely.Point(x, y), None
    if kind == "LineString":
        coords = _finite(body, notes)
        if not coords:
            return None, NOT_NUMBERS if body else UNREADABLE
        if len(set(coords)) == 1:
            notes[ONE_POINT_LINE] += 1
            return shapely.Point(coords[0]), None
        return shapely.LineString(coords), None
    if kind == "Polygon":
        if not body:
            return None, UNREADABLE
        shell = _ring(body[0], notes)
        if shell is None:
            return None, FLAT_POLYGON
        holes = []
        for hole in body[1:]:
            fixed = _ring(hole, notes)
            if fixed is None:
                notes[DEGENERATE_HOLE] += 1
            else:
                holes.append(fixed)
        return shapely.Polygon(shell, holes), None
    parts = []
    reasons = []
    for part_kind, part_body in body:
        if kind == "MultiLineString" and part_kind == "LineString":
            coords = _finite(part_body, notes)
            if len(set(coords)) < 2:
                if coords:
                    notes[ONE_POINT_PART] += 1
                    parts.append(("point", shapely.Point(coords[0])))
                continue
            parts.append(("line", shapely.LineString(coords)))
            continue
        built, reason = _build(part_kind, part_body, notes)
        if built is None:
            reasons.append(reason)
        else:
            parts.append(("part", built))
    lines = [g for label, g in parts if label == "line"]
    if kind == "MultiLineString":
        if lines:
            return (lines[0] if len(lines) == 1 else shapely.MultiLineString(lines)), None
        points = [g for _, g in parts]
        notes[ONE_POINT_PART] -= len(points)
        if points:
            notes[ONE_POINT_LINE] += len(points)
            return (points[0] if len(points) == 1 else shapely.MultiPoint(points)), None
        return None, reasons[0] if reasons else UNREADABLE
    kept = [g for _, g in parts]
    if not kept:
        return None, reasons[0] if reasons else UNREADABLE
    if kind == "MultiPoint" and all(g.geom_type == "Point" for g in kept):
        return shapely.MultiPoint(kept), None
    if kind == "MultiPolygon" and all(g.geom_type == "Polygon" for g in kept):
        return shapely.MultiPolygon(kept), None
    return (kept[0] if len(kept) == 1 else shapely.GeometryCollection(kept)), None


def repair_one(wkb: bytes, notes: Counter[str]) -> tuple[shapely.Geometry | None, str | None]:
    """One geometry from WKB GEOS refused or that holds NaN: repaired, or None and why."""
    try:
        kind, body = _Reader(bytes(wkb)).geometry()
    except (ValueError, struct.error):
        return None, UNREADABLE
    return _build(kind, body, notes)


def from_wkb(wkb: np.ndarray, notes: Counter[str], left_out: Counter[str]) -> np.ndarray:
    """shapely geometries for an array of WKB (None where a feature has no geometry).

    Features GEOS cannot take, or with coordinates that are not numbers, are repaired or left out
    (None); ``notes`` counts the repairs and ``left_out`` the reasons for leaving out.
    """
    geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    suspect = np.zeros(len(geoms), dtype=bool)
    # Refused by GEOS (missing although given), or a POINT EMPTY, which WKB writes as NaN, NaN.
    for i in np.flatnonzero(shapely.is_missing(geoms) | (
            shapely.is_empty(geoms) & (shapely.get_type_id(geoms) == 0))).tolist():
        suspect[i] = wkb[i] is not None and len(wkb[i]) > 0
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    if len(coords):
        bad = ~np.isfinite(coords).all(axis=1)
        if bad.any():
            suspect[np.unique(index[bad])] = True
    for i in np.flatnonzero(suspect).tolist():
        geom, reason = repair_one(wkb[i], notes)
        geoms[i] = geom
        if geom is None:
            left_out[reason or UNREADABLE] += 1
    return geoms


def describe(name: str, notes: Counter[str], left_out: Counter[str]) -> list[str]:
    """The warnings an import shows for these repairs and omissions."""
    out = []
    repaired = [f"{n} {error_text(what)}" for what, n in notes.items() if n > 0]
    if repaired:
        out.append(error_text("{name}: repaired: {repairs}.").format(
            name=name, repairs=", ".join(repaired)))
    skipped = [f"{n} {error_text(what)}" for what, n in left_out.items() if n > 0]
    if skipped:
        total = sum(left_out.values())
        template = (E_("{name}: 1 feature left out: {reasons}.") if total == 1
                    else E_("{name}: {count} features left out: {reasons}."))
        out.append(error_text(template).format(name=name, count=total,
                                               reasons=", ".join(skipped)))
    return out
