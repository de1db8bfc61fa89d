"""Organisations from official boundary files (issue 20): real files written by GDAL (a GeoPackage
in Belgian Lambert 72 as Statbel publishes, a GeoJSON country), read by the sandboxed reader
through the CLI, loaded as organisations with their codes, updated by code when loaded again;
the neighbours follow (PostGIS table, or the shapely index); a case on the whole country is
shared with the country's authority only."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyogrio.raw
import pytest
import shapely
from shapely.geometry import Point, box, mapping
from sqlalchemy import select, text

from paragon_desktop.cli import main
from paragon_desktop.domain.enums import ShareReason
from paragon_desktop.domain.errors import ValidationError
from paragon_desktop.gis.crs import WGS84, transformer
from paragon_desktop.services.organisation_import import import_boundaries
from paragon_desktop.services.places import PlaceService
from paragon_desktop.storage.models import Organisation

# Three municipalities in Lambert 72 (metres) near Brussels: A and B share a border, C is apart.
SQUARES = {"11001": ("Aalst-Oost", box(150_000, 170_000, 151_000, 171_000)),
           "11002": ("Bertem-Zuid", box(151_000, 170_000, 152_000, 171_000)),
           "11003": ("Cortrijk-Ver", box(160_000, 170_000, 161_000, 171_000))}


def gpkg(path: Path, squares=SQUARES) -> Path:
    codes = list(squares)
    pyogrio.raw.write(
        path, np.array([shapely.to_wkb(squares[c][1]) for c in codes], dtype=object),
        [np.array([squares[c][0] for c in codes], dtype=object),
         np.array([int(c) for c in codes], dtype=np.int64)],
        ["T_MUN_NL", "NISCODE"], driver="GPKG", geometry_type="Polygon", crs="EPSG:31370")
    return path


def to_wgs84(x: float, y: float) -> tuple[float, float]:
    lon, lat = transformer("EPSG:31370", WGS84).transform(x, y)
    return float(lon), float(lat)


def run(db_url: str, *args: str) -> int:
    return main(["organisations", "import", *args, "--db", db_url])


def organisations(db) -> dict[str, Organisation]:
    with db.sessions() as session:
        return {o.code: o for o in session.scalars(
            select(Organisation).where(Organisation.code.is_not(None)))}


def test_municipalities_load_from_a_lambert_geopackage_and_update_by_code(demo_db, demo_url,
                                                                        tmp_path, capsys):
    path = gpkg(tmp_path / "gemeenten.gpkg")
    assert run(demo_url, str(path), "--level", "municipality", "--name-field", "T_MUN_NL",
               "--code-field", "NISCODE") == 0
    assert "3 created, 0 updated, 0 unchanged, 0 skipped" in capsys.readouterr().out
    found = organisations(demo_db)
    assert {c: (o.name, o.kind) for c, o in found.items()} == {
        "11001": ("Gemeente Aalst-Oost", "municipality"),
        "11002": ("Gemeente Bertem-Zuid", "municipality"),
        "11003": ("Gemeente Cortrijk-Ver", "municipality")}
    lon, lat = to_wgs84(150_000, 170_000)
    a = found["11001"]
    assert (a.min_lon, a.min_lat) == pytest.approx((lon, lat), abs=1e-6)  # reprojected
    # Loaded again: nothing changes. A renamed and reshaped municipality is updated by its code.
    assert run(demo_url, str(path), "--level", "municipality", "--name-field", "T_MUN_NL",
               "--code-field", "NISCODE") == 0
    assert "0 created, 0 updated, 3 unchanged" in capsys.readouterr().out
    changed = dict(SQUARES)
    changed["11003"] = ("Kortrijk-Ver", box(160_000, 170_000, 162_000, 171_000))
    assert run(demo_url, str(gpkg(tmp_path / "v2.gpkg", changed)), "--level", "municipality",
               "--name-field", "T_MUN_NL", "--code-field", "NISCODE") == 0
    assert "0 created, 1 updated, 2 unchanged" in capsys.readouterr().out
    c = organisations(demo_db)["11003"]
    assert c.id == found["11003"].id
    assert c.name == "Gemeente Kortrijk-Ver"
    assert c.max_lon == pytest.approx(to_wgs84(162_000, 171_000)[0], abs=1e-3)


def test_the_neighbours_follow_the_loaded_areas(demo_db, demo_url, tmp_path, backend):
    assert run(demo_url, str(gpkg(tmp_path / "g.gpkg")), "--level", "municipality",
               "--name-field", "T_MUN_NL", "--code-field", "NISCODE") == 0
    found = organisations(demo_db)
    a, b, c = (found[k].id for k in ("11001", "11002", "11003"))
    inside_a = mapping(Point(*to_wgs84(150_500, 170_500)))
    shares = PlaceService(demo_db).preview_shares(inside_a)
    reasons = {s.organisation: s.reason for s in shares}
    assert reasons["Gemeente Aalst-Oost"] == ShareReason.COMPETENT
    assert reasons["Gemeente Bertem-Zuid"] == ShareReason.NEIGHBOUR  # the shared border
    assert "Gemeente Cortrijk-Ver" not in reasons
    if backend == "postgresql":  # the neighbour table, kept by its trigger
        with demo_db.engine.connect() as connection:
            pairs = set(connection.execute(text(
                "SELECT organisation_id, neighbour_id FROM jurisdiction_neighbours "
                "WHERE organisation_id IN (:a, :b, :c)"), dict(a=a, b=b, c=c)).all())
        assert pairs == {(a, b), (b, a)}


def test_a_case_on_the_whole_country_is_shared_with_its_authority_only(demo_db, tmp_path):
    outline = box(*to_wgs84(22_000, 20_000), *to_wgs84(300_000, 245_000))
    feature = {"type": "Feature", "properties": {"naam": "België"}, "geometry": mapping(outline)}
    report = import_boundaries(demo_db, json.dumps({"type": "FeatureCollection",
                                                    "features": [feature]}),
                               level="country", name_field="naam")
    assert report.created == ["België"]
    places = PlaceService(demo_db)
    territories = places.territories()
    assert territories[0].name == "België"
    assert territories[0].detail == "country"
    country = territories[0]
    shares = places.preview_shares(country.geometry, country.id)
    assert [(s.organisation, s.reason) for s in shares] == [("België", ShareReason.COMPETENT)]
    # The same area drawn by hand is shared by territory as usual (everyone in it).
    assert len(places.preview_shares(country.geometry)) > 5


def test_a_file_without_the_named_field_is_refused_with_the_fields_it_has(demo_db, tmp_path):
    feature = {"type": "Feature", "properties": {"NAAM": "X"},
               "geometry": mapping(box(4.0, 50.0, 4.1, 50.1))}
    collection = json.dumps({"type": "FeatureCollection", "features": [feature]})
    with pytest.raises(ValidationError, match="no field 'T_MUN_NL'; it has: NAAM"):
        import_boundaries(demo_db, collection, level="municipality", name_field="T_MUN_NL")
    twice = json.dumps({"type": "FeatureCollection", "features": [feature, feature]})
    with pytest.raises(ValidationError, match="in the file twice"):
        import_boundaries(demo_db, twice, level="municipality", name_field="NAAM")
    line = {"type": "Feature", "properties": {"NAAM": "Lijn"},
            "geometry": {"type": "LineString", "coordinates": [[4, 50], [4.1, 50.1]]}}
    report = import_boundaries(demo_db, json.dumps({"type": "FeatureCollection",
                                                    "features": [line, feature]}),
                               level="zone", name_field="NAAM")
    assert report.created == ["X"]
    assert report.skipped == ["feature 1 (Lijn): not an area"]


def test_a_case_is_started_on_the_country(client):
    """Through the case service, as each backend and each user's own login role: the server's
    check of the shares accepts the country's authority alone."""
    from datetime import UTC, datetime

    from paragon_desktop.domain.cases import CaseDraft, CaseLocation, LocationKind
    from paragon_desktop.domain.enums import CaseAccess, CaseCategory

    outline = box(*to_wgs84(22_000, 20_000), *to_wgs84(300_000, 245_000))
    feature = {"type": "Feature", "properties": {"naam": "België"}, "geometry": mapping(outline)}
    import_boundaries(client.db, json.dumps({"type": "FeatureCollection", "features": [feature]}),
                      level="country", name_field="naam")
    country = PlaceService(client.db).territories()[0]
    tom = client.user("tom.declercq")
    started = client.admin.start_case(tom, CaseDraft(
        category=CaseCategory.INCIDENT, access=CaseAccess.PUBLIC,
        location=CaseLocation(LocationKind.TERRITORY, "België", country.geometry, country.id),
        case_type="Brand", occurred_at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
        name_language="nl")).case
    with client.db.sessions() as session:
        shared = set(session.execute(text(
            "SELECT o.name, s.reason FROM case_shares s JOIN organisations o "
            "ON o.id = s.organisation_id WHERE s.case_id = :c"), dict(c=started.id)).all())
    assert shared == {("België", "competent")}
