"""The UI's one way to call a service off the GUI thread (after Anki's QueryOp/CollectionOp).

``Ops.run(fn, done)`` runs ``fn`` on the worker pool and calls ``done(result)`` or the failure
handler on the GUI thread. ``latest=KEY`` drops the result of a call overtaken by a newer one with
the same key (a search typed further); ``busy=[widgets]`` disables them while it runs.
``Debounce`` waits until typing pauses before it calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from paragon_desktop.ui.workers import Workers


class Ops:
    def __init__(self, workers: Workers, tell: Callable[[str], None]) -> None:
        self._workers = workers
        self._tell = tell
        self._latest: dict[str, int] = {}
        self._next = 0

    def run(self, fn: Callable[[], Any], done: Callable[[Any], None],
            failed: Callable[[Exception], None] | None = None, *, latest: str | None = None,
            busy: Iterable[QWidget] = ()) -> None:
        self._next += 1
        ticket = self._next
        if latest is not None:
            self._latest[latest] = ticket
        widgets = [w for w in busy if w.isEnabled()]
        for widget in widgets:
            widget.setEnabled(False)

        def current() -> bool:
            for widget in widgets:
                widget.setEnabled(True)
            return latest is None or self._latest.get(latest) == ticket

        def on_done(result: Any) -> None:
            if current():
                done(result)

        def on_failed(exc: Exception) -> None:
            if current():
                (failed or (lambda e: self._tell(str(e))))(exc)

        self._workers.run(fn, on_done, on_failed)

    def drop(self, latest: str) -> None:
        """Whatever runs under ``latest`` is answered too late: its result is not shown."""
        self._next += 1
        self._latest[latest] = self._next


class Debounce(QObject):
    """Call ``fn(value)`` once ``ms`` milliseconds have passed without a new value."""

    def __init__(self, ms: int, fn: Callable[[Any], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fn = fn
        self._value: Any = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(ms)
        self._timer.timeout.connect(lambda: self._fn(self._value))

    def __call__(self, value: Any) -> None:
        self._value = value
        self._timer.start()

    def flush(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._fn(self._value)
