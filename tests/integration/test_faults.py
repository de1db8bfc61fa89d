"""Nothing lost, nothing doubled when the connection breaks at the worst moment: a real
PostgreSQL behind a TCP proxy that cuts the client off around its COMMIT."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from paragon_desktop.services.auth import AuthService
from paragon_desktop.services.feeds import FeedService
from paragon_desktop.services.once import new_op_id
from paragon_desktop.storage.db import Database, is_connection_lost
from paragon_desktop.storage.models import Case, Feed, Message
from tests.conftest import login_url
from tests.netcut import CutProxy

pytestmark = pytest.mark.postgres


@pytest.fixture
def proxy(pg_demo_url: str) -> Iterator[CutProxy]:
    url = make_url(pg_demo_url)
    proxy = CutProxy(url.host or "127.0.0.1", url.port or 5432)
    yield proxy
    proxy.close()


@pytest.fixture
def through_proxy(pg_demo_url: str, proxy: CutProxy) -> Iterator[Database]:
    """Tom's own login role, connected through the proxy."""
    url = make_url(login_url(pg_demo_url, "tom.declercq")).set(host="127.0.0.1", port=proxy.port)
    db = Database.open(url)
    yield db
    db.dispose()


def stored(owner: Database, text: str) -> int:
    with owner.sessions() as session:
        return session.scalar(select(func.count()).select_from(Message).where(Message.text == text))


@pytest.mark.parametrize("when", ["after-commit", "before-commit"])
def test_a_send_cut_off_at_its_commit_is_stored_exactly_once(when, owner, through_proxy, proxy):
    service = FeedService(through_proxy)
    tom = AuthService(through_proxy).current_login()
    with owner.sessions() as session:
        case_id = session.scalars(select(Case.id).where(Case.name.like("%Nordchem%"))).one()
        multi = session.scalars(select(Feed.id).where(Feed.kind == "multi",
                                                      Feed.case_id == case_id)).one()
    text, op_id = f"Ontruiming sector 3 ({when})", new_op_id()
    proxy.cut_next_commit(when)
    with pytest.raises(Exception) as cut:  # noqa: PT011 - whatever the driver raises
        service.post(tom, multi, text, op_id=op_id)
    assert is_connection_lost(cut.value)
    assert proxy.cuts >= 1
    # The server has it (after the commit) or not (before): the client cannot tell...
    assert stored(owner, text) == (1 if when == "after-commit" else 0)
    # ...so it sends again under the same id, and the message is there once.
    again = service.post(tom, multi, text, op_id=op_id)
    assert again.replayed == (when == "after-commit")
    assert stored(owner, text) == 1
