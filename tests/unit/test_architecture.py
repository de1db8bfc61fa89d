"""DESIGN.md's one rule: imports flow domain <- storage, gis <- services <- ui <- app."""

import ast
import os
import subprocess
import sys
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


def _module_graph() -> dict[str, set[str]]:
    """Every module of the package and the package modules it imports (anywhere in the file,
    ``TYPE_CHECKING`` blocks included: an import made only for a type annotation is a circle
    too)."""
    modules = {".".join(("paragon_desktop", *p.relative_to(PACKAGE).with_suffix("").parts))
               .removesuffix(".__init__"): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                # "from paragon_desktop.gis import repair" imports the module gis.repair.
                found = [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            for imported in found:
                while imported and imported not in modules:
                    imported = imported.rpartition(".")[0]
                if imported and imported != name and imported != "paragon_desktop":
                    targets.add(imported)
        graph[name] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles (Tarjan's strongly connected components with more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back_through_others():
    """The main window's mixins imported MainWindow back for ``self: MainWindow``; controllers
    get a narrow context instead, and no import circle is left anywhere."""
    assert _cycles(_module_graph()) == []


def test_the_cycle_check_finds_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_controllers_see_the_window_only_through_their_context():
    offenders = [f"{path.name} imports {name}" for path in _modules("ui/controllers")
                 for name in _imports(path)
                 if name in ("paragon_desktop.ui.main_window", "paragon_desktop.app")]
    assert offenders == []


def test_the_windows_process_never_loads_gdal():
    """Only the layer reader process reads files with GDAL (pyogrio): importing every module of
    the app, as the window's process may, loads none of it (GDAL was 45 MB of the window's
    memory)."""
    script = (
        "import importlib, pkgutil, sys\n"
        "import paragon_desktop\n"
        "for m in pkgutil.walk_packages(paragon_desktop.__path__, 'paragon_desktop.'):\n"
        "    if m.name != 'paragon_desktop.__main__':\n"
        "        importlib.import_module(m.name)\n"
        "print(len(sys.modules), sorted(n for n in sys.modules if n.split('.')[0] in ('pyogrio', 'osgeo')))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                         timeout=120, check=True).stdout.split(" ", 1)
    assert int(out[0]) > 300  # the app's modules were imported ...
    assert out[1].strip() == "[]"  # ... and GDAL was not
