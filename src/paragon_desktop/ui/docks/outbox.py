"""The outbox strip above the composer: messages waiting for the connection (greyed, with the
time they were written) and messages the server refused (red, with its reason), each to take
back into the composer or discard. Texts are shown as plain text."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QMenu, QVBoxLayout, QWidget

from paragon_desktop.i18n import _, ngettext, when
from paragon_desktop.ui.outbox import OutboxItem

WAITING = QColor("#868e96")
REFUSED = QColor("#c92a2a")


class OutboxView(QWidget):
    sig_take_back = Signal(str)  # op id: back into the composer
    sig_discard = Signal(str)  # op id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setStyleSheet("color: #495057; font-weight: bold;")
        self.list = QListWidget()
        self.list.setMaximumHeight(96)
        self.list.setWordWrap(True)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._on_menu)
        self.list.itemDoubleClicked.connect(
            lambda item: self.sig_take_back.emit(item.data(Qt.ItemDataRole.UserRole)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        self.hide()

    def set_items(self, items: list[OutboxItem]) -> None:
        self.list.clear()
        waiting = sum(1 for item in items if not item.refused)
        refused = len(items) - waiting
        parts = []
        if waiting:
            parts.append(ngettext("{count} wacht op verbinding", "{count} wachten op verbinding",
                                  waiting).format(count=waiting))
        if refused:
            parts.append(_("{count} geweigerd door de server").format(count=refused))
        self.title.setText(_("Uitgaande berichten: ") + ", ".join(parts) if parts else "")
        for item in items:
            at = when(item.written_at, "time")
            text = " ".join(item.draft.text.split())
            if item.refused:
                label = _("{time} · {feed} · NIET verstuurd: {reason}\n{text}").format(
                    time=at, feed=item.feed_name, reason=item.refused, text=text)
                tip = _("Geweigerd. Dubbelklik om de tekst terug in het invoerveld te zetten.")
            else:
                label = _("{time} · {feed} · wacht op verbinding: {text}").format(
                    time=at, feed=item.feed_name, text=text)
                tip = _("Wordt vanzelf verstuurd zodra de server bereikbaar is.")
            row = QListWidgetItem(label)
            row.setData(Qt.ItemDataRole.UserRole, item.op_id)
            row.setToolTip(tip)
            row.setForeground(QBrush(REFUSED if item.refused else WAITING))
            if not item.refused:
                font = QFont(row.font())
                font.setItalic(True)
                row.setFont(font)
            self.list.addItem(row)
        self.setVisible(bool(items))

    def _on_menu(self, where: QPoint) -> None:
        row = self.list.itemAt(where)
        if row is None:
            return
        op_id = row.data(Qt.ItemDataRole.UserRole)
        menu = QMenu(self)
        menu.addAction(_("Terug naar het invoerveld"), lambda: self.sig_take_back.emit(op_id))
        menu.addAction(_("Verwijderen…"), lambda: self.sig_discard.emit(op_id))
        menu.exec(self.list.viewport().mapToGlobal(where))
