"""Spatial queries PostGIS answers in the database (PostgreSQL only).

On SQLite the same questions are answered in Python with shapely (``gis.territory``); both use
GEOS with the same predicates, so they agree.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from paragon_desktop.domain.enums import ShareReason
from paragon_desktop.gis.territory import TOUCH_TOLERANCE_DEG

# Jurisdictions meeting the location are competent; areas of the same level (kind, discipline)
# within the touch tolerance of a competent one are its neighbours. The expression
# ST_GeomFromGeoJSON(jurisdiction_geojson) matches the GiST index of migration 0003.
_SHARES = text(
    """
    WITH loc AS (SELECT ST_GeomFromGeoJSON(:location) AS g),
    competent AS (
        SELECT o.id, o.kind, coalesce(o.discipline, '') AS discipline,
               ST_GeomFromGeoJSON(o.jurisdiction_geojson) AS g
        FROM organisations o, loc
        WHERE o.jurisdiction_geojson IS NOT NULL
          AND ST_Intersects(ST_GeomFromGeoJSON(o.jurisdiction_geojson), loc.g)
    )
    SELECT id, 'competent' FROM competent
    UNION
    SELECT o.id, 'neighbour'
    FROM organisations o
    JOIN competent c
      ON o.kind = c.kind AND coalesce(o.discipline, '') = c.discipline
     AND ST_DWithin(ST_GeomFromGeoJSON(o.jurisdiction_geojson), c.g, :tolerance)
    WHERE o.jurisdiction_geojson IS NOT NULL
      AND o.id NOT IN (SELECT id FROM competent)
    """
)


def postgis_territorial_shares(session: Session, location: dict[str, Any]) -> dict[int, ShareReason]:
    rows = session.execute(
        _SHARES, {"location": json.dumps(location), "tolerance": TOUCH_TOLERANCE_DEG}
    )
    return {int(org_id): ShareReason(reason) for org_id, reason in rows}
