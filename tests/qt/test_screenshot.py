"""`paragon-desktop screenshot` renders the demo case offscreen, map and layers drawn."""

import os
import subprocess
import sys

from PySide6.QtGui import QColor, QImage


def test_screenshot_command_renders_the_demo_case(tmp_path, demo_url, qapp):
    out = tmp_path / "shot.png"
    env = dict(os.environ, PARAGON_CONFIG_DIR=str(tmp_path / "config"))
    result = subprocess.run(
        [sys.executable, "-m", "paragon_desktop", "screenshot", str(out), "--db",
         demo_url, "--size", "1200x800"],
        capture_output=True, text=True, timeout=180, env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Nordchem" in result.stdout
    assert "an.peeters" in result.stdout
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 800)
    # The KML perimeter's red zone (#e01c1c at about 1/3 opacity over the pale map) is drawn
    # in the map area: reddish pixels exist only when Leaflet drew the layers before the grab.
    reddish = 0
    for x in range(300, 900, 3):
        for y in range(60, 760, 3):
            c = QColor(image.pixel(x, y))
            if c.red() > 200 and c.green() < 150 and c.blue() < 150:
                reddish += 1
    assert reddish > 50, "no perimeter drawn in the screenshot"
