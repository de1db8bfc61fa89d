"""The QGIS table of layer features is filled after an import, not inside it (migration 0017,
issue 21): an import leaves its layer queued; the fill (the app calls it right after) makes one
row per feature, once; a user can call it but not write the queue."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from paragon_desktop.gis.layers import LayerRead
from paragon_desktop.services.bundle import build_services
from paragon_desktop.storage.db import Database
from tests.conftest import login_url
from tests.integration.test_red_team import DENIED, attempt, case_named

pytestmark = pytest.mark.postgres


def points(n: int) -> LayerRead:
    features = [{"type": "Feature", "properties": {"n": i},
                 "geometry": {"type": "Point", "coordinates": [4.2 + i * 1e-4, 51.2]}}
                for i in range(n)]
    return LayerRead(json.dumps({"type": "FeatureCollection", "features": features}), n,
                     (4.2, 51.2, 4.3, 51.2), "EPSG:4326", "GeoJSON")


def counts(owner: Database, layer_id: int) -> tuple[int, int]:
    with owner.engine.connect() as c:
        return (c.execute(text("SELECT count(*) FROM layer_features WHERE layer_id = :l"),
                          dict(l=layer_id)).scalar_one(),
                c.execute(text("SELECT count(*) FROM layer_features_pending WHERE layer_id = :l"),
                          dict(l=layer_id)).scalar_one())


def test_an_import_queues_its_layer_and_the_fill_makes_its_rows_once(owner, pg_demo_url, connect):
    db = Database.open(login_url(pg_demo_url, "an.peeters"))
    try:
        services = build_services(db)
        an = services.auth.user_by_name("an.peeters")
        layer_id = services.layers.add_layer(an, case_named(owner, "Nordchem"), points(250),
                                             name="Punten", source_name="punten.geojson")
        assert counts(owner, layer_id) == (0, 1)  # the import did not wait for it
        with owner.engine.connect() as c:  # stored with LZ4, the fast one (migration 0019)
            assert c.execute(text("SELECT pg_column_compression(geojson) FROM layer_data "
                                  "WHERE layer_id = :l"), dict(l=layer_id)).scalar_one() == "lz4"
        assert services.layers.fill_features() == 1  # as the user's own login role
        assert counts(owner, layer_id) == (250, 0)
        assert services.layers.fill_features() == 0  # nothing twice
    finally:
        db.dispose()
    # The queue is the server's.
    sofie = connect("sofie.janssens")
    assert DENIED in attempt(sofie, "INSERT INTO layer_features_pending (layer_id) VALUES (:l)",
                             "", dict(l=layer_id), audited=False)
    assert DENIED in attempt(sofie, "DELETE FROM layer_features_pending", "", {}, audited=False)
