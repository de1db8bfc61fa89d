"""The bundled app's entry point (PyInstaller): the same as the `paragon-desktop` command."""

import sys

from paragon_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
