"""A feed as a CSV log (the PDF log is drawn by the UI with Qt's printing)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from paragon_desktop.domain.enums import MessageTag
from paragon_desktop.i18n import BRUSSELS, N_, _
from paragon_desktop.services.views import MessageView

# Headers in the language of who exports (the times are Belgian time in every language).
COLUMNS = (N_("Tijd"), N_("Auteur"), N_("Crisisrol"), N_("Organisatie"), N_("Tags"),
           N_("Bericht"), N_("Gekopieerd uit"), N_("Antwoord op"), N_("Correctie op"),
           N_("Bijlage"), N_("Bericht-id"))
# A cell starting with one of these is a formula to a spreadsheet: text from the feed is data.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def local_time(message: MessageView) -> str:
    return message.created_at.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M:%S")


def tag_labels(message: MessageView) -> str:
    return ", ".join(MessageTag(t).label for t in message.tags)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(messages: Iterable[MessageView], path: Path) -> int:
    """Write the messages (oldest first) as CSV for Excel in Belgium: UTF-8 with BOM, ';'.
    Returns how many rows were written."""
    count = 0
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([_(c) for c in COLUMNS])
        for m in messages:
            writer.writerow([_cell(v) for v in (
                local_time(m), m.author, m.crisis_role, m.organisation, tag_labels(m), m.text,
                m.copied_from, m.answers_id or "", m.corrects_id or "", m.attachment, m.thread_id)])
            count += 1
    tmp.replace(path)
    return count
