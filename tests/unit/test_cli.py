import pytest
from sqlalchemy import func, select

from paragon_desktop.app import open_database
from paragon_desktop.cli import build_parser, main
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import Case, User


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
