"""The outbox on this machine: what a user sent while the server could not be reached waits here,
on disk, and goes out in order, exactly once (each item carries its message's operation id),
when the server is back, and so do layer ticks (the last choice per layer). It survives a crash,
kill -9 and a reboot. An item the server refuses
(rights changed, case closed) stays, with the reason, until the user takes the text back or
discards it: nothing is dropped silently."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from paragon_desktop.settings import data_dir
from paragon_desktop.ui.docks.composer import Draft
from paragon_desktop.ui.drafts import store_key, write_private_json


@dataclass
class OutboxItem:
    feed_id: int
    feed_name: str
    draft: Draft
    written_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    refused: str = ""  # the server's reason, once it refused the item

    @property
    def op_id(self) -> str:
        return self.draft.op_id

    def to_json(self) -> dict[str, Any]:
        return {"feed_id": self.feed_id, "feed_name": self.feed_name, "draft": self.draft.to_json(),
                "written_at": self.written_at.isoformat(), "refused": self.refused}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OutboxItem:
        return cls(int(data["feed_id"]), str(data["feed_name"]), Draft.from_json(data["draft"]),
                   datetime.fromisoformat(data["written_at"]), str(data.get("refused", "")))


class OutboxStore:
    """One file per database, user and case (and one for its ticks), read once: the window is
    its only writer. Every change is on disk before it returns."""

    def __init__(self, database: str, user_id: int, case_id: int, folder: Path | None = None):
        self.path = (folder or data_dir() / "outbox") / f"{store_key(database, user_id, case_id)}.json"
        self.ticks_path = self.path.with_suffix(".ticks.json")
        data = _read_json(self.path)
        self._items = [OutboxItem.from_json(i) for i in data if isinstance(i, dict)] \
            if isinstance(data, list) else []
        ticks = _read_json(self.ticks_path)
        self._ticks = {int(k): bool(v) for k, v in ticks.items()} if isinstance(ticks, dict) else {}

    # -- messages, in the order they were sent -------------------------------------------------
    def items(self) -> list[OutboxItem]:
        return list(self._items)

    def waiting(self) -> list[OutboxItem]:
        return [item for item in self._items if not item.refused]

    def add(self, item: OutboxItem) -> None:
        self._write([*(i for i in self._items if i.op_id != item.op_id), item])

    def remove(self, op_id: str) -> None:
        self._write([i for i in self._items if i.op_id != op_id])

    def refuse(self, op_id: str, reason: str) -> None:
        for item in self._items:
            if item.op_id == op_id:
                item.refused = reason
        self._write(self._items)

    def _write(self, items: list[OutboxItem]) -> None:
        if items:
            write_private_json(self.path, [i.to_json() for i in items])
        else:
            self.path.unlink(missing_ok=True)
        self._items = items

    # -- layer ticks: only the last choice per layer matters ---------------------------------------
    def ticks(self) -> dict[int, bool]:
        return dict(self._ticks)

    def set_tick(self, layer_id: int, visible: bool) -> None:
        self._write_ticks({**self._ticks, layer_id: visible})

    def drop_tick(self, layer_id: int, visible: bool) -> None:
        """Forget a tick once the server has it, unless the user changed it again meanwhile."""
        if self._ticks.get(layer_id) == visible:
            self._write_ticks({k: v for k, v in self._ticks.items() if k != layer_id})

    def _write_ticks(self, ticks: dict[int, bool]) -> None:
        if ticks:
            write_private_json(self.ticks_path, {str(k): v for k, v in ticks.items()})
        else:
            self.ticks_path.unlink(missing_ok=True)
        self._ticks = ticks


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
