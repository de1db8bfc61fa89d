"""Sharing a new layer: personal, or in feeds the user is in (the import and map service
dialogs). With ``announce_in`` the layer goes with a message in that feed, fixed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.i18n import _
from paragon_desktop.services.views import FeedView


class FeedShare(QWidget):
    sig_changed = Signal()

    def __init__(self, feeds: list[FeedView], announce_in: int | None = None,
                 parent: QWidget | None = None, *, max_height: int = 160) -> None:
        super().__init__(parent)
        self.personal = QRadioButton(_("&Persoonlijk (alleen ik)"))
        self.shared = QRadioButton(_("&Delen in feeds:"))
        group = QButtonGroup(self)
        group.addButton(self.personal)
        group.addButton(self.shared)
        self.feeds = QListWidget()
        self.feeds.setFixedHeight(min(max_height, 22 * max(3, len(feeds)) + 6))
        for feed in feeds:
            item = QListWidgetItem(feed.name + (_("  (iedereen in de case)")
                                                if feed.kind == "multi" else ""))
            item.setData(Qt.ItemDataRole.UserRole, feed.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if feed.id == announce_in
                               else Qt.CheckState.Unchecked)
            self.feeds.addItem(item)
        self.feeds.itemChanged.connect(self._on_feed_ticked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.personal)
        layout.addWidget(self.shared)
        layout.addWidget(self.feeds)
        if announce_in is not None:
            self.shared.setChecked(True)
            self.personal.setEnabled(False)
            self.feeds.setEnabled(False)
            layout.addWidget(QLabel(_("De laag komt bij een bericht in deze feed.")))
        else:
            self.personal.setChecked(True)
        self.personal.toggled.connect(lambda _on: self.sig_changed.emit())

    def _on_feed_ticked(self, _item: QListWidgetItem) -> None:
        if self.selected_feed_ids():
            self.shared.setChecked(True)
        self.sig_changed.emit()

    def selected_feed_ids(self) -> list[int]:
        return [self.feeds.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.feeds.count())
                if self.feeds.item(i).checkState() == Qt.CheckState.Checked]

    def chosen_feed_ids(self) -> list[int]:
        """The feeds to share in; none: personal."""
        return self.selected_feed_ids() if self.shared.isChecked() else []

    def problem(self) -> str:
        if self.shared.isChecked() and not self.selected_feed_ids():
            return _("Kies minstens één feed om in te delen, of kies Persoonlijk.")
        return ""
