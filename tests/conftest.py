"""Shared fixtures: every test runs against its own copy of a real demo database file."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Keep the tests away from the user's real data and window layout.
_HOME = Path(tempfile.mkdtemp(prefix="paragon-tests-"))
os.environ["PARAGON_DATA_DIR"] = str(_HOME / "data")
os.environ["PARAGON_CONFIG_DIR"] = str(_HOME / "config")

from paragon_desktop.services.auth import AuthService  # noqa: E402
from paragon_desktop.services.cases import CaseService  # noqa: E402
from paragon_desktop.services.demo import build_demo  # noqa: E402
from paragon_desktop.services.editing import EditingService  # noqa: E402
from paragon_desktop.services.views import UserView  # noqa: E402
from paragon_desktop.storage.db import Database  # noqa: E402
from paragon_desktop.storage.migrate import upgrade  # noqa: E402

DEMO_PASSWORD = "oefening2026"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.db"
    db = Database.open(path)
    upgrade(db.engine)
    build_demo(db)
    db.dispose()
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def demo_db(demo_path: Path) -> Iterator[Database]:
    db = Database.open(demo_path)
    yield db
    db.dispose()


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Database]:
    db = Database.open(tmp_path / "empty.db")
    upgrade(db.engine)
    yield db
    db.dispose()


class Client:
    """One app's services on a database, as a second operator's machine would have them."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.auth = AuthService(db)
        self.cases = CaseService(db)
        self.editing = EditingService(db)

    def user(self, username: str) -> UserView:
        return self.auth.sign_in(username, DEMO_PASSWORD)

    def seveso_case_id(self, username: str = "an.peeters") -> int:
        case = self.cases.find_case(self.user(username), "Nordchem")
        assert case is not None
        return case.id


@pytest.fixture
def client(demo_db: Database) -> Client:
    return Client(demo_db)
