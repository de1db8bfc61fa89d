"""Qt tests run offscreen against real widgets and a real QtWebEngine page."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import shiboken6

from paragon_desktop.app import create_application, prepare_qt_environment

prepare_qt_environment(offscreen=True)

from PySide6.QtWebEngineCore import QWebEngineUrlRequestInterceptor  # noqa: E402

from paragon_desktop.settings import Settings  # noqa: E402
from paragon_desktop.ui.main_window import MainWindow  # noqa: E402


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Qt tests check the window; the database under it is checked on both backends by the
    storage and service tests. So Qt tests run on SQLite, except those about the server itself
    (marked ``server``: live updates, row-level security seen in a window, outages and resends,
    commit order), which also run on PostgreSQL."""
    drop = [item for item in items
            if "/tests/qt/" in str(item.path).replace("\\", "/")
            and "[postgresql" in item.nodeid and item.get_closest_marker("server") is None]
    if drop:
        config.hook.pytest_deselected(items=drop)
        dropped = set(map(id, drop))
        items[:] = [item for item in items if id(item) not in dropped]


@pytest.fixture(scope="session")
def qapp():
    # Qt tests see the app as a Dutch user does, whatever the machine's locale.
    return create_application(["paragon-desktop-tests"], "nl")


class RecordingInterceptor(QWebEngineUrlRequestInterceptor):
    """Records every URL the page asks for (called on Chromium's IO thread)."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self.urls: list[str] = []

    def interceptRequest(self, info) -> None:  # noqa: N802 (Qt API)
        with self._lock:
            self.urls.append(info.requestUrl().toString())


def run_js(qtbot, window: MainWindow, script: str, timeout: int = 10000) -> Any:
    box: list[Any] = []
    window.map.page().runJavaScript(script, 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=timeout)
    return box[0]


def shown(tip: str) -> str:
    """A tooltip as Qt shows it: as rich text when it looks like HTML, else as it is."""
    from PySide6.QtGui import Qt as QtGui
    from PySide6.QtGui import QTextDocument

    if not QtGui.mightBeRichText(tip):
        return tip
    document = QTextDocument()
    document.setHtml(tip)
    return document.toPlainText()


def map_stats(qtbot, window: MainWindow) -> dict[str, Any]:
    return json.loads(run_js(qtbot, window, "paragon.stats()"))


@pytest.fixture
def open_window(qtbot, client) -> Iterator[Any]:
    windows: list[MainWindow] = []

    def make(username: str = "an.peeters", *, case_id: int | None = None,
             interceptor: QWebEngineUrlRequestInterceptor | None = None,
             restore_layout: bool = False, settings: Settings | None = None) -> MainWindow:
        user = client.user(username)
        case_id = case_id or client.seveso_case_id()
        case = next(c for c in client.cases.list_cases(user, include_closed=True)
                    if c.id == case_id)
        window = MainWindow(client, user, case, settings or Settings(),
                            request_interceptor=interceptor, restore_layout=restore_layout,
                            database_label=client.db.display_url)
        window.resize(1400, 900)
        window.show()
        windows.append(window)
        # The case's picture, then its ticked layers' data (read after it), all on the map.
        qtbot.waitUntil(lambda: window.settled, timeout=30000)
        return window

    yield make
    for window in windows:
        if shiboken6.isValid(window):
            window.close()
    qtbot.wait(10)


def rendered(text: str, text_format=None) -> str:
    """What a person reads of ``text`` in a label (or a tooltip: ``text_format`` None)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextDocument

    if text_format == Qt.TextFormat.PlainText:
        return text
    if text_format in (None, Qt.TextFormat.AutoText):
        return shown(text)
    document = QTextDocument()
    if text_format == Qt.TextFormat.MarkdownText:
        document.setMarkdown(text)
    else:
        document.setHtml(text)
    return document.toPlainText()


def markup_leaks(root, marked: str) -> list[str]:
    """Every place under the widget ``root`` (labels, tooltips of widgets, actions and items in
    views, a message box's text) where text holding ``marked`` (some markup, like
    ``<b>ZQX</b>``, put in users' and files' text) is shown as markup instead of as written."""
    from PySide6.QtCore import QModelIndex, Qt
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QWidget

    places: list[tuple[str, str, Any]] = []
    for widget in [root, *root.findChildren(QWidget)]:
        name = f"{type(widget).__name__} {widget.objectName()!r}"
        places.append((f"{name} tooltip", widget.toolTip(), None))
        if isinstance(widget, QLabel):
            places.append((f"{name} text", widget.text(), widget.textFormat()))
        places += [(f"{name} action {action.text()!r} tooltip", action.toolTip(), None)
                   for action in widget.actions()]
        model = widget.model() if isinstance(widget, QAbstractItemView) \
            and not isinstance(widget, QHeaderView) else None  # a header: its view's model
        if model is None:
            continue
        pending = [QModelIndex()]
        while pending:
            parent = pending.pop()
            try:
                columns = model.columnCount(parent)
            except TypeError:  # a list model: one column, no children (private in PySide)
                columns = 0 if parent.isValid() else 1
            for row in range(model.rowCount(parent)):
                for column in range(columns):
                    index = model.index(row, column, parent)
                    tip = index.data(Qt.ItemDataRole.ToolTipRole)
                    if isinstance(tip, str):
                        places.append((f"{name} item {index.data()!r} tooltip", tip, None))
                    if column == 0 and model.rowCount(index):
                        pending.append(index)
    inner = re.sub(r"<[^>]+>", "", marked)
    return [f"{where}: {text!r}" for where, text, text_format in places
            if inner in text and marked not in rendered(text, text_format)]


class MessageBoxes:
    """The modal questions and warnings the window put up (``ui.plain.ask`` and ``warn``),
    recorded as a person reads them and answered by the test (``answers``, else Yes)."""

    def __init__(self) -> None:
        self.read: list[str] = []  # each box's text as shown (plain or rich, as Qt takes it)
        self.answers: list[bool] = []

    def exec(self, box) -> int:
        from PySide6.QtWidgets import QMessageBox

        self.read.append(rendered(box.text(), box.textFormat()))
        if not box.standardButtons() & QMessageBox.StandardButton.Yes:
            return QMessageBox.StandardButton.Ok.value
        yes = self.answers.pop(0) if self.answers else True
        return (QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No).value


@pytest.fixture
def message_boxes(monkeypatch) -> MessageBoxes:
    from PySide6.QtWidgets import QMessageBox

    boxes = MessageBoxes()
    monkeypatch.setattr(QMessageBox, "exec", lambda box: boxes.exec(box))
    return boxes
