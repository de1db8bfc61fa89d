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


def test_a_commit_wakes_only_the_listeners_of_its_case(owner, pg_demo_url):
    """Notifications name the case a commit touched: a window on another case is not woken
    (at national scale every commit waking every client cost minutes of server time)."""
    import threading
    import time

    from paragon_desktop.storage.notify import ChangeListener

    with owner.sessions() as session:
        seveso = session.scalars(select(Case.id).where(Case.name.like("%Nordchem%"))).one()
        other = session.scalars(select(Case.id).where(Case.name.like("%Winterfeesten%"))).one()
    heard: dict[str, list[int]] = {"seveso": [], "other": [], "all": []}
    ready = threading.Event()
    listeners = [
        ChangeListener(make_url(login_url(pg_demo_url, "an.peeters")), heard[name].append,
                       lambda up, _retry: up and ready.set(), case_id=case)
        for name, case in (("seveso", seveso), ("other", other), ("all", None))]
    for listener in listeners:
        listener.start()
    try:
        deadline = time.monotonic() + 10
        while not all(listener.connected for listener in listeners) and time.monotonic() < deadline:
            time.sleep(0.05)
        tom_db = Database.open(login_url(pg_demo_url, "tom.declercq"))
        try:
            service, tom = FeedService(tom_db), AuthService(tom_db).current_login()
            with owner.sessions() as session:
                multi = session.scalars(select(Feed.id).where(Feed.kind == "multi",
                                                              Feed.case_id == seveso)).one()
            service.post(tom, multi, "Alleen voor de Nordchem-case", op_id=new_op_id())
        finally:
            tom_db.dispose()
        deadline = time.monotonic() + 5
        while not (heard["seveso"] and heard["all"]) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # give a wrong notification time to arrive
    finally:
        for listener in listeners:
            listener.stop()
    assert len(heard["seveso"]) == 1  # one notification per case and commit
    assert heard["all"] == heard["seveso"]
    assert heard["other"] == []


def test_a_forged_or_foreign_notification_is_ignored():
    from paragon_desktop.storage.notify import ChangeListener

    listener = ChangeListener(make_url("postgresql+psycopg://x/y"), print, print, case_id=7)
    assert listener.concerns("12:7") == 12
    assert listener.concerns("13:*") == 13
    assert listener.concerns("14:8") is None
    assert listener.concerns("x:7") is None
    assert listener.concerns("'; DROP TABLE x") is None
    assert listener.concerns("15") == 15  # a server before targeted notifications
