"""A big layer text is stored on PostgreSQL from pieces the server joins (storage/layer_text):
tried with a user's own login role, that write is the same INSERT into ``layer_data`` under the
same policy, whatever the app would check first."""

from __future__ import annotations

import json

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from paragon_desktop.gis.layers import LayerRead
from paragon_desktop.services.layers import store_layer
from paragon_desktop.storage import layer_text
from paragon_desktop.storage.models import User
from tests.integration.test_red_team import case_named

pytestmark = pytest.mark.postgres


def layer_without_text(owner, case_id: int, username: str) -> int:
    """A layer of ``username``'s whose text is not stored yet (as between its two writes)."""
    read = LayerRead(json.dumps({"type": "FeatureCollection", "features": []}), 0, None,
                     "EPSG:4326", "GeoJSON")
    with owner.sessions.begin() as session:
        user_id = session.query(User.id).filter(User.username == username).scalar()
        layer = store_layer(session, case_id=case_id, owner_id=user_id, name="Stukken",
                            read=read, source_name="stukken.geojson")
        session.execute(text("DELETE FROM layer_data WHERE layer_id = :l"), dict(l=layer.id))
        return layer.id


def test_pieces_joined_by_the_server_obey_the_layer_data_policy(owner, connect):
    case_id = case_named(owner, "Nordchem")
    own = layer_without_text(owner, case_id, "sofie.janssens")
    others = layer_without_text(owner, case_id, "an.peeters")
    data = ("{\"type\": \"FeatureCollection\", \"features\": []}" + " " * 3_000_000).encode()
    sofie = connect("sofie.janssens")
    with Session(sofie) as session, session.begin():  # her own layer: stored, exactly
        layer_text._add_pieces(session, own, memoryview(data))
    with owner.engine.connect() as c:
        stored = c.execute(text("SELECT geojson FROM layer_data WHERE layer_id = :l"),
                           dict(l=own)).scalar_one()
    assert stored.encode() == data
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"), \
            Session(sofie) as session, session.begin():  # another's: refused by the server
        layer_text._add_pieces(session, others, memoryview(data))
    with owner.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM layer_data WHERE layer_id = :l"),
                         dict(l=others)).scalar_one() == 0
