"""The benchmarks' helpers behave: ``wait_until`` returns when its condition holds, at the first
check or a later one (it waited forever when the event loop was told to quit before it ran)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def wait_until_in_a_process(condition: str) -> subprocess.CompletedProcess:
    """``wait_until(<condition>, timeout_s=600)`` in a Qt application of its own, which then
    prints what ``checks`` holds (a stuck wait ends the process after a minute)."""
    script = ("import sys; sys.path.insert(0, sys.argv[1])\n"
              "from PySide6.QtWidgets import QApplication\n"
              "app = QApplication([])\n"
              "from _common import wait_until\n"
              "checks = []\n"
              f"wait_until({condition}, timeout_s=600)\n"
              "print('returned after', len(checks))\n")
    return subprocess.run([sys.executable, "-c", script, str(BENCH)], capture_output=True,
                          text=True, timeout=60,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_wait_until_returns_at_once_when_the_condition_already_holds():
    done = wait_until_in_a_process("lambda: checks.append(1) or True")
    assert done.stdout.strip() == "returned after 1", done.stderr


def test_wait_until_returns_when_the_condition_turns_true_at_the_next_check():
    """A condition false at the first check and true at the second (one that runs the event loop
    itself, as asking the map page does, can turn true in between): the second check ran before
    the loop did, and the loop waited for ever."""
    done = wait_until_in_a_process("lambda: checks.append(1) or len(checks) >= 2")
    assert done.stdout.strip() == "returned after 2", done.stderr
