"""The benchmarks' helpers behave: ``wait_until`` returns when its condition already holds (it
waited forever: the event loop was told to quit before it ran)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_wait_until_returns_at_once_when_the_condition_already_holds():
    script = ("import sys; sys.path.insert(0, sys.argv[1])\n"
              "from PySide6.QtWidgets import QApplication\n"
              "app = QApplication([])\n"
              "from _common import wait_until\n"
              "wait_until(lambda: True, timeout_s=600)\n"
              "print('returned')\n")
    done = subprocess.run([sys.executable, "-c", script, str(BENCH)], capture_output=True,
                          text=True, timeout=60,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.stdout.strip() == "returned", done.stderr
