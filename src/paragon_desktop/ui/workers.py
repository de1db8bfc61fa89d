"""Running slow work (database, files) off the GUI thread; results come back by signal."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

Callback = Callable[[Any], None]


class _Signals(QObject):
    sig_done = Signal(object, object)
    sig_failed = Signal(object, object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # handed to the GUI thread, which shows it
            exc.add_note(traceback.format_exc())
            self.signals.sig_failed.emit(self, exc)
        else:
            self.signals.sig_done.emit(self, result)


class Workers(QObject):
    """A small pool; the database is the bottleneck, so two threads are plenty.

    Results are delivered through slots of this object, which lives in the GUI thread, so the
    callbacks always run there (queued connections).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._signals = _Signals(self)
        self._signals.sig_done.connect(self._on_done)
        self._signals.sig_failed.connect(self._on_failed)
        self._callbacks: dict[_Job, tuple[Callback, Callback]] = {}

    def run(self, fn: Callable[[], Any], on_done: Callback, on_failed: Callback) -> None:
        job = _Job(fn, self._signals)
        self._callbacks[job] = (on_done, on_failed)
        self.pool.start(job)

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    @Slot(object, object)
    def _on_done(self, job: _Job, value: Any) -> None:
        callbacks = self._callbacks.pop(job, None)
        if callbacks:
            callbacks[0](value)

    @Slot(object, object)
    def _on_failed(self, job: _Job, exc: Exception) -> None:
        callbacks = self._callbacks.pop(job, None)
        if callbacks:
            callbacks[1](exc)

    def wait(self, msecs: int = 10000) -> bool:
        return self.pool.waitForDone(msecs)
