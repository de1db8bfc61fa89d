"""Messages of one feed, newest first, fetched a page at a time as the reader scrolls down,
with a delegate that shows author, crisis role, organisation, time, tags and links."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from paragon_desktop.domain.enums import MessageTag
from paragon_desktop.domain.feeds import role_label
from paragon_desktop.i18n import _, when
from paragon_desktop.services.views import MessageView
from paragon_desktop.ui.plain import plain_tip

MessageRole = Qt.ItemDataRole.UserRole + 1
TAG_COLOURS = {
    "important": "#c92a2a",
    "question": "#1c7ed6",
    "answer": "#2b8a3e",
    "decision": "#7048e8",
    "sitrep": "#495057",
    "correction": "#e67700",
}
Key = tuple[datetime, int]
_ROOT = QModelIndex()


def header_text(message: MessageView) -> str:
    parts = [when(message.created_at, "day_time"), message.author,
             role_label(message.crisis_role)]
    if message.organisation:
        parts.append(message.organisation)
    return "  ·  ".join(parts)


def notes(message: MessageView) -> list[str]:
    """The line under the header: where a copy came from, links, the attached report."""
    result = []
    if message.copied_from:
        result.append(_("gekopieerd uit {feed}").format(feed=message.copied_from))
    if message.corrects_id:
        result.append(_("correctie van een eerder bericht"))
    if message.corrected:
        result.append(_("GECORRIGEERD: zie de correctie"))
    if message.answers_id:
        result.append(_("antwoord op een vraag"))
    if MessageTag.QUESTION.value in message.tags:
        result.append(_("beantwoord") if message.answered else _("open vraag"))
    if message.attachment:
        result.append(_("bijlage: {name} ({size} kB)").format(
            name=message.attachment, size=max(1, message.attachment_size // 1024)))
    return result


def chips(message: MessageView) -> list[tuple[str, str]]:
    labelled = [(MessageTag(t).label, TAG_COLOURS[t]) for t in message.tags]
    if message.corrects_id:
        labelled.append((_("Correctie"), TAG_COLOURS["correction"]))
    return labelled


class MessagesModel(QAbstractListModel):
    """Newest first. ``loader(before)`` is asked for the page older than ``before`` (None: the
    newest page) and answers later with ``add_page``; Qt asks as the reader nears the end."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._messages: list[MessageView] = []
        self._neg_keys: list[tuple[float, int]] = []  # ascending, for bisect on newest-first
        self._ids: set[int] = set()
        self._more = True
        self._fetching = False
        self.loader: Callable[[Key | None], None] | None = None

    # -- Qt ------------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._messages)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        message = self._messages[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return message.text
        if role == MessageRole:
            return message
        if role == Qt.ItemDataRole.ToolTipRole:
            # Rich text on purpose, so that what users typed is escaped, never interpreted.
            return plain_tip("\n".join([header_text(message), *notes(message)]))
        return None

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> bool:  # noqa: N802
        return (not parent.isValid() and self._more and not self._fetching
                and self.loader is not None)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> None:  # noqa: N802
        if not self.canFetchMore(parent) or self.loader is None:
            return
        self._fetching = True
        self.loader(self._messages[-1].key if self._messages else None)

    # -- pages and refreshes ---------------------------------------------------------------------
    @property
    def fetching(self) -> bool:
        return self._fetching

    @property
    def complete(self) -> bool:
        """Every older message is loaded."""
        return not self._more

    def add_page(self, messages: list[MessageView], page_size: int) -> None:
        self._fetching = False
        if len(messages) < page_size:
            self._more = False
        self.upsert(messages, from_page=True)

    def page_failed(self) -> None:
        self._fetching = False

    def holds(self, message_id: int) -> bool:
        return message_id in self._ids

    def upsert(self, messages: list[MessageView], *, from_page: bool = False) -> int:
        """Put messages in their place (newest first), whatever order they come in; mark the
        questions they answer and the messages they correct. Returns how many were new."""
        added = 0
        for message in messages:
            if message.id in self._ids:
                continue
            neg = (-message.created_at.timestamp(), -message.id)
            row = bisect.bisect_left(self._neg_keys, neg)
            if not from_page and row == len(self._messages) and self._more and self._messages:
                # Older than everything loaded while older pages exist: it arrives with them.
                continue
            self.beginInsertRows(_ROOT, row, row)
            self._messages.insert(row, message)
            self._neg_keys.insert(row, neg)
            self._ids.add(message.id)
            self.endInsertRows()
            added += 1
        self._mark(messages)
        return added

    def _mark(self, messages: list[MessageView]) -> None:
        answered = {m.answers_id for m in messages if m.answers_id}
        corrected = {m.corrects_id for m in messages if m.corrects_id}
        if not answered and not corrected:
            return
        for row, m in enumerate(self._messages):
            now_answered = m.thread_id in answered and not m.answered
            now_corrected = m.thread_id in corrected and not m.corrected
            if now_answered or now_corrected:
                self._messages[row] = replace(m, answered=m.answered or now_answered,
                                              corrected=m.corrected or now_corrected)
                index = self.index(row)
                self.dataChanged.emit(index, index)

    def reset(self) -> None:
        """Forget everything (a new filter): the next fetch starts from the newest page."""
        self.beginResetModel()
        self._messages.clear()
        self._neg_keys.clear()
        self._ids.clear()
        self._more = True
        self._fetching = False
        self.endResetModel()

    def messages(self) -> list[MessageView]:
        return list(self._messages)


class MessageDelegate(QStyledItemDelegate):
    """A grey header line with tag chips, a note line (links, report), then the wrapped text:
    always plain text, never HTML."""

    PAD = 6

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # Wrapping a text to measure it is the costly part of laying out a long feed; a message
        # never changes its text, so its height is kept per width (and its notes line count).
        self._heights: dict[tuple[int, int, bool], int] = {}

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        header = QFont(option.font)
        header.setPointSizeF(max(7.0, option.font.pointSizeF() - 1))
        return header, QFont(option.font)

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt API)
        message: MessageView = index.data(MessageRole)
        width = max(120, (option.rect.width() or 360) - 2 * self.PAD)
        lines = 2 if notes(message) else 1
        key = (message.id, width, lines == 2)
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) > 50_000:
                self._heights.clear()
            header_font, body_font = self._fonts(option)
            body = QFontMetrics(body_font).boundingRect(
                QRect(0, 0, width, 100000), int(Qt.TextFlag.TextWordWrap), message.text
            )
            height = lines * QFontMetrics(header_font).height() + body.height() + 2 * self.PAD + 4
            self._heights[key] = height
        return QSize(width, height)

    def paint(self, painter: QPainter, option, index) -> None:
        message: MessageView = index.data(MessageRole)
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(option.rect, option.palette.highlight())
        elif "important" in message.tags:
            painter.fillRect(option.rect, QColor("#fff0f0"))
        elif message.corrected:
            painter.fillRect(option.rect, QColor("#fff9db"))
        header_font, body_font = self._fonts(option)
        fm = QFontMetrics(header_font)
        x = option.rect.left() + self.PAD
        y = option.rect.top() + self.PAD
        right = option.rect.right() - self.PAD
        painter.setFont(header_font)
        for label, colour in chips(message):
            w = fm.horizontalAdvance(label) + 10
            chip = QRect(x, y, w, fm.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawRoundedRect(chip, 4, 4)
            painter.setPen(QColor("white"))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, label)
            x += w + 4
        grey = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        painter.setPen(option.palette.color(grey))
        left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        painter.drawText(QRect(x, y, right - x, fm.height()), left,
                         fm.elidedText(header_text(message), Qt.TextElideMode.ElideRight, right - x))
        extra = notes(message)
        if extra:
            y += fm.height()
            x0 = option.rect.left() + self.PAD
            if message.corrected and not selected:
                painter.setPen(QColor(TAG_COLOURS["correction"]))
            painter.drawText(QRect(x0, y, right - x0, fm.height()), left,
                             fm.elidedText("  ·  ".join(extra), Qt.TextElideMode.ElideRight,
                                           right - x0))
        painter.setFont(body_font)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(option.palette.color(text_role))
        body = option.rect.adjusted(self.PAD, 0, -self.PAD, -self.PAD)
        body.setTop(y + fm.height() + 2)
        painter.drawText(body, int(Qt.TextFlag.TextWordWrap), message.text)
        painter.setPen(QColor("#dee2e6"))
        painter.drawLine(option.rect.bottomLeft(), option.rect.bottomRight())
        painter.restore()
