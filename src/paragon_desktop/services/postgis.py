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

# Jurisdictions meeting the location are competent; their neighbours (same level, within the
# touch tolerance) come from ``jurisdiction_neighbours``, which a trigger keeps with the same
# predicate as gis.territory whenever a jurisdiction changes. ``jurisdiction_geom`` is the
# PostgreSQL-only geometry column a trigger keeps equal to ``jurisdiction_geojson``, with a GiST
# index (migration 0003).
_SHARES = text(
    """
    WITH competent AS (
        SELECT o.id FROM organisations o
        WHERE ST_Intersects(o.jurisdiction_geom, ST_SetSRID(ST_GeomFromGeoJSON(:location), 4326))
    )
    SELECT id, 'competent' FROM competent
    UNION
    SELECT n.neighbour_id, 'neighbour'
    FROM jurisdiction_neighbours n JOIN competent c ON n.organisation_id = c.id
    WHERE n.neighbour_id NOT IN (SELECT id FROM competent)
    """
)


def postgis_territorial_shares(session: Session, location: dict[str, Any]) -> dict[int, ShareReason]:
    rows = session.execute(_SHARES, {"location": json.dumps(location)})
    return {int(org_id): ShareReason(reason) for org_id, reason in rows}


def hidden_astrid_holder(session: Session, block: str, except_case_id: int | None) -> str | None:
    """The organisation of an open case holding this Astrid block index that row-level security
    hides from the user (a PostgreSQL function that names nothing else)."""
    return session.scalar(text("SELECT paragon_astrid_holder(:block, :except_case)"),
                          {"block": block, "except_case": except_case_id})
