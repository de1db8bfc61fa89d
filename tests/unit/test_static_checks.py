"""House style: ruff over the code and tests, mypy over domain/storage/gis/services."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.skipif(not (ROOT / "pyproject.toml").exists(), reason="needs the source tree")
def test_ruff_finds_nothing():
    result = _run("ruff", "check", "src", "tests", "bench")
    assert result.returncode == 0, result.stdout[-4000:]


@pytest.mark.skipif(not (ROOT / "pyproject.toml").exists(), reason="needs the source tree")
def test_mypy_finds_nothing_in_the_typed_layers():
    result = _run("mypy")
    assert result.returncode == 0, result.stdout[-4000:]
