"""Service layers on the shared server (migration 0011), tried as raw SQL with a user's own
login role: the service a layer asks is checked by the server as the app checks it, and can
never be changed afterwards (everyone who sees the layer would ask another server)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from paragon_desktop.gis.ows import Service
from tests.integration.test_red_team import ALLOWED, DENIED, attempt, case_named

pytestmark = pytest.mark.postgres

INSERT = ("INSERT INTO layers (case_id, owner_id, name, description, source_file, source_format, "
          "source_crs, feature_count, style_json, created_at, revision, service_json) VALUES "
          "(:c, 0, 'Zones', '', 'x', 'WMS', 'EPSG:4326', 0, '{}', now(), 0, :service)")
GOOD = Service("wmts", "https://tiles.example.org/wmts", "topo",
               template="https://tiles.example.org/t/{z}/{y}/{x}.png", matrix_ids=("0", "1"),
               refresh_s=60)


def as_json(**change) -> str:
    data = json.loads(GOOD.to_json())
    data.update(change)
    return json.dumps(data)


def test_an_agent_adds_a_service_layer_the_app_would_add(owner, connect):
    agent = connect("sofie.janssens")
    case_id = case_named(owner, "Nordchem")
    assert attempt(agent, INSERT, "layer.added", dict(c=case_id, service=GOOD.to_json())) == ALLOWED
    assert attempt(agent, INSERT, "layer.added", dict(c=case_id, service=None)) == ALLOWED


@pytest.mark.parametrize("change", [
    dict(url="javascript:alert(1)"),
    dict(url="https://jan:geheim@tiles.example.org/wmts"),
    dict(url="file:///etc/passwd"),
    dict(kind="kml"),
    dict(layer=""),
    dict(refresh_s=7),
    dict(refresh_s="60"),
    dict(refresh_s=60.5),
    # WMTS tiles from another host than the service the user allowed.
    dict(template="https://elsewhere.example.net/t/{z}/{y}/{x}.png"),
])
def test_the_server_refuses_a_service_the_app_refuses(owner, connect, change):
    agent = connect("sofie.janssens")
    case_id = case_named(owner, "Nordchem")
    outcome = attempt(agent, INSERT, "layer.added", dict(c=case_id, service=as_json(**change)))
    assert "ck_layers_service" in outcome, outcome
    assert Service.from_json(as_json(**change)) is None  # the app refuses the same row


def test_the_service_of_a_layer_cannot_be_changed(owner, connect):
    agent = connect("sofie.janssens")
    case_id = case_named(owner, "Nordchem")
    with agent.connect() as c, c.begin():
        layer_id = c.execute(text(INSERT + " RETURNING id"),
                             dict(c=case_id, service=GOOD.to_json())).scalar_one()
        c.execute(text("SELECT paragon_audit(:c, 'layer.added', '{}', 0, NULL, now())"),
                  dict(c=case_id))
    other = as_json(url="https://evil.example.com/wmts",
                    template="https://evil.example.com/t/{z}/{y}/{x}.png")
    outcome = attempt(agent, "UPDATE layers SET service_json = :service WHERE id = :id AND "
                             "case_id = :c", "layer.renamed",
                      dict(c=case_id, id=layer_id, service=other))
    assert DENIED in outcome, outcome
