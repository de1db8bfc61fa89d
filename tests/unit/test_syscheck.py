"""The start-up check of the system libraries Qt's window plugin and QtWebEngine need."""

from __future__ import annotations

import subprocess
import sys

from paragon_desktop import syscheck


def test_what_ldd_cannot_find_is_named_with_its_package():
    missing = syscheck.missing_libraries("xcb")
    known = syscheck.packages_by_library()
    # Every library this machine lacks is in the list, so the advice is always complete.
    assert set(missing) <= set(known), set(missing) - set(known)
    done = subprocess.run([sys.executable, "-m", "paragon_desktop.syscheck"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == (1 if missing else 0)
    for library in missing:
        assert library in done.stderr
        assert known[library] in done.stderr


def test_the_advice_names_the_packages_and_the_one_command():
    text = syscheck.advice(["libxcb-icccm.so.4", "libxcb-keysyms.so.1"])
    assert "libxcb-icccm.so.4 libxcb-keysyms.so.1" in text
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in text
    odd = syscheck.advice(["libunheard-of.so.9"])
    assert "apt-file search libunheard-of.so.9" in odd


def test_the_qt_files_it_looks_at_exist():
    names = {path.name for path in syscheck.qt_binaries("xcb")}
    assert names == {"libQt6WebEngineCore.so.6", "QtWebEngineProcess", "libqxcb.so",
                     "libQt6XcbQpa.so.6"}
    assert {path.name for path in syscheck.qt_binaries("offscreen")} == {
        "libQt6WebEngineCore.so.6", "QtWebEngineProcess"}
