"""What a controller of the main window may know and do, and nothing more.

The window owns one ``WindowContext`` and hands it to its controllers (after napari's ``Window``
around its ``QMainWindow`` and Spyder's plugins, which get the main window only through a narrow
API). It holds who is signed in, the case as last read, the user's participation, the one way
to run work off the GUI thread (``ops``), the status bar, and a way to ask for a refresh.
Controllers hear about new data through its signals and never call each other's private parts.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStatusBar, QWidget

from paragon_desktop.i18n import _
from paragon_desktop.services.views import CaseSummary, Participation, UserView
from paragon_desktop.settings import Settings
from paragon_desktop.ui.ops import Ops
from paragon_desktop.ui.plain import plain_box, text_label


class WindowContext(QObject):
    # A ChangeSet just read (True: the first one, when the case opened). Emitted before the map
    # draws it; controllers update their docks from it.
    sig_changes = Signal(object, bool)
    # The case row, the participation or the access changed: permissions and titles follow.
    sig_case_updated = Signal()

    def __init__(self, window: QMainWindow, user: UserView, case: CaseSummary,
                 settings: Settings, ops: Ops, refresh: Callable[[], None]) -> None:
        super().__init__(window)
        self.parent_widget: QWidget = window
        self.user = user
        self.case = case
        self.settings = settings
        self.ops = ops
        self.participation: Participation | None = None
        self.revision = 0
        # Set when a refresh is refused: a coordinator removed this user (or the organisation).
        self.access_lost = ""
        self._refresh = refresh
        self.status_bar: QStatusBar = window.statusBar()
        # The lasting line in the status bar: the last refresh, or what last went wrong.
        self.note_label = text_label(_("Nog niet bijgewerkt"))
        self.last_message_box: QMessageBox | None = None

    def refresh(self) -> None:
        self._refresh()

    def show(self, text: str, ms: int = 8000) -> None:
        """A passing message in the status bar."""
        self.status_bar.showMessage(text, ms)

    def note(self, text: str) -> None:
        """A message that stays in the status bar until the next one."""
        self.note_label.setText(text)

    def tell(self, title: str, text: str,
             icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> None:
        """A non-modal message box: the map and the feeds stay usable while it is open."""
        box = plain_box(icon, self.parent_widget, title, text)
        box.setModal(False)
        box.open()
        self.last_message_box = box
