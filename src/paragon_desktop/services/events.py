"""Plain-Python listeners: services tell whoever subscribed that a case changed."""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[int], None]


class CaseEvents:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Subscribe; the returned function unsubscribes (docks call it when they close)."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def case_changed(self, case_id: int) -> None:
        for listener in list(self._listeners):
            listener(case_id)
