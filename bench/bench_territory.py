"""Territorial sharing at Belgian scale: 600 municipality-like polygons plus 10 provinces.

Municipalities are Voronoi cells of 600 random seeds over a Belgium-sized box, their borders
densified to about 300 vertices each (real municipal borders are of that order), so neighbours
share their borders exactly as real ones do. Provinces are unions of 60 municipalities.

Prints, per case start:
- shapely: matching against the cached R-tree (SQLite path), and the one-off index build;
- the whole ``start_case`` on SQLite (validation, sharing, rows, audit, commit);
- PostGIS: the sharing query and the whole ``start_case`` on PostgreSQL (a throwaway server from
  tests/pg.py, or PARAGON_TEST_PG_URL), when a server can be had.
Target (issue 4): under 20 ms per case start.
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import shapely  # noqa: E402
from _common import HOME, pg_database, summary  # noqa: E402
from shapely.geometry import MultiPoint, Point, box, mapping  # noqa: E402
from sqlalchemy import text  # noqa: E402

from paragon_desktop.domain.cases import CaseDraft, CaseLocation, LocationKind  # noqa: E402
from paragon_desktop.domain.enums import CaseAccess, CaseCategory  # noqa: E402
from paragon_desktop.services.auth import AuthService, hash_password  # noqa: E402
from paragon_desktop.services.case_admin import CaseAdminService  # noqa: E402
from paragon_desktop.services.events import CaseEvents  # noqa: E402
from paragon_desktop.services.places import PlaceService  # noqa: E402
from paragon_desktop.storage.db import Database  # noqa: E402
from paragon_desktop.storage.migrate import upgrade  # noqa: E402
from paragon_desktop.storage.models import Membership, Organisation, User  # noqa: E402

EXTENT = (2.55, 49.50, 6.40, 51.50)  # lon/lat box of Belgium
MUNICIPALITIES = 600
PROVINCES = 10
RUNS = 200


def jurisdictions() -> list[tuple[str, str, shapely.Geometry]]:
    rng = random.Random(565)
    seeds = MultiPoint([(rng.uniform(EXTENT[0], EXTENT[2]), rng.uniform(EXTENT[1], EXTENT[3]))
                        for _ in range(MUNICIPALITIES)])
    frame = box(*EXTENT)
    cells = [cell.intersection(frame) for cell in
             shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame))]
    # About 300 vertices per municipality: segment length from the mean perimeter.
    step = sum(c.length for c in cells) / len(cells) / 300
    cells = [shapely.segmentize(c, step) for c in cells]
    result = [(f"Gemeente {i:03d}", "municipality", c) for i, c in enumerate(cells)]
    by_x = sorted(range(len(cells)), key=lambda i: (cells[i].centroid.x, cells[i].centroid.y))
    size = len(cells) // PROVINCES
    for p in range(PROVINCES):
        members = [cells[i] for i in by_x[p * size:(p + 1) * size]]
        result.append((f"Provincie {p}", "province", shapely.union_all(members)))
    return result


def fill(db: Database, areas) -> object:
    with db.sessions.begin() as session:
        for name, kind, area in areas:
            session.add(Organisation(name=name, kind=kind, jurisdiction_geojson=json.dumps(mapping(area))))
        session.flush()
        org_id = session.query(Organisation.id).filter(Organisation.name == "Gemeente 000").scalar()
        user = User(username="bench", display_name="Bench", password_hash=hash_password("bench-pw"),
                    case_access_level="agent")
        session.add(user)
        session.flush()
        session.add(Membership(user_id=user.id, organisation_id=org_id))
    return AuthService(db).sign_in("bench", "bench-pw")


def locations(n: int) -> list[Point]:
    rng = random.Random(112)
    inner = (EXTENT[0] + 0.1, EXTENT[1] + 0.1, EXTENT[2] - 0.1, EXTENT[3] - 0.1)
    return [Point(rng.uniform(inner[0], inner[2]), rng.uniform(inner[1], inner[3])) for _ in range(n)]


def draft(point: Point) -> CaseDraft:
    return CaseDraft(category=CaseCategory.INCIDENT, access=CaseAccess.PUBLIC,
                     location=CaseLocation(LocationKind.POINT, "Bench", mapping(point)),
                     case_type="Brand", occurred_at=datetime.now(UTC))


def measure(db: Database, label: str, areas) -> None:
    upgrade(db.engine)
    user = fill(db, areas)
    places = PlaceService(db)
    admin = CaseAdminService(db, CaseEvents(), places)
    points = locations(RUNS)
    backend = db.engine.dialect.name
    shares_ms: list[float] = []
    counts: list[int] = []
    with db.sessions() as session:
        if backend == "sqlite":
            started = time.perf_counter()
            places.territorial_shares(session, mapping(points[0]))
            print(f"  shapely index build (first case start after a change): "
                  f"{(time.perf_counter() - started) * 1000:.1f} ms")
        for point in points:
            started = time.perf_counter()
            result = places.territorial_shares(session, mapping(point))
            shares_ms.append((time.perf_counter() - started) * 1000)
            counts.append(len(result))
    how = "PostGIS query" if backend == "postgresql" else "shapely R-tree"
    print(f"  sharing ({how}), ms: {summary(shares_ms)}")
    print(f"  organisations per case: median {sorted(counts)[len(counts) // 2]}, "
          f"max {max(counts)}")
    start_ms: list[float] = []
    for point in points[:100]:
        started = time.perf_counter()
        admin.start_case(user, draft(point))
        start_ms.append((time.perf_counter() - started) * 1000)
    print(f"  whole start_case ({label}), ms: {summary(start_ms)}")
    if backend == "postgresql":
        with db.sessions() as session:
            plan = session.execute(text("EXPLAIN " + str(_explain_sql())),
                                   {"location": json.dumps(mapping(points[0]))}).scalars().all()
        uses_index = any("ix_organisations_jurisdiction_geom" in line for line in plan)
        print(f"  PostGIS plan uses the GiST index: {uses_index}")
    vertices = sum(shapely.get_num_coordinates(a) for _, k, a in areas if k == "municipality")
    print(f"  {MUNICIPALITIES} municipalities, {vertices / MUNICIPALITIES:.0f} vertices each on "
          f"average; {PROVINCES} provinces")


def _explain_sql():
    from paragon_desktop.services import postgis

    return postgis._SHARES


def main() -> None:
    areas = jurisdictions()
    print("SQLite (embedded), shapely/GEOS:")
    sqlite_db = Database.open(HOME / "territory.db")
    measure(sqlite_db, "SQLite", areas)
    sqlite_db.dispose()
    try:
        with pg_database("paragon_bench_territory") as url:
            print("PostgreSQL + PostGIS:")
            pg_db = Database.open(url)
            measure(pg_db, "PostgreSQL", areas)
            pg_db.dispose()
    except BaseException as exc:  # pytest.skip raises outside pytest too
        print(f"PostgreSQL + PostGIS: not measured ({exc})")


if __name__ == "__main__":
    main()
