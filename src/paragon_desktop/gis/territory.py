"""Territorial matching: which jurisdictions are competent for a location, and their neighbours.

DOMAIN.md, Cases: a public case is shared with every organisation whose jurisdiction contains the
case location and with their direct neighbours (areas that border it).
"""

from __future__ import annotations

from collections.abc import Mapping

from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep

from paragon_desktop.domain.enums import ShareReason

# Borders drawn by different hands rarely meet exactly; a sliver this thin still counts as a border.
_TOUCH_TOLERANCE_DEG = 1e-7


def territorial_shares(
    location: BaseGeometry, jurisdictions: Mapping[int, BaseGeometry]
) -> dict[int, ShareReason]:
    competent = {
        org_id for org_id, area in jurisdictions.items() if prep(area).intersects(location)
    }
    result = {org_id: ShareReason.COMPETENT for org_id in competent}
    for org_id in competent:
        area = jurisdictions[org_id]
        grown = area.buffer(_TOUCH_TOLERANCE_DEG)
        for other_id, other in jurisdictions.items():
            if other_id in result or not grown.intersects(other):
                continue
            # Bordering, not overlapping: the shared part has (almost) no area.
            if area.intersection(other).area < 1e-9:
                result[other_id] = ShareReason.NEIGHBOUR
    return result
