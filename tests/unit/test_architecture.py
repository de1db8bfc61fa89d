"""DESIGN.md's one rule: imports flow domain <- storage, gis <- services <- ui <- app."""

import ast
from pathlib import Path

import paragon_desktop

PACKAGE = Path(paragon_desktop.__file__).parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def test_pyside6_is_imported_only_under_ui_and_in_app():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "ui" or relative == Path("app.py"):
            continue
        if any(name.split(".")[0] == "PySide6" for name in _imports(path)):
            offenders.append(str(relative))
    assert offenders == []


def test_the_check_sees_pyside6_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from PySide6.QtCore import QObject\nimport os\n")
    assert "PySide6.QtCore" in _imports(sample)


def test_layers_only_import_downwards():
    forbidden = {
        "domain": ("storage", "gis", "services", "ui", "app"),
        "storage": ("gis", "services", "ui", "app"),
        "gis": ("storage", "services", "ui", "app"),
        "services": ("ui", "app"),
    }
    offenders = []
    for layer, banned in forbidden.items():
        for path in _modules(layer):
            for name in _imports(path):
                parts = name.split(".")
                if parts[0] == "paragon_desktop" and len(parts) > 1 and parts[1] in banned:
                    offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []
