"""Creating users with their own login role, signing in as it, and keeping passwords in the
system keyring (never in a file of ours)."""

from __future__ import annotations

import json

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from sqlalchemy import select

from paragon_desktop import credentials
from paragon_desktop.app import sign_in_with_login
from paragon_desktop.cli import main
from paragon_desktop.domain.errors import SignInError
from paragon_desktop.services.auth import AuthService
from paragon_desktop.settings import Settings, config_dir
from paragon_desktop.storage.db import Database, normalise_url
from paragon_desktop.storage.logins import server_address
from paragon_desktop.storage.models import User
from tests.conftest import BACKENDS


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    # Login roles are per server: run once per backend (not again as a login role).
    return str(request.param)


def without_credentials(url: str):
    return server_address(normalise_url(url))


def test_db_create_user_then_sign_in(demo_url, backend, monkeypatch, capsys):
    monkeypatch.setenv("PARAGON_PASSWORD", "Veilig-2026")
    code = main(["db", "create-user", "noor.claes", "--name", "Noor Claes", "--db", demo_url,
                 "--organisation", "Gemeente Scheldemonde", "--level", "coordinator",
                 "--role", "plan_manager", "--label", "Noodplanning"])
    assert code == 0, capsys.readouterr().err
    db = Database.open(demo_url)
    try:
        with db.sessions() as session:
            user = session.scalars(select(User).where(User.username == "noor.claes")).one()
            stored = user.password_hash
        assert "Veilig-2026" not in stored
        if backend == "sqlite":
            assert AuthService(db).sign_in("noor.claes", "Veilig-2026").display_name == "Noor Claes"
            return
        # PostgreSQL: the server keeps the password; Paragon keeps none.
        assert user.db_role == "noor.claes"
        with pytest.raises(SignInError, match="own database login"):
            AuthService(db).sign_in("noor.claes", "Veilig-2026")
    finally:
        db.dispose()
    login, signed_in = sign_in_with_login(without_credentials(demo_url), "noor.claes",
                                          "Veilig-2026")
    try:
        assert (signed_in.username, signed_in.access_level.value) == ("noor.claes", "coordinator")
        assert [name for _, name in signed_in.organisations] == ["Gemeente Scheldemonde"]
    finally:
        login.dispose()
    with pytest.raises(SignInError, match="wrong password"):
        sign_in_with_login(without_credentials(demo_url), "noor.claes", "fout")
    # The same name again is refused with the reason, and nothing is half-written.
    assert main(["db", "create-user", "noor.claes", "--name", "Noor", "--db", demo_url,
                 "--organisation", "Gemeente Scheldemonde"]) == 2
    assert "already a user" in capsys.readouterr().err


def test_create_user_refuses_unknown_organisations_and_short_passwords(demo_url, monkeypatch,
                                                                       capsys):
    monkeypatch.setenv("PARAGON_PASSWORD", "kort")
    assert main(["db", "create-user", "x.y", "--name", "X", "--db", demo_url,
                 "--organisation", "Gemeente Scheldemonde"]) == 2
    assert "at least 8 characters" in capsys.readouterr().err
    monkeypatch.setenv("PARAGON_PASSWORD", "lang-genoeg-1")
    assert main(["db", "create-user", "x.y", "--name", "X", "--db", demo_url,
                 "--organisation", "Gemeente Nergens"]) == 2
    assert "No organisation named" in capsys.readouterr().err
    assert main(["db", "create-user", "Bad Name", "--name", "X", "--db", demo_url,
                 "--organisation", "Gemeente Scheldemonde"]) == 2
    assert "cannot be a database login" in capsys.readouterr().err


class MemoryKeyring(KeyringBackend):
    """Stands in for the desktop's keyring service (Secret Service, Keychain, Credential
    Locker), which a headless test machine does not run; the app talks to it through the same
    ``keyring`` API."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        self.items.pop((service, username), None)


@pytest.fixture
def restore_keyring():
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


def test_passwords_go_to_the_keyring_per_user_and_server(restore_keyring):
    store = MemoryKeyring()
    keyring.set_keyring(store)
    one = normalise_url("postgresql+psycopg://db.crisis.local/paragon")
    other = normalise_url("postgresql+psycopg://db.provincie.local:5433/paragon")
    assert credentials.keyring_available()
    assert credentials.save_password(one, "an.peeters", "geheim-1")
    assert credentials.load_password(one, "an.peeters") == "geheim-1"
    assert credentials.load_password(other, "an.peeters") is None
    assert list(store.items) == [("paragon-desktop", "an.peeters@db.crisis.local:5432/paragon")]
    credentials.forget_password(one, "an.peeters")
    assert credentials.load_password(one, "an.peeters") is None


def test_without_a_keyring_nothing_is_stored_and_the_app_asks(restore_keyring):
    keyring.set_keyring(fail.Keyring())
    url = normalise_url("postgresql+psycopg://db.crisis.local/paragon")
    assert not credentials.keyring_available()
    assert credentials.save_password(url, "an.peeters", "geheim-1") is False
    assert credentials.load_password(url, "an.peeters") is None


def test_settings_keep_the_user_name_but_never_a_password(tmp_path):
    settings = Settings(last_username="an.peeters")
    settings.save(tmp_path / "settings.json")
    saved = json.loads((tmp_path / "settings.json").read_text())
    assert saved["last_username"] == "an.peeters"
    assert not any("pass" in key.lower() for key in saved)
    assert config_dir()  # the real settings live there; tests use their own directory

