"""The one QObject shared with the page over QWebChannel.

Python -> JS: ``sig_batch`` (a JSON list of operations). Layer data does not travel here: the
page fetches it from the paragon:// scheme (see MapView), because a string of tens of MB over
QWebChannel blocks both sides while it is encoded and decoded. JS -> Python: the ``on_*`` slots.
Everything sent before the page says it is ready is queued, in order.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from paragon_desktop.ui.map.ops import Op

OP_NAMES = frozenset(Op)


class MapBridge(QObject):
    sig_batch = Signal(str)

    # For the Qt side.
    sig_ready = Signal()
    sig_cursor = Signal(float, float)
    sig_applied = Signal(int)
    sig_layer_loaded = Signal(int, int)  # layer id, data revision
    sig_layer_failed = Signal(int, int, str)  # layer id, data revision, what went wrong
    sig_picked = Signal(dict)  # a GeoJSON geometry the user picked (point or area)
    sig_pick_progress = Signal(int)  # vertices of the area being drawn
    sig_pick_points = Signal(list)  # ... and where they are ([lon, lat] each)
    sig_unknown_op = Signal(str)  # the page got an operation it has no handler for
    sig_context_menu = Signal(float, float)  # right-click on the map at (lat, lon)
    sig_edit_started = Signal(int)  # an anchor's shape is being changed on the map
    sig_edited = Signal(int, dict)  # ... and this is its new geometry

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ready = False
        self.last_sent = 0
        self.last_applied = 0
        self._next_id = 1
        self._pending: list[tuple[Any, tuple[Any, ...]]] = []
        self.unknown_ops: list[str] = []
        # Batches sent and not yet applied. A batch that waits for layer data finishes after a
        # later one that does not: "the highest id applied" said settled too early.
        self._outstanding: set[int] = set()

    def send(self, ops: list[dict[str, Any]]) -> int:
        """Queue or send one batch of operations; returns its id (see ``sig_applied``)."""
        for operation in ops:
            if operation.get("op") not in OP_NAMES:
                raise ValueError(f"map operation {operation.get('op')!r} is not one of ui.map.ops.Op")
        batch_id = self._next_id
        self._next_id += 1
        self._outstanding.add(batch_id)
        self._emit(self.sig_batch, json.dumps({"id": batch_id, "ops": ops}, separators=(",", ":")))
        self.last_sent = batch_id
        return batch_id

    def _emit(self, signal: Any, *args: Any) -> None:
        if self.ready:
            signal.emit(*args)
        else:
            self._pending.append((signal, args))

    @Slot()
    def on_ready(self) -> None:
        self.ready = True
        pending, self._pending = self._pending, []
        for signal, args in pending:
            signal.emit(*args)
        self.sig_ready.emit()

    @Slot(float, float)
    def on_cursor(self, lat: float, lon: float) -> None:
        self.sig_cursor.emit(lat, lon)

    def reset(self) -> None:
        """The page was lost: what was sent to it will never be applied; what is sent from now
        waits for the new page."""
        self.ready = False
        self._outstanding.clear()

    @Slot(int)
    def on_applied(self, batch_id: int) -> None:
        self._outstanding.discard(batch_id)
        self.last_applied = max(self.last_applied, batch_id)
        self.sig_applied.emit(batch_id)

    @Slot(int, int)
    def on_layer_loaded(self, layer_id: int, revision: int) -> None:
        self.sig_layer_loaded.emit(layer_id, revision)

    @Slot(int, int, str)
    def on_layer_failed(self, layer_id: int, revision: int, error: str) -> None:
        self.sig_layer_failed.emit(layer_id, revision, error)

    @Slot(str)
    def on_picked(self, geometry: str) -> None:
        self.sig_picked.emit(json.loads(geometry))

    @Slot(int)
    def on_pick_progress(self, vertices: int) -> None:
        self.sig_pick_progress.emit(vertices)

    @Slot(str)
    def on_pick_points(self, points: str) -> None:
        self.sig_pick_points.emit(json.loads(points))

    @Slot(float, float)
    def on_context_menu(self, lat: float, lon: float) -> None:
        self.sig_context_menu.emit(lat, lon)

    @Slot(int)
    def on_edit_started(self, anchor_id: int) -> None:
        self.sig_edit_started.emit(anchor_id)

    @Slot(int, str)
    def on_edited(self, anchor_id: int, geometry: str) -> None:
        self.sig_edited.emit(anchor_id, json.loads(geometry))

    @Slot(str)
    def on_unknown_op(self, name: str) -> None:
        """The page had no handler for an operation: said, not silently dropped."""
        self.unknown_ops.append(name)
        print(f"paragon-desktop: the map page has no handler for operation {name!r}", file=sys.stderr)
        self.sig_unknown_op.emit(name)

    @property
    def settled(self) -> bool:
        """The page has applied everything sent so far (layer data included)."""
        return self.ready and not self._outstanding
