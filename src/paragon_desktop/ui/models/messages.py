"""Messages of one feed, oldest first, with a delegate that shows author, role, time and tags."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from paragon_desktop.domain.enums import MessageTag
from paragon_desktop.services.views import MessageView

MessageRole = Qt.ItemDataRole.UserRole + 1
LOCAL_TZ = ZoneInfo("Europe/Brussels")
TAG_COLOURS = {
    "important": "#c92a2a",
    "question": "#1c7ed6",
    "answer": "#2b8a3e",
    "decision": "#7048e8",
    "sitrep": "#495057",
}


def header_text(message: MessageView) -> str:
    when = message.created_at.astimezone(LOCAL_TZ) if message.created_at.tzinfo else message.created_at
    parts = [when.strftime("%d/%m %H:%M"), message.author, message.crisis_role]
    if message.organisation:
        parts.append(message.organisation)
    return "  ·  ".join(parts)


class MessagesModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._messages: list[MessageView] = []
        self._ids: set[int] = set()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
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
            return header_text(message)
        return None

    def upsert(self, messages: list[MessageView]) -> int:
        """Append new messages (already in time order); returns how many were new."""
        new = [m for m in messages if m.id not in self._ids]
        if new:
            first = len(self._messages)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._messages.extend(new)
            self._ids.update(m.id for m in new)
            self.endInsertRows()
        return len(new)

    def messages(self) -> list[MessageView]:
        return list(self._messages)


class MessageDelegate(QStyledItemDelegate):
    """Two parts: a grey header line with tag chips, then the wrapped text (plain, never HTML)."""

    PAD = 6

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        header = QFont(option.font)
        header.setPointSizeF(max(7.0, option.font.pointSizeF() - 1))
        return header, QFont(option.font)

    def _text_rect(self, option: QStyleOptionViewItem, header_height: int) -> QRect:
        r = option.rect.adjusted(self.PAD, self.PAD + header_height + 2, -self.PAD, -self.PAD)
        return r

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt API)
        message: MessageView = index.data(MessageRole)
        header_font, body_font = self._fonts(option)
        width = max(120, (option.rect.width() or 360) - 2 * self.PAD)
        body = QFontMetrics(body_font).boundingRect(
            QRect(0, 0, width, 100000), int(Qt.TextFlag.TextWordWrap), message.text
        )
        return QSize(width, QFontMetrics(header_font).height() + body.height() + 2 * self.PAD + 4)

    def paint(self, painter: QPainter, option, index) -> None:
        message: MessageView = index.data(MessageRole)
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(option.rect, option.palette.highlight())
        elif "important" in message.tags:
            painter.fillRect(option.rect, QColor("#fff0f0"))
        header_font, body_font = self._fonts(option)
        fm = QFontMetrics(header_font)
        x = option.rect.left() + self.PAD
        y = option.rect.top() + self.PAD
        painter.setFont(header_font)
        for tag in message.tags:
            label = MessageTag(tag).label_nl
            w = fm.horizontalAdvance(label) + 10
            chip = QRect(x, y, w, fm.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(TAG_COLOURS.get(tag, "#495057")))
            painter.drawRoundedRect(chip, 4, 4)
            painter.setPen(QColor("white"))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, label)
            x += w + 4
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        painter.setPen(option.palette.color(role))
        painter.drawText(
            QRect(x, y, option.rect.right() - x - self.PAD, fm.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            fm.elidedText(header_text(message), Qt.TextElideMode.ElideRight,
                          option.rect.right() - x - self.PAD),
        )
        painter.setFont(body_font)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(option.palette.color(text_role))
        painter.drawText(self._text_rect(option, fm.height()),
                         int(Qt.TextFlag.TextWordWrap), message.text)
        painter.setPen(QColor("#dee2e6"))
        painter.drawLine(option.rect.bottomLeft(), option.rect.bottomRight())
        painter.restore()
