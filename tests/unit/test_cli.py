import pytest
from sqlalchemy import func, select

from paragon_desktop.app import open_database
from paragon_desktop.cli import build_parser, main
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import Case, Layer, User


def _count(path, model):
    db = Database.open(path)
    with db.sessions() as session:
        n = session.scalar(select(func.count()).select_from(model))
    db.dispose()
    return n


def test_demo_command_fills_a_database_once(tmp_path, capsys):
    target = tmp_path / "demo.db"
    assert main(["demo", "--db", f"sqlite:///{target}"]) == 0
    assert "Demo exercise written" in capsys.readouterr().out
    cases = _count(target, Case)
    assert cases >= 2
    assert main(["demo", "--db", str(target)]) == 0
    assert "already holds the demo" in capsys.readouterr().out
    assert _count(target, Case) == cases


def test_db_upgrade_creates_an_empty_schema(tmp_path, capsys):
    target = tmp_path / "new.db"
    assert main(["db", "upgrade", "--db", f"sqlite:///{target}"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert _count(target, User) == 0


def test_embedded_database_gets_the_demo_on_first_run_only(tmp_path, monkeypatch):
    monkeypatch.setenv("PARAGON_DATA_DIR", str(tmp_path / "data"))
    db, filled = open_database(None)
    assert filled
    assert (tmp_path / "data" / "paragon.db").exists()
    db.dispose()
    db, filled = open_database(None)
    assert not filled
    db.dispose()


def test_explicit_new_database_is_created_empty(tmp_path):
    db, filled = open_database(f"sqlite:///{tmp_path / 'leeg.db'}")
    assert not filled
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0
    db.dispose()


def test_unsupported_database_gives_a_clear_error(capsys):
    assert main(["demo", "--db", "mysql://x@y/z"]) == 2
    assert "Unsupported database 'mysql'" in capsys.readouterr().err


def test_screenshot_size_is_validated():
    parser = build_parser()
    assert parser.parse_args(["screenshot", "x.png", "--size", "1200x800"]).size == (1200, 800)
    with pytest.raises(SystemExit):
        parser.parse_args(["screenshot", "x.png", "--size", "huge"])


def test_import_and_export_layer_commands(tmp_path, monkeypatch, capsys):
    from tests import layerfiles as lf

    target = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo", "--db", target]) == 0
    monkeypatch.setenv("PARAGON_PASSWORD", "oefening2026")
    kml = tmp_path / "perimeter_nordchem-v2.kml"
    kml.write_text(lf.kml_text(2))
    gpx = tmp_path / "rit.gpx"
    gpx.write_text(lf.gpx_text(3))
    capsys.readouterr()
    assert main(["import-layer", str(kml), str(gpx), "--db", target, "--case", "nordchem",
                 "--user", "sofie.janssens", "--share", "feed:CP-Ops"]) == 0
    out = capsys.readouterr().out
    assert "perimeter_nordchem-v2.kml: 3 features (KML, EPSG:4326) added to" in out
    assert "“perimeter nordchem v2”, feed:CP-Ops" in out
    exported = tmp_path / "uit.kmz"
    assert main(["export-layer", str(exported), "--db", target, "--case", "nordchem",
                 "--user", "karim.elamrani", "--layer", "perimeter nordchem v2", "--layer", "rit"]) == 0
    assert "uit.kmz: 8 features from 2 layer(s) written." in capsys.readouterr().out
    # Not in feed D2 Medisch? Sofie cannot share there, and nothing is added.
    assert main(["import-layer", str(kml), "--db", target, "--case", "nordchem",
                 "--user", "sofie.janssens", "--share", "feed:D2 Medisch"]) == 2
    assert "No feed “D2 Medisch” that you are in" in capsys.readouterr().err
    # One bad file among several: the app's rule (services.layer_import), the same as in the
    # window: the bad file is reported and changes nothing, the good one goes in, exit code 2.
    bad = tmp_path / "kapot.gpx"
    bad.write_text(lf.gpx_text(2)[:-20])
    assert main(["import-layer", str(kml), str(bad), "--db", target, "--case", "nordchem",
                 "--user", "sofie.janssens"]) == 2
    captured = capsys.readouterr()
    assert "kapot.gpx: the file ends before its closing </gpx> tag" in captured.err
    assert "perimeter_nordchem-v2.kml: 3 features (KML, EPSG:4326) added to" in captured.out
    assert "kapot.gpx" not in captured.out
    assert _count(tmp_path / "demo.db", Layer) == 3 + 2 + 1


def test_anchor_commands_list_export_and_import_as_the_user(tmp_path, monkeypatch, capsys):
    import json

    import pyogrio

    from paragon_desktop.storage.models import Anchor

    target = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo", "--db", target]) == 0
    monkeypatch.setenv("PARAGON_PASSWORD", "oefening2026")
    capsys.readouterr()
    assert main(["anchors", "list", "--db", target, "--case", "nordchem",
                 "--user", "sofie.janssens"]) == 0
    listed = capsys.readouterr().out
    assert "Command post (CP-Ops)" in listed  # the category in the user's language (English)
    assert "CP-Ops Sporthal De Polder" in listed
    assert main(["anchors", "list", "--json", "--db", target, "--case", "nordchem",
                 "--user", "sofie.janssens"]) == 0
    anchors = json.loads(capsys.readouterr().out)
    assert {a["category"] for a in anchors} >= {"command_post", "hazard_contour", "border"}

    # Exported with the case location, read back by GDAL, one layer per category.
    out = tmp_path / "ankers.kml"
    assert main(["anchors", "export", str(out), "--db", target, "--case", "nordchem",
                 "--user", "sofie.janssens"]) == 0
    assert f"{len(anchors)} anchors and the case location" in capsys.readouterr().out
    layers = [name for name, _kind in pyogrio.list_layers(out)]
    assert "Command post (CP-Ops)" in layers
    assert layers[0] == "Case location"

    # A file's features become anchors; one outside Belgium is refused, the others go in.
    places = tmp_path / "posten.geojson"
    places.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"naam": "PMA Kaai"},
         "geometry": {"type": "Point", "coordinates": [4.28, 51.25]}},
        {"type": "Feature", "properties": {"naam": "Verzamelpunten"},
         "geometry": {"type": "MultiPoint", "coordinates": [[4.27, 51.24], [4.26, 51.24]]}},
        {"type": "Feature", "properties": {"naam": "Berlijn"},
         "geometry": {"type": "Point", "coordinates": [13.4, 52.5]}}]}))
    assert main(["anchors", "import", str(places), "--category", "medical_post",
                 "--name-field", "naam", "--db", target, "--case", "nordchem",
                 "--user", "sofie.janssens"]) == 2
    captured = capsys.readouterr()
    assert "Berlijn: The anchor lies outside Belgium" in captured.err
    db = Database.open(tmp_path / "demo.db")
    with db.sessions() as session:
        names = set(session.scalars(select(Anchor.name).where(Anchor.category == "medical_post")))
    db.dispose()
    assert {"PMA Kaai", "Verzamelpunten (1)", "Verzamelpunten (2)"} <= names
    assert "Berlijn" not in names
    # A read-only user imports nothing.
    assert main(["anchors", "import", str(places), "--db", target, "--case", "nordchem",
                 "--user", "wim.verhaegen"]) == 2
    assert "read-only" in capsys.readouterr().err


def test_plan_commands_list_what_the_user_sees_and_back_up_their_own(tmp_path, monkeypatch,
                                                                     capsys):
    import json
    import zipfile

    target = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo", "--db", target]) == 0
    monkeypatch.setenv("PARAGON_PASSWORD", "oefening2026")
    capsys.readouterr()
    assert main(["plans", "list", "--json", "--db", target, "--user", "tom.declercq"]) == 0
    seen = {p["title"]: p["status"] for p in json.loads(capsys.readouterr().out)}
    # Approved plans for everyone; Nordchem's draft only for Nordchem.
    assert seen == {"ANIP Scheldemonde": "approved",
                    "BNIP Seveso Nordchem Scheldemonde": "approved"}
    assert main(["plans", "list", "--db", target, "--user", "marc.nordchem"]) == 0
    listed = capsys.readouterr().out
    assert "Draft" in listed
    assert "Intern noodplan Nordchem Scheldemonde" in listed
    out = tmp_path / "plannen.zip"
    assert main(["plans", "export", str(out), "--db", target, "--user", "an.peeters",
                 "--organisation", "scheldemonde"]) == 0
    assert "2 plans written" in capsys.readouterr().out
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert sum(n.endswith("/plan.json") for n in names) == 2
        letters = [n for n in names if "/brief-" in n]
        assert len(letters) == 2
        assert archive.read(letters[0]).startswith(b"%PDF-")
        about = json.loads(archive.read(next(n for n in names if n.endswith("plan.json")
                                             and "ANIP" in n)))
    assert [h["action"] for h in about["history"]] == ["created", "approved"]
    assert {e["label"] for e in about["elements"]} >= {"Gemeentehuis Scheldemonde"}
    # Not a plan manager of that organisation: refused with the reason.
    assert main(["plans", "export", str(out), "--db", target, "--user", "sofie.janssens",
                 "--organisation", "scheldemonde"]) == 2
    assert "no single organisation" in capsys.readouterr().err
