"""Feeds dock: a filter bar, one tab per feed the user may see (unread count, members), and
the composer. Messages come a page at a time (newest first)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.domain.enums import MessageTag
from paragon_desktop.domain.feeds import FeedFilter
from paragon_desktop.i18n import _
from paragon_desktop.services.feeds import FeedFacets
from paragon_desktop.services.views import FeedView, MessageView
from paragon_desktop.ui.docks.composer import Composer
from paragon_desktop.ui.docks.outbox import OutboxView
from paragon_desktop.ui.models.messages import MessageDelegate, MessageRole, MessagesModel


def members_text(feed: FeedView) -> str:
    present = [n for n in feed.members if n in feed.present]
    away = [n for n in feed.members if n not in feed.present]
    parts = [_("Nu in de case ({count}): {names}").format(
        count=len(present), names=", ".join(present) or _("niemand"))]
    if away:
        parts.append(_("ook toegang ({count}): {names}").format(count=len(away),
                                                               names=", ".join(away)))
    return "  ·  ".join(parts)


class FeedTab(QWidget):
    sig_context = Signal(object, QPoint)  # MessageView, global position

    def __init__(self, feed: FeedView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.feed = feed
        self.unread = 0
        self.filter = FeedFilter()
        self.facets: FeedFacets | None = None
        self.members = QLabel()
        self.members.setWordWrap(True)
        self.members.setTextFormat(Qt.TextFormat.PlainText)
        self.members.setStyleSheet("color: palette(placeholder-text); padding: 2px 4px;")
        self.model = MessagesModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(MessageDelegate(self.view))
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(False)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Lay out long feeds a batch at a time, so a new page never freezes the window.
        self.view.setLayoutMode(QListView.LayoutMode.Batched)
        self.view.setBatchSize(100)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_context)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: palette(placeholder-text);")
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.members)
        layout.addWidget(self.empty)
        layout.addWidget(self.view, 1)
        self.set_feed(feed)

    def set_feed(self, feed: FeedView) -> None:
        self.feed = feed
        self.members.setText(members_text(feed))
        self.members.setToolTip(_("Wie deze feed ziet. Vermoed je dat iemand hier onterecht "
                                "toegang heeft? Meld het aan een coördinator van de case."))

    def load_first_page(self) -> None:
        if self.model.canFetchMore():
            self.model.fetchMore()

    def add_messages(self, messages: list[MessageView]) -> int:
        bar = self.view.verticalScrollBar()
        at_top = bar.value() <= bar.minimum() + 4
        before = bar.maximum()
        added = self.model.upsert(messages)
        if added and not at_top:
            # The reader is further down in the history: keep what they read in place.
            QTimer.singleShot(0, lambda: bar.setValue(bar.value() + bar.maximum() - before))
        return added

    def update_empty_hint(self) -> None:
        empty = self.model.rowCount() == 0 and self.model.complete
        self.empty.setText(_("Geen berichten die aan de filter voldoen.") if not self.filter.is_empty
                           else _("Nog geen berichten in deze feed."))
        self.empty.setVisible(empty)

    def _on_context(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid():
            self.sig_context.emit(index.data(MessageRole), self.view.viewport().mapToGlobal(pos))


class FilterBar(QWidget):
    sig_changed = Signal(object)  # FeedFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Zoeken in berichten…"))
        self.search.setClearButtonEnabled(True)
        self.tag = QComboBox()
        self.tag.addItem(_("Alle tags"), None)
        for tag in MessageTag:
            self.tag.addItem(tag.label, tag.value)
        self.author = QComboBox()
        self.organisation = QComboBox()
        self.open_questions = QCheckBox(_("Open vragen"))
        self.open_questions.setToolTip(_("Vragen waarop nog geen antwoord kwam"))
        # A push button with a menu leaves room for its arrow (a tool button drew it over the text).
        self.export_button = QPushButton(_("Exporteren"))
        self.export_menu = QMenu(self.export_button)
        self.export_csv = QAction(_("Als CSV…"), self)
        self.export_pdf = QAction(_("Als PDF-logboek…"), self)
        self.export_menu.addAction(self.export_csv)
        self.export_menu.addAction(self.export_pdf)
        self.export_button.setMenu(self.export_menu)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self._emit)
        self._quiet = False
        self.search.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.tag, self.author, self.organisation):
            combo.currentIndexChanged.connect(self._emit)
            # Long organisation names do not widen the dock (the list opens wide enough).
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.open_questions.toggled.connect(self._emit)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        top.addWidget(self.open_questions)
        top.addWidget(self.export_button)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.tag)
        bottom.addWidget(self.author, 1)
        bottom.addWidget(self.organisation, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(bottom)
        self.show_filter(FeedFilter(), None)

    def current(self) -> FeedFilter:
        tag = self.tag.currentData()
        return FeedFilter(self.search.text(), MessageTag(tag) if tag else None,
                          self.author.currentData(), self.organisation.currentData(),
                          self.open_questions.isChecked())

    def show_filter(self, flt: FeedFilter, facets: FeedFacets | None) -> None:
        """Show a tab's filter (and its authors and organisations) without emitting changes."""
        self._quiet = True
        try:
            self.search.setText(flt.text)
            self.tag.setCurrentIndex(max(0, self.tag.findData(flt.tag.value if flt.tag else None)))
            for combo, label, items, chosen in (
                (self.author, _("Alle auteurs"), facets.authors if facets else (), flt.author_id),
                (self.organisation, _("Alle organisaties"), facets.organisations if facets else (),
                 flt.organisation_id),
            ):
                combo.clear()
                combo.addItem(label, None)
                for item_id, name in items:
                    combo.addItem(name, item_id)
                combo.setCurrentIndex(max(0, combo.findData(chosen)))
            self.open_questions.setChecked(flt.open_questions)
        finally:
            self._quiet = False

    def _emit(self, *_args: object) -> None:
        if not self._quiet:
            self._timer.stop()
            self.sig_changed.emit(self.current())


class FeedsPanel(QWidget):
    sig_send = Signal(int, object)  # feed id, Draft
    sig_add_layer = Signal(int)  # feed id
    sig_load_page = Signal(int, object, object)  # feed id, FeedFilter, before key
    sig_tab_shown = Signal(int)  # feed id: its filter lists may want loading
    sig_message_menu = Signal(object, QPoint)  # MessageView, global position

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user_id = 0  # the signed-in user: their own messages are never unread
        self.filters = FilterBar()
        self.filters.sig_changed.connect(self._on_filter)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.composer = Composer()
        self.outbox = OutboxView()
        self.composer.sig_send.connect(self._on_send)
        self.composer.sig_add_layer.connect(self._on_add_layer)
        self._tabs: dict[int, FeedTab] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filters)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.outbox)
        layout.addWidget(self.composer)

    def tab(self, feed_id: int) -> FeedTab | None:
        return self._tabs.get(feed_id)

    def current_tab(self) -> FeedTab | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, FeedTab) else None

    def current_feed_id(self) -> int | None:
        tab = self.current_tab()
        return tab.feed.id if tab else None

    def show_feed(self, feed_id: int) -> None:
        tab = self._tabs.get(feed_id)
        if tab is not None:
            self.tabs.setCurrentWidget(tab)

    def set_feeds(self, feeds: list[FeedView]) -> None:
        wanted = {f.id for f in feeds}
        for feed_id in list(self._tabs):
            if feed_id not in wanted:
                gone = self._tabs.pop(feed_id)
                self.tabs.removeTab(self.tabs.indexOf(gone))
                gone.deleteLater()
        for position, feed in enumerate(feeds):
            tab = self._tabs.get(feed.id)
            if tab is None:
                tab = FeedTab(feed)
                tab.model.loader = lambda before, t=tab: self.sig_load_page.emit(
                    t.feed.id, t.filter, before)
                tab.sig_context.connect(self.sig_message_menu)
                self._tabs[feed.id] = tab
                self.tabs.insertTab(position, tab, feed.name)
                tab.load_first_page()
            else:
                tab.set_feed(feed)
            self._update_title(tab)
        self.composer.editor.set_feed_names([f.name for f in feeds])

    def add_messages(self, messages: list[MessageView], *, count_unread: bool = True) -> None:
        by_feed: dict[int, list[MessageView]] = {}
        for message in messages:
            by_feed.setdefault(message.feed_id, []).append(message)
        for feed_id, items in by_feed.items():
            tab = self._tabs.get(feed_id)
            if tab is None:
                continue
            # What one wrote oneself (a #-copy into another feed included) is not unread there.
            news = [m for m in items if not tab.model.holds(m.id) and m.author_id != self.user_id]
            if not tab.filter.is_empty:
                # What matches a filter can change with any message (an answer closes a
                # question): ask again rather than guess.
                self.reload(tab)
            else:
                tab.add_messages(items)
            tab.update_empty_hint()
            if news and count_unread and tab is not self.tabs.currentWidget():
                tab.unread += len(news)
                self._update_title(tab)

    def reload(self, tab: FeedTab) -> None:
        tab.model.reset()
        tab.load_first_page()

    def _update_title(self, tab: FeedTab) -> None:
        title = tab.feed.name + (f" ({tab.unread})" if tab.unread else "")
        self.tabs.setTabText(self.tabs.indexOf(tab), title)

    def _on_tab_changed(self, _index: int) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        if tab.unread:
            tab.unread = 0
            self._update_title(tab)
        self.filters.show_filter(tab.filter, tab.facets)
        self.sig_tab_shown.emit(tab.feed.id)

    def set_facets(self, feed_id: int, facets: FeedFacets) -> None:
        tab = self._tabs.get(feed_id)
        if tab is None:
            return
        tab.facets = facets
        if tab is self.current_tab():
            self.filters.show_filter(tab.filter, facets)

    def _on_filter(self, flt: FeedFilter) -> None:
        tab = self.current_tab()
        if tab is not None and flt != tab.filter:
            tab.filter = flt
            self.reload(tab)

    def feeds(self) -> list[FeedView]:
        return [self._tabs[fid].feed for fid in self._tabs]

    def _on_add_layer(self) -> None:
        feed_id = self.current_feed_id()
        if feed_id is not None:
            self.sig_add_layer.emit(feed_id)

    def _on_send(self, draft: object) -> None:
        # An answer or a correction goes to the feed of the message it answers or corrects.
        feed_id = self.composer.link_feed_id or self.current_feed_id()
        if feed_id is not None:
            self.sig_send.emit(feed_id, draft)
