"""Python's garbage collector runs only on the GUI thread.

Left alone, a collection can start in a worker thread and free Qt objects there, which crashes
Qt (seen here: a segfault in "Garbage-collecting" on a pool thread). Automatic collection is
switched off and a timer on the GUI thread collects instead; this is what pyqtgraph and other
long-running Qt apps do.
"""

from __future__ import annotations

import gc

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
