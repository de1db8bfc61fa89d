"""The composer of the feeds dock: text, tags with shortcuts, answer/correction link, SITREP
document, #FeedName completion. Ctrl+Enter sends. Everything typed is kept as a draft."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.domain.enums import MessageTag
from paragon_desktop.domain.feeds import hashtag_prefix
from paragon_desktop.i18n import _
from paragon_desktop.services.once import new_op_id
from paragon_desktop.services.views import MessageView
from paragon_desktop.ui.models.messages import TAG_COLOURS
from paragon_desktop.ui.plain import text_label
from paragon_desktop.ui.reminder import reminder

TAG_KEYS = {MessageTag.IMPORTANT: "Ctrl+1", MessageTag.QUESTION: "Ctrl+2",
            MessageTag.ANSWER: "Ctrl+3", MessageTag.DECISION: "Ctrl+4", MessageTag.SITREP: "Ctrl+5"}


@dataclass
class Draft:
    """What the composer holds: saved as the user types, restored after a crash or a close."""

    text: str = ""
    tags: list[str] = field(default_factory=list)
    link_kind: str = ""  # "answer" or "correct"
    link_id: int | None = None
    link_feed_id: int | None = None
    link_excerpt: str = ""
    attachment: str = ""  # path of the SITREP document on this machine
    # The id this message is sent with (services.once): a resend after a cut connection or a
    # crash is stored once, and a draft of a message that reached the server is not offered again.
    op_id: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.text.strip() or self.tags or self.link_id or self.attachment)

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


class HashtagEdit(QPlainTextEdit):
    """A plain-text editor that completes feed names after ``#``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.completer = QCompleter(self)
        self.completer.setModel(QStringListModel(self.completer))
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setWidget(self)
        self.completer.activated.connect(self.insert_completion)
        self.textChanged.connect(self._update_completion)

    def set_feed_names(self, names: list[str]) -> None:
        model = self.completer.model()
        assert isinstance(model, QStringListModel)
        model.setStringList(names)

    def _prefix(self) -> str | None:
        cursor = self.textCursor()
        return hashtag_prefix(self.toPlainText(), cursor.position())

    def _update_completion(self) -> None:
        prefix = self._prefix()
        if prefix is None or not self.hasFocus():
            self._popup().hide()
            return
        self.completer.setCompletionPrefix(prefix)
        if self.completer.completionCount() == 0 or (
                self.completer.completionCount() == 1
                and self.completer.currentCompletion() == prefix):
            self._popup().hide()
            return
        rect = self.cursorRect()
        rect.setWidth(220)
        self.completer.complete(rect)

    def insert_completion(self, name: str) -> None:
        prefix = self._prefix() or ""
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor,
                            len(prefix))
        cursor.insertText(name + " ")
        self.setTextCursor(cursor)
        self._popup().hide()

    def _popup(self) -> QAbstractItemView:
        popup = self.completer.popup()
        assert popup is not None  # a QCompleter always has its popup
        return popup

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        popup = self._popup()
        if popup.isVisible() and event.key() in (Qt.Key.Key_Enter, Qt.Key.Key_Return,
                                                 Qt.Key.Key_Tab, Qt.Key.Key_Escape):
            if event.key() == Qt.Key.Key_Escape:
                popup.hide()
                return
            if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                index = popup.currentIndex()
                choice = index.data() if index.isValid() else self.completer.currentCompletion()
                if choice:
                    self.insert_completion(choice)
                    return
        super().keyPressEvent(event)


class Composer(QWidget):
    sig_send = Signal(object)  # Draft
    sig_add_layer = Signal()
    sig_draft_changed = Signal(object)  # Draft, as the user types (for the local draft file)
    sig_pick_question = Signal()  # the Answer tag was chosen without a question

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link_kind = ""
        self.link_id: int | None = None
        self.link_feed_id: int | None = None
        self.link_excerpt = ""
        self.attachment_path = ""
        self.op_id = new_op_id()
        self._restoring = False
        self.editor = HashtagEdit()
        self.editor.setPlaceholderText(
            _("Nieuw bericht… Ctrl+Enter verstuurt; #Feednaam kopieert naar die feed"))
        self.editor.setMaximumHeight(110)
        # The rule book's reminders (§1), where a message is written.
        self.editor.setToolTip(reminder())
        self.editor.textChanged.connect(self._changed)
        self.context = QLabel()
        self.context.setWordWrap(True)
        self.context.setTextFormat(Qt.TextFormat.PlainText)
        self.context.setStyleSheet("background: #e7f5ff; padding: 2px 4px;")
        self.context_clear = QToolButton()
        self.context_clear.setText("✕")
        self.context_clear.setToolTip(_("Niet meer antwoorden of corrigeren"))
        self.context_clear.clicked.connect(self.clear_link)
        context_row = QHBoxLayout()
        context_row.setContentsMargins(0, 0, 0, 0)
        context_row.addWidget(self.context, 1)
        context_row.addWidget(self.context_clear)
        self.attachment_label = QLabel()
        self.attachment_label.setTextFormat(Qt.TextFormat.PlainText)
        self.attach_button = QPushButton(_("Bijlage…"))
        self.attach_button.setToolTip(_("Het situatierapport (PDF of tekst) bij een SITREP"))
        self.attach_button.clicked.connect(self.choose_attachment)
        self.tags: dict[MessageTag, QToolButton] = {}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for tag in MessageTag:
            button = QToolButton()
            button.setText(tag.label)
            button.setCheckable(True)
            button.setToolTip(f"{tag.label} ({TAG_KEYS[tag]})")
            # Pressed is unmistakable: the tag's own chip colour, white bold text (the plain
            # sunken look was hard to see, Belangrijk above all).
            colour = TAG_COLOURS[tag.value]
            button.setStyleSheet(
                "QToolButton { padding: 2px 8px; border: 1px solid palette(mid); border-radius: 3px; }"
                f"QToolButton:checked {{ background: {colour}; color: white; font-weight: bold; "
                f"border: 1px solid {colour}; }}")
            button.toggled.connect(lambda on, t=tag: self._on_tag(t, on))
            self.tags[tag] = button
            row.addWidget(button)
            QShortcut(QKeySequence(TAG_KEYS[tag]), self, button.toggle,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        row.addStretch(1)
        self.layer_button = QPushButton(_("Laag…"))
        self.layer_button.setToolTip(_("Een kaartlaag bij een bericht in deze feed voegen: de leden van "
                                     "de feed zien de laag"))
        self.layer_button.clicked.connect(self.sig_add_layer)
        self.send_button = QPushButton(_("Versturen"))
        self.send_button.setToolTip(_("Versturen (Ctrl+Enter)"))
        self.send_button.clicked.connect(self.send)
        # Tags on one row, the rest on the next: the dock stays narrow enough for the map to be
        # the widest part of the window on a 1366 px laptop.
        attach_row = QHBoxLayout()
        attach_row.setContentsMargins(0, 0, 0, 0)
        attach_row.addWidget(self.attach_button)
        attach_row.addWidget(self.attachment_label, 1)
        attach_row.addWidget(self.layer_button)
        attach_row.addWidget(self.send_button)
        self.reason = text_label()
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet("color: #a61e4d;")
        self.reason.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.reason)
        layout.addLayout(context_row)
        layout.addWidget(self.editor)
        layout.addLayout(row)
        layout.addLayout(attach_row)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self.editor, self.send,
                      context=Qt.ShortcutContext.WidgetShortcut)
        self._show_link()
        self._show_attachment()

    # -- the draft ---------------------------------------------------------------------------
    def draft(self) -> Draft:
        return Draft(self.editor.toPlainText(), [t.value for t, b in self.tags.items() if b.isChecked()],
                     self.link_kind, self.link_id, self.link_feed_id, self.link_excerpt,
                     self.attachment_path, self.op_id)

    def restore(self, draft: Draft) -> None:
        self._restoring = True
        try:
            self.editor.setPlainText(draft.text)
            self.editor.moveCursor(QTextCursor.MoveOperation.End)
            for tag, button in self.tags.items():
                button.setChecked(tag.value in draft.tags)
            self.link_kind, self.link_id = draft.link_kind, draft.link_id
            self.link_feed_id, self.link_excerpt = draft.link_feed_id, draft.link_excerpt
            self.attachment_path = draft.attachment
            self.op_id = draft.op_id or new_op_id()
        finally:
            self._restoring = False
        self._show_link()
        self._show_attachment()

    def _changed(self) -> None:
        if not self._restoring:
            self.sig_draft_changed.emit(self.draft())

    # -- tags and links ----------------------------------------------------------------------
    def _on_tag(self, tag: MessageTag, on: bool) -> None:
        if tag is MessageTag.ANSWER and on and self.link_kind != "answer" and not self._restoring:
            self.sig_pick_question.emit()
        if tag is MessageTag.SITREP and on and not self.attachment_path and not self._restoring:
            QTimer.singleShot(0, self.choose_attachment)
        self._changed()

    def answer(self, question: MessageView) -> None:
        self._link("answer", question)
        self.tags[MessageTag.ANSWER].blockSignals(True)
        self.tags[MessageTag.ANSWER].setChecked(True)
        self.tags[MessageTag.ANSWER].blockSignals(False)
        self._changed()

    def correct(self, message: MessageView) -> None:
        self._link("correct", message)
        self._changed()

    def _link(self, kind: str, message: MessageView) -> None:
        self.link_kind, self.link_id, self.link_feed_id = kind, message.id, message.feed_id
        text = " ".join(message.text.split())
        self.link_excerpt = f"{message.author}: {text[:80]}{'…' if len(text) > 80 else ''}"
        self._show_link()
        self.editor.setFocus()

    def clear_link(self) -> None:
        if self.link_kind == "answer":
            self.tags[MessageTag.ANSWER].setChecked(False)
        self.link_kind, self.link_id, self.link_feed_id, self.link_excerpt = "", None, None, ""
        self._show_link()
        self._changed()

    def _show_link(self) -> None:
        label = {"answer": _("Antwoord op"), "correct": _("Correctie van")}.get(self.link_kind, "")
        self.context.setText(f"{label}: {self.link_excerpt}" if label else "")
        self.context.setVisible(bool(label))
        self.context_clear.setVisible(bool(label))

    # -- the SITREP document ---------------------------------------------------------------------
    def choose_attachment(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Situatierapport bijvoegen"), str(Path.home()),
            _("Situatierapport (*.pdf *.txt *.md);;Alle bestanden (*)"))
        if path:
            self.set_attachment(path)

    def set_attachment(self, path: str) -> None:
        self.attachment_path = path
        if path and not self.tags[MessageTag.SITREP].isChecked():
            self.tags[MessageTag.SITREP].blockSignals(True)
            self.tags[MessageTag.SITREP].setChecked(True)
            self.tags[MessageTag.SITREP].blockSignals(False)
        self._show_attachment()
        self._changed()

    def _show_attachment(self) -> None:
        self.attachment_label.setText(Path(self.attachment_path).name if self.attachment_path
                                      else "")
        self.attach_button.setText(_("Andere bijlage…") if self.attachment_path else _("Bijlage…"))

    # -- sending ---------------------------------------------------------------------------------
    def send(self) -> None:
        if not self.editor.toPlainText().strip() or not self.editor.isEnabled() \
                or not self.send_button.isEnabled():
            return
        self.sig_send.emit(self.draft())

    def set_busy(self, busy: bool) -> None:
        self.send_button.setEnabled(not busy)

    def clear_sent(self) -> None:
        self.restore(Draft())
        self._changed()

    def message_left(self, draft: Draft) -> None:
        """``draft`` was sent or queued. The composer is cleared only if it still holds just
        that; what was typed since stays, under a new id, so it is a message of its own (under
        the old id the server would answer "already stored" and drop it)."""
        if self.draft() == draft:
            self.clear_sent()
        else:
            self.op_id = new_op_id()
            self._changed()

    def set_writable(self, writable: bool, reason: str = "") -> None:
        for widget in (self.editor, self.send_button, self.layer_button, self.attach_button,
                       *self.tags.values()):
            widget.setVisible(writable)
        self.context.setVisible(writable and bool(self.link_kind))
        self.context_clear.setVisible(writable and bool(self.link_kind))
        self.attachment_label.setVisible(writable)
        self.editor.setEnabled(writable)
        self.send_button.setEnabled(writable)
        self.reason.setText(reason)
        self.reason.setVisible(bool(reason))
