"""Offline basemaps on this machine: MBTiles and PMTiles added, listed, ordered, removed; tiles
read as Leaflet asks for them; files that are not raster basemaps refused by name."""

from __future__ import annotations

import sqlite3

import pytest

from paragon_desktop.cli import main
from paragon_desktop.gis.basemaps import BasemapError, BasemapStore, image_type
from tests import basemapfiles as bf


def test_an_mbtiles_file_is_added_shown_and_served_tile_by_tile(tmp_path):
    store = BasemapStore(tmp_path / "basemaps")
    first = store.add(bf.write_mbtiles(tmp_path / "rood.mbtiles"))
    assert (first.name, first.format, first.minzoom, first.maxzoom) == ("Rood", "mbtiles", 8, 12)
    assert first.shown  # the first one added is shown
    second = store.add(bf.write_pmtiles(tmp_path / "blauw.pmtiles"), "Blauw boven")
    assert not second.shown
    assert [b.name for b in store.all()] == ["Rood", "Blauw boven"]
    x, y = bf.tile_xy(4.2775, 51.2540, 10)
    assert image_type(store.tile(first.id, 10, x, y) or b"") == "image/png"
    assert image_type(store.tile(second.id, 10, x, y) or b"") == "image/png"
    assert store.tile(first.id, 10, 0, 0) is None  # outside: the plain background
    assert store.tile(first.id, 30, 0, 0) is None
    assert store.tile("no-such", 10, x, y) is None
    store.reorder([second.id, first.id])
    assert [b.name for b in store.all()] == ["Blauw boven", "Rood"]
    store.update(first.id, opacity=0.5, shown=False)
    assert store.find("Rood").opacity == 0.5
    store.remove("Rood")
    assert not (tmp_path / "basemaps" / first.file).exists()
    assert [b.name for b in store.all()] == ["Blauw boven"]


@pytest.mark.parametrize(("make", "says"), [
    (lambda p: p.write_text("geen kaart"), "neither an MBTiles nor a PMTiles file"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE x (y)"), "not an MBTiles file"),
    (lambda p: bf.write_mbtiles(p, fmt="pbf"), "vector tiles"),
])
def test_files_that_are_not_raster_basemaps_are_refused_by_name(tmp_path, make, says):
    path = tmp_path / "kaart.mbtiles"
    make(path)
    store = BasemapStore(tmp_path / "basemaps")
    with pytest.raises(BasemapError, match=says):
        store.add(path)
    assert store.all() == []


def test_names_are_unique(tmp_path):
    store = BasemapStore(tmp_path / "basemaps")
    store.add(bf.write_mbtiles(tmp_path / "a.mbtiles"))
    with pytest.raises(BasemapError, match="already a basemap called “Rood”"):
        store.add(bf.write_mbtiles(tmp_path / "b.mbtiles"))


def test_the_demo_basemap_is_a_real_tile_set_of_the_demo_region(tmp_path):
    from paragon_desktop.services.demo_basemap import add_demo_basemap

    store = BasemapStore(tmp_path / "basemaps")
    demo = add_demo_basemap(store)
    assert demo is not None
    assert (demo.minzoom, demo.maxzoom) == (9, 13)
    x, y = bf.tile_xy(4.2775, 51.2540, 13)
    assert image_type(store.tile(demo.id, 13, x, y) or b"") == "image/png"
    assert add_demo_basemap(store) is None  # once


def test_basemap_commands(tmp_path, capsys):
    data = ["--data-dir", str(tmp_path)]
    assert main(["basemap", "add", str(bf.write_mbtiles(tmp_path / "r.mbtiles")), "--name",
                 "Orthofoto", *data]) == 0
    assert "Orthofoto: MBTILES, zoom 8-12, added and shown." in capsys.readouterr().out
    assert main(["basemap", "list", *data]) == 0
    assert "Orthofoto" in capsys.readouterr().out
    assert main(["basemap", "add", str(tmp_path / "nope.txt"), *data]) == 2
    assert "cannot be read" in capsys.readouterr().err
    assert main(["basemap", "remove", "Orthofoto", *data]) == 0
    assert "Orthofoto removed." in capsys.readouterr().out
    assert main(["basemap", "list", *data]) == 0
    assert "Orthofoto" not in capsys.readouterr().out


def test_a_damaged_or_newer_list_never_stops_the_app(tmp_path):
    store = BasemapStore(tmp_path / "basemaps")
    first = store.add(bf.write_mbtiles(tmp_path / "a.mbtiles"))
    index = tmp_path / "basemaps" / "basemaps.json"
    import json

    entries = json.loads(index.read_text())
    entries[0]["later_field"] = 1  # written by a newer version
    entries.append({"name": "half"})  # an entry missing its fields
    entries.append("not an entry")
    index.write_text(json.dumps(entries))
    assert [b.id for b in store.all()] == [first.id]
    index.write_text("{kapot")
    assert store.all() == []
    assert (tmp_path / "basemaps" / "basemaps.damaged").exists()
