"""Exactly once: a write sent again under the same operation id (a resend after a cut
connection, a crash or from the outbox) is stored once, on SQLite, on PostgreSQL and as each
user's own login role."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from paragon_desktop.domain.errors import AccessDenied, ValidationError
from paragon_desktop.gis import read_layer
from paragon_desktop.services.once import new_op_id
from paragon_desktop.storage.models import Anchor, ClientOp, Layer, Message
from tests import layerfiles as lf


def count(client, model, *where) -> int:
    with client.db.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def multi(client, user, case_id) -> int:
    return next(f.id for f in client.cases.open_case(user, case_id).changes.feeds if f.kind == "multi")


def test_a_message_sent_twice_under_one_id_is_stored_once(client):
    tom = client.user("tom.declercq")
    case_id = client.seveso_case_id()
    feed = multi(client, tom, case_id)
    op_id = new_op_id()
    first = client.feeds.post(tom, feed, "Windrichting NO, #CP-Ops ingelicht", op_id=op_id)
    again = client.feeds.post(tom, feed, "Windrichting NO, #CP-Ops ingelicht", op_id=op_id)
    assert not first.replayed
    assert again.replayed
    assert again.message_id == first.message_id
    assert count(client, Message, Message.text.like("Windrichting NO%")) == 2  # the text and its #copy
    assert client.feeds.stored_message(tom, op_id) == first.message_id
    assert client.feeds.stored_message(tom, new_op_id()) is None
    # Without an id every send is a new message (the old behaviour, for callers without one).
    client.feeds.post(tom, feed, "Zonder id")
    client.feeds.post(tom, feed, "Zonder id")
    assert count(client, Message, Message.text == "Zonder id") == 2


def test_a_stored_message_stays_stored_whatever_changed_since(client):
    """The resend of a message that reached the server is answered "already stored" even when
    it would be refused now (the author left the feed, the case closed meanwhile)."""
    an, tom = client.user("an.peeters"), client.user("tom.declercq")
    case_id = client.seveso_case_id()
    feed = multi(client, tom, case_id)
    op_id = new_op_id()
    stored = client.feeds.post(tom, feed, "Laatste melding", op_id=op_id)
    client.deactivate_plans("an.peeters", case_id)
    client.admin.close_case(an, case_id)
    assert client.feeds.post(tom, feed, "Laatste melding", op_id=op_id).message_id == stored.message_id
    with pytest.raises(AccessDenied):
        client.feeds.post(tom, feed, "Laatste melding", op_id=new_op_id())


def test_an_operation_id_is_a_uuid_of_its_own_kind(client):
    tom = client.user("tom.declercq")
    case_id = client.seveso_case_id()
    feed = multi(client, tom, case_id)
    with pytest.raises(ValidationError, match="not an operation id"):
        client.feeds.post(tom, feed, "x", op_id="1; DROP TABLE messages")
    op_id = new_op_id()
    client.feeds.post(tom, feed, "Bericht", op_id=op_id)
    with pytest.raises(ValidationError, match="used for something else"):
        client.editing.add_anchor(tom, case_id, "Punt", {"type": "Point", "coordinates": [4.2, 51.2]},
                                  op_id=op_id)
    assert count(client, ClientOp) == 1


def test_anchors_and_layers_sent_twice_are_stored_once(client, tmp_path):
    tom = client.user("tom.declercq")
    case_id = client.seveso_case_id()
    point = {"type": "Point", "coordinates": [4.25, 51.22]}
    op_id = new_op_id()
    first = client.editing.add_anchor(tom, case_id, "Tweede CP-Ops", point, op_id=op_id)
    assert client.editing.add_anchor(tom, case_id, "Tweede CP-Ops", point, op_id=op_id) == first
    assert count(client, Anchor, Anchor.name == "Tweede CP-Ops") == 1
    path = tmp_path / "zones.kml"
    path.write_text(lf.kml_text(2))
    read = read_layer(path)
    op_id = new_op_id()
    layer = client.layers.add_layer(tom, case_id, read, name="Zones", source_name="zones.kml",
                                    op_id=op_id)
    assert client.layers.add_layer(tom, case_id, read, name="Zones", source_name="zones.kml",
                                   op_id=op_id) == layer
    assert count(client, Layer, Layer.name == "Zones") == 1


def test_racing_resends_of_one_message_store_it_once(client):
    """Two sends of the same id at once (the retry fires while the first is still on its way)
    meet at the operation table's key: one message, both answered with its id."""
    tom = client.user("tom.declercq")
    case_id = client.seveso_case_id()
    feed = multi(client, tom, case_id)
    for round_ in range(5):
        op_id, results, errors = new_op_id(), [], []
        start = threading.Barrier(3)

        def send(op_id=op_id, results=results, errors=errors, start=start, text=f"Race {round_}"):
            start.wait()
            try:
                results.append(client.feeds.post(tom, feed, text, op_id=op_id).message_id)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=send) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
        assert len(set(results)) == 1
        assert count(client, Message, Message.text == f"Race {round_}") == 1
