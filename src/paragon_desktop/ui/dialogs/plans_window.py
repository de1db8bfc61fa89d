"""The Noodplannen module without a case (reachable from the case list, like Paragon's own
Emergency plans module): the same panel and controller as the main window's dock, without
activation."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QVBoxLayout, QWidget

from paragon_desktop.i18n import _
from paragon_desktop.services.plans import PlanService
from paragon_desktop.services.views import UserView
from paragon_desktop.ui.controllers.plans import PlansController
from paragon_desktop.ui.docks.plans import PlansPanel
from paragon_desktop.ui.ops import Ops
from paragon_desktop.ui.workers import Workers


class _Host:
    """What the plans controller needs of its window (the main window's is WindowContext)."""

    def __init__(self, window: QDialog, user: UserView, ops: Ops) -> None:
        self.user = user
        self.ops = ops
        self.parent_widget: QWidget = window
        self.last_message = ""

    def tell(self, title: str, text: str,
             icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self.parent_widget)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()
        self.last_message = text

    def show(self, text: str, ms: int = 8000) -> None:
        self.last_message = text


class PlansWindow(QDialog):
    def __init__(self, service: PlanService, user: UserView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Noodplannen - {name}").format(name=user.display_name))
        self.resize(760, 640)
        self._workers = Workers(self)
        self.host = _Host(self, user, Ops(self._workers,
                                          tell=lambda text: self.host.tell(_("Noodplannen"), text)))
        self.panel = PlansPanel(in_case=False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addWidget(buttons)
        self.controller = PlansController(self.host, service, self.panel)

    def done(self, result: int) -> None:
        self.controller.close()
        self._workers.wait(3000)
        super().done(result)
