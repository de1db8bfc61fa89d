"""Shared fixtures: every test runs against its own copy of a real demo database file."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# Keep the tests away from the user's real data and window layout.
_HOME = Path(tempfile.mkdtemp(prefix="paragon-tests-"))
os.environ["PARAGON_DATA_DIR"] = str(_HOME / "data")
os.environ["PARAGON_CONFIG_DIR"] = str(_HOME / "config")

from paragon_desktop.services.bundle import Services, build_services  # noqa: E402
from paragon_desktop.services.demo import build_demo  # noqa: E402
from paragon_desktop.services.views import UserView  # noqa: E402
from paragon_desktop.storage.db import Database  # noqa: E402
from paragon_desktop.storage.migrate import upgrade  # noqa: E402

DEMO_PASSWORD = "oefening2026"


@pytest.fixture(autouse=True)
def _fresh_sign_in_throttle() -> None:
    """Wrong passwords in one test do not slow down the next one's sign-ins."""
    from paragon_desktop.services.auth import throttle

    throttle._failures.clear()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    from tests import pg

    with pg.server() as url:
        yield url


def _admin(server_url: str, *statements: str) -> None:
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def _database_url(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


_counter = itertools.count()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.db"
    db = Database.open(path)
    upgrade(db.engine)
    build_demo(db)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_demo_template(pg_server: str) -> str:
    _admin(pg_server, "DROP DATABASE IF EXISTS paragon_demo_template",
           "CREATE DATABASE paragon_demo_template")
    db = Database.open(_database_url(pg_server, "paragon_demo_template"))
    upgrade(db.engine)
    build_demo(db)
    db.dispose()
    return "paragon_demo_template"


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
# The service tests also run with every call on the acting user's own login role.
SERVICE_BACKENDS = [*BACKENDS, pytest.param("postgresql-login", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextmanager
def _pg_database(request: pytest.FixtureRequest, template: str | None = None) -> Iterator[str]:
    """A database of its own for one test on the test server, dropped afterwards."""
    server = request.getfixturevalue("pg_server")
    name = f"paragon_test_{os.getpid()}_{next(_counter)}"
    _admin(server, f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    try:
        yield _database_url(server, name)
    finally:
        _admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def demo_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the demo database, embedded or on PostgreSQL."""
    if backend == "sqlite":
        path = tmp_path / "demo.db"
        shutil.copy(request.getfixturevalue("demo_template"), path)
        yield f"sqlite:///{path}"
    else:  # postgresql, postgresql-login
        with _pg_database(request, request.getfixturevalue("pg_demo_template")) as url:
            yield url


@pytest.fixture
def pg_demo_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh copy of the demo database on PostgreSQL (for tests only PostgreSQL can run)."""
    with _pg_database(request, request.getfixturevalue("pg_demo_template")) as url:
        yield url


def login_url(url: str, username: str, password: str = DEMO_PASSWORD) -> str:
    """The same database as a user's own login role (row-level security applies)."""
    return make_url(url).set(username=username, password=password).render_as_string(
        hide_password=False)


@pytest.fixture
def fresh_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database with no schema yet."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        with _pg_database(request) as url:
            yield url


@pytest.fixture
def demo_db(demo_url: str) -> Iterator[Database]:
    db = Database.open(demo_url)
    yield db
    db.dispose()


@pytest.fixture
def empty_db(fresh_url: str) -> Iterator[Database]:
    db = Database.open(fresh_url)
    upgrade(db.engine)
    yield db
    db.dispose()


class Client(Services):
    """One app's services on a database, as a second operator's machine would have them."""

    def __init__(self, db: Database) -> None:
        built = build_services(db)
        super().__init__(**{f.name: getattr(built, f.name) for f in fields(Services)})

    def user(self, username: str) -> UserView:
        """The user as signed in. Without the argon2 check (about 0.1 s each, 185 in the suite):
        signing in itself is tested in test_sign_in_hardening.py and test_services.py."""
        return self.auth.user_by_name(username)

    def seveso_case_id(self, username: str = "an.peeters") -> int:
        case = self.cases.find_case(self.user(username), "Nordchem")
        assert case is not None
        return case.id

    def deactivate_plans(self, username: str, case_id: int) -> None:
        """Deactivate the plans active in a case (the demo's BNIP is active in the Nordchem
        case), as a user must before closing it."""
        user = self.user(username)
        for row, _plan, _title, _version, active in self.plans.active_in_case(user, case_id):
            if active:
                self.plans.deactivate(user, case_id, row)


class _AsUser:
    """A service whose calls for a user run on that user's own login-role connection."""

    def __init__(self, owner: object, for_user) -> None:
        self._owner, self._for_user = owner, for_user

    def __getattr__(self, name: str):
        attr = getattr(self._owner, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            if args and isinstance(args[0], UserView):
                return getattr(self._for_user(args[0].username), name)(*args, **kwargs)
            return attr(*args, **kwargs)

        return call


class LoginClient(Client):
    """The app's services as each user's own PostgreSQL login role: row-level security applies
    to every call, while ``db`` (for the tests' own checks) stays the owner's connection."""

    def __init__(self, db: Database, url: str) -> None:
        super().__init__(db)
        self._url = url
        self._clients: dict[str, Client] = {}
        for name in ("cases", "editing", "layers", "places", "admin", "sharing", "reports",
                     "feeds", "participation", "org_anchors", "plans", "contacts",
                     "organisation_admin"):
            setattr(self, name, _AsUser(getattr(self, name),
                                        lambda user, name=name: getattr(self._as(user), name)))

    def _as(self, username: str) -> Client:
        if username not in self._clients:
            login = Client(Database.open(login_url(self._url, username)))
            # One event hub for everyone, as in one app.
            login.editing.events = self.editing.events
            for service in (login.layers, login.admin, login.sharing, login.feeds,
                            login.participation, login.plans, login.contacts):
                service.events = self.editing.events
            self._clients[username] = login
        return self._clients[username]

    def close(self) -> None:
        for login in self._clients.values():
            login.db.dispose()


@pytest.fixture
def client(demo_db: Database, backend: str, demo_url: str) -> Iterator[Client]:
    if backend != "postgresql-login":
        yield Client(demo_db)
        return
    login = LoginClient(demo_db, demo_url)
    yield login
    login.close()


@pytest.fixture(autouse=True)
def _language(request, monkeypatch):
    """Tests outside tests/qt read errors as the code writes them (English); Qt tests see the
    app as a user with a Dutch (or unknown) locale does. Whatever the machine's locale: the
    CLI and the app pick the computer's language when none is set."""
    from paragon_desktop import i18n

    language = "nl" if "/tests/qt/" in str(request.path).replace("\\", "/") else "en"
    monkeypatch.setenv("PARAGON_LANGUAGE", language)
    i18n.use(language)
    yield
    i18n.use("nl")
