"""Taking an area offline from a local tile server: exactly the rectangle's tiles at the chosen
zooms are asked, a cancelled download keeps what it has, a second run asks only what is missing,
and the result serves offline."""

from __future__ import annotations

import pytest

from paragon_desktop.gis.basemaps import BasemapStore, image_type
from paragon_desktop.gis.tile_download import count_tiles, download, tiles_in
from paragon_desktop.gis.tile_sources import TileSourceError
from tests.tileserver import tile_server

AREA = (4.26, 51.24, 4.29, 51.26)  # around Nordchem, Scheldemonde
ZOOMS = range(12, 16)


def test_exactly_the_rectangle_is_asked_and_served_offline(tmp_path):
    store = BasemapStore(tmp_path / "basemaps")
    store.folder.mkdir(parents=True)
    target = store.folder / "cp-ops.mbtiles"
    wanted = {f"/tiles/{z}/{x}/{y}.png" for z, x, y in tiles_in(AREA, ZOOMS)}
    assert len(wanted) == count_tiles(AREA, ZOOMS) > 10
    seen: list[tuple[int, int]] = []
    with tile_server() as (base, asked):
        report = download(base + "/tiles/{z}/{x}/{y}.png", AREA, ZOOMS, target, name="CP-Ops",
                          progress=lambda done, total: seen.append((done, total)))
    assert set(asked) == wanted  # nothing outside the rectangle or the zooms
    assert len(asked) == len(wanted)  # each once
    assert (report.fetched, report.already, report.cancelled) == (len(wanted), 0, False)
    assert seen[-1] == (len(wanted), len(wanted))
    basemap = store.adopt(target, "CP-Ops")
    assert (basemap.minzoom, basemap.maxzoom) == (12, 15)
    z, x, y = next(iter(tiles_in(AREA, range(15, 16))))
    assert image_type(store.tile(basemap.id, z, x, y) or b"") == "image/png"


def test_a_cancelled_download_keeps_its_tiles_and_goes_on_where_it_stopped(tmp_path):
    target = tmp_path / "gebied.mbtiles"
    total = count_tiles(AREA, ZOOMS)
    with tile_server() as (base, asked):
        first = download(base + "/tiles/{z}/{x}/{y}.png", AREA, ZOOMS, target, name="Gebied",
                         cancelled=lambda: len(asked) >= 7)
        assert first.cancelled
        assert first.fetched == 7
        asked_first = list(asked)
        again = download(base + "/tiles/{z}/{x}/{y}.png", AREA, ZOOMS, target, name="Gebied")
    assert (again.already, again.fetched) == (7, total - 7)
    assert not set(asked[len(asked_first):]) & set(asked_first)  # nothing asked twice


def test_an_area_too_large_is_refused_before_anything_is_asked(tmp_path):
    with tile_server() as (base, asked), pytest.raises(TileSourceError, match="more than the"):
        download(base + "/tiles/{z}/{x}/{y}.png", (2.5, 49.5, 6.4, 51.5), range(8, 17),
                 tmp_path / "belgie.mbtiles", name="België")
    assert asked == []


def test_where_the_source_has_no_tile_the_basemap_has_none(tmp_path):
    """A 404 is a hole in the source (the plain background shows there), not a failure."""
    total = count_tiles(AREA, range(12, 13))
    with tile_server() as (base, asked):
        report = download(base + "/elders/{z}/{x}/{y}.png", AREA, range(12, 13),
                          tmp_path / "leeg.mbtiles", name="Leeg")
    assert (report.missing, report.fetched) == (total, 0)
    assert len(asked) == total
