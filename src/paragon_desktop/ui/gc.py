"""Python's garbage collector runs only on the GUI thread; big buffers are let go of elsewhere.

Left alone, a collection can start in a worker thread and free Qt objects there, which crashes
Qt (seen here: a segfault in "Garbage-collecting" on a pool thread). Automatic collection is
switched off and a timer on the GUI thread collects instead; this is what pyqtgraph and other
long-running Qt apps do.
"""

from __future__ import annotations

import gc
import queue
import sys
import threading
import time

from PySide6.QtCore import QObject, QTimer


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        # Collect the young generation cheaply; older ones only when their counts say so.
        counts = gc.get_count()
        if counts[0] > self.threshold[0]:
            generation = 0
            if counts[1] > self.threshold[1]:
                generation = 1
                if counts[2] > self.threshold[2]:
                    generation = 2
            gc.collect(generation)


_LIBC: object | None = None


def give_back_memory() -> None:
    """Hand freed heap memory back to the system (glibc's ``malloc_trim``; nothing elsewhere).

    A big layer passes through Python as text several times (read, stored, offered to the map);
    once the page has it, that memory is free but glibc keeps it in the process: 90 MB of the
    app's 890 MB with 50,000 polygons shown (bench/bench_scaling.py)."""
    global _LIBC
    if _LIBC is None:
        import ctypes
        import ctypes.util

        name = ctypes.util.find_library("c")
        try:
            libc = ctypes.CDLL(name) if name else None
        except OSError:
            libc = None
        _LIBC = libc if libc is not None and hasattr(libc, "malloc_trim") else False
    if _LIBC:
        _LIBC.malloc_trim(0)  # type: ignore[attr-defined]


BIG_BUFFER_BYTES = 4_000_000  # smaller buffers are let go of where they are
_released: queue.SimpleQueue[object] | None = None
_released_lock = threading.Lock()


def release_elsewhere(buffer: bytes | bytearray | memoryview | None) -> None:
    """Let go of a big buffer (a layer's text) on a thread of its own, then hand the memory
    back: unmapping a million points' 130 MB takes 35 ms, a stall when the window's thread does
    it (Python lets go of its lock meanwhile, so the other thread holds up nobody). The caller
    drops its own references right after; the thread waits a moment for that. A small buffer
    (or None) is left to the caller."""
    global _released
    if buffer is None or len(buffer) < BIG_BUFFER_BYTES:
        return
    with _released_lock:
        if _released is None:
            _released = queue.SimpleQueue()
            threading.Thread(target=_release_loop, args=(_released,), name="paragon-release",
                             daemon=True).start()
    _released.put(buffer)


def _release_loop(pending: queue.SimpleQueue[object]) -> None:
    while True:
        buffer = pending.get()
        # Ours and getrefcount's own: the last holder. Others still reading it (the page's
        # request, a caller's local name) let go within moments; after that it goes anyway.
        deadline = time.monotonic() + 5
        while sys.getrefcount(buffer) > 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        del buffer
        if pending.empty():
            give_back_memory()
