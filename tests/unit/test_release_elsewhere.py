"""A big buffer the window's thread is done with is let go of on a thread of its own."""

from __future__ import annotations

import threading
import time

from paragon_desktop.ui.gc import BIG_BUFFER_BYTES, release_elsewhere


class Tracked(bytearray):
    """A buffer that notes which thread let go of it last."""

    freed_by: list[int] = []

    def __del__(self) -> None:
        Tracked.freed_by.append(threading.get_ident())


def test_the_last_reference_goes_on_another_thread_after_the_callers():
    Tracked.freed_by.clear()
    buffer = Tracked(b"x" * BIG_BUFFER_BYTES)
    release_elsewhere(buffer)
    time.sleep(0.1)
    assert Tracked.freed_by == []  # still ours: not freed under our feet
    del buffer
    deadline = time.monotonic() + 5
    while not Tracked.freed_by and time.monotonic() < deadline:
        time.sleep(0.01)
    assert Tracked.freed_by
    assert Tracked.freed_by[0] != threading.get_ident()
