"""The rule book's reminders (§1), shown at sign-in and where messages are written."""

from __future__ import annotations

from paragon_desktop.i18n import N_, _

_REMINDER = N_("Paragon is niet voor dringende hulpvragen (bel 112) en niet voor geclassificeerde "
               "informatie. Laat Paragon nooit onbewaakt open (Ctrl+L vergrendelt).")


def reminder() -> str:
    return _(_REMINDER)
