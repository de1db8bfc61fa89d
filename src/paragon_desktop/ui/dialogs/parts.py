"""Small pieces the contact and organisation dialogs share: the red line that says what is
wrong, and Save/Cancel buttons wired to the dialog's check."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel

from paragon_desktop.ui.plain import text_label

ERROR_STYLE = "color: #c92a2a;"


def error_label() -> QLabel:
    """Hidden until there is something to say; plain text, wrapped."""
    label = text_label()
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


def save_cancel(dialog: QDialog, on_save: Callable[[], None]) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(on_save)
    buttons.rejected.connect(dialog.reject)
    return buttons
