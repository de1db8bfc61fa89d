"""Running slow work (database, files) off the GUI thread; results come back by signal.

The pool is Python's own (concurrent.futures), not QThreadPool: on a Qt pool thread, PySide
gives every job a fresh Python thread state and drops it afterwards, which throws away
``threading.local`` data while native code still points at it. pyproj >= 3.7 keeps its PROJ
context that way, and the second job on the same thread crashed in ``CRS()`` (pyproj issues
#1509 and #1622). Python threads keep one thread state for their whole life.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

Callback = Callable[[Any], None]


class _Signals(QObject):
    sig_done = Signal(object, object)
    sig_failed = Signal(object, object)


class Workers(QObject):
    """A small pool; the database is the bottleneck, so two threads are plenty.

    Results are delivered through slots of this object, which lives in the GUI thread, so the
    callbacks always run there (queued connections).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="paragon-worker")
        self._signals = _Signals(self)
        self._signals.sig_done.connect(self._on_done)
        self._signals.sig_failed.connect(self._on_failed)
        self._callbacks: dict[int, tuple[Callback, Callback]] = {}
        self._futures: dict[int, Future[None]] = {}
        self._next = 0
        self._closed = False

    def run(self, fn: Callable[[], Any], on_done: Callback, on_failed: Callback) -> None:
        if self._closed:
            # The window is gone: a late event (another window's write) asks for nothing.
            return
        self._next += 1
        job = self._next
        self._callbacks[job] = (on_done, on_failed)
        signals = self._signals

        def call() -> None:
            try:
                result = fn()
            except Exception as exc:  # handed to the GUI thread, which shows it
                exc.add_note(traceback.format_exc())
                signals.sig_failed.emit(job, exc)
            else:
                signals.sig_done.emit(job, result)

        self._futures[job] = self.pool.submit(call)

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    @Slot(object, object)
    def _on_done(self, job: int, value: Any) -> None:
        self._futures.pop(job, None)
        callbacks = self._callbacks.pop(job, None)
        if callbacks:
            callbacks[0](value)

    @Slot(object, object)
    def _on_failed(self, job: int, exc: Exception) -> None:
        self._futures.pop(job, None)
        callbacks = self._callbacks.pop(job, None)
        if callbacks:
            callbacks[1](exc)

    def wait(self, msecs: int = 10000) -> bool:
        """Wait for running jobs (e.g. on close); True when all finished in time."""
        _done, pending = wait_futures(list(self._futures.values()), timeout=msecs / 1000)
        return not pending

    def shutdown(self) -> None:
        self._closed = True
        self.pool.shutdown(wait=False, cancel_futures=True)
