"""The Contacten module without a case (reachable from the case list, like Paragon's own Contacts
module): the global directory with the same panel and controller as the main window's dock."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from paragon_desktop.i18n import _
from paragon_desktop.services.contacts import ContactService
from paragon_desktop.services.views import UserView
from paragon_desktop.settings import Settings
from paragon_desktop.ui.controllers.contacts import ContactsController
from paragon_desktop.ui.dialogs.module_window import ModuleHost
from paragon_desktop.ui.docks.contacts import ContactsPanel


class ContactsWindow(QDialog):
    def __init__(self, service: ContactService, user: UserView, parent: QWidget | None = None,
                 settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Contacten - {name}").format(name=user.display_name))
        self.resize(900, 600)
        self.host = ModuleHost(self, user, _("Contacten"), settings)
        self.panel = ContactsPanel(in_case=False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addWidget(buttons)
        self.controller = ContactsController(self.host, service, self.panel)

    def done(self, result: int) -> None:
        self.host.workers.wait(3000)
        super().done(result)
