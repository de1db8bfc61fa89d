"""The data of ticked layers, read after the case's picture and shown layer by layer.

Opening a case used to read every ticked layer's GeoJSON in the same job as the case's picture:
the feeds, anchors and contacts waited for the biggest layer (a million points: 135 ms more on
SQLite, seconds on PostgreSQL). Now the picture comes first and the layers' data follows, a few
layers per job (smallest first, about ``BATCH_FEATURES`` features a job), each batch shown as it
arrives. One job at a time: the window's other worker stays free for the feeds.
"""

from __future__ import annotations

from collections.abc import Iterable

from paragon_desktop.i18n import _
from paragon_desktop.services.cases import CaseService
from paragon_desktop.services.views import ChangeSet, LayerView
from paragon_desktop.ui.controllers.connection import ConnectionController
from paragon_desktop.ui.controllers.context import WindowContext
from paragon_desktop.ui.map.view import MapView

BATCH_FEATURES = 50_000


class LayerDataController:
    def __init__(self, ctx: WindowContext, cases: CaseService, map_view: MapView,
                 connection: ConnectionController) -> None:
        self.ctx = ctx
        self.cases = cases
        self.map = map_view
        self.connection = connection
        self._queue: list[LayerView] = []  # smallest first
        self._reading = False
        self._stalled = False  # the server was gone: tried again when it answers

    def want(self, layers: Iterable[LayerView]) -> None:
        """Read the data of these layers that the map shows ticked but has not got."""
        queued = {layer.id for layer in self._queue}
        self._queue.extend(layer for layer in layers if layer.id not in queued)
        self._queue.sort(key=lambda layer: layer.feature_count)
        self._read_next()

    def server_answered(self) -> None:
        """The server answers again: what a lost connection stopped goes on."""
        if self._stalled:
            self._stalled = False
            self._read_next()

    @property
    def busy(self) -> bool:
        """Layer data is being read or waits to be."""
        return self._reading or any(self.map.wants_data(layer.id) for layer in self._queue)

    def _read_next(self) -> None:
        if self._reading or self._stalled:
            return
        batch: list[LayerView] = []
        while self._queue and (not batch or sum(layer.feature_count for layer in batch)
                               + self._queue[0].feature_count <= BATCH_FEATURES):
            layer = self._queue.pop(0)
            if self.map.wants_data(layer.id):  # still ticked, and not got meanwhile
                batch.append(layer)
        if not batch:
            return
        self._reading = True
        user, cases, ids = self.ctx.user, self.cases, [layer.id for layer in batch]

        def arrived(data: dict[int, bytes | memoryview]) -> None:
            self._reading = False
            self.map.apply_changes(ChangeSet(revision=self.ctx.revision), data)
            self._read_next()

        def failed(exc: Exception) -> None:
            self._reading = False
            if self.connection.failed(exc):
                self._stalled = True
                self.want(batch)  # kept: read when the server answers again
                return
            self.ctx.note(_("Laag niet gelezen: {error}").format(error=exc))
            self._read_next()

        self.ctx.ops.run(lambda: cases.layer_utf8(user, ids), arrived, failed)
