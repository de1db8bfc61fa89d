"""Organisations and their jurisdictions from official boundary files (DOMAIN.md, People and
organisations: a jurisdiction "as tight as possible"): Statbel's and NGI's municipal and
provincial boundaries, emergency and police zones, regions, the country.

The file is read by the sandboxed layer reader (another process, no network, size and memory
limits, any coordinate system to WGS84, broken geometry repaired); each feature becomes an
organisation of the chosen level, found again by its official code (then by name) and updated,
or created. All in one transaction: a refused file changes nothing. On PostgreSQL the neighbour
table follows by its trigger (migration 0003); on SQLite neighbours are found from the areas."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select

from paragon_desktop.domain.enums import OrganisationKind
from paragon_desktop.domain.errors import ValidationError
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import Organisation

LEVELS = ("municipality", "province", "zone", "region", "country")
# How a level's organisations are named from the file's name field (overridable).
NAME_FORMATS = {"municipality": "Gemeente {name}", "province": "Provincie {name}",
                "zone": "{name}", "region": "{name}", "country": "{name}"}
CODE_MAX = 32
NAME_MAX = 200
# Coordinates kept to 1e-7 degrees (about 1 cm), as the touch tolerance of gis.territory.
DIGITS = 7


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "feature 3: reason"


def _area(geometry: dict[str, Any] | None) -> BaseGeometry | None:
    """The feature's area, valid, as a (Multi)Polygon; None when it has none."""
    if not geometry:
        return None
    found = shape(geometry)
    if not found.is_valid:
        found = shapely.make_valid(found)
    polygons = [g for g in getattr(found, "geoms", [found])
                if g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty]
    if not polygons:
        return None
    merged = shapely.union_all(polygons)
    return shapely.set_precision(merged, 10 ** -DIGITS)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a NIS code read as a number: 11001.0 is "11001"
    return " ".join(str(value).split())


def import_boundaries(db: Database, geojson: str, *, level: str, name_field: str,
                      code_field: str | None = None, name_format: str | None = None,
                      progress: Callable[[int, int], None] = lambda done, total: None
                      ) -> ImportReport:
    """``geojson``: the FeatureCollection the layer reader made of the file."""
    if level not in LEVELS:
        raise ValidationError("The level is one of: {levels}.", levels=", ".join(LEVELS))
    kind = OrganisationKind(level)
    template = name_format or NAME_FORMATS[level]
    if "{name}" not in template:
        raise ValidationError("The name format must contain {name} (e.g. \"Gemeente {name}\").")
    features = json.loads(geojson).get("features", [])
    if not features:
        raise ValidationError("The file has no features.")
    fields = sorted({key for f in features for key in (f.get("properties") or {})})
    for wanted in (name_field, code_field):
        if wanted and wanted not in fields:
            raise ValidationError("The file has no field {field!r}; it has: {available}.",
                                  field=wanted, available=", ".join(fields) or "none")
    report = ImportReport()
    rows: list[tuple[str, str | None, BaseGeometry]] = []
    codes: dict[str, int] = {}
    names: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        raw = _text(properties.get(name_field))
        if not raw:
            report.skipped.append(f"feature {number}: no {name_field}")
            continue
        name = template.replace("{name}", raw)[:NAME_MAX]
        code = _text(properties.get(code_field)) if code_field else None
        if code_field and not code:
            report.skipped.append(f"feature {number} ({name}): no {code_field}")
            continue
        if code and len(code) > CODE_MAX:
            report.skipped.append(f"feature {number} ({name}): code longer than {CODE_MAX}")
            continue
        area = _area(feature.get("geometry"))
        if area is None:
            report.skipped.append(f"feature {number} ({name}): not an area")
            continue
        key_seen = codes if code else names
        key = code or name
        if key in key_seen:
            raise ValidationError("{key!r} is in the file twice (features {first} and "
                                  "{second}): one organisation per area.", key=key,
                                  first=key_seen[key], second=number)
        key_seen[key] = number
        rows.append((name, code, area))
    with db.sessions.begin() as session:
        by_code = {o.code: o for o in session.scalars(
            select(Organisation).where(Organisation.code.is_not(None)))}
        by_name = {o.name: o for o in session.scalars(select(Organisation))}
        for done, (name, code, area) in enumerate(rows, start=1):
            geojson_text = json.dumps(mapping(area), separators=(",", ":"))
            organisation = (by_code.get(code) if code else None) or by_name.get(name)
            if organisation is not None and organisation.kind != kind.value:
                report.skipped.append(f"{name}: an organisation of another kind "
                                      f"({organisation.kind}) has this name or code")
                continue
            minx, miny, maxx, maxy = area.bounds
            if organisation is None:
                organisation = Organisation(name=name, code=code, kind=kind.value,
                                            jurisdiction_geojson=geojson_text, crisis_roles="")
                session.add(organisation)
                by_name[name] = organisation
                report.created.append(name)
            elif (organisation.name, organisation.code, organisation.jurisdiction_geojson) == (
                    name, code or organisation.code, geojson_text):
                report.unchanged.append(name)
                continue
            else:
                if organisation.name != name and name in by_name:
                    report.skipped.append(f"{name}: another organisation has this name")
                    continue
                organisation.name, organisation.code = name, code or organisation.code
                organisation.jurisdiction_geojson = geojson_text
                report.updated.append(name)
            organisation.min_lon, organisation.min_lat = minx, miny
            organisation.max_lon, organisation.max_lat = maxx, maxy
            progress(done, len(rows))
            session.flush()
    return report
