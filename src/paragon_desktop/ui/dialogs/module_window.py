"""What a module's controller needs of the window it lives in, for the module windows opened
without a case from the case list (Noodplannen, Contacten); the main window's is WindowContext."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from paragon_desktop.services.views import UserView
from paragon_desktop.settings import Settings
from paragon_desktop.ui.ops import Ops
from paragon_desktop.ui.plain import plain_box
from paragon_desktop.ui.workers import Workers


class ModuleHost:
    def __init__(self, window: QDialog, user: UserView, title: str,
                 settings: Settings | None = None) -> None:
        self.user = user
        self.parent_widget: QWidget = window
        self.settings = settings or Settings.load()
        self.workers = Workers(window)
        self.ops = Ops(self.workers, tell=lambda text: self.tell(title, text))
        self.last_message = ""

    def tell(self, title: str, text: str,
             icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> None:
        box = plain_box(icon, self.parent_widget, title, text)
        box.open()
        self.last_message = text

    def show(self, text: str, ms: int = 8000) -> None:
        self.last_message = text
