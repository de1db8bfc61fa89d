"""Online tile sources are checked with one real tile before they are kept (a local tile
server stands in for the service); presets carry their terms."""

from __future__ import annotations

import socket

import pytest

from paragon_desktop.gis.tile_sources import PRESETS, TileSourceError, check_source, check_template
from tests.tileserver import tile_server


@pytest.mark.parametrize(("url", "says"), [
    ("openstreetmap", "is not a web address"),
    ("ftp://tiles.example.org/{z}/{x}/{y}.png", "is not a web address"),
    ("https://tiles.example.org/{z}/{x}.png", "lacks {y}"),
])
def test_what_is_not_a_tile_template_is_said(url, says):
    """"openstreetmap" was accepted and showed nothing, without a warning."""
    with pytest.raises(TileSourceError, match=says):
        check_template(url)


def test_a_source_is_asked_for_one_tile_in_belgium():
    with tile_server() as (base, asked):
        check_source(base + "/tiles/{z}/{x}/{y}.png")
        assert asked == ["/tiles/8/130/86.png"]
        with pytest.raises(TileSourceError, match="not a map tile"):
            check_source(base + "/html/{z}/{x}/{y}")
        with pytest.raises(TileSourceError, match="answered 404"):
            check_source(base + "/elders/{z}/{x}/{y}.png")


def test_a_source_that_does_not_answer_is_said():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once closed
    with pytest.raises(TileSourceError, match="does not answer"):
        check_source(f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png", timeout=3)


def test_presets_follow_their_terms():
    by_id = {p.id: p for p in PRESETS}
    assert not by_id["osm"].download  # OSM's tile usage policy: no bulk download
    assert not by_id["ngi-topo"].download  # CartoWeb's terms: no automatic downloads
    assert by_id["vlaanderen-ortho"].download  # free reuse licence
    for preset in PRESETS:
        assert check_template(preset.url) == preset.url
        assert preset.attribution
