"""The window's side of a shared server: live updates and a lost connection.

While the server is away the window keeps its last picture and the user's typed text, says so
in the status bar with the time of that picture, and the listener retries with backoff; when
the server is back, one refresh brings everything committed meanwhile (by revision, so nothing
is missed even though the notifications sent while away are not replayed).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject
from sqlalchemy.engine import URL

from paragon_desktop.i18n import _, when
from paragon_desktop.storage.db import is_connection_lost
from paragon_desktop.ui.controllers.context import WindowContext
from paragon_desktop.ui.live import LiveUpdates
from paragon_desktop.ui.plain import text_label

OFFLINE_STYLE = "background: #c92a2a; color: white; font-weight: bold; padding: 1px 6px;"


class ConnectionController(QObject):
    def __init__(self, ctx: WindowContext, live_url: URL | None) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.offline = False
        self.last_refresh: datetime | None = None
        self._started = False
        self.label = text_label()
        self.label.setStyleSheet(OFFLINE_STYLE)
        self.label.hide()
        self.live: LiveUpdates | None = None
        if live_url is not None:
            # Only commits that touched this case (or what every window shows) wake it.
            self.live = LiveUpdates(live_url, self, case_id=ctx.case.id)
            self.live.sig_changed.connect(self._on_live_change)
            self.live.sig_status.connect(self._on_status)

    def start(self) -> None:
        if self.live is not None and not self._started:
            self._started = True
            self.live.start()

    def stop(self) -> None:
        if self.live is not None:
            self.live.stop()

    def server_answered(self) -> None:
        """A refresh came back: unless the listener still waits for the server, we are online."""
        self.last_refresh = datetime.now()
        if self.offline and (self.live is None or self.live.connected):
            self.clear_offline()

    def failed(self, exc: Exception) -> bool:
        """Handle a failure that means the server is gone; False for any other failure."""
        if not is_connection_lost(exc):
            return False
        self.show_offline(_("opnieuw proberen"))
        return True

    def show_offline(self, detail: str) -> None:
        self.offline = True
        seen = when(self.last_refresh, "seconds") if self.last_refresh else _("het openen")
        self.label.setText(
            _("Geen verbinding met de server ({detail}) · stand van {seen} · je werk blijft "
              "bewaard").format(detail=detail, seen=seen))
        self.label.setToolTip(
            _("Je ziet de stand van {seen}. Wat je typt blijft bewaard; wat je verstuurt wacht en "
              "gaat vanzelf weg zodra de server weer antwoordt.").format(seen=seen))
        self.label.show()

    def clear_offline(self) -> None:
        self.offline = False
        self.label.hide()

    def _on_live_change(self, revision: int) -> None:
        # Our own writes notify too; a revision we already have asks for nothing.
        if revision > self.ctx.revision:
            self.ctx.refresh()

    def _on_status(self, connected: bool, retry_in: float) -> None:
        if connected:
            if self.offline:
                self.clear_offline()
                self.ctx.show(_("Verbinding met de server hersteld."), 8000)
            # Whatever was committed while we were not listening.
            self.ctx.refresh()
            return
        self.show_offline(_("nieuwe poging over {seconds} s").format(seconds=f"{retry_in:.0f}"))
