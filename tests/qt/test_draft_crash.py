"""What is typed survives kill -9: a real process types without pause and is killed; its draft
file holds everything but the last second of typing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from paragon_desktop.ui.drafts import DraftStore
from tests.qt.typist import TEXT

HERE = Path(__file__).parent

pytestmark = pytest.mark.server  # outages, resends, live updates: the server's part


def test_a_draft_survives_kill_9_while_typing(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(HERE.parent.parent)}
    child = subprocess.Popen([sys.executable, str(HERE / "typist.py"), str(tmp_path)],
                             stdout=subprocess.PIPE, text=True, env=env)
    progress: list[tuple[int, float]] = []
    try:
        assert child.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            typed, at = line.split()
            progress.append((int(typed), float(at)))
            if progress[-1][1] > 3.0:  # three seconds of typing without a pause
                break
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert progress, "the typist never typed"
    last_at = progress[-1][1]
    assert last_at > 3.0
    # What was typed until a second before the kill is on disk.
    typed_a_second_before = max(n for n, at in progress if at <= last_at - 1.0)
    draft = DraftStore("typist", 1, 1, folder=tmp_path).load()
    assert draft is not None, "nothing of what was typed was saved"
    assert TEXT.startswith(draft.text)
    assert len(draft.text) >= typed_a_second_before
    assert draft.op_id  # the message's id travels with it
    assert oct(draft_path_mode(tmp_path)) == oct(0o600)


def draft_path_mode(folder: Path) -> int:
    (path,) = folder.glob("*.json")
    return path.stat().st_mode & 0o777


def test_killed_right_after_a_send_the_message_is_stored_once_and_its_draft_known(
        client, tmp_path):
    """kill -9 right after the send returned, before the draft was cleared: the message is
    stored once, and the draft left behind carries the id that finds it stored (so the next
    start does not offer it again, and a resend would not double it)."""
    from sqlalchemy import func, select

    from paragon_desktop.storage.models import Message

    url = client.db.engine.url.render_as_string(hide_password=False)
    text = "Verstuurd, daarna kill -9"
    env = {**os.environ, "PYTHONPATH": str(HERE.parent.parent)}
    child = subprocess.Popen([sys.executable, str(HERE / "sender.py"), url, str(tmp_path), text],
                             stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "SENT"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    user = client.user("tom.declercq")
    (left,) = tmp_path.glob("*.json")
    draft = DraftStore(url, user.id, client.seveso_case_id(), folder=tmp_path).load()
    assert draft is not None
    assert draft.text == text
    assert left.exists()
    message_id = client.feeds.stored_message(user, draft.op_id)
    assert message_id is not None
    multi = next(f.id for f in client.cases.open_case(user, client.seveso_case_id()).changes.feeds
                 if f.kind == "multi")
    assert client.feeds.post(user, multi, draft.text, op_id=draft.op_id).message_id == message_id
    with client.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Message).where(
            Message.text == text)) == 1
