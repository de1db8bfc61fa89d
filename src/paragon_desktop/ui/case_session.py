"""One signed-in user's way through the app: the case list, the crisis role for the case
chosen, the main window; leaving the case leads back to the list (to choose another role)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy.engine import URL

from paragon_desktop.services.bundle import Services
from paragon_desktop.services.views import CaseSummary, UserView
from paragon_desktop.settings import Settings
from paragon_desktop.storage.db import Database
from paragon_desktop.ui.dialogs.case_list import CaseListDialog
from paragon_desktop.ui.dialogs.crisis_role import CrisisRoleDialog
from paragon_desktop.ui.main_window import MainWindow


def live_url_of(db: Database) -> URL | None:
    """PostgreSQL notifies every commit (LISTEN/NOTIFY); the embedded database has no server."""
    url = db.engine.url
    return url if url.get_backend_name() == "postgresql" else None


class CaseSession(QObject):
    def __init__(self, services: Services, user: UserView, settings: Settings,
                 database_label: str,
                 verify_password: Callable[[str, str], object] | None = None) -> None:
        super().__init__()
        # How the lock screen checks the password (a login role's own, on a shared server).
        self.verify_password = verify_password
        self.services = services
        self.user = user
        self.settings = settings
        self.database_label = database_label
        self.window: MainWindow | None = None

    def start(self) -> bool:
        """Show the case list; False when the user closed it without opening a case."""
        while True:
            chooser = CaseListDialog(self.services, self.user, self.settings)
            if not chooser.exec() or chooser.case is None:
                return False
            if self.open(chooser.case):
                return True

    def open(self, case: CaseSummary) -> bool:
        # A closed case is only read: no crisis role is taken in it.
        if case.is_open:
            dialog = CrisisRoleDialog(self.services.participation, self.user, case)
            if not dialog.exec():
                return False
        s = self.services
        self.window = MainWindow(s, self.user, case, self.settings,
                                 database_label=self.database_label, live_url=live_url_of(s.db),
                                 verify_password=self.verify_password)
        self.window.sig_closed.connect(self._on_window_closed)
        self.window.show()
        return True

    def _on_window_closed(self, leaving: bool) -> None:
        self.window = None
        if leaving:
            QTimer.singleShot(0, self._back_to_list)
        else:
            QApplication.quit()

    def _back_to_list(self) -> None:
        if not self.start():
            QApplication.quit()
