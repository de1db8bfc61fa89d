"""Automatic backups of the embedded database while the app is open: at start, then every hour.

Backups run on the worker pool (the UI's one way of running slow work); a failure (a full disk)
is said once in a message box and then only on the terminal, and never stops the app.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from paragon_desktop.i18n import _
from paragon_desktop.storage import backup
from paragon_desktop.ui.ops import Ops
from paragon_desktop.ui.plain import plain_box
from paragon_desktop.ui.workers import Workers

HOUR_MS = 60 * 60 * 1000


class BackupScheduler(QObject):
    sig_done = Signal(object)  # Backup
    sig_failed = Signal(str)

    def __init__(self, database: Path, parent: QObject | None = None, interval_ms: int = HOUR_MS,
                 *, tell: bool = True) -> None:
        super().__init__(parent)
        self.database = database
        self._workers = Workers(self)
        self._ops = Ops(self._workers, tell=lambda _text: None)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.backup_now)
        self._running = False
        self._told = not tell
        self.last: backup.Backup | None = None
        self.last_error = ""

    def start(self) -> None:
        self.backup_now()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._workers.wait(30000)
        self._workers.shutdown()

    def backup_now(self) -> None:
        if self._running:
            return
        self._running = True
        database = self.database
        self._ops.run(lambda: backup.take(database), self._on_done, self._on_failed)

    def _on_done(self, taken: backup.Backup) -> None:
        self._running = False
        self.last = taken
        self.sig_done.emit(taken)

    def _on_failed(self, exc: Exception) -> None:
        self._running = False
        self.last_error = str(exc)
        print(f"paragon-desktop: backup failed: {exc}", file=sys.stderr)
        self.sig_failed.emit(self.last_error)
        if not self._told:
            self._told = True
            box = plain_box(QMessageBox.Icon.Warning, None, _("Back-up mislukt"), self.last_error)
            box.setModal(False)
            box.show()
            self._box = box
