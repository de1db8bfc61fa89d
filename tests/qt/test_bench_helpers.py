"""The benchmarks' helpers behave: ``wait_until`` returns when its condition holds, at the first
check or a later one (it waited forever when the event loop was told to quit before it ran)."""

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


def test_wait_until_returns_when_the_condition_turns_true_at_the_next_check():
    """A condition false at the first check and true at the second (one that runs the event loop
    itself, as asking the map page does, can turn true in between): the second check ran before
    the loop did, and the loop waited for ever."""
    script = ("import sys; sys.path.insert(0, sys.argv[1])\n"
              "from PySide6.QtWidgets import QApplication\n"
              "app = QApplication([])\n"
              "from _common import wait_until\n"
              "checks = []\n"
              "wait_until(lambda: checks.append(1) or len(checks) >= 2, timeout_s=600)\n"
              "print('returned after', len(checks))\n")
    done = subprocess.run([sys.executable, "-c", script, str(BENCH)], capture_output=True,
                          text=True, timeout=60,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.stdout.strip() == "returned after 2", done.stderr
