"""Are the system libraries Qt's window system plugin and QtWebEngine need installed?

On a freshly installed desktop Linux, Qt says "xcb-cursor0 or libxcb-cursor0 is needed" when the
library really missing is another one (libxcb-icccm4, libxcb-keysyms1); finding that took ``ldd``.
This asks ``ldd`` itself, before Qt starts, and names the Debian/Ubuntu packages and the one
command that installs them. Standard library only: it runs before anything is imported.

    python -m paragon_desktop.syscheck            # say what is missing (exit 1 if anything)
    python -m paragon_desktop.syscheck --packages  # just the package names, for scripts
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

LIBRARIES = Path(__file__).parent / "resources" / "system-libraries.txt"


def packages_by_library() -> dict[str, str]:
    pairs = {}
    for line in LIBRARIES.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            library, package = line.split()[:2]
            pairs[library] = package
    return pairs


def qt_binaries(platform: str = "xcb") -> list[Path]:
    """The Qt files whose system dependencies matter: the platform plugin, QtWebEngine."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    qt = Path(next(iter(spec.submodule_search_locations))) / "Qt"
    files = [qt / "lib" / "libQt6WebEngineCore.so.6", qt / "libexec" / "QtWebEngineProcess"]
    if platform == "xcb":
        files += [qt / "plugins" / "platforms" / "libqxcb.so", qt / "lib" / "libQt6XcbQpa.so.6"]
    return [f for f in files if f.exists()]


def missing_libraries(platform: str = "xcb") -> list[str]:
    """Libraries ``ldd`` cannot find for the Qt files (empty where there is no ldd: not Linux)."""
    if not sys.platform.startswith("linux") or shutil.which("ldd") is None:
        return []
    missing: set[str] = set()
    for binary in qt_binaries(platform):
        listing = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=False)
        for line in listing.stdout.splitlines():
            if "=> not found" in line:
                missing.add(line.split("=>")[0].strip())
    return sorted(missing)


def advice(missing: list[str]) -> str:
    """What to tell a person: the libraries, the packages, the command."""
    known = packages_by_library()
    packages = sorted({known[lib] for lib in missing if lib in known})
    unknown = [lib for lib in missing if lib not in known]
    lines = ["Paragon Desktop cannot start its window: these system libraries are missing:",
             "  " + " ".join(missing)]
    if packages:
        lines += ["On Debian or Ubuntu, install them with:",
                  f"  sudo apt-get install {' '.join(packages)}"]
    if unknown:
        lines.append("Find the package of the others with: apt-file search " + unknown[0])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    platform = "offscreen" if "--offscreen" in args else "xcb"
    missing = missing_libraries(platform)
    if "--packages" in args:
        known = packages_by_library()
        print(" ".join(sorted({known[lib] for lib in missing if lib in known})))
        return 0
    if missing:
        print(advice(missing), file=sys.stderr)
        return 1
    print("All system libraries Qt and QtWebEngine need are installed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
