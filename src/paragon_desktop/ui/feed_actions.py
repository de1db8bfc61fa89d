"""What the main window does for the feeds dock: pages, sending, answers and corrections,
drafts, Important pop-ups, SITREP documents and exports. All database work runs on workers."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from paragon_desktop.domain.enums import FeedKind, MessageTag
from paragon_desktop.domain.errors import ValidationError
from paragon_desktop.domain.feeds import MAX_ATTACHMENT_BYTES, FeedFilter, pops_up
from paragon_desktop.services.feed_export import write_csv
from paragon_desktop.services.feeds import PAGE_SIZE, PostResult
from paragon_desktop.services.views import MessageView
from paragon_desktop.ui.docks.composer import Draft
from paragon_desktop.ui.drafts import DraftSaver, DraftStore
from paragon_desktop.ui.feed_pdf import write_pdf
from paragon_desktop.ui.important import ImportantPopups
from paragon_desktop.ui.models.messages import LOCAL_TZ

if TYPE_CHECKING:
    from paragon_desktop.ui.main_window import MainWindow


def read_attachment(path_text: str) -> tuple[str, bytes]:
    path = Path(path_text)
    try:
        size = path.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(f"“{path.name}” is {size / 1e6:.1f} MB; a SITREP document may "
                                  f"be at most {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB.")
        return path.name, path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"The attached document “{path.name}” cannot be read "
                              f"({exc.strerror or exc}); attach it again.") from exc


class _Resized(QObject):
    def __init__(self, popups: ImportantPopups) -> None:
        super().__init__(popups)
        self.popups = popups

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Resize:
            self.popups.place()
        return False


class FeedActionsMixin:
    def _init_feeds(self: MainWindow, database_key: str) -> None:
        self.drafts = DraftStore(database_key, self.user.id, self.case.id)
        central = self.centralWidget()
        self.popups = ImportantPopups(central, below=self.banner)
        central.installEventFilter(_Resized(self.popups))
        self.popups.sig_acknowledged.connect(self._on_acknowledge)
        self._draft_saver = DraftSaver(self.save_draft, self)
        composer = self.feeds.composer
        composer.sig_draft_changed.connect(lambda _draft: self._draft_saver.changed())
        composer.sig_pick_question.connect(self._on_pick_question)
        self.feeds.sig_send.connect(self._on_send)
        self.feeds.sig_load_page.connect(self._on_load_page)
        self.feeds.sig_tab_shown.connect(self._on_tab_shown)
        self.feeds.sig_message_menu.connect(self._on_message_menu)
        self.feeds.filters.export_csv.triggered.connect(self._on_export_csv)
        self.feeds.filters.export_pdf.triggered.connect(self._on_export_pdf)
        draft = self.drafts.load()
        if draft is not None:
            composer.restore(draft)
            self._forget_draft_if_sent(draft)

    # -- drafts ----------------------------------------------------------------------------------
    def _forget_draft_if_sent(self: MainWindow, draft: Draft) -> None:
        """A draft whose message reached the server (the app was killed right after sending, or
        the connection broke before the answer came) is not offered again as unsent."""
        if not draft.op_id:
            return
        user, op_id = self.user, draft.op_id

        def done(message_id: int | None) -> None:
            if message_id is not None and self.feeds.composer.op_id == op_id:
                self._message_left(draft)
                self.statusBar().showMessage(
                    "Je laatste bericht was al verstuurd voor de app sloot: het staat in de feed.",
                    15000)

        self.workers.run(lambda: self.feed_service.stored_message(user, op_id), done,
                         lambda _exc: None)  # unknown now: the draft stays, a send is safe

    def _message_left(self: MainWindow, draft: Draft) -> None:
        """The message ``draft`` was sent or queued: the composer and the draft file keep only
        what was typed since."""
        self.feeds.composer.message_left(draft)
        if self.feeds.composer.draft().is_empty:
            self._draft_saver.cancel()
            self.drafts.clear()
        else:
            self.save_draft()

    def save_draft(self: MainWindow) -> None:
        self._draft_saver.cancel()
        try:
            self.drafts.save(self.feeds.composer.draft())
        except OSError as exc:
            self.refresh_label.setText(f"Concept niet lokaal bewaard: {exc}")

    # -- pages -----------------------------------------------------------------------------------
    def _on_load_page(self: MainWindow, feed_id: int, flt: FeedFilter, before: Any) -> None:
        user = self.user

        def done(messages: list[MessageView]) -> None:
            tab = self.feeds.tab(feed_id)
            if tab is not None and tab.filter == flt:
                tab.model.add_page(messages, PAGE_SIZE)
                tab.update_empty_hint()

        def failed(exc: Exception) -> None:
            tab = self.feeds.tab(feed_id)
            if tab is not None:
                tab.model.page_failed()
            self.refresh_label.setText(f"Berichten niet geladen: {exc}")

        self.workers.run(lambda: self.feed_service.page(user, feed_id, flt, before=before),
                         done, failed)

    def _on_tab_shown(self: MainWindow, feed_id: int) -> None:
        user = self.user
        self.workers.run(lambda: self.feed_service.facets(user, feed_id),
                         lambda facets: self.feeds.set_facets(feed_id, facets),
                         lambda exc: self.refresh_label.setText(str(exc)))

    # -- sending ---------------------------------------------------------------------------------
    def _on_send(self: MainWindow, feed_id: int, draft: Draft) -> None:
        if self.offline or self.outbox.waiting():
            # Known to be away, or earlier messages still wait: this one goes after them.
            self.queue_message(feed_id, draft)
            self.flush_outbox()
            return
        self.feeds.composer.set_busy(True)
        # The draft, with the id the message is sent under, is on disk before it leaves: killed
        # right after the send, the app finds it stored and does not offer it again.
        self.save_draft()
        self.workers.run(self._post_job(feed_id, draft),
                         lambda result: self._on_sent(draft, result),
                         lambda exc: self._on_send_failed(feed_id, draft, exc))

    def _post_job(self: MainWindow, feed_id: int, draft: Draft) -> Callable[[], PostResult]:
        user, service = self.user, self.feed_service

        def job() -> PostResult:
            attachment = read_attachment(draft.attachment) if draft.attachment else None
            return service.post(
                user, feed_id, draft.text, [MessageTag(t) for t in draft.tags],
                answers_id=draft.link_id if draft.link_kind == "answer" else None,
                corrects_id=draft.link_id if draft.link_kind == "correct" else None,
                attachment=attachment, op_id=draft.op_id or None)

        return job

    def _on_sent(self: MainWindow, draft: Draft, result: PostResult) -> None:
        self.feeds.composer.set_busy(False)
        self._message_left(draft)
        if result.replayed:
            self.statusBar().showMessage(
                "Dit bericht had de server al bereikt: het is niet dubbel opgeslagen.", 15000)
        elif result.copied_to:
            self.statusBar().showMessage(
                "Verstuurd en gekopieerd naar " + ", ".join(result.copied_to), 15000)

    def _on_send_failed(self: MainWindow, feed_id: int, draft: Draft, exc: Exception) -> None:
        self.feeds.composer.set_busy(False)
        if self._connection_failed(exc):
            # Stored or not, the server did not say: it waits in the outbox under the same id,
            # so the resend stores it once.
            self.last_send_error = ""
            self.queue_message(feed_id, draft)
            return
        # A refusal: the text stays in the composer (and in the draft file) with the reason.
        self.last_send_error = str(exc)
        QMessageBox.warning(self, "Bericht niet verstuurd", self.last_send_error)

    def _on_pick_question(self: MainWindow) -> None:
        feed_id = self.feeds.current_feed_id()
        if feed_id is None:
            return
        user = self.user
        button = self.feeds.composer.tags[MessageTag.ANSWER]

        def show(questions: list[MessageView]) -> None:
            if self.feeds.composer.link_kind == "answer":
                return
            if not questions:
                button.setChecked(False)
                self.refresh_label.setText("Geen open vragen in deze feed om te beantwoorden.")
                return
            menu = QMenu(self)
            for q in questions:
                when = q.created_at.astimezone(LOCAL_TZ).strftime("%H:%M")
                text = " ".join(q.text.split())
                action = menu.addAction(f"{when} {q.author}: {text[:70]}")
                action.setData(q)
            chosen = menu.exec(button.mapToGlobal(QPoint(0, button.height())))
            if chosen is None:
                button.setChecked(False)
            else:
                self.feeds.composer.answer(chosen.data())

        self.workers.run(
            lambda: self.feed_service.page(user, feed_id, FeedFilter(open_questions=True), limit=15),
            show, lambda exc: self.refresh_label.setText(str(exc)))

    # -- a message's menu ------------------------------------------------------------------------
    def _on_message_menu(self: MainWindow, message: MessageView, where: QPoint) -> None:
        menu = QMenu(self)
        writable = self.feeds.composer.editor.isEnabled()
        if MessageTag.QUESTION.value in message.tags:
            answer = menu.addAction("Beantwoorden")
            answer.setEnabled(writable)
            answer.triggered.connect(lambda: self.feeds.composer.answer(message))
        correct = menu.addAction("Corrigeren…")
        correct.setToolTip("Een nieuw bericht dat dit corrigeert; dit bericht blijft staan")
        correct.setEnabled(writable)
        correct.triggered.connect(lambda: self.feeds.composer.correct(message))
        if message.attachment:
            menu.addAction("Bijlage openen", lambda: self.open_attachment(message))
            menu.addAction("Bijlage opslaan als…", lambda: self.save_attachment(message))
        if MessageTag.IMPORTANT.value in message.tags:
            menu.addAction("Gezien door…", lambda: self._show_seen_by(message))
        menu.addSeparator()
        menu.addAction("Tekst kopiëren",
                       lambda: QGuiApplication.clipboard().setText(message.text))
        menu.popup(where)

    def _fetch_attachment(self: MainWindow, message: MessageView, then: Any) -> None:
        user = self.user
        self.workers.run(lambda: self.feed_service.attachment(user, message.id), then,
                         lambda exc: QMessageBox.warning(self, "Bijlage", str(exc)))

    def open_attachment(self: MainWindow, message: MessageView) -> None:
        def opened(document: Any) -> None:
            folder = Path(tempfile.mkdtemp(prefix="paragon-bijlage-"))
            # Only the name's last part, so a crafted name cannot write elsewhere.
            path = folder / (Path(document.file_name).name or "bijlage")
            path.write_bytes(document.data)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

        self._fetch_attachment(message, opened)

    def save_attachment(self: MainWindow, message: MessageView) -> None:
        target, _ = QFileDialog.getSaveFileName(self, "Bijlage opslaan",
                                                str(Path.home() / Path(message.attachment).name))
        if target:
            self._fetch_attachment(message, lambda document: Path(target).write_bytes(document.data))

    def _show_seen_by(self: MainWindow, message: MessageView) -> None:
        user = self.user

        def show(rows: list[Any]) -> None:
            lines = [f"{at.astimezone(LOCAL_TZ):%d/%m %H:%M}  {name}" for name, at in rows]
            box = QMessageBox(QMessageBox.Icon.Information, "Gezien door",
                              "\n".join(lines) or "Nog niemand bevestigde dit bericht.", parent=self)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.open()

        self.workers.run(lambda: self.feed_service.acknowledged_by(user, message.id), show,
                         lambda exc: self.refresh_label.setText(str(exc)))

    # -- Important pop-ups -----------------------------------------------------------------------
    def _load_pending_important(self: MainWindow) -> None:
        user, case_id = self.user, self.case.id
        self.workers.run(lambda: self.feed_service.pending_important(user, case_id),
                         self.popups.add, lambda exc: self.refresh_label.setText(str(exc)))

    def _pop_up_new(self: MainWindow, messages: list[MessageView]) -> None:
        kinds = {f.id: FeedKind(f.kind) for f in self.feeds.feeds()}
        new = [m for m in messages if m.author_id != self.user.id and m.feed_id in kinds
               and pops_up(m.tags, kinds[m.feed_id])]
        if new and self.case.is_open:
            self.popups.add(new)

    def _on_acknowledge(self: MainWindow, message_id: int) -> None:
        user = self.user

        def failed(exc: Exception) -> None:
            self.popups.failed(message_id)
            self.refresh_label.setText(f"Niet bevestigd: {exc}")

        self.workers.run(lambda: self.feed_service.acknowledge(user, message_id),
                         lambda _none: self.popups.remove(message_id), failed)

    # -- export ----------------------------------------------------------------------------------
    def _export_target(self: MainWindow, suffix: str, kind: str) -> tuple[int, FeedFilter, Path] | None:
        tab = self.feeds.current_tab()
        if tab is None:
            return None
        stamp = f"{self.case.name} - {tab.feed.name}".replace("/", "-")
        path, _ = QFileDialog.getSaveFileName(self, f"Feed exporteren als {kind}",
                                              str(Path.home() / f"{stamp}.{suffix}"),
                                              f"{kind} (*.{suffix})")
        if not path:
            return None
        return tab.feed.id, tab.filter, Path(path)

    def _on_export_csv(self: MainWindow) -> None:
        target = self._export_target("csv", "CSV")
        if target is not None:
            self.export_feed(*target, pdf=False)

    def _on_export_pdf(self: MainWindow) -> None:
        target = self._export_target("pdf", "PDF")
        if target is not None:
            self.export_feed(*target, pdf=True)

    def export_feed(self: MainWindow, feed_id: int, flt: FeedFilter, path: Path, *,
                    pdf: bool) -> None:
        user, case_name = self.user, self.case.name
        feed_name = self.feeds.tab(feed_id).feed.name if self.feeds.tab(feed_id) else ""
        self.refresh_label.setText(f"Feed {feed_name} wordt geëxporteerd…")

        def job() -> int:
            rows = self.feed_service.export_rows(user, feed_id, flt)
            if pdf:
                return write_pdf(rows, path, f"{case_name} - feed {feed_name}", flt)
            return write_csv(rows, path)

        def done(count: int) -> None:
            self.last_export = str(path)
            self.refresh_label.setText(f"{count} berichten geëxporteerd naar {path.name}")

        self.workers.run(job, done,
                         lambda exc: QMessageBox.warning(self, "Export mislukt", str(exc)))
