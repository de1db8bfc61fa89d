"""Half-typed messages kept on this machine as the user types: they survive a refresh, a
crash, a closed window or a lost connection, and come back when the case is opened again."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from paragon_desktop.settings import data_dir
from paragon_desktop.ui.docks.composer import Draft


class DraftStore:
    """One small JSON file per database, user and case, replaced atomically on each save."""

    def __init__(self, database: str, user_id: int, case_id: int, folder: Path | None = None):
        key = hashlib.sha256(f"{database}|{user_id}|{case_id}".encode()).hexdigest()[:24]
        self.path = (folder or data_dir() / "drafts") / f"{key}.json"

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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(draft.to_json(), handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
