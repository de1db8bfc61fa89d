"""The main window's side of the outbox: a message sent while the server is away waits on disk
and goes out by itself, in order and exactly once, when the server answers again; a refusal is
shown with the reason and the text is kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.services.feeds import PostResult
from paragon_desktop.ui.docks.composer import Draft
from paragon_desktop.ui.outbox import OutboxItem, OutboxStore

if TYPE_CHECKING:
    from paragon_desktop.ui.main_window import MainWindow


class OutboxMixin:
    def _init_outbox(self: MainWindow, database_key: str) -> None:
        self.outbox = OutboxStore(database_key, self.user.id, self.case.id)
        self._outbox_sending = False
        self.feeds.outbox.sig_take_back.connect(self._on_take_back)
        self.feeds.outbox.sig_discard.connect(self._on_discard)
        self._show_outbox()

    def _show_outbox(self: MainWindow) -> None:
        self.feeds.outbox.set_items(self.outbox.items())

    def queue_message(self: MainWindow, feed_id: int, draft: Draft) -> None:
        """Keep a message to send when the server is back; the composer is free again."""
        feed = next((f for f in self.feeds.feeds() if f.id == feed_id), None)
        self.outbox.add(OutboxItem(feed_id, feed.name if feed else "?", draft))
        self.feeds.composer.set_busy(False)
        self.feeds.composer.clear_sent()
        self._draft_saver.cancel()
        self.drafts.clear()
        self._show_outbox()
        self.statusBar().showMessage(
            "Geen verbinding met de server: je bericht wacht en wordt vanzelf verstuurd zodra "
            "de verbinding terug is.", 15000)

    def flush_outbox(self: MainWindow) -> None:
        """Send the oldest waiting message; each success sends the next."""
        if self._outbox_sending or self.offline:
            return
        waiting = self.outbox.waiting()
        if not waiting:
            return
        item = waiting[0]
        self._outbox_sending = True
        self.workers.run(self._post_job(item.feed_id, item.draft),
                         lambda result: self._on_outbox_sent(item, result),
                         lambda exc: self._on_outbox_failed(item, exc))

    def _on_outbox_sent(self: MainWindow, item: OutboxItem, _result: PostResult) -> None:
        self._outbox_sending = False
        self.outbox.remove(item.op_id)
        self._show_outbox()
        self.statusBar().showMessage(f"Verstuurd uit de wachtrij: {item.draft.text[:60]}", 8000)
        self.refresh()
        self.flush_outbox()

    def _on_outbox_failed(self: MainWindow, item: OutboxItem, exc: Exception) -> None:
        self._outbox_sending = False
        if self._connection_failed(exc):
            return  # it waits; the next refresh after the server is back tries again
        reason = str(exc) if isinstance(exc, ParagonError) else f"{type(exc).__name__}: {exc}"
        self.outbox.refuse(item.op_id, reason)
        self._show_outbox()
        self.statusBar().showMessage(f"Een wachtend bericht is geweigerd: {reason}", 15000)
        self.flush_outbox()

    def _on_take_back(self: MainWindow, op_id: str) -> None:
        item = next((i for i in self.outbox.items() if i.op_id == op_id), None)
        if item is None:
            return
        composer = self.feeds.composer
        if not composer.draft().is_empty:
            self.statusBar().showMessage(
                "Verstuur of bewaar eerst wat in het invoerveld staat; daarna kan dit bericht "
                "terug.", 10000)
            return
        composer.restore(item.draft)
        self.feeds.show_feed(item.feed_id)
        self.save_draft()
        self.outbox.remove(op_id)
        self._show_outbox()

    def _on_discard(self: MainWindow, op_id: str) -> None:
        item = next((i for i in self.outbox.items() if i.op_id == op_id), None)
        if item is None:
            return
        answer = QMessageBox.question(
            self, "Bericht verwijderen",
            f"Dit bericht wordt niet verstuurd en verdwijnt van deze computer:\n\n{item.draft.text}")
        if answer == QMessageBox.StandardButton.Yes:
            self.outbox.remove(op_id)
            self._show_outbox()
