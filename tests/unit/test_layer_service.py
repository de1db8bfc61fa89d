"""Layers in a case: who may add, share, see, manage and export them (DOMAIN.md, Map).

Runs on SQLite and on PostgreSQL (the ``client`` fixture is parametrised over both backends).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from paragon_desktop.domain.errors import AccessDenied, ValidationError
from paragon_desktop.gis import read_layer
from paragon_desktop.storage.models import Case, CaseUser, Layer, Message
from tests import layerfiles as lf
from tests.conftest import Client


@pytest.fixture
def zones(tmp_path):
    path = tmp_path / "zones.kml"
    path.write_text(lf.kml_text(2))
    return read_layer(path)


def layer_names(client, username, case_id):
    layers = client.cases.open_case(client.user(username), case_id).changes.layers or []
    return {layer.name: layer for layer in layers}


def feed_id(client, username, case_id, name):
    return client.layers.feed_ids_by_name(client.user(username), case_id, [name])[0]


def count(client, model):
    with client.db.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_personal_layer_is_seen_by_its_owner_only(client, zones):
    case_id = client.seveso_case_id()
    sofie = client.user("sofie.janssens")
    layer_id = client.layers.add_layer(sofie, case_id, zones, name="Schets", source_name="zones.kml")
    mine = layer_names(client, "sofie.janssens", case_id)["Schets"]
    assert (mine.visible, mine.shared_in, mine.feature_count) == (True, (), 3)
    assert "Schets" not in layer_names(client, "an.peeters", case_id)
    assert client.cases.layer_geojsons(client.user("an.peeters"), [layer_id]) == {}


def test_layer_shared_in_a_feed_reaches_its_members_unticked(client, zones):
    case_id = client.seveso_case_id()
    sofie = client.user("sofie.janssens")
    cp_ops = feed_id(client, "sofie.janssens", case_id, "CP-Ops")
    client.layers.add_layer(sofie, case_id, zones, name="Afzetting", source_name="zones.kml",
                            feed_ids=[cp_ops])
    karim = layer_names(client, "karim.elamrani", case_id)["Afzetting"]
    assert karim.shared_in == ("CP-Ops",)
    assert karim.owner == "Sofie Janssens"
    assert not karim.visible  # showing is each user's own choice
    assert "Afzetting" not in layer_names(client, "pieter.wouters", case_id)  # not in CP-Ops


def test_layer_shared_in_multi_reaches_everyone_in_the_case(client, zones):
    case_id = client.seveso_case_id()
    multi = feed_id(client, "sofie.janssens", case_id, "multi")
    client.layers.add_layer(client.user("sofie.janssens"), case_id, zones, name="Voor iedereen",
                            source_name="zones.kml", feed_ids=[multi])
    assert "Voor iedereen" in layer_names(client, "wim.verhaegen", case_id)


def test_refusals_write_nothing(client, zones):
    case_id = client.seveso_case_id()
    layers, messages = count(client, Layer), count(client, Message)
    medisch = feed_id(client, "karim.elamrani", case_id, "D2 Medisch")
    with pytest.raises(AccessDenied, match="not a member of it"):
        client.layers.add_layer(client.user("sofie.janssens"), case_id, zones, name="x",
                                source_name="x.kml", feed_ids=[medisch])
    with pytest.raises(AccessDenied, match="read-only"):
        client.layers.add_layer(client.user("wim.verhaegen"), case_id, zones, name="x",
                                source_name="x.kml")
    with pytest.raises(ValidationError, match="needs a name"):
        client.layers.add_layer(client.user("sofie.janssens"), case_id, zones, name="  ",
                                source_name="x.kml")
    # A crisis role is needed to announce in a feed: the layer is not kept without its message.
    multi = feed_id(client, "pieter.wouters", case_id, "Multi")
    pieter = client.user("pieter.wouters")
    with client.db.sessions.begin() as session:
        session.scalars(select(CaseUser).where(CaseUser.case_id == case_id,
                                               CaseUser.user_id == pieter.id)).one().participating = False
    with pytest.raises(AccessDenied, match="crisis role"):
        client.layers.add_layer(client.user("pieter.wouters"), case_id, zones, name="x",
                                source_name="x.kml", announce_in=multi)
    assert (count(client, Layer), count(client, Message)) == (layers, messages)


def test_closed_case_takes_no_layers(client, zones):
    case_id = client.seveso_case_id()
    with client.db.sessions.begin() as session:
        session.get(Case, case_id).status = "closed"
    with pytest.raises(AccessDenied, match="the case is closed"):
        client.layers.add_layer(client.user("an.peeters"), case_id, zones, name="x",
                                source_name="x.kml")


def test_layer_from_the_composer_is_announced_with_the_layer_attached(client, zones):
    case_id = client.seveso_case_id()
    cp_ops = feed_id(client, "sofie.janssens", case_id, "CP-Ops")
    layer_id = client.layers.add_layer(client.user("sofie.janssens"), case_id, zones,
                                       name="Perimeter <nieuw>", source_name="zones.kml",
                                       announce_in=cp_ops)
    with client.db.sessions() as session:
        message = session.scalars(select(Message).where(Message.layer_id == layer_id)).one()
        assert message.feed_id == cp_ops
        assert message.text.startswith("Kaartlaag toegevoegd: Perimeter <nieuw> (3 objecten)")
    assert layer_names(client, "karim.elamrani", case_id)["Perimeter <nieuw>"].shared_in == ("CP-Ops",)


def test_only_owner_or_coordinator_manages_a_layer(client, zones):
    case_id = client.seveso_case_id()
    cp_ops = feed_id(client, "sofie.janssens", case_id, "CP-Ops")
    layer_id = client.layers.add_layer(client.user("sofie.janssens"), case_id, zones,
                                       name="Zones", source_name="zones.kml", feed_ids=[cp_ops],
                                       announce_in=cp_ops)
    with pytest.raises(AccessDenied, match="only its owner or a coordinator"):
        client.layers.rename_layer(client.user("karim.elamrani"), layer_id, "Van mij")
    client.layers.rename_layer(client.user("sofie.janssens"), layer_id, "Zones 10:30")
    client.layers.set_description(client.user("tom.declercq"), layer_id, "Nagekeken door Dir-CP-Ops")
    seen = layer_names(client, "karim.elamrani", case_id)["Zones 10:30"]
    assert seen.description == "Nagekeken door Dir-CP-Ops"
    tom = client.user("tom.declercq")
    before = client.cases.open_case(tom, case_id).changes.revision
    client.layers.remove_layer(tom, layer_id)
    changes = client.cases.changes_since(tom, case_id, before)
    assert "Zones 10:30" not in {layer.name for layer in changes.layers}
    with client.db.sessions() as session:
        assert session.get(Layer, layer_id) is None
        # The announcement stays in the log; it just no longer points at a layer.
        assert session.scalars(select(Message).where(Message.text.like("Kaartlaag toegevoegd: Zones%"))).one()


def test_opacity_and_ticks_are_personal_and_survive_a_restart(client, zones, demo_url):
    case_id = client.seveso_case_id()
    multi = feed_id(client, "sofie.janssens", case_id, "Multi")
    layer_id = client.layers.add_layer(client.user("sofie.janssens"), case_id, zones, name="Z",
                                       source_name="z.kml", feed_ids=[multi])
    client.layers.set_opacity(client.user("karim.elamrani"), layer_id, 0.4)
    client.editing.set_layer_visible(client.user("karim.elamrani"), layer_id, True)
    restarted = Client(client.db.__class__.open(demo_url))
    try:
        karim = layer_names(restarted, "karim.elamrani", case_id)["Z"]
        assert (karim.visible, karim.opacity) == (True, pytest.approx(0.4))
        sofie = layer_names(restarted, "sofie.janssens", case_id)["Z"]
        assert (sofie.visible, sofie.opacity) == (True, 1.0)
    finally:
        restarted.db.dispose()


def test_export_gives_only_visible_layers(client, zones):
    case_id = client.seveso_case_id()
    sofie = client.user("sofie.janssens")
    layer_id = client.layers.add_layer(sofie, case_id, zones, name="Eigen", source_name="z.kml")
    [exported] = client.layers.layers_for_export(sofie, [layer_id])
    assert exported.name == "Eigen"
    assert '"Zone"' in exported.geojson
    with pytest.raises(Exception, match="no longer exists"):
        client.layers.layers_for_export(client.user("an.peeters"), [layer_id])
    assert client.layers.find_layer(sofie, case_id, "eigen") == layer_id


def test_a_big_layer_is_stored_and_read_back_exactly(client, tmp_path, monkeypatch):
    """A layer of several megabytes straight from the reader process (its UTF-8 bytes, never
    decoded on the way: written and read in pieces, by SQLite's blob I/O, or on PostgreSQL
    through a temporary table and the server's own cuts) is stored as text and comes back the
    same, multi-byte characters intact, both as text and as the map page's UTF-8."""
    import json

    from paragon_desktop.gis.reader import LayerReader
    from paragon_desktop.storage import layer_text

    path = lf.multibyte_points(tmp_path / "groot.geojson", 15_000, 6)
    with LayerReader(spare=False) as reader:
        read = reader.read(path, max_bytes=10**8)
    sent = bytes(read.utf8)
    assert len(sent) > 3 * layer_text.BIG
    # On PostgreSQL in pieces from a megabyte on (16 MB in use), cut inside characters.
    monkeypatch.setattr(layer_text, "BIG_ON_SERVER", layer_text.PIECE)
    sofie = client.user("sofie.janssens")
    layer_id = client.layers.add_layer(sofie, client.seveso_case_id(), read, name="Groot",
                                       source_name=path.name)
    assert bytes(client.cases.layer_utf8(sofie, [layer_id])[layer_id]) == sent
    listed = next(layer for layer in client.cases.open_case(
        sofie, client.seveso_case_id()).changes.layers if layer.id == layer_id)
    assert listed.data_revision > 0  # stamped as any other row's
    # Read together with small layers (one piece each on PostgreSQL), each comes back whole.
    others = [layer.id for layer in client.cases.open_case(
        sofie, client.seveso_case_id()).changes.layers if layer.id != layer_id]
    assert others
    together = client.cases.layer_utf8(sofie, [*others, layer_id])
    assert bytes(together[layer_id]) == sent
    texts = client.cases.layer_geojsons(sofie, others)
    assert {k: bytes(together[k]).decode("utf-8") for k in others} == texts
    stored = client.cases.layer_geojsons(sofie, [layer_id])[layer_id]
    assert stored == sent.decode("utf-8")
    assert json.loads(stored)["features"][14_999]["properties"]["naam"].startswith("Église €–ñ 緊急")
    if client.db.engine.dialect.name == "sqlite":
        with client.db.sessions() as session:  # text, as every other row: not a blob
            assert session.scalar(text("SELECT typeof(geojson) FROM layer_data "
                                       "WHERE layer_id = :id"), {"id": layer_id}) == "text"
