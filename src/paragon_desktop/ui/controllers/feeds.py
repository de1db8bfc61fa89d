"""The feeds dock and everything done from it: pages, sending, answers and corrections, drafts,
Important pop-ups, SITREP documents and exports. All database work runs through ``ctx.ops``."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMenu, QMessageBox, QWidget

from paragon_desktop.domain.access import can_write_messages
from paragon_desktop.domain.enums import AccessLevel, FeedKind, MessageTag
from paragon_desktop.domain.feeds import FeedFilter, pops_up
from paragon_desktop.i18n import _, when
from paragon_desktop.services.feed_export import write_csv
from paragon_desktop.services.feeds import PAGE_SIZE, AttachmentData, FeedService, PostResult
from paragon_desktop.services.views import ChangeSet, MessageView
from paragon_desktop.ui.controllers.connection import ConnectionController
from paragon_desktop.ui.controllers.context import WindowContext
from paragon_desktop.ui.controllers.outbox import OutboxController, post_job
from paragon_desktop.ui.docks.composer import Draft
from paragon_desktop.ui.docks.feeds import FeedsPanel
from paragon_desktop.ui.drafts import DraftSaver, DraftStore
from paragon_desktop.ui.feed_pdf import write_pdf
from paragon_desktop.ui.important import ImportantPopups
from paragon_desktop.ui.plain import ask, warn


class _Resized(QObject):
    def __init__(self, popups: ImportantPopups) -> None:
        super().__init__(popups)
        self.popups = popups

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Resize:
            self.popups.place()
        return False


class FeedsController(QObject):
    def __init__(self, ctx: WindowContext, service: FeedService, outbox: OutboxController,
                 connection: ConnectionController, *, database_key: str, popup_host: QWidget,
                 popups_below: QWidget) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.service = service
        self.outbox = outbox
        self.connection = connection
        self.last_send_error = ""
        self.last_export = ""
        self.panel = FeedsPanel()
        self.panel.user_id = ctx.user.id
        self.dock: QDockWidget | None = None  # set by the window when it places the panel
        self.drafts = DraftStore(database_key, ctx.user.id, ctx.case.id)
        self.popups = ImportantPopups(popup_host, below=popups_below)
        popup_host.installEventFilter(_Resized(self.popups))
        self.popups.sig_acknowledged.connect(self._on_acknowledge)
        self._draft_saver = DraftSaver(self.save_draft, self)

        # Ctrl+F: into the feed search, wherever the focus was (the feeds dock is shown first).
        self.find_action = QAction(_("&Zoeken in berichten"), ctx.parent_widget)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.focus_search)

        panel = self.panel
        composer = panel.composer
        composer.sig_draft_changed.connect(lambda _draft: self._draft_saver.changed())
        composer.sig_pick_question.connect(self._on_pick_question)
        panel.sig_send.connect(self.send)
        panel.sig_load_page.connect(self._on_load_page)
        panel.sig_tab_shown.connect(self._on_tab_shown)
        panel.sig_message_menu.connect(self._on_message_menu)
        panel.filters.export_csv.triggered.connect(self._on_export_csv)
        panel.filters.export_pdf.triggered.connect(self._on_export_pdf)
        panel.outbox.sig_take_back.connect(self.take_back)
        panel.outbox.sig_discard.connect(self.discard)
        outbox.sig_items_changed.connect(self._show_outbox)
        ctx.sig_changes.connect(self._on_changes)
        ctx.sig_case_updated.connect(self._update_permissions)
        self._show_outbox()

        draft = self.drafts.load()
        if draft is not None:
            composer.restore(draft)
            self._forget_draft_if_sent(draft)

    # -- from the window -------------------------------------------------------------------------
    def case_opened(self) -> None:
        user, case_id = self.ctx.user, self.ctx.case.id
        self.ctx.ops.run(lambda: self.service.pending_important(user, case_id), self.popups.add,
                         lambda exc: self.ctx.note(str(exc)))

    def close(self) -> None:
        self.save_draft()

    def focus_search(self) -> None:
        if self.dock is not None and not self.dock.isVisible():
            self.dock.show()
            self.dock.raise_()
        search = self.panel.filters.search
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()

    def _on_changes(self, changes: ChangeSet, first: bool) -> None:
        if changes.feeds is not None:
            self.panel.set_feeds(changes.feeds)
        if changes.messages:
            # What was there when the case opened is history, not news.
            self.panel.add_messages(changes.messages, count_unread=not first)
            if not first:
                self._pop_up_new(changes.messages)

    def _update_permissions(self) -> None:
        ctx = self.ctx
        if ctx.access_lost:
            reason = ctx.access_lost
        elif not ctx.case.is_open:
            reason = _("Deze case is afgesloten: alleen lezen.")
        elif ctx.user.access_level is AccessLevel.READ_ONLY:
            reason = _("Je toegang is 'Alleen lezen': je kunt geen berichten schrijven.")
        elif ctx.participation is None:
            reason = _("Je neemt niet deel aan deze case in een crisisrol.")
        else:
            reason = ""
        writable = not reason and can_write_messages(ctx.user.access_level, ctx.case.is_open)
        self.panel.composer.set_writable(writable, reason)

    # -- drafts ----------------------------------------------------------------------------------
    def _forget_draft_if_sent(self, draft: Draft) -> None:
        """A draft whose message reached the server (the app was killed right after sending, or
        the connection broke before the answer came) is not offered again as unsent."""
        if not draft.op_id:
            return
        user, op_id = self.ctx.user, draft.op_id

        def done(message_id: int | None) -> None:
            if message_id is not None and self.panel.composer.op_id == op_id:
                self._message_left(draft)
                self.ctx.show(_("Je laatste bericht was al verstuurd voor de app sloot: het staat "
                              "in de feed."), 15000)

        self.ctx.ops.run(lambda: self.service.stored_message(user, op_id), done,
                         lambda _exc: None)  # unknown now: the draft stays, a send is safe

    def _message_left(self, draft: Draft) -> None:
        """The message ``draft`` was sent or queued: the composer and the draft file keep only
        what was typed since."""
        self.panel.composer.message_left(draft)
        if self.panel.composer.draft().is_empty:
            self._draft_saver.cancel()
            self.drafts.clear()
        else:
            self.save_draft()

    def save_draft(self) -> None:
        self._draft_saver.cancel()
        try:
            self.drafts.save(self.panel.composer.draft())
        except OSError as exc:
            self.ctx.note(_("Concept niet lokaal bewaard: {error}").format(error=exc))

    # -- pages -----------------------------------------------------------------------------------
    def _on_load_page(self, feed_id: int, flt: FeedFilter, before: Any) -> None:
        user = self.ctx.user

        def done(messages: list[MessageView]) -> None:
            tab = self.panel.tab(feed_id)
            if tab is not None and tab.filter == flt:
                tab.model.add_page(messages, PAGE_SIZE)
                tab.update_empty_hint()

        def failed(exc: Exception) -> None:
            tab = self.panel.tab(feed_id)
            if tab is not None:
                tab.model.page_failed()
            self.ctx.note(_("Berichten niet geladen: {error}").format(error=exc))

        self.ctx.ops.run(lambda: self.service.page(user, feed_id, flt, before=before), done, failed)

    def _on_tab_shown(self, feed_id: int) -> None:
        user = self.ctx.user
        self.ctx.ops.run(lambda: self.service.facets(user, feed_id),
                         lambda facets: self.panel.set_facets(feed_id, facets),
                         lambda exc: self.ctx.note(str(exc)))

    # -- sending ---------------------------------------------------------------------------------
    def send(self, feed_id: int, draft: Draft) -> None:
        if self.connection.offline or self.outbox.holds_messages:
            # Known to be away, or earlier messages still wait: this one goes after them.
            self.queue(feed_id, draft)
            self.outbox.flush()
            return
        self.panel.composer.set_busy(True)
        # The draft, with the id the message is sent under, is on disk before it leaves: killed
        # right after the send, the app finds it stored and does not offer it again.
        self.save_draft()
        self.ctx.ops.run(post_job(self.service, self.ctx.user, feed_id, draft),
                         lambda result: self.sent(draft, result),
                         lambda exc: self._send_failed(feed_id, draft, exc))

    def queue(self, feed_id: int, draft: Draft) -> None:
        """Keep a message to send when the server is back; the composer is free again."""
        feed = next((f for f in self.panel.feeds() if f.id == feed_id), None)
        self.outbox.add_message(feed_id, feed.name if feed else "?", draft)
        self.panel.composer.set_busy(False)
        self._message_left(draft)

    def sent(self, draft: Draft, result: PostResult) -> None:
        self.panel.composer.set_busy(False)
        self._message_left(draft)
        if result.replayed:
            self.ctx.show(_("Dit bericht had de server al bereikt: het is niet dubbel opgeslagen."),
                          15000)
        elif result.copied_to:
            self.ctx.show(_("Verstuurd en gekopieerd naar ") + ", ".join(result.copied_to), 15000)

    def _send_failed(self, feed_id: int, draft: Draft, exc: Exception) -> None:
        self.panel.composer.set_busy(False)
        if self.connection.failed(exc):
            # Stored or not, the server did not say: it waits in the outbox under the same id,
            # so the resend stores it once.
            self.last_send_error = ""
            self.queue(feed_id, draft)
            return
        # A refusal: the text stays in the composer (and in the draft file) with the reason.
        self.last_send_error = str(exc)
        warn(self.ctx.parent_widget, _("Bericht niet verstuurd"), self.last_send_error)

    def _on_pick_question(self) -> None:
        feed_id = self.panel.current_feed_id()
        if feed_id is None:
            return
        user = self.ctx.user
        button = self.panel.composer.tags[MessageTag.ANSWER]

        def show(questions: list[MessageView]) -> None:
            if self.panel.composer.link_kind == "answer":
                return
            if not questions:
                button.setChecked(False)
                self.ctx.note(_("Geen open vragen in deze feed om te beantwoorden."))
                return
            menu = QMenu(self.ctx.parent_widget)
            for q in questions:
                text = " ".join(q.text.split())
                action = menu.addAction(f"{when(q.created_at, 'time')} {q.author}: {text[:70]}")
                action.setData(q)
            chosen = menu.exec(button.mapToGlobal(QPoint(0, button.height())))
            if chosen is None:
                button.setChecked(False)
            else:
                self.panel.composer.answer(chosen.data())

        self.ctx.ops.run(
            lambda: self.service.page(user, feed_id, FeedFilter(open_questions=True), limit=15),
            show, lambda exc: self.ctx.note(str(exc)))

    # -- the outbox shown above the composer -----------------------------------------------------
    def _show_outbox(self) -> None:
        self.panel.outbox.set_items(self.outbox.store.items())

    def take_back(self, op_id: str) -> None:
        item = self.outbox.item(op_id)
        if item is None:
            return
        composer = self.panel.composer
        if not composer.draft().is_empty:
            self.ctx.show(_("Verstuur of bewaar eerst wat in het invoerveld staat; daarna kan dit "
                          "bericht terug."), 10000)
            return
        composer.restore(item.draft)
        self.panel.show_feed(item.feed_id)
        self.save_draft()
        self.outbox.remove(op_id)

    def discard(self, op_id: str) -> None:
        item = self.outbox.item(op_id)
        if item is None:
            return
        if ask(self.ctx.parent_widget, _("Bericht verwijderen"),
               _("Dit bericht wordt niet verstuurd en verdwijnt van deze computer:\n\n{text}").format(
                   text=item.draft.text)):
            self.outbox.remove(op_id)

    # -- a message's menu ------------------------------------------------------------------------
    def _on_message_menu(self, message: MessageView, where: QPoint) -> None:
        menu = QMenu(self.ctx.parent_widget)
        composer = self.panel.composer
        writable = composer.editor.isEnabled()
        if MessageTag.QUESTION.value in message.tags:
            answer = menu.addAction(_("Beantwoorden"))
            answer.setEnabled(writable)
            answer.triggered.connect(lambda: composer.answer(message))
        correct = menu.addAction(_("Corrigeren…"))
        correct.setToolTip(_("Een nieuw bericht dat dit corrigeert; dit bericht blijft staan"))
        correct.setEnabled(writable)
        correct.triggered.connect(lambda: composer.correct(message))
        if message.attachment:
            menu.addAction(_("Bijlage openen"), lambda: self.open_attachment(message))
            menu.addAction(_("Bijlage opslaan als…"), lambda: self.save_attachment(message))
        if MessageTag.IMPORTANT.value in message.tags:
            menu.addAction(_("Gezien door…"), lambda: self._show_seen_by(message))
        menu.addSeparator()
        menu.addAction(_("Tekst kopiëren"),
                       lambda: QGuiApplication.clipboard().setText(message.text))
        menu.popup(where)

    def _fetch_attachment(self, message: MessageView,
                          then: Callable[[AttachmentData], None]) -> None:
        user = self.ctx.user
        self.ctx.ops.run(lambda: self.service.attachment(user, message.id), then,
                         lambda exc: self.ctx.tell(_("Bijlage"), str(exc)))

    def open_attachment(self, message: MessageView) -> None:
        def opened(document: AttachmentData) -> None:
            folder = Path(tempfile.mkdtemp(prefix="paragon-bijlage-"))
            # Only the name's last part, so a crafted name cannot write elsewhere.
            path = folder / (Path(document.file_name).name or "bijlage")
            path.write_bytes(document.data)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

        self._fetch_attachment(message, opened)

    def save_attachment(self, message: MessageView) -> None:
        target, _filter = QFileDialog.getSaveFileName(self.ctx.parent_widget, _("Bijlage opslaan"),
                                                str(Path.home() / Path(message.attachment).name))
        if target:
            def save(document: AttachmentData) -> None:
                Path(target).write_bytes(document.data)

            self._fetch_attachment(message, save)

    def _show_seen_by(self, message: MessageView) -> None:
        user = self.ctx.user

        def show(rows: list[Any]) -> None:
            lines = [f"{when(at, 'day_time')}  {name}" for name, at in rows]
            self.ctx.tell(_("Gezien door"), "\n".join(lines) or _("Nog niemand bevestigde dit bericht."),
                          QMessageBox.Icon.Information)

        self.ctx.ops.run(lambda: self.service.acknowledged_by(user, message.id), show,
                         lambda exc: self.ctx.note(str(exc)))

    # -- Important pop-ups -----------------------------------------------------------------------
    def _pop_up_new(self, messages: list[MessageView]) -> None:
        kinds = {f.id: FeedKind(f.kind) for f in self.panel.feeds()}
        new = [m for m in messages if m.author_id != self.ctx.user.id and m.feed_id in kinds
               and pops_up(m.tags, kinds[m.feed_id])]
        if new and self.ctx.case.is_open:
            self.popups.add(new)

    def _on_acknowledge(self, message_id: int) -> None:
        user = self.ctx.user

        def failed(exc: Exception) -> None:
            self.popups.failed(message_id)
            self.ctx.note(_("Niet bevestigd: {error}").format(error=exc))

        self.ctx.ops.run(lambda: self.service.acknowledge(user, message_id),
                         lambda _none: self.popups.remove(message_id), failed)

    # -- export ----------------------------------------------------------------------------------
    def _export_target(self, suffix: str, kind: str) -> tuple[int, FeedFilter, Path] | None:
        tab = self.panel.current_tab()
        if tab is None:
            return None
        stamp = f"{self.ctx.case.name} - {tab.feed.name}".replace("/", "-")
        path, _filter = QFileDialog.getSaveFileName(self.ctx.parent_widget,
                                                    _("Feed exporteren als {kind}").format(kind=kind),
                                              str(Path.home() / f"{stamp}.{suffix}"),
                                              f"{kind} (*.{suffix})")
        if not path:
            return None
        return tab.feed.id, tab.filter, Path(path)

    def _on_export_csv(self) -> None:
        target = self._export_target("csv", "CSV")
        if target is not None:
            self.export(*target, pdf=False)

    def _on_export_pdf(self) -> None:
        target = self._export_target("pdf", "PDF")
        if target is not None:
            self.export(*target, pdf=True)

    def export(self, feed_id: int, flt: FeedFilter, path: Path, *, pdf: bool) -> None:
        user, case_name, service = self.ctx.user, self.ctx.case.name, self.service
        tab = self.panel.tab(feed_id)
        feed_name = tab.feed.name if tab is not None else ""
        self.ctx.note(_("Feed {name} wordt geëxporteerd…").format(name=feed_name))

        def job() -> int:
            rows = service.export_rows(user, feed_id, flt)
            if pdf:
                title = _("{case} - feed {feed}").format(case=case_name, feed=feed_name)
                return write_pdf(rows, path, title, flt)
            return write_csv(rows, path)

        def done(count: int) -> None:
            self.last_export = str(path)
            self.ctx.note(_("{count} berichten geëxporteerd naar {file}").format(count=count, file=path.name))

        self.ctx.ops.run(job, done, lambda exc: self.ctx.tell(_("Export mislukt"), str(exc)))
