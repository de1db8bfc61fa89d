"""Run as a process of its own by test_draft_crash: the real composer and draft saver, typing
without pause and reporting each key on stdout, until the test kills it with SIGKILL."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from paragon_desktop.ui.docks.composer import Composer  # noqa: E402
from paragon_desktop.ui.drafts import DraftSaver, DraftStore  # noqa: E402

TEXT = "Lek bevestigd aan de noordzijde, windrichting zuidwest, sector drie ontruimen. " * 20
KEY_INTERVAL = 0.04


def main() -> None:
    app = QApplication([])
    composer = Composer()
    store = DraftStore("typist", 1, 1, folder=Path(sys.argv[1]))
    saver = DraftSaver(lambda: store.save(composer.draft()))
    composer.sig_draft_changed.connect(lambda _draft: saver.changed())
    start = time.monotonic()
    for typed, char in enumerate(TEXT, start=1):
        QTest.keyClicks(composer.editor, char)
        print(typed, f"{time.monotonic() - start:.3f}", flush=True)
        until = time.monotonic() + KEY_INTERVAL
        while time.monotonic() < until:
            app.processEvents()
            time.sleep(0.005)


if __name__ == "__main__":
    main()
