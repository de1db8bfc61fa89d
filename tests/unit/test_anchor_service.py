"""Anchors drawn and kept: added, changed and removed by agents and coordinators of an open case,
with categories from one list, shapes checked, every change in the audit trail. On SQLite, on
PostgreSQL as the owner and with each user's own login role (the server's checks, 0009)."""

from __future__ import annotations

import json

import pytest
from pyproj import Geod
from sqlalchemy import select

from paragon_desktop.domain.anchors import (
    MAX_VERTICES,
    AnchorCategory,
    AnchorDraft,
    category_of,
)
from paragon_desktop.domain.errors import AccessDenied, NotAvailable, ValidationError
from paragon_desktop.gis.geometry import circle
from paragon_desktop.storage.models import Anchor

POINT = {"type": "Point", "coordinates": [4.2610, 51.2330]}
ZONE = {"type": "Polygon", "coordinates": [[[4.27, 51.25], [4.28, 51.25], [4.28, 51.26],
                                             [4.27, 51.26], [4.27, 51.25]]]}


def stored(client, anchor_id: int) -> Anchor | None:
    with client.db.sessions() as session:
        return session.get(Anchor, anchor_id)


def trail(client, case_id: int) -> list:
    return client.reports.audit_trail(client.user("an.peeters"), case_id)


def test_an_agent_draws_changes_and_removes_an_anchor_and_each_step_is_recorded(client):
    tom = client.user("tom.declercq")
    case_id = client.seveso_case_id()
    anchor_id = client.editing.add_anchor(tom, case_id, "  CP-Ops  Kaaiweg ", POINT,
                                          category=AnchorCategory.COMMAND_POST,
                                          description="Parking poort 1")
    anchor = stored(client, anchor_id)
    assert anchor is not None
    assert (anchor.name, anchor.category, anchor.description) == (
        "CP-Ops Kaaiweg", "command_post", "Parking poort 1")
    assert (anchor.min_lon, anchor.min_lat) == (4.2610, 51.2330)
    assert trail(client, case_id)[-1].action == "anchor.added"

    client.editing.edit_anchor(tom, anchor_id, AnchorDraft("CP-Ops Kaaiweg 14",
                                                           AnchorCategory.COMMAND_POST, "Poort 2"))
    moved = {"type": "Point", "coordinates": [4.2700, 51.2400]}
    client.editing.edit_anchor(tom, anchor_id, geometry=moved)
    anchor = stored(client, anchor_id)
    assert anchor is not None
    assert anchor.name == "CP-Ops Kaaiweg 14"
    assert json.loads(anchor.geometry_geojson) == moved
    assert (anchor.max_lon, anchor.max_lat) == (4.27, 51.24)
    entries = trail(client, case_id)
    assert [e.action for e in entries[-2:]] == ["anchor.edited", "anchor.edited"]
    assert entries[-2].details["changes"]["name"] == ["CP-Ops Kaaiweg", "CP-Ops Kaaiweg 14"]
    assert "geometry" in entries[-1].details["changes"]
    # Saving what is stored changes nothing and records nothing.
    client.editing.edit_anchor(tom, anchor_id, AnchorDraft("CP-Ops Kaaiweg 14",
                                                           AnchorCategory.COMMAND_POST, "Poort 2"))
    assert len(trail(client, case_id)) == len(entries)

    client.editing.remove_anchor(tom, anchor_id)
    assert stored(client, anchor_id) is None
    last = trail(client, case_id)[-1]
    assert (last.action, last.details["name"]) == ("anchor.removed", "CP-Ops Kaaiweg 14")
    with pytest.raises(NotAvailable):
        client.editing.remove_anchor(tom, anchor_id)


def test_a_circle_is_a_polygon_at_its_radius_on_the_ground(client):
    tom = client.user("tom.declercq")
    zone = circle(4.2775, 51.2540, 600)
    anchor_id = client.editing.add_anchor(tom, client.seveso_case_id(), "Rode zone", zone,
                                          category=AnchorCategory.PERIMETER)
    anchor = stored(client, anchor_id)
    assert anchor is not None
    ring = json.loads(anchor.geometry_geojson)["coordinates"][0]
    geod = Geod(ellps="WGS84")
    for lon, lat in ring:
        assert geod.inv(4.2775, 51.2540, lon, lat)[2] == pytest.approx(600, abs=0.05)


def test_read_only_users_and_closed_cases_change_no_anchor(client):
    wim, an = client.user("wim.verhaegen"), client.user("an.peeters")
    case_id = client.seveso_case_id()
    with pytest.raises(AccessDenied, match="read-only"):
        client.editing.add_anchor(wim, case_id, "Niet van mij", POINT)
    anchor_id = client.editing.add_anchor(an, case_id, "Verzamelpunt", POINT,
                                          category=AnchorCategory.ASSEMBLY_POINT)
    with pytest.raises(AccessDenied):
        client.editing.remove_anchor(wim, anchor_id)
    with pytest.raises(AccessDenied):
        client.editing.edit_anchor(wim, anchor_id, geometry=ZONE)
    closed = client.cases.find_case(an, "Voorjaarsoefening")
    assert closed is not None
    assert not closed.is_open
    with pytest.raises(AccessDenied, match="closed"):
        client.editing.add_anchor(an, closed.id, "Te laat", POINT)
    assert stored(client, anchor_id) is not None


@pytest.mark.parametrize(("geometry", "says"), [
    ({"type": "Polygon", "coordinates": [[[4.27, 51.25], [4.28, 51.26], [4.28, 51.25],
                                          [4.27, 51.26], [4.27, 51.25]]]}, "cross itself"),
    ({"type": "Point", "coordinates": [13.4, 52.5]}, "outside Belgium"),
    ({"type": "LineString", "coordinates": [[4.2 + i * 1e-5, 51.2] for i in range(MAX_VERTICES + 1)]},
     "at most 10,000 vertices"),
    ({"type": "GeometryCollection", "geometries": []}, "a point, a line or an area"),
    ({"type": "Point", "coordinates": ["x", 51.2]}, "cannot be read"),
])
def test_a_shape_that_cannot_be_an_anchor_is_refused_and_nothing_is_stored(client, geometry, says):
    tom = client.user("tom.declercq")
    with client.db.sessions() as session:
        before = len(session.scalars(select(Anchor.id)).all())
    with pytest.raises(ValidationError, match=says):
        client.editing.add_anchor(tom, client.seveso_case_id(), "Fout", geometry)
    with client.db.sessions() as session:
        assert len(session.scalars(select(Anchor.id)).all()) == before


def test_names_and_categories_are_checked():
    from paragon_desktop.domain.anchors import validate_anchor

    with pytest.raises(ValidationError, match="needs a name"):
        validate_anchor(AnchorDraft("   ", AnchorCategory.OTHER))
    with pytest.raises(ValidationError, match="at most 200"):
        validate_anchor(AnchorDraft("x" * 201, AnchorCategory.OTHER))
    # Categories typed by hand before the list are read as the list's.
    assert category_of("cp-ops") is AnchorCategory.COMMAND_POST
    assert category_of("Seveso") is AnchorCategory.HAZARD_CONTOUR
    assert category_of("iets anders") is AnchorCategory.OTHER


def test_the_demo_and_older_databases_use_the_list(client):
    with client.db.sessions() as session:
        categories = set(session.scalars(select(Anchor.category)))
    assert categories <= {c.value for c in AnchorCategory}
    assert {"command_post", "hazard_contour", "border"} <= categories


def test_the_server_knows_the_same_list():
    from paragon_desktop.domain import anchors
    from tests.released import migration

    module = migration("0009_anchor_rules.py")
    assert module.CATEGORIES == tuple(c.value for c in AnchorCategory)
    assert module.LEGACY == {k: v.value for k, v in anchors.LEGACY.items()}
    assert (module.NAME_MAX, module.DESCRIPTION_MAX, module.MAX_VERTICES, module.BELGIUM_EXTENT) \
        == (anchors.NAME_MAX, anchors.DESCRIPTION_MAX, anchors.MAX_VERTICES, anchors.BELGIUM_EXTENT)
