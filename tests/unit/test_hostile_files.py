"""The corpus of hostile and awkward layer files (tests/data/hostile), each with its outcome.

Every file is read in process (fast, exact) and the whole corpus once more through the reader
process the app uses, which must give the same outcome.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from paragon_desktop.gis.layers import LayerReadCancelled, LayerReadError, read_layer
from paragon_desktop.gis.reader import LayerReader
from tests import hostile
from tests import layerfiles as lf

CORPUS = Path(__file__).parents[1] / "data" / "hostile"
OUTCOMES = {k: v for k, v in json.loads((CORPUS / "outcomes.json").read_text()).items()
            if not k.startswith("_")}


def test_every_file_of_the_corpus_has_an_outcome():
    files = {p.name for p in CORPUS.iterdir() if p.name != "outcomes.json"}
    assert files == set(OUTCOMES)


def check(name: str, read_or_error) -> None:
    outcome = OUTCOMES[name]
    if "error" in outcome:
        assert isinstance(read_or_error, LayerReadError), f"{name} was accepted"
        assert outcome["error"] in str(read_or_error)
        assert str(read_or_error).startswith(name)
        return
    assert not isinstance(read_or_error, Exception), f"{name}: {read_or_error}"
    read = read_or_error
    assert read.feature_count == outcome["features"]
    assert read.geometry_types == outcome["types"]
    text = "\n".join(read.warnings)
    for words in outcome["warnings"]:
        assert words in text
    if not outcome["warnings"]:
        assert read.warnings == []
    features = read.features["features"]
    for key, value in outcome.get("properties", {}).items():
        assert features[0]["properties"][key] == value
    if "coordinates" in outcome:
        assert len(features[0]["geometry"]["coordinates"]) == outcome["coordinates"]
    if "bbox_within" in outcome:
        west, south, east, north = outcome["bbox_within"]
        assert read.bbox is not None
        assert west <= read.bbox[0] <= read.bbox[2] <= east
        assert south <= read.bbox[1] <= read.bbox[3] <= north
    # Nothing that is not a number reaches the map.
    assert "NaN" not in read.geojson
    assert "null]" not in read.geojson
    assert "[null" not in read.geojson


def outcome_of(call):
    try:
        return call()
    except (LayerReadError, LayerReadCancelled) as exc:
        return exc


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_corpus_file_in_process(name):
    check(name, outcome_of(lambda: read_layer(CORPUS / name)))


def test_whole_corpus_through_the_reader_process():
    with LayerReader(spare=True) as reader:
        reader.warm_up()
        for name in sorted(OUTCOMES):
            check(name, outcome_of(lambda n=name: reader.read(CORPUS / n, max_bytes=10**8)))
        spare = reader._spare
        assert spare is not None
    assert spare.process.poll() is not None  # leaving the block ends the waiting process
    with pytest.raises(LayerReadError, match="closed"):
        reader.read(CORPUS / sorted(OUTCOMES)[0], max_bytes=10**8)


def test_cooling_down_ends_the_spare_process_and_starts_none_until_warmed_up_again():
    """A spare reader waits only while an import is expected (about 57 MB of memory)."""
    first = sorted(OUTCOMES)[0]
    with LayerReader(spare=True) as reader:
        reader.warm_up()
        spare = reader._spare
        assert spare is not None
        reader.cool_down()
        assert spare.process.poll() is not None
        outcome_of(lambda: reader.read(CORPUS / first, max_bytes=10**8))
        assert reader._spare is None  # the read started no new one
        reader.warm_up()
        assert reader._spare is not None
        outcome_of(lambda: reader.read(CORPUS / first, max_bytes=10**8))
        assert reader._spare is not None  # warm: each read starts the next spare


def test_the_users_crs_choice_reads_a_file_with_a_local_grid():
    read = read_layer(CORPUS / "local-cs.gpkg", crs="EPSG:31370")
    assert read.feature_count == 1
    assert 2.5 < read.bbox[0] < 6.5
    assert 49.4 < read.bbox[1] < 51.6


def test_a_doctype_after_the_first_256_kib_is_refused(tmp_path):
    path = tmp_path / "laat.kml"
    path.write_text('<?xml version="1.0"?>\n<!-- ' + "x" * 300_000 + ' -->\n'
                    '<!DOCTYPE kml [<!ENTITY a "aa">]>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
                    "<Document><Placemark><name>&a;</name><Point><coordinates>4.28,51.27"
                    "</coordinates></Point></Placemark></Document></kml>\n")
    with pytest.raises(LayerReadError, match="DOCTYPE"):
        read_layer(path)


def test_a_geopackage_with_thousands_of_layers_is_refused_by_name(tmp_path):
    started = time.monotonic()
    with pytest.raises(LayerReadError, match="3,000 layers; at most 200"):
        read_layer(hostile.many_layers(tmp_path / "lagen.gpkg"))
    assert time.monotonic() - started < 60


# -- the reader process ------------------------------------------------------------------------

def test_cancel_kills_an_endless_read_within_two_seconds_and_the_next_import_works(tmp_path):
    endless = hostile.endless_view(tmp_path / "eindeloos.gpkg")
    reader = LayerReader(time_limit=600)
    cancel = threading.Event()
    outcome: list[object] = []
    thread = threading.Thread(target=lambda: outcome.append(outcome_of(
        lambda: reader.read(endless, max_bytes=10**8, cancelled=cancel.is_set))))
    try:
        thread.start()
        time.sleep(3)  # well into the endless query
        assert thread.is_alive()
        pid = reader.last_pid
        cancel.set()
        asked = time.monotonic()
        thread.join(10)
        assert not thread.is_alive()
        assert time.monotonic() - asked < 2
        assert isinstance(outcome[0], Exception)
        assert type(outcome[0]) is LayerReadCancelled
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
        good = CORPUS / "open-ring.kml"
        assert reader.read(good, max_bytes=10**8).feature_count == 2
    finally:
        reader.close()


def test_an_endless_read_stops_at_the_time_limit_with_a_named_error(tmp_path):
    reader = LayerReader(time_limit=3)
    with pytest.raises(LayerReadError, match="longer than 3 s"):
        reader.read(hostile.endless_view(tmp_path / "eindeloos.gpkg"), max_bytes=10**8)


def test_a_small_file_that_needs_gigabytes_fails_its_own_import(tmp_path):
    """A 0.1 MB GeoPackage whose view makes 4 GB of rows: stopped at its memory limit (about 1 GB
    for a file this small), with the reason; the next import works."""
    reader = LayerReader()
    with pytest.raises(LayerReadError, match=r"needs more than the 1.0 GB memory limit"):
        reader.read(hostile.greedy_view(tmp_path / "gulzig.gpkg"), max_bytes=10**8)
    assert reader.read(CORPUS / "open-ring.kml", max_bytes=10**8).feature_count == 2


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server API)
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'GEOGCS["x",DATUM["y",SPHEROID["z",6378137,298.257223563]],'
                         b'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]')

    def log_message(self, *_args):
        pass


@pytest.fixture
def web_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def test_a_file_never_makes_the_app_go_on_the_network(tmp_path, web_server):
    path = tmp_path / "link.geojson"
    path.write_text(json.dumps({
        "type": "FeatureCollection",
        "crs": {"type": "link", "properties": {"href": f"http://127.0.0.1:{web_server}/crs.wkt",
                                               "type": "ogcwkt"}},
        "features": [{"type": "Feature", "properties": {},
                      "geometry": {"type": "Point", "coordinates": [4.28, 51.27]}}]}))
    kml = tmp_path / "netwerk.kml"
    kml.write_text('<?xml version="1.0"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
                   f"<NetworkLink><Link><href>http://127.0.0.1:{web_server}/meer.kml</href></Link>"
                   "</NetworkLink><Placemark><Point><coordinates>4.28,51.27</coordinates></Point>"
                   "</Placemark></Document></kml>\n")
    reader = LayerReader(spare=False)
    assert reader.read(path, max_bytes=10**8).source_crs == "EPSG:4326"
    outcome_of(lambda: reader.read(kml, max_bytes=10**8))
    assert read_layer(path).source_crs == "EPSG:4326"  # in the app's own process too
    assert _Recorder.hits == []


def test_the_reader_process_cannot_open_a_network_connection(web_server):
    """The sandbox alone (proxy variables removed again): socket() for the internet is refused by
    the kernel, a local (AF_UNIX) socket pair still works."""
    probe = (
        "import os, socket, sys\n"
        "from paragon_desktop.gis import sandbox\n"
        "assert sandbox.forbid_network()\n"
        "for key in sandbox.NO_NETWORK_ENV: os.environ.pop(key, None)\n"
        "a, b = socket.socketpair(); a.close(); b.close()\n"
        "for family in (socket.AF_INET, socket.AF_INET6):\n"
        "    try:\n"
        "        socket.socket(family, socket.SOCK_STREAM)\n"
        "    except PermissionError:\n"
        "        continue\n"
        "    sys.exit('socket allowed')\n"
        f"import urllib.request\n"
        "try:\n"
        f"    urllib.request.urlopen('http://127.0.0.1:{web_server}/x', timeout=2)\n"
        "except OSError as exc:\n"
        "    print('refused', exc)\n"
        "else:\n"
        "    sys.exit('connected')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "refused" in done.stdout
    assert _Recorder.hits == []
    # The test itself can reach the server: the refusal above is the sandbox's, not the machine's.
    with socket.create_connection(("127.0.0.1", web_server), timeout=2):
        pass


def test_the_reader_process_gets_no_database_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "geheim")
    monkeypatch.setenv("PARAGON_DB_PASSWORD", "geheim")
    from paragon_desktop.gis.reader import _child_env

    env = _child_env()
    assert "PGPASSWORD" not in env
    assert "PARAGON_DB_PASSWORD" not in env
    assert "PATH" in env


def test_cancelled_reads_leave_no_open_files_behind(tmp_path):
    """Every read's pipes and selector are closed, also when it is cancelled or times out."""
    import os

    endless = hostile.endless_view(tmp_path / "eindeloos.gpkg")
    reader = LayerReader(time_limit=0.5, spare=False)
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(5):
        with pytest.raises(LayerReadError, match="longer than"):
            reader.read(endless, max_bytes=10**8)
        with pytest.raises(LayerReadCancelled):
            reader.read(endless, max_bytes=10**8, cancelled=lambda: True)
    assert len(os.listdir("/proc/self/fd")) <= before


def test_a_refusal_from_the_reader_process_reaches_the_user_in_their_language(tmp_path):
    """The reader process sends the refusal's template and values, not its own text: the app
    shows it in the user's language (the reader does not know it)."""
    from paragon_desktop import i18n

    path = tmp_path / "bom.kml"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY a "aa">]>\n'
                    '<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>\n')
    with LayerReader(spare=False) as reader:
        with pytest.raises(LayerReadError) as refused:
            reader.read(path, max_bytes=10_000_000)
    assert refused.value.params == {"name": "bom.kml"}  # values travel, not text
    i18n.use("fr")
    assert str(refused.value).startswith("bom.kml : le fichier déclare un DOCTYPE")
    i18n.use("nl")
    assert str(refused.value).startswith("bom.kml: het bestand declareert een DOCTYPE")


def test_the_reader_process_warns_in_the_users_language():
    """Warnings (what was repaired, assumed or left out) are written by the reader process in
    the language the app asks for."""
    from paragon_desktop import i18n

    with LayerReader(spare=False) as reader:
        i18n.use("fr")
        read = reader.read(CORPUS / "crs-link.geojson", max_bytes=10_000_000)
    assert any(w.startswith("crs-link.geojson : le fichier renvoie à son système de coordonnées "
                            "par un lien web") for w in read.warnings), read.warnings


def test_a_big_layer_comes_through_the_reader_process_whole(tmp_path):
    """A layer bigger than the pipe's chunks and the frames' in-memory limit (read into one
    memory map): the same text as read in process, multi-byte characters intact, and its UTF-8
    kept as the reader sent it for the map page."""
    path = lf.multibyte_points(tmp_path / "groot.geojson", 12_000, 8)
    with LayerReader(spare=False) as reader:
        read = reader.read(path, max_bytes=10**8)
    assert read.feature_count == 12_000
    assert len(read.utf8) > 3 * 1024 * 1024
    assert read.geojson == read_layer(path).geojson
    assert bytes(read.utf8) == read.geojson.encode("utf-8")


def test_the_readers_text_is_checked_as_utf8_in_pieces():
    """The reader process's text is kept as bytes and checked a piece at a time: a character
    cut by a piece's edge is still whole; damaged bytes anywhere, or a character cut off at the
    end, are refused (the import then says the reader sent damaged text)."""
    from paragon_desktop.gis.reader import is_utf8

    good = "Église €–ñ 緊急 😀".encode()
    assert all(is_utf8(memoryview(good), piece) for piece in (1, 2, 3, 5, 1 << 20))
    assert not is_utf8(memoryview(good[:-1]), 4)  # cut off inside the last character
    assert not is_utf8(memoryview(good[:7] + b"\xff" + good[7:]), 4)
    assert not is_utf8(memoryview(b"\xed\xa0\x80"), 2)  # a lone surrogate is not UTF-8
