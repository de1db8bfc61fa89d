"""The Designer forms in ui/ and the Python compiled from them must agree (make forms)."""

import re
import subprocess
import sys
from pathlib import Path

import PySide6
import pytest

ROOT = Path(__file__).resolve().parents[2]
FORMS = sorted((ROOT / "ui").glob("*.ui"))
COMPILED = ROOT / "src" / "paragon_desktop" / "ui" / "forms"


def _body(text: str) -> str:
    # The header names the uic version; the code below it is what must match.
    return re.sub(r"^#.*\n", "", text, flags=re.MULTILINE).strip()


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_compiled_form_is_current(form):
    compiled = COMPILED / f"ui_{form.stem}.py"
    assert compiled.exists(), f"{compiled.name} is missing: run `make forms`"
    recorded = re.search(r"Qt User Interface Compiler version (\S+)", compiled.read_text())
    if recorded and recorded.group(1) != PySide6.__version__:
        pytest.skip(f"compiled with uic {recorded.group(1)}, this is {PySide6.__version__}")
    uic = Path(sys.executable).with_name("pyside6-uic")
    fresh = subprocess.run([str(uic), str(form)], capture_output=True, text=True, check=True).stdout
    assert _body(fresh) == _body(compiled.read_text()), f"{form.name} changed: run `make forms`"


def test_there_is_a_case_form():
    assert [f.name for f in FORMS] == ["case_form.ui"]
