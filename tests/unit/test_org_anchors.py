"""Organisation anchors (key anchors): kept by the organisation's emergency-plan managers and
admins, within its jurisdiction (the distance outside said when not); a case takes a copy. On
SQLite, on PostgreSQL and with each user's own login role (the server's rule, 0010)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from paragon_desktop.domain.anchors import AnchorCategory, can_keep_org_anchors
from paragon_desktop.domain.errors import AccessDenied, ValidationError
from paragon_desktop.storage.models import Anchor, Organisation

# Inside the demo's Gemeente Scheldemonde, and well outside it (in Kalloo's east).
INSIDE = {"type": "Point", "coordinates": [4.2610, 51.2330]}
OUTSIDE = {"type": "Point", "coordinates": [4.3800, 51.2500]}


def org_id(client, name: str) -> int:
    with client.db.sessions() as session:
        return session.scalars(select(Organisation.id).where(Organisation.name == name)).one()


def test_only_planners_and_admins_keep_an_organisations_anchors():
    assert can_keep_org_anchors("org_admin plan_manager")
    assert can_keep_org_anchors("plan_manager")
    assert not can_keep_org_anchors("contact_manager")
    assert not can_keep_org_anchors("")


def test_a_planner_adds_a_key_anchor_within_the_jurisdiction(client):
    an = client.user("an.peeters")  # plan manager and admin of Gemeente Scheldemonde
    scheldemonde = org_id(client, "Gemeente Scheldemonde")
    anchor_id = client.org_anchors.add(an, scheldemonde, "Verzamelplaats Markt", INSIDE,
                                       category=AnchorCategory.ASSEMBLY_POINT)
    assert "Verzamelplaats Markt" in [a.name for a in client.org_anchors.anchors_of(an, scheldemonde)]
    with pytest.raises(ValidationError, match=r"lies up to [\d,]+ m outside the jurisdiction of "
                                              "Gemeente Scheldemonde"):
        client.org_anchors.add(an, scheldemonde, "Te ver", OUTSIDE)
    with pytest.raises(ValidationError, match="outside the jurisdiction"):
        client.org_anchors.move(an, anchor_id, OUTSIDE)
    client.org_anchors.remove(an, anchor_id)
    assert "Verzamelplaats Markt" not in [a.name for a in client.org_anchors.anchors_of(an, scheldemonde)]


def test_others_do_not_keep_an_organisations_anchors(client):
    scheldemonde = org_id(client, "Gemeente Scheldemonde")
    sofie = client.user("sofie.janssens")  # agent of Scheldemonde, no management role
    with pytest.raises(AccessDenied, match="emergency-plan manager or an admin"):
        client.org_anchors.add(sofie, scheldemonde, "Niet van mij", INSIDE)
    els = client.user("els.vandamme")  # planner, but of the province
    with pytest.raises(AccessDenied):
        client.org_anchors.add(els, scheldemonde, "Niet van mij", INSIDE)
    with client.db.sessions() as session:
        key = session.scalars(select(Anchor.id).where(
            Anchor.case_id.is_(None), Anchor.organisation_id == scheldemonde)).first()
    with pytest.raises(AccessDenied):
        client.org_anchors.remove(sofie, key)


def test_a_case_takes_a_copy_that_later_changes_do_not_touch(client):
    an, tom = client.user("an.peeters"), client.user("tom.declercq")
    scheldemonde = org_id(client, "Gemeente Scheldemonde")
    key = client.org_anchors.add(an, scheldemonde, "Opvang Sporthal", INSIDE,
                                 category=AnchorCategory.RECEPTION_CENTRE, description="300 plaatsen")
    case_id = client.seveso_case_id()
    copy = client.org_anchors.copy_to_case(tom, key, case_id)
    moved = {"type": "Point", "coordinates": [4.2620, 51.2340]}
    client.org_anchors.move(an, key, moved)
    with client.db.sessions() as session:
        row = session.get(Anchor, copy)
        assert row is not None
        assert (row.case_id, row.name, row.category, row.description) == (
            case_id, "Opvang Sporthal", "reception_centre", "300 plaatsen")
        assert json.loads(row.geometry_geojson) == INSIDE
    assert client.reports.audit_trail(an, case_id)[-1].action == "anchor.added"
