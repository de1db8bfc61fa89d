"""Text from users and files, shown as text: in tooltips and in the questions the app asks.

Qt shows a tooltip, a label or a message box's text that looks like HTML (a tag before the
first line break) as rich text: a layer called ``<b>x</b>`` showed in bold, an
``<img src=...>`` in a name would be loaded. A tip made here is rich text on purpose, with every
line escaped, so it always shows literally; a question or warning made here is plain text.
(An application-wide event filter that turned Qt's tip label into plain text crashed PySide: it
wraps every object that gets an event, also while it is destroyed.)
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def plain_tip(text: str) -> str:
    """``text`` (lines separated by newlines) as a tooltip that shows exactly that text."""
    if not text:
        return ""
    return "<p>" + "<br>".join(html.escape(line) for line in text.split("\n")) + "</p>"


def plain_box(icon: QMessageBox.Icon, parent: QWidget | None, title: str, text: str,
              buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
              informative: str = "") -> QMessageBox:
    """A message box whose text and informative text are plain text (Qt gives both labels the
    box's format), with No the default where it is offered."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if informative:
        box.setInformativeText(informative)
    if buttons & QMessageBox.StandardButton.No:
        box.setDefaultButton(QMessageBox.StandardButton.No)
    return box


def ask(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question (No the default) whose text may hold names: True on Yes."""
    box = plain_box(QMessageBox.Icon.Question, parent, title, text,
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """A warning the user acknowledges, whose text may hold names or a server's words."""
    plain_box(QMessageBox.Icon.Warning, parent, title, text).exec()


def text_label(text: str = "") -> QLabel:
    """A label for text that may hold names, files' words or a server's message: plain text."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
