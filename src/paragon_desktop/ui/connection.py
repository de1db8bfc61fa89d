"""The main window's side of a shared server: live updates and a lost connection.

While the server is away the window keeps its last picture and the user's typed text, says so
in the status bar with the time of that picture, and the listener retries with backoff; when
the server is back, one refresh brings everything committed meanwhile (by revision, so nothing
is missed even though the notifications sent while away are not replayed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel
from sqlalchemy.engine import URL

from paragon_desktop.storage.db import is_connection_lost
from paragon_desktop.ui.live import LiveUpdates

if TYPE_CHECKING:
    from paragon_desktop.ui.main_window import MainWindow

OFFLINE_STYLE = "background: #c92a2a; color: white; font-weight: bold; padding: 1px 6px;"


class ConnectionMixin:
    def _init_connection(self: MainWindow, live_url: URL | None) -> None:
        self.offline = False
        self._live_started = False
        self.connection_label = QLabel()
        self.connection_label.setStyleSheet(OFFLINE_STYLE)
        self.connection_label.hide()
        self.statusBar().addPermanentWidget(self.connection_label)
        self.live: LiveUpdates | None = None
        if live_url is not None:
            # Only commits that touched this case (or what every window shows) wake it.
            self.live = LiveUpdates(live_url, self, case_id=self.case.id)
            self.live.sig_changed.connect(self._on_live_change)
            self.live.sig_status.connect(self._on_connection_status)

    def _start_live(self: MainWindow) -> None:
        if self.live is not None and not self._live_started:
            self._live_started = True
            self.live.start()

    def _stop_live(self: MainWindow) -> None:
        if self.live is not None:
            self.live.stop()

    def _on_live_change(self: MainWindow, revision: int) -> None:
        # Our own writes notify too; a revision we already have asks for nothing.
        if revision > self.revision:
            self.refresh()

    def _on_connection_status(self: MainWindow, connected: bool, retry_in: float) -> None:
        if connected:
            if self.offline:
                self._clear_offline()
                self.statusBar().showMessage("Verbinding met de server hersteld.", 8000)
            # Whatever was committed while we were not listening.
            self.refresh()
            return
        self._show_offline(f"nieuwe poging over {retry_in:.0f} s")

    def _show_offline(self: MainWindow, detail: str) -> None:
        self.offline = True
        seen = f"{self.last_refresh:%H:%M:%S}" if self.last_refresh else "het openen"
        self.connection_label.setText(
            f"Geen verbinding met de server ({detail}) · stand van {seen} · je werk blijft bewaard")
        self.connection_label.setToolTip(
            f"Je ziet de stand van {seen}. Wat je typt blijft bewaard; wat je verstuurt wacht en "
            "gaat vanzelf weg zodra de server weer antwoordt.")
        self.connection_label.show()

    def _clear_offline(self: MainWindow) -> None:
        self.offline = False
        self.connection_label.hide()

    def _connection_failed(self: MainWindow, exc: Exception) -> bool:
        """Handle a failure that means the server is gone; False for any other failure."""
        if not is_connection_lost(exc):
            return False
        self._show_offline("opnieuw proberen")
        return True
