"""A migration's module, loaded from its file (migrations are not a package): tests compare
what a migration wrote down with what the code says today."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from paragon_desktop.storage.migrate import MIGRATIONS


def migration(filename: str) -> ModuleType:
    path = MIGRATIONS / "versions" / filename
    spec = importlib.util.spec_from_file_location(f"paragon_migration_{path.stem}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
