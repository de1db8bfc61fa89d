"""Territorial matching: which jurisdictions are competent for a location, and their neighbours.

DOMAIN.md, Cases: a public case is shared with every organisation whose jurisdiction contains
(intersects) the case location and with their direct neighbours (areas that border it).

Neighbours are taken within the same level: a municipality's neighbours are the municipalities
around it, a province's the provinces around it, a fire zone's the fire zones around it. Without
that, every municipality along a province's border would be a "neighbour" of the province and an
incident in one town would reach towns eighty kilometres away.

The PostGIS query in ``services.postgis`` implements the same two predicates (GEOS intersects,
distance within ``TOUCH_TOLERANCE_DEG``), so both backends give the same answer.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from paragon_desktop.domain.enums import ShareReason

# Borders drawn by different hands rarely meet exactly: areas this close (about 1 cm) touch.
TOUCH_TOLERANCE_DEG = 1e-7

Level = tuple[str, str]
"""(organisation kind, discipline): what counts as "the same level" for neighbours."""


@dataclass(frozen=True)
class Jurisdiction:
    organisation_id: int
    level: Level
    area: BaseGeometry


class JurisdictionIndex:
    """The jurisdictions in an R-tree, built once and queried per case start."""

    def __init__(self, jurisdictions: list[Jurisdiction]) -> None:
        # One query at a time: GEOS builds a prepared geometry's inner index at its first use,
        # and two threads doing that at once corrupted the heap (the case form's sharing
        # preview and its start button run on two worker threads).
        self._lock = threading.Lock()
        self._items = jurisdictions
        self._areas = np.array([j.area for j in jurisdictions], dtype=object)
        shapely.prepare(self._areas)
        self._tree = shapely.STRtree(self._areas)

    def __len__(self) -> int:
        return len(self._items)

    def shares(self, location: BaseGeometry) -> dict[int, ShareReason]:
        """Competent organisations (their area intersects the location) and their neighbours."""
        with self._lock:
            return self._shares(location)

    def _shares(self, location: BaseGeometry) -> dict[int, ShareReason]:
        competent = self._tree.query(location, predicate="intersects")
        result = {self._items[i].organisation_id: ShareReason.COMPETENT for i in competent}
        if not len(competent):
            return result
        others, around = self._tree.query(
            self._areas[competent], predicate="dwithin", distance=TOUCH_TOLERANCE_DEG
        )
        for source, other in zip(others, around, strict=True):
            candidate = self._items[other]
            if candidate.organisation_id in result:
                continue
            if candidate.level == self._items[competent[source]].level:
                result[candidate.organisation_id] = ShareReason.NEIGHBOUR
        return result


def territorial_shares(
    location: BaseGeometry, jurisdictions: Mapping[int, tuple[Level, BaseGeometry]]
) -> dict[int, ShareReason]:
    """One-off matching without keeping an index (the demo builder, tests)."""
    index = JurisdictionIndex(
        [Jurisdiction(org_id, level, area) for org_id, (level, area) in jurisdictions.items()]
    )
    return index.shares(location)
