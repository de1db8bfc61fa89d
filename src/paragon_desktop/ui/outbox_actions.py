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
        # Ticks made while the server was away show as chosen until the server has them.
        self._pending_ticks.update(self.outbox.ticks())
        self._show_outbox()

    def _show_outbox(self: MainWindow) -> None:
        self.feeds.outbox.set_items(self.outbox.items())

    def queue_message(self: MainWindow, feed_id: int, draft: Draft) -> None:
        """Keep a message to send when the server is back; the composer is free again."""
        feed = next((f for f in self.feeds.feeds() if f.id == feed_id), None)
        self.outbox.add(OutboxItem(feed_id, feed.name if feed else "?", draft))
        self.feeds.composer.set_busy(False)
        self._message_left(draft)
        self._show_outbox()
        self.statusBar().showMessage(
            "Geen verbinding met de server: je bericht wacht en wordt vanzelf verstuurd zodra "
            "de verbinding terug is.", 15000)

    def queue_tick(self: MainWindow, layer_id: int, visible: bool) -> None:
        self.outbox.set_tick(layer_id, visible)
        self.refresh_label.setText("Laagkeuze wacht op verbinding; ze wordt bewaard zodra de "
                                   "server weer antwoordt.")

    def flush_outbox(self: MainWindow) -> None:
        """Send the waiting layer ticks and the oldest waiting message; each success sends the
        next."""
        if self._outbox_sending or self.offline:
            return
        ticks = self.outbox.ticks()
        if ticks:
            self._outbox_sending = True
            user, editing = self.user, self.editing

            def send_ticks() -> dict[int, bool]:
                for layer_id, visible in ticks.items():
                    editing.set_layer_visible(user, layer_id, visible)
                return ticks

            self.workers.run(send_ticks, self._on_ticks_sent, self._on_ticks_failed)
            return
        waiting = self.outbox.waiting()
        if not waiting:
            return
        item = waiting[0]
        self._outbox_sending = True
        self.workers.run(self._post_job(item.feed_id, item.draft),
                         lambda result: self._on_outbox_sent(item, result),
                         lambda exc: self._on_outbox_failed(item, exc))

    def _on_ticks_sent(self: MainWindow, ticks: dict[int, bool]) -> None:
        self._outbox_sending = False
        for layer_id, visible in ticks.items():
            self.outbox.drop_tick(layer_id, visible)
            if self._pending_ticks.get(layer_id) == visible:
                del self._pending_ticks[layer_id]
        self.flush_outbox()

    def _on_ticks_failed(self: MainWindow, exc: Exception) -> None:
        self._outbox_sending = False
        if self._connection_failed(exc):
            return
        # A layer that is gone or no longer visible to the user: nothing left to keep.
        for layer_id, visible in self.outbox.ticks().items():
            self.outbox.drop_tick(layer_id, visible)
            self._pending_ticks.pop(layer_id, None)
        self.refresh_label.setText(f"Laagkeuze niet bewaard: {exc}")
        self.flush_outbox()

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
