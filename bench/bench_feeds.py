"""A case with 100,000 messages across 6 feeds (issue 5).

The demo database gets 100,000 more messages in the Seveso case, spread over Multi and five
specific feeds (a tenth tagged, some questions answered, some copies). Then, per backend:
- open case: the snapshot the main window starts from (feeds, layers, anchors; no messages);
- open a feed: its newest page (what a tab shows first), and a page deep in the history;
- filters: text search, one tag, open questions, over the 100,000;
- append: posting one message (validation, #FeedName parsing, commit);
- the Qt list model taking a page (insert + layout of 100 rows in a real QListView).
Targets: open under 200 ms, append under 20 ms.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import HOME, pg_database, summary  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from paragon_desktop.domain.enums import MessageTag  # noqa: E402
from paragon_desktop.domain.feeds import FeedFilter  # noqa: E402
from paragon_desktop.services.auth import AuthService  # noqa: E402
from paragon_desktop.services.cases import CaseService  # noqa: E402
from paragon_desktop.services.demo import build_demo  # noqa: E402
from paragon_desktop.services.events import CaseEvents  # noqa: E402
from paragon_desktop.services.feeds import FeedService  # noqa: E402
from paragon_desktop.storage.db import Database  # noqa: E402
from paragon_desktop.storage.migrate import upgrade  # noqa: E402
from paragon_desktop.storage.models import CaseUser, Feed, Message  # noqa: E402

MESSAGES = 100_000
FEEDS = ("Multi", "CP-Ops", "D1 Brandweer", "D2 Medisch", "D3 Politie", "GCC")
PASSWORD = "oefening2026"
RUNS = 30
WORDS = ("meting", "ploeg", "perimeter", "evacuatie", "wind", "ammoniak", "school", "rijweg",
         "opvang", "ambulance", "BE-Alert", "afsluiting", "vrijgave", "wolk", "tankpark")


def fill(db: Database) -> tuple[int, dict[str, int]]:
    """Add MESSAGES messages to the Seveso case in batches; returns the case and feed ids."""
    rng = random.Random(5)
    with db.sessions.begin() as session:
        rows = session.execute(select(Feed.id, Feed.name, Feed.case_id)).all()
        case_id = session.execute(text(
            "SELECT id FROM cases WHERE name LIKE '%Nordchem%'")).scalar_one()
        feeds = {name: fid for fid, name, cid in rows if cid == case_id and name in FEEDS}
        authors = session.execute(select(CaseUser.user_id, CaseUser.organisation_id,
                                         CaseUser.crisis_role).where(
            CaseUser.case_id == case_id, CaseUser.crisis_role.is_not(None))).all()
        revision = session.execute(text("SELECT value FROM revision_counter")).scalar_one()
    start = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
    batch = []
    questions: dict[int, int] = {}
    next_id = 1_000_000
    with db.engine.begin() as connection:
        for i in range(MESSAGES):
            feed_id = feeds[FEEDS[i % len(FEEDS)]]
            user_id, org_id, role = authors[rng.randrange(len(authors))]
            tags = ""
            answers = None
            roll = rng.random()
            if roll < 0.03:
                tags = "question"
            elif roll < 0.05 and feed_id in questions:
                tags, answers = "answer", questions.pop(feed_id)
            elif roll < 0.08:
                tags = "decision"
            elif roll < 0.09:
                tags = "important"
            text_ = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 30)))
            next_id += 1
            if tags == "question":
                questions[feed_id] = next_id
            batch.append(dict(id=next_id, case_id=case_id, feed_id=feed_id, author_id=user_id,
                              organisation_id=org_id, crisis_role=role,
                              created_at=start + timedelta(seconds=20 * i), text=text_,
                              tags=tags, answers_id=answers, revision=revision))
            if len(batch) == 5000:
                connection.execute(insert(Message), batch)
                batch = []
        if batch:
            connection.execute(insert(Message), batch)
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE messages"))
    return case_id, feeds


def timed(fn, runs: int = RUNS) -> list[float]:
    values = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        values.append((time.perf_counter() - t) * 1000)
    return values


def measure(db: Database, label: str) -> None:
    t = time.perf_counter()
    upgrade(db.engine)
    build_demo(db)
    case_id, feeds = fill(db)
    print(f"  filled in {time.perf_counter() - t:.1f} s: {MESSAGES:,} messages in {len(feeds)} feeds")
    cases, service = CaseService(db), FeedService(db, CaseEvents())
    tom = AuthService(db).sign_in("tom.declercq", PASSWORD)
    multi = feeds["Multi"]
    print(f"  {label} open case (snapshot, no messages):  "
          f"{summary(timed(lambda: cases.open_case(tom, case_id)))} ms")
    print(f"  {label} open a feed (newest page of 100):   "
          f"{summary(timed(lambda: service.page(tom, multi)))} ms")
    deep = service.page(tom, multi, limit=15_000)[-1].key
    print(f"  {label} page 15,000 messages down:          "
          f"{summary(timed(lambda: service.page(tom, multi, before=deep)))} ms")
    for name, flt in (("search 'evacuatie ambulance'", FeedFilter(text="evacuatie ambulance")),
                      ("tag Decision", FeedFilter(tag=MessageTag.DECISION)),
                      ("open questions", FeedFilter(open_questions=True))):
        print(f"  {label} filter {name:<28} "
              f"{summary(timed(lambda f=flt: service.page(tom, multi, f), runs=10))} ms")
    revision = cases.open_case(tom, case_id).changes.revision
    appends = []
    for i in range(RUNS):
        t = time.perf_counter()
        service.post(tom, multi, f"Bench bericht {i} #CP-Ops" if i % 5 == 0 else f"Bench {i}",
                     [MessageTag.DECISION] if i % 3 == 0 else [])
        appends.append((time.perf_counter() - t) * 1000)
    print(f"  {label} append one message (commit):        {summary(appends)} ms")
    print(f"  {label} refresh after those appends:        "
          f"{summary(timed(lambda: cases.changes_since(tom, case_id, revision), runs=5))} ms")


def measure_model() -> None:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QListView

    from paragon_desktop.services.views import MessageView
    from paragon_desktop.ui.models.messages import MessageDelegate, MessagesModel

    app = QApplication.instance() or QApplication([])
    rng = random.Random(1)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    pages = [[MessageView(p * 100 + i, 1, "Tom De Clercq", "Dir-CP-Ops", "Brandweer",
                          start - timedelta(seconds=p * 100 + i),
                          " ".join(rng.choice(WORDS) for _ in range(20)), ("decision",), 1)
              for i in range(100)] for p in range(50)]
    model = MessagesModel()
    view = QListView()
    view.setModel(model)
    view.setItemDelegate(MessageDelegate(view))
    view.setWordWrap(True)
    view.setUniformItemSizes(False)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
    view.setLayoutMode(QListView.LayoutMode.Batched)  # as the feeds dock
    view.setBatchSize(100)
    view.resize(440, 700)
    view.show()
    values = []
    for page in pages:
        t = time.perf_counter()
        model.add_page(page, 100)
        view.scrollToBottom()
        app.processEvents()
        values.append((time.perf_counter() - t) * 1000)
    print(f"  Qt model: add a page of 100 and lay out:  {summary(values)} ms "
          f"({model.rowCount():,} rows at the end)")


def main() -> None:
    if sys.argv[1:] == ["model"]:
        measure_model()
        return
    print("SQLite (embedded):")
    sqlite_db = Database.open(HOME / "feeds.db")
    measure(sqlite_db, "SQLite")
    sqlite_db.dispose()
    try:
        with pg_database("paragon_bench_feeds") as url:
            print("PostgreSQL:")
            pg_db = Database.open(url)
            measure(pg_db, "PostgreSQL")
            pg_db.dispose()
    except BaseException as exc:  # pytest.skip raises outside pytest too
        print(f"PostgreSQL: not measured ({exc})")
    print("Feed list model:")
    measure_model()


if __name__ == "__main__":
    main()
