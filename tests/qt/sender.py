"""Run as a process of its own by test_draft_crash: keeps a draft with its message's id on disk,
sends the message, says so, and waits to be killed before it can clear the draft."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from paragon_desktop.services.auth import AuthService
from paragon_desktop.services.cases import CaseService
from paragon_desktop.services.events import CaseEvents
from paragon_desktop.services.feeds import FeedService
from paragon_desktop.services.once import new_op_id
from paragon_desktop.storage.db import Database
from paragon_desktop.ui.docks.composer import Draft
from paragon_desktop.ui.drafts import DraftStore


def main() -> None:
    url, folder, text = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    db = Database.open(url)
    user = AuthService(db).user_by_name("tom.declercq")
    case = CaseService(db).find_case(user, "Nordchem")
    assert case is not None
    multi = next(f.id for f in CaseService(db).open_case(user, case.id).changes.feeds
                 if f.kind == "multi")
    draft = Draft(text, op_id=new_op_id())
    store = DraftStore(url, user.id, case.id, folder=folder)
    store.save(draft)  # as the window does before a send
    FeedService(db, CaseEvents()).post(user, multi, draft.text, op_id=draft.op_id)
    print("SENT", flush=True)
    time.sleep(60)  # killed here, before the window would clear the draft


if __name__ == "__main__":
    main()
