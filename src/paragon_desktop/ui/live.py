"""Live updates on PostgreSQL: the listener's callbacks (on its own thread) as Qt signals."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from sqlalchemy.engine import URL

from paragon_desktop.storage.notify import ChangeListener


class LiveUpdates(QObject):
    """``sig_changed(revision)`` after a commit that touched ``case_id`` (or anything, without
    one); ``sig_status(connected, retry_in)``
    when the server goes away (seconds until the next attempt) or is back (retry_in < 0)."""

    sig_changed = Signal(int)
    sig_status = Signal(bool, float)

    def __init__(self, url: URL, parent: QObject | None = None, *,
                 first_backoff: float = 1.0, max_backoff: float = 30.0,
                 case_id: int | None = None) -> None:
        super().__init__(parent)
        # Emitting from the listener thread queues the call to this object's (the GUI) thread.
        self._listener = ChangeListener(
            url, self.sig_changed.emit,
            lambda connected, retry: self.sig_status.emit(connected, -1.0 if retry is None
                                                          else float(retry)),
            first_backoff=first_backoff, max_backoff=max_backoff, case_id=case_id)

    @property
    def connected(self) -> bool:
        return self._listener.connected

    def start(self) -> None:
        self._listener.start()

    def stop(self) -> None:
        self._listener.stop()
