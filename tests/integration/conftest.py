"""Fixtures for raw SQL with users' own credentials: the owner's connection (for the tests' own
checks) and each user's login role, as someone who took the credentials out of the app would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, select, text

from paragon_desktop.domain.enums import AccessLevel
from paragon_desktop.services.accounts import create_user
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import CaseShare, Organisation, User
from tests.conftest import DEMO_PASSWORD, login_url

OUTSIDER_PASSWORD = "buiten-2026!"
# A write refused by a policy, or by the server's own check (migration 0006), which runs first.
REFUSED = "row-level security|paragon: "


@pytest.fixture
def owner(pg_demo_url: str) -> Iterator[Database]:
    db = Database.open(pg_demo_url)
    yield db
    db.dispose()


@pytest.fixture
def outsider(owner: Database) -> str:
    """An agent of an organisation that no case is shared with."""
    with owner.sessions() as session:
        shared = select(CaseShare.organisation_id)
        org = session.scalars(select(Organisation.name).where(Organisation.id.not_in(shared))
                              .order_by(Organisation.name)).first()
    assert org is not None
    create_user(owner, username="olaf.buiten", display_name="Olaf Buiten",
                password=OUTSIDER_PASSWORD, access_level=AccessLevel.AGENT, organisations=[org],
                existing_role=True)
    return "olaf.buiten"


@pytest.fixture
def connect(pg_demo_url: str) -> Iterator:
    engines: list[Engine] = []

    def as_role(username: str, password: str = DEMO_PASSWORD) -> Engine:
        engine = create_engine(login_url(pg_demo_url, username, password))
        engines.append(engine)
        return engine

    yield as_role
    for engine in engines:
        engine.dispose()


def ids(engine: Engine, sql: str, **params) -> set[int]:
    with engine.connect() as c:
        return {row[0] for row in c.execute(text(sql), params)}


def user_id(owner: Database, username: str) -> int:
    with owner.sessions() as session:
        return session.scalars(select(User.id).where(User.username == username)).one()



