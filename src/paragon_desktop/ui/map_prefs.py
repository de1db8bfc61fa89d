"""What a user chose for a case's map on this machine: the layers' draw order and which
property labels each layer's features. Kept in the config directory (``map.json``), per
database, user and case; a damaged file is set aside, never a reason not to start."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from paragon_desktop.settings import config_dir


class MapPrefs:
    def __init__(self, database: str, user_id: int, case_id: int,
                 path: Path | None = None) -> None:
        self.key = f"{database}|{user_id}|{case_id}"
        self.path = path or config_dir() / "map.json"

    def _all(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            self.path.replace(self.path.with_suffix(".damaged"))
            return {}

    def _mine(self) -> dict[str, Any]:
        mine = self._all().get(self.key)
        return mine if isinstance(mine, dict) else {}

    def _save(self, mine: dict[str, Any]) -> None:
        data = self._all()
        data[self.key] = mine
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        partial.replace(self.path)

    @property
    def order(self) -> list[int]:
        """Layer ids from the back to the front (the last draws on top)."""
        order = self._mine().get("order")
        return [int(i) for i in order if str(i).isdigit()] if isinstance(order, list) else []

    def set_order(self, ids: list[int]) -> None:
        self._save({**self._mine(), "order": ids})

    @property
    def labels(self) -> dict[int, str]:
        labels = self._mine().get("labels")
        return {int(k): str(v) for k, v in labels.items() if str(k).isdigit() and v} \
            if isinstance(labels, dict) else {}

    def set_label(self, layer_id: int, field: str | None) -> None:
        labels = {str(k): v for k, v in self.labels.items()}
        if field:
            labels[str(layer_id)] = field
        else:
            labels.pop(str(layer_id), None)
        self._save({**self._mine(), "labels": labels})
