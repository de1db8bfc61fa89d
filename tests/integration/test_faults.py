"""Nothing lost, nothing doubled when the connection breaks at the worst moment: a real
PostgreSQL behind a TCP proxy that cuts the client off around its COMMIT."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from paragon_desktop.services.auth import AuthService
from paragon_desktop.services.events import CaseEvents
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
    service = FeedService(through_proxy, CaseEvents())
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
            service, tom = FeedService(tom_db, CaseEvents()), AuthService(tom_db).current_login()
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


def test_a_stalled_writer_is_ended_so_others_can_write(owner, pg_demo_url):
    """A user's session that keeps a write transaction open holds the write lock; the next
    writer waits out the limit, ends that session and writes. The owner's sessions are never
    ended (a long import by the administrator is waited for)."""
    import threading
    import time

    from sqlalchemy import create_engine, text

    with owner.engine.begin() as c:
        c.execute(text("INSERT INTO workspace_info (key, value) VALUES ('write_lock_seconds', '2')"))
    with owner.sessions() as session:
        case_id = session.scalars(select(Case.id).where(Case.name.like("%Nordchem%"))).one()
        multi = session.scalars(select(Feed.id).where(Feed.kind == "multi",
                                                      Feed.case_id == case_id)).one()
    insert = text("INSERT INTO messages (case_id, feed_id, author_id, crisis_role, created_at, "
                  "text, tags, revision) VALUES (:c, :f, 0, 'x', now(), :t, '', 0)")
    an_db = Database.open(login_url(pg_demo_url, "an.peeters"))
    an, service = AuthService(an_db).current_login(), FeedService(an_db, CaseEvents())
    stalled = create_engine(login_url(pg_demo_url, "tom.declercq"))
    ended: list[BaseException] = []

    def stall() -> None:
        try:
            with stalled.begin() as c:
                c.execute(insert, dict(c=case_id, f=multi, t="Nooit gecommit"))
                c.execute(text("SELECT pg_sleep(30)"))
        except Exception as exc:  # noqa: BLE001 - the server ends this session
            ended.append(exc)

    holder = threading.Thread(target=stall)
    holder.start()
    time.sleep(0.5)
    start = time.monotonic()
    service.post(an, multi, "Na de blokkade", op_id=new_op_id())
    waited = time.monotonic() - start
    holder.join(30)
    assert 1.5 < waited < 15
    assert ended
    assert is_connection_lost(ended[0])
    assert stored(owner, "Nooit gecommit") == 0
    assert stored(owner, "Na de blokkade") == 1
    # The write lock taken by hand, outside any transaction, is ended the same way.
    by_hand = create_engine(login_url(pg_demo_url, "tom.declercq"), isolation_level="AUTOCOMMIT")
    with by_hand.connect() as c:
        c.execute(text("SELECT pg_advisory_lock(7234, 1)"))
        start = time.monotonic()
        service.post(an, multi, "Na het handmatige slot", op_id=new_op_id())
        assert 1.5 < time.monotonic() - start < 15
        with pytest.raises(Exception) as gone:  # noqa: PT011 - whatever the driver raises
            c.execute(text("SELECT 1"))
        assert is_connection_lost(gone.value)
    by_hand.dispose()
    assert stored(owner, "Na het handmatige slot") == 1
    # The owner's own long transaction is waited for, not ended.
    with owner.engine.connect() as c, c.begin():
        c.execute(text("SELECT paragon_revision()"))
        done = threading.Thread(target=lambda: service.post(an, multi, "Na de beheerder",
                                                            op_id=new_op_id()))
        done.start()
        time.sleep(3)
        assert done.is_alive()  # still waiting behind the owner
    done.join(15)
    assert stored(owner, "Na de beheerder") == 1
    stalled.dispose()
    an_db.dispose()
