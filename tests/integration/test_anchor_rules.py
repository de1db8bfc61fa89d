"""Anchors on the shared server (migration 0009), tried as raw SQL with users' own login roles:
what the app refuses, the server refuses; what the server stamps, a user cannot set."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from paragon_desktop.storage.models import Anchor
from tests.integration.test_red_team import ALLOWED, attempt, audit, case_named

pytestmark = pytest.mark.postgres

INSERT = ("INSERT INTO anchors (case_id, name, category, description, geometry_geojson, revision, "
          "min_lon, min_lat, max_lon, max_lat) VALUES (:c, :name, :category, '', :geometry, 0, "
          ":x0, :y0, :x1, :y1)")
POINT = {"type": "Point", "coordinates": [4.261, 51.233]}


def params(case_id: int, geometry=POINT, *, name="CP-Ops 2", category="command_post",
           box=(4.261, 51.233, 4.261, 51.233)) -> dict:
    x0, y0, x1, y1 = box
    return dict(c=case_id, name=name, category=category, geometry=json.dumps(geometry),
                x0=x0, y0=y0, x1=x1, y1=y1)


def test_an_agent_adds_an_anchor_only_with_its_audit_entry(owner, connect):
    case_id = case_named(owner, "Nordchem")
    agent = connect("sofie.janssens")
    assert attempt(agent, INSERT, "anchor.added", params(case_id)) == ALLOWED
    assert "audit trail" in attempt(agent, INSERT, "anchor.added", params(case_id), audited=False)


@pytest.mark.parametrize(("change", "refusal"), [
    (dict(name="   "), "needs a name"),
    (dict(category="bunker"), "category is one of the list"),
    (dict(geometry={"type": "Polygon", "coordinates": [[[4.27, 51.25], [4.28, 51.26],
                                                         [4.28, 51.25], [4.27, 51.26],
                                                         [4.27, 51.25]]]}), "valid point, line"),
    (dict(geometry={"type": "Point", "coordinates": [13.4, 52.5]}), "Belgium"),
    (dict(geometry={"type": "GeometryCollection", "geometries": []}), "valid point, line"),
    (dict(geometry="not json"), "is GeoJSON"),
])
def test_the_server_refuses_what_the_app_refuses(owner, connect, change, refusal):
    case_id = case_named(owner, "Nordchem")
    agent = connect("sofie.janssens")
    values = params(case_id)
    for key, value in change.items():
        values[key] = json.dumps(value) if key == "geometry" and isinstance(value, dict) else value
    outcome = attempt(agent, INSERT, "anchor.added", values)
    assert refusal in outcome, outcome


def test_the_bounding_box_is_the_servers_own(owner, connect):
    """A false box would hide the anchor from every map query by area."""
    case_id = case_named(owner, "Nordchem")
    agent = connect("sofie.janssens")
    with agent.connect() as c, c.begin():
        row = c.execute(text(INSERT + " RETURNING id"),
                        params(case_id, name="Verstopt", box=(0, 0, 0, 0))).scalar_one()
        audit(c, case_id, "anchor.added")
    with owner.sessions() as session:
        anchor = session.get(Anchor, row)
        assert anchor is not None
        assert (anchor.min_lon, anchor.min_lat, anchor.max_lon, anchor.max_lat) == (
            4.261, 51.233, 4.261, 51.233)


def test_read_only_users_and_closed_cases_get_no_anchor(owner, connect):
    case_id = case_named(owner, "Nordchem")
    closed = case_named(owner, "Voorjaarsoefening")
    reader = connect("wim.verhaegen")
    assert "row-level security" in attempt(reader, INSERT, "anchor.added", params(case_id))
    agent = connect("sofie.janssens")
    assert "row-level security" in attempt(agent, INSERT, "anchor.added", params(closed))


def test_removing_an_anchor_is_checked_and_recorded(owner, connect):
    case_id = case_named(owner, "Nordchem")
    with owner.sessions() as session:
        anchor_id = session.scalars(select(Anchor.id).where(Anchor.case_id == case_id)
                                    .where(Anchor.name.like("Gewondennest%"))).one()
    remove = "SELECT paragon_delete('anchors', :a)"
    reader = connect("wim.verhaegen")
    assert "may not remove" in attempt(reader, remove, "anchor.removed", dict(c=case_id, a=anchor_id))
    agent = connect("sofie.janssens")
    # Without its audit entry the removal is refused at commit.
    assert "audit trail" in attempt(agent, remove, "anchor.removed", dict(c=case_id, a=anchor_id),
                                    audited=False)
    assert attempt(agent, remove, "anchor.removed", dict(c=case_id, a=anchor_id)) == ALLOWED
    # Changing one needs its entry too, and keeps to the list.
    rename = "UPDATE anchors SET name = 'Gewondennest 3' WHERE id = :a"
    assert "audit trail" in attempt(agent, rename, "anchor.edited", dict(c=case_id, a=anchor_id),
                                    audited=False)
    assert attempt(agent, rename, "anchor.edited", dict(c=case_id, a=anchor_id)) == ALLOWED
    assert "category" in attempt(agent, "UPDATE anchors SET category = 'x' WHERE id = :a",
                                 "anchor.edited", dict(c=case_id, a=anchor_id))


ORG_INSERT = ("INSERT INTO anchors (case_id, organisation_id, name, category, description, "
              "geometry_geojson, revision) VALUES (NULL, :o, :name, 'assembly_point', '', :g, 0)")


def org_named(owner, name: str) -> int:
    from paragon_desktop.storage.models import Organisation

    with owner.sessions() as session:
        return session.scalars(select(Organisation.id).where(Organisation.name == name)).one()


def test_organisation_anchors_are_kept_by_its_planners_within_its_area(owner, connect):
    """Before 0010 any agent of the organisation wrote them, anywhere in Belgium."""
    org = org_named(owner, "Gemeente Scheldemonde")
    inside = json.dumps({"type": "Point", "coordinates": [4.2610, 51.2330]})
    outside = json.dumps({"type": "Point", "coordinates": [4.3800, 51.2500]})
    agent = connect("sofie.janssens")  # of Scheldemonde, no management role
    planner = connect("an.peeters")  # its plan manager and admin
    assert "row-level security" in attempt(agent, ORG_INSERT, "", dict(o=org, name="x", g=inside),
                                           audited=False)
    assert "within its jurisdiction" in attempt(planner, ORG_INSERT, "",
                                                dict(o=org, name="x", g=outside), audited=False)
    assert attempt(planner, ORG_INSERT, "", dict(o=org, name="x", g=inside), audited=False) == ALLOWED
    with owner.sessions() as session:
        key = session.scalars(select(Anchor.id).where(
            Anchor.case_id.is_(None), Anchor.organisation_id == org)).first()
    remove = "SELECT paragon_delete('anchors', :a)"
    assert "may not remove" in attempt(agent, remove, "", dict(a=key), audited=False)
    assert attempt(planner, remove, "", dict(a=key), audited=False) == ALLOWED
    move = "UPDATE anchors SET geometry_geojson = :g WHERE id = :a"
    assert attempt(agent, move, "", dict(a=key, g=inside), audited=False) == "no row"
    assert "within its jurisdiction" in attempt(planner, move, "", dict(a=key, g=outside),
                                                audited=False)
