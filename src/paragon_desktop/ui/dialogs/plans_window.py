"""The Noodplannen module without a case (reachable from the case list, like Paragon's own
Emergency plans module): the same panel and controller as the main window's dock, without
activation."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from paragon_desktop.i18n import _
from paragon_desktop.services.plans import PlanService
from paragon_desktop.services.views import UserView
from paragon_desktop.ui.controllers.plans import PlansController
from paragon_desktop.ui.dialogs.module_window import ModuleHost
from paragon_desktop.ui.docks.plans import PlansPanel


class PlansWindow(QDialog):
    def __init__(self, service: PlanService, user: UserView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Noodplannen - {name}").format(name=user.display_name))
        self.resize(760, 640)
        self.host = ModuleHost(self, user, _("Noodplannen"))
        self.panel = PlansPanel(in_case=False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addWidget(buttons)
        self.controller = PlansController(self.host, service, self.panel)

    def done(self, result: int) -> None:
        self.controller.close()
        self.host.workers.wait(3000)
        super().done(result)
