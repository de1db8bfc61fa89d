"""The base map page folium builds: everything local, nothing from a CDN."""

import re

from paragon_desktop.ui.map.page import build_page, leaflet_dir


def test_page_references_only_local_assets():
    html = build_page().decode()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert any(u.endswith("/leaflet/leaflet.js") for u in urls)
    assert urls
    assert all(u.startswith(("paragon://app/", "qrc:///")) for u in urls), urls
    assert not re.search(r"https?://", html), "a remote address is in the map page"


def test_leaflet_comes_from_the_package():
    assert (leaflet_dir() / "leaflet.js").read_text(encoding="utf-8").find("1.9.4") != -1
