"""What waits for the server: a message sent while the server is away (or whose send was cut
off) and layer ticks made meanwhile wait on disk and go out by themselves, in order and exactly
once, when the server answers again; a refused message is kept with the reason.

``post_job`` is how a message is sent, now or from the outbox: the same client-made id each
time, so a resend stores it once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from paragon_desktop.domain.enums import MessageTag
from paragon_desktop.domain.errors import ParagonError, ValidationError
from paragon_desktop.domain.feeds import MAX_ATTACHMENT_BYTES
from paragon_desktop.i18n import _, number
from paragon_desktop.services.editing import EditingService
from paragon_desktop.services.feeds import FeedService, PostResult
from paragon_desktop.services.views import UserView
from paragon_desktop.ui.controllers.connection import ConnectionController
from paragon_desktop.ui.controllers.context import WindowContext
from paragon_desktop.ui.docks.composer import Draft
from paragon_desktop.ui.outbox import OutboxItem, OutboxStore


def read_attachment(path_text: str) -> tuple[str, bytes]:
    path = Path(path_text)
    try:
        size = path.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(_("“{name}” is {size} MB; een SITREP-document mag hoogstens "
                                    "{limit} MB zijn.").format(
                name=path.name, size=number(size / 1e6, 1),
                limit=MAX_ATTACHMENT_BYTES // (1024 * 1024)))
        return path.name, path.read_bytes()
    except OSError as exc:
        raise ValidationError(_("Het bijgevoegde document “{name}” kan niet gelezen worden "
                                "({reason}); voeg het opnieuw toe.").format(
            name=path.name, reason=exc.strerror or exc)) from exc


def post_job(service: FeedService, user: UserView, feed_id: int,
             draft: Draft) -> Callable[[], PostResult]:
    def job() -> PostResult:
        attachment = read_attachment(draft.attachment) if draft.attachment else None
        return service.post(
            user, feed_id, draft.text, [MessageTag(t) for t in draft.tags],
            answers_id=draft.link_id if draft.link_kind == "answer" else None,
            corrects_id=draft.link_id if draft.link_kind == "correct" else None,
            attachment=attachment, op_id=draft.op_id or None)

    return job


class OutboxController(QObject):
    sig_items_changed = Signal()  # the waiting or refused messages changed
    sig_tick_settled = Signal(int, bool, bool)  # layer id, visible, refused (dropped)

    def __init__(self, ctx: WindowContext, store: OutboxStore, feeds: FeedService,
                 editing: EditingService, connection: ConnectionController) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.store = store
        self._feeds = feeds
        self._editing = editing
        self._connection = connection
        self._sending = False

    @property
    def holds_messages(self) -> bool:
        return bool(self.store.waiting())

    def add_message(self, feed_id: int, feed_name: str, draft: Draft) -> None:
        self.store.add(OutboxItem(feed_id, feed_name, draft))
        self.sig_items_changed.emit()
        self.ctx.show(_("Geen verbinding met de server: je bericht wacht en wordt vanzelf verstuurd "
                      "zodra de verbinding terug is."), 15000)

    def add_tick(self, layer_id: int, visible: bool) -> None:
        self.store.set_tick(layer_id, visible)
        self.ctx.note(_("Laagkeuze wacht op verbinding; ze wordt bewaard zodra de server weer "
                      "antwoordt."))

    def remove(self, op_id: str) -> OutboxItem | None:
        item = self.item(op_id)
        if item is not None:
            self.store.remove(op_id)
            self.sig_items_changed.emit()
        return item

    def item(self, op_id: str) -> OutboxItem | None:
        return next((i for i in self.store.items() if i.op_id == op_id), None)

    def flush(self) -> None:
        """Send the waiting layer ticks and the oldest waiting message; each success sends the
        next."""
        if self._sending or self._connection.offline:
            return
        ticks = self.store.ticks()
        if ticks:
            self._sending = True
            user, editing = self.ctx.user, self._editing

            def send_ticks() -> dict[int, bool]:
                for layer_id, visible in ticks.items():
                    editing.set_layer_visible(user, layer_id, visible)
                return ticks

            self.ctx.ops.run(send_ticks, self._on_ticks_sent, self._on_ticks_failed)
            return
        waiting = self.store.waiting()
        if not waiting:
            return
        item = waiting[0]
        self._sending = True
        self.ctx.ops.run(post_job(self._feeds, self.ctx.user, item.feed_id, item.draft),
                         lambda result: self._on_sent(item, result),
                         lambda exc: self._on_failed(item, exc))

    def _on_ticks_sent(self, ticks: dict[int, bool]) -> None:
        self._sending = False
        for layer_id, visible in ticks.items():
            self.store.drop_tick(layer_id, visible)
            self.sig_tick_settled.emit(layer_id, visible, False)
        self.flush()

    def _on_ticks_failed(self, exc: Exception) -> None:
        self._sending = False
        if self._connection.failed(exc):
            return
        # A layer that is gone or no longer visible to the user: nothing left to keep.
        for layer_id, visible in self.store.ticks().items():
            self.store.drop_tick(layer_id, visible)
            self.sig_tick_settled.emit(layer_id, visible, True)
        self.ctx.note(_("Laagkeuze niet bewaard: {error}").format(error=exc))
        self.flush()

    def _on_sent(self, item: OutboxItem, _result: PostResult) -> None:
        self._sending = False
        self.store.remove(item.op_id)
        self.sig_items_changed.emit()
        self.ctx.show(_("Verstuurd uit de wachtrij: {text}").format(text=item.draft.text[:60]), 8000)
        self.ctx.refresh()
        self.flush()

    def _on_failed(self, item: OutboxItem, exc: Exception) -> None:
        self._sending = False
        if self._connection.failed(exc):
            return  # it waits; the next refresh after the server is back tries again
        reason = str(exc) if isinstance(exc, ParagonError) else f"{type(exc).__name__}: {exc}"
        self.store.refuse(item.op_id, reason)
        self.sig_items_changed.emit()
        self.ctx.show(_("Een wachtend bericht is geweigerd: {reason}").format(reason=reason), 15000)
        self.flush()
