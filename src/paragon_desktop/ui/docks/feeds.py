"""Feeds dock: one tab per feed the user may see, plus the composer."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.domain.enums import MessageTag
from paragon_desktop.services.views import FeedView, MessageView
from paragon_desktop.ui.models.messages import MessageDelegate, MessagesModel


class FeedTab(QWidget):
    def __init__(self, feed: FeedView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.feed = feed
        self.unread = 0
        self.members = QLabel()
        self.members.setWordWrap(True)
        self.members.setStyleSheet("color: palette(placeholder-text); padding: 2px 4px;")
        self.model = MessagesModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(MessageDelegate(self.view))
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(False)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.members)
        layout.addWidget(self.view)
        self.set_feed(feed)

    def set_feed(self, feed: FeedView) -> None:
        self.feed = feed
        names = ", ".join(feed.members) if feed.members else "niemand"
        self.members.setText(f"In deze feed ({len(feed.members)}): {names}")

    def add_messages(self, messages: list[MessageView]) -> int:
        bar = self.view.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 4
        added = self.model.upsert(messages)
        # Follow new messages only when the reader was already at the end; never yank them away.
        if added and at_bottom:
            self.view.scrollToBottom()
        return added


class Composer(QWidget):
    sig_send = Signal(str, list)
    sig_add_layer = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("Nieuw bericht… (Ctrl+Enter om te versturen)")
        self.editor.setMaximumHeight(90)
        self.tags: dict[MessageTag, QCheckBox] = {}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for tag in MessageTag:
            box = QCheckBox(tag.label_nl)
            self.tags[tag] = box
            row.addWidget(box)
        row.addStretch(1)
        self.layer_button = QPushButton("Laag…")
        self.layer_button.setToolTip("Een kaartlaag bij een bericht in deze feed voegen: de leden van "
                                     "de feed zien de laag")
        self.layer_button.clicked.connect(self.sig_add_layer)
        row.addWidget(self.layer_button)
        self.send_button = QPushButton("Versturen")
        self.send_button.clicked.connect(self._send)
        row.addWidget(self.send_button)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet("color: #a61e4d;")
        self.reason.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.reason)
        layout.addWidget(self.editor)
        layout.addLayout(row)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self.editor, self._send,
                      context=Qt.ShortcutContext.WidgetShortcut)

    def _send(self) -> None:
        text = self.editor.toPlainText()
        if not text.strip() or not self.editor.isEnabled():
            return
        self.sig_send.emit(text, [tag for tag, box in self.tags.items() if box.isChecked()])

    def set_busy(self, busy: bool) -> None:
        self.send_button.setEnabled(not busy)

    def clear_sent(self) -> None:
        self.editor.clear()
        for box in self.tags.values():
            box.setChecked(False)

    def set_writable(self, writable: bool, reason: str = "") -> None:
        self.editor.setEnabled(writable)
        self.send_button.setEnabled(writable)
        self.layer_button.setEnabled(writable)
        for box in self.tags.values():
            box.setEnabled(writable)
        self.reason.setText(reason)
        self.reason.setVisible(bool(reason))


class FeedsDockWidget(QWidget):
    sig_send = Signal(int, str, list)
    sig_add_layer = Signal(int)  # feed id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.composer = Composer()
        self.composer.sig_send.connect(self._on_send)
        self.composer.sig_add_layer.connect(self._on_add_layer)
        self._tabs: dict[int, FeedTab] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.composer)

    def tab(self, feed_id: int) -> FeedTab | None:
        return self._tabs.get(feed_id)

    def current_feed_id(self) -> int | None:
        widget = self.tabs.currentWidget()
        return widget.feed.id if isinstance(widget, FeedTab) else None

    def set_feeds(self, feeds: list[FeedView]) -> None:
        wanted = {f.id for f in feeds}
        for feed_id in list(self._tabs):
            if feed_id not in wanted:
                tab = self._tabs.pop(feed_id)
                self.tabs.removeTab(self.tabs.indexOf(tab))
                tab.deleteLater()
        for position, feed in enumerate(feeds):
            tab = self._tabs.get(feed.id)
            if tab is None:
                tab = FeedTab(feed)
                self._tabs[feed.id] = tab
                self.tabs.insertTab(position, tab, feed.name)
            else:
                tab.set_feed(feed)
            self._update_title(tab)

    def add_messages(self, messages: list[MessageView], *, count_unread: bool = True) -> None:
        by_feed: dict[int, list[MessageView]] = {}
        for message in messages:
            by_feed.setdefault(message.feed_id, []).append(message)
        for feed_id, items in by_feed.items():
            tab = self._tabs.get(feed_id)
            if tab is None:
                continue
            added = tab.add_messages(items)
            if added and count_unread and tab is not self.tabs.currentWidget():
                tab.unread += added
                self._update_title(tab)

    def _update_title(self, tab: FeedTab) -> None:
        title = tab.feed.name + (f" ({tab.unread})" if tab.unread else "")
        self.tabs.setTabText(self.tabs.indexOf(tab), title)

    def _on_tab_changed(self, _index: int) -> None:
        tab = self.tabs.currentWidget()
        if isinstance(tab, FeedTab) and tab.unread:
            tab.unread = 0
            self._update_title(tab)

    def feeds(self) -> list[FeedView]:
        return [self._tabs[fid].feed for fid in self._tabs]

    def _on_add_layer(self) -> None:
        feed_id = self.current_feed_id()
        if feed_id is not None:
            self.sig_add_layer.emit(feed_id)

    def _on_send(self, text: str, tags: list) -> None:
        feed_id = self.current_feed_id()
        if feed_id is not None:
            self.sig_send.emit(feed_id, text, tags)
