"""Python and the map page agree on the operations: named once per side, each one handled, and
an operation the page does not know is reported instead of silently dropped."""

from __future__ import annotations

import json

import pytest

from paragon_desktop.ui.map.ops import Op
from tests.qt.conftest import run_js

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # about the page, not the database


def test_every_operation_python_sends_has_a_handler_in_the_page(open_window, qtbot):
    window = open_window("an.peeters")
    names = json.loads(run_js(qtbot, window, "JSON.stringify(paragon.opNames)"))
    assert sorted(names) == sorted(Op)


def test_an_unknown_operation_is_reported_not_dropped(open_window, qtbot):
    window = open_window("an.peeters")
    bridge = window.map.bridge
    with qtbot.waitSignal(bridge.sig_unknown_op, timeout=10000) as reported:
        # As a newer Python would send it to an older page: straight onto the channel.
        bridge.sig_batch.emit(json.dumps({"id": 10_000, "ops": [{"op": "layer.blink", "id": 1}]}))
    assert reported.args == ["layer.blink"]
    assert bridge.unknown_ops == ["layer.blink"]
    assert json.loads(run_js(qtbot, window, "JSON.stringify(paragon.unknownOps)")) == ["layer.blink"]


def test_python_refuses_to_send_an_operation_it_does_not_name(open_window):
    window = open_window("an.peeters")
    with pytest.raises(ValueError, match="'layer.blink' is not one of"):
        window.map.bridge.send([{"op": "layer.blink", "id": 1}])


def test_the_bridge_is_settled_only_when_every_batch_is_applied(qapp, backend):
    """A batch waiting for layer data finishes after a later one: the map said "settled" while
    the layers were still on their way (tests saw an empty map)."""
    from paragon_desktop.ui.map.bridge import MapBridge
    from paragon_desktop.ui.map.ops import Op

    bridge = MapBridge()
    bridge.on_ready()
    data = bridge.send([{"op": Op.LAYER_DATA, "id": 1, "revision": 1}])
    order = bridge.send([{"op": Op.LAYER_ORDER, "ids": [1]}])
    bridge.on_applied(order)
    assert not bridge.settled
    bridge.on_applied(data)
    assert bridge.settled
