"""Locking an unattended window (§1: never leave a device with Paragon open unattended).

After ``lock_minutes`` without keyboard or mouse input (or at once with Ctrl+L) the main window
hides everything behind a lock screen that asks the signed-in user's password. Behind it the
window goes on: drafts are kept, the outbox sends, live updates and refreshes arrive. Someone
else at the keyboard can only sign the locked user out (the window closes as on quitting:
drafts kept)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QWindow
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.i18n import _

_INPUT = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                    QEvent.Type.Wheel, QEvent.Type.TouchBegin})


class IdleWatcher(QObject):
    """Fires ``sig_idle`` after the given time without keyboard or mouse input in the window.

    It listens on the window's native window (every input event of the window and its children
    passes there first), not on the whole application: a Python filter on every event of the
    application (QtWebEngine's internals included) crashed PySide6."""

    sig_idle = Signal()

    def __init__(self, minutes: int, window: QWidget) -> None:
        super().__init__(window)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.sig_idle)
        self.set_minutes(minutes)
        if window.windowHandle() is None:
            window.winId()  # makes the native window now
        self._handle: QWindow | None = window.windowHandle()
        if self._handle is not None:
            self._handle.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.timer.setInterval(max(1, int(minutes)) * 60_000)
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() in _INPUT:
            self.timer.start()  # again from now
        return False

    def stop(self) -> None:
        self.timer.stop()
        if self._handle is not None:
            self._handle.removeEventFilter(self)
            self._handle = None


class LockScreen(QFrame):
    """Covers the whole window; the password field is the only thing to type in."""

    sig_unlock = Signal(str)  # the password typed
    sig_sign_out = Signal()

    def __init__(self, window: QMainWindow, display_name: str) -> None:
        super().__init__(window)
        self.setObjectName("paragonLock")
        self.setAutoFillBackground(True)
        self.setStyleSheet("#paragonLock { background: #2b2f33; } "
                           "#paragonLock QLabel { color: white; }")
        title = QLabel(_("Paragon Desktop is vergrendeld"))
        title.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.who = who = QLabel(_("Aangemeld: {name}. Geef je wachtwoord om verder te werken; "
                                  "intussen lopen berichten en updates gewoon door.").format(
            name=display_name))
        who.setTextFormat(Qt.TextFormat.PlainText)
        who.setWordWrap(True)
        # Its lines at the box's width, all of them (a centred box does not pass the height
        # for a width on to a wrapped label).
        who.setMinimumHeight(who.heightForWidth(460))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("Wachtwoord"))
        self.password.returnPressed.connect(self._unlock)
        self.unlock_button = QPushButton(_("Ontgrendelen"))
        self.unlock_button.clicked.connect(self._unlock)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #ffa8a8;")
        self.sign_out_button = QPushButton(_("Iemand anders? {name} afmelden").format(
            name=display_name))
        self.sign_out_button.setToolTip(_("Sluit het venster (concepten blijven bewaard)"))
        self.sign_out_button.clicked.connect(self.sig_sign_out)
        row = QHBoxLayout()
        row.addWidget(self.password, 1)
        row.addWidget(self.unlock_button)
        box = QWidget()
        box.setFixedWidth(480)
        inner = QVBoxLayout(box)
        inner.addWidget(title)
        inner.addWidget(who)
        inner.addLayout(row)
        inner.addWidget(self.error)
        inner.addSpacing(16)
        inner.addWidget(self.sign_out_button, 0, Qt.AlignmentFlag.AlignLeft)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.hide()

    def _unlock(self) -> None:
        self.unlock_button.setEnabled(False)
        self.error.clear()
        self.sig_unlock.emit(self.password.text())

    def refused(self, reason: str) -> None:
        self.unlock_button.setEnabled(True)
        self.password.selectAll()
        self.password.setFocus()
        self.error.setText(reason)


class WindowLock(QObject):
    """Locks and unlocks a main window; ``verify(password)`` raises when it is wrong (run off
    the GUI thread through ``run``)."""

    def __init__(self, window: QMainWindow, display_name: str, minutes: int,
                 verify: Callable[[str], object],
                 run: Callable[[Callable[[], object], Callable[[object], None],
                                Callable[[Exception], None]], None],
                 sign_out: Callable[[], object]) -> None:
        super().__init__(window)
        self.window = window
        self.screen = LockScreen(window, display_name)
        self.idle = IdleWatcher(minutes, window)
        self.idle.sig_idle.connect(self.lock)
        self._verify, self._run = verify, run
        self.screen.sig_unlock.connect(self.try_unlock)
        self.screen.sig_sign_out.connect(sign_out)
        self.locked = False
        self._disabled: list[QAction] = []
        self._floating: list[QDockWidget] = []
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.window and event.type() == QEvent.Type.Resize and self.locked:
            self.screen.setGeometry(self.window.rect())
        return False

    def lock(self) -> None:
        if self.locked:
            return
        self.locked = True
        # Shortcuts would still reach the window behind the screen: its actions wait.
        self._disabled = [a for a in self.window.findChildren(QAction) if a.isEnabled()]
        for action in self._disabled:
            action.setEnabled(False)
        self._floating = [d for d in self.window.findChildren(QDockWidget)
                          if d.isFloating() and d.isVisible()]
        for dock in self._floating:
            dock.hide()
        self.screen.setGeometry(self.window.rect())
        self.screen.password.clear()
        self.screen.error.clear()
        self.screen.unlock_button.setEnabled(True)
        self.screen.show()
        self.screen.raise_()
        self.screen.password.setFocus()

    def try_unlock(self, password: str) -> None:
        def done(_result: object) -> None:
            self.unlock()

        def refused(exc: Exception) -> None:
            self.screen.refused(str(exc))

        self._run(lambda: self._verify(password), done, refused)

    def unlock(self) -> None:
        self.locked = False
        self.screen.hide()
        self.screen.password.clear()
        for action in self._disabled:
            action.setEnabled(True)
        for dock in self._floating:
            dock.show()
        self._disabled, self._floating = [], []
        self.idle.timer.start()

    def stop(self) -> None:
        self.idle.stop()
