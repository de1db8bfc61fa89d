"""Half-typed messages kept on this machine as the user types: they survive a refresh, a
crash, a closed window or a lost connection, and come back when the case is opened again."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer

from paragon_desktop.settings import data_dir
from paragon_desktop.ui.docks.composer import Draft

# A pause in typing saves after QUIET seconds; typing without pause saves at least every
# LONGEST seconds, so a crash (or kill -9) loses at most about a second of typing.
QUIET, LONGEST = 0.25, 0.75


def store_key(database: str, user_id: int, case_id: int) -> str:
    return hashlib.sha256(f"{database}|{user_id}|{case_id}".encode()).hexdigest()[:24]


def write_private_json(path: Path, data: Any) -> None:
    """Replace ``path`` atomically with ``data``, on disk (fsync) before this returns, readable
    by this user only: drafts and the outbox hold what was not meant to be seen yet."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
                   "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class DraftStore:
    """One small JSON file per database, user and case, replaced atomically on each save."""

    def __init__(self, database: str, user_id: int, case_id: int, folder: Path | None = None):
        self.path = (folder or data_dir() / "drafts") / f"{store_key(database, user_id, case_id)}.json"

    def load(self) -> Draft | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        draft = Draft.from_json(data) if isinstance(data, dict) else None
        return None if draft is None or draft.is_empty else draft

    def save(self, draft: Draft) -> None:
        if draft.is_empty:
            self.clear()
            return
        write_private_json(self.path, draft.to_json())

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


class DraftSaver(QObject):
    """Calls ``save`` once typing pauses, and at least every ``LONGEST`` seconds while it goes on
    (a timer restarted on every key alone would never fire during continuous typing)."""

    def __init__(self, save: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self._pending_since: float | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(int(QUIET * 1000))
        self._timer.timeout.connect(self.flush)

    def changed(self) -> None:
        now = time.monotonic()
        if self._pending_since is None:
            self._pending_since = now
        elif now - self._pending_since >= LONGEST:
            self.flush()
            return
        self._timer.start()

    def flush(self) -> None:
        """Save now, if anything is waiting (on close, before sending)."""
        self._timer.stop()
        if self._pending_since is not None:
            self._pending_since = None
            self._save()

    def cancel(self) -> None:
        self._timer.stop()
        self._pending_since = None
