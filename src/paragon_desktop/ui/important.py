"""Important messages of the Multi feed pop up in the top right of the main window for everyone
in the case, and stay until acknowledged (DOMAIN.md, Feeds). Not modal: work goes on."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from paragon_desktop.i18n import _
from paragon_desktop.services.views import MessageView
from paragon_desktop.ui.models.messages import header_text

MAX_SHOWN = 4


class ImportantCard(QFrame):
    sig_acknowledged = Signal(int)  # message id

    def __init__(self, message: MessageView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = message
        self.setObjectName("importantCard")
        self.setStyleSheet(
            "#importantCard { background: #fff5f5; border: 2px solid #c92a2a; border-radius: 6px; }")
        title = QLabel(_("BELANGRIJK"))
        title.setStyleSheet("color: #c92a2a; font-weight: bold;")
        header = QLabel(header_text(message))
        header.setTextFormat(Qt.TextFormat.PlainText)
        header.setWordWrap(True)
        header.setStyleSheet("color: #862e2e;")
        self.text = QLabel(message.text)
        # What users typed is data: shown as typed, never interpreted as markup.
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ack = QPushButton(_("Gezien"))
        self.ack.setToolTip(_("Bevestig dat je dit bericht gelezen hebt (wordt bijgehouden)"))
        self.ack.clicked.connect(self._on_ack)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.ack)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(title)
        layout.addWidget(header)
        layout.addWidget(self.text)
        layout.addLayout(row)

    def _on_ack(self) -> None:
        self.ack.setEnabled(False)
        self.ack.setText(_("Bezig…"))
        self.sig_acknowledged.emit(self.message.id)


class ImportantPopups(QWidget):
    """A stack of cards floating over the top right of its parent (the map area)."""

    sig_acknowledged = Signal(int)

    def __init__(self, parent: QWidget, below: QWidget | None = None) -> None:
        super().__init__(parent)
        self.below = below  # e.g. the exercise banner: cards start under it
        self.cards: dict[int, ImportantCard] = {}
        self.more = QLabel()
        self.more.setStyleSheet("background: #c92a2a; color: white; padding: 2px 6px;")
        self.more.hide()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.more)
        self.hide()

    def add(self, messages: list[MessageView]) -> None:
        for message in messages:
            if message.id in self.cards:
                continue
            card = ImportantCard(message, self)
            card.sig_acknowledged.connect(self.sig_acknowledged)
            self.cards[message.id] = card
            self._layout.insertWidget(self._layout.count() - 1, card)
        self._relayout()

    def remove(self, message_id: int) -> None:
        card = self.cards.pop(message_id, None)
        if card is not None:
            card.hide()
            card.deleteLater()
        self._relayout()

    def failed(self, message_id: int) -> None:
        card = self.cards.get(message_id)
        if card is not None:
            card.ack.setEnabled(True)
            card.ack.setText(_("Gezien"))

    def shown_ids(self) -> list[int]:
        return [i for i, c in self.cards.items() if not c.isHidden()]

    def _relayout(self) -> None:
        # The oldest first; beyond a few, a count says how many more wait.
        for n, card in enumerate(self.cards.values()):
            card.setVisible(n < MAX_SHOWN)
        hidden = max(0, len(self.cards) - MAX_SHOWN)
        self.more.setText(_("+{count} belangrijke berichten wachten").format(count=hidden))
        self.more.setVisible(hidden > 0)
        self.setVisible(bool(self.cards))
        self.place()

    def place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        width = min(380, max(220, parent.width() // 3))
        # Wrapped labels: the height follows from the width, or text would be cut off.
        height = self._layout.totalHeightForWidth(width)
        self.setFixedSize(width, height if height > 0 else self.sizeHint().height())
        top = 12
        if self.below is not None and self.below.isVisible():
            top += self.below.geometry().bottom()
        self.move(parent.width() - width - 12, top)
        self.raise_()
