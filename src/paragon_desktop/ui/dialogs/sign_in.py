"""Sign in (the case list is in ``case_list``).

The check runs off the GUI thread (argon2, a login role's connection to a server that may be
slow or away, the wait after repeated failures): the dialog stays responsive and says so."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.i18n import _
from paragon_desktop.services.views import UserView
from paragon_desktop.ui.ops import Ops
from paragon_desktop.ui.plain import text_label
from paragon_desktop.ui.reminder import reminder
from paragon_desktop.ui.workers import Workers


class SignInDialog(QDialog):
    def __init__(self, sign_in: Callable[[str, str], UserView], database: str,
                 parent: QWidget | None = None, *, username: str = "",
                 demo_users: list[tuple[str, str]] | None = None, demo_password: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Paragon Desktop - aanmelden"))
        self._sign_in = sign_in
        self.user: UserView | None = None
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = text_label()
        self.error.setStyleSheet("color: #c92a2a;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Gebruikersnaam"), self.username)
        form.addRow(_("Wachtwoord"), self.password)
        # The password is always typed (§1: a kept one opened an unattended laptop).
        self.username.setText(username)
        if username:
            self.password.setFocus()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Aanmelden"))
        buttons.accepted.connect(self._try)
        self._workers = Workers(self)
        self._ops = Ops(self._workers, tell=self.error.setText)
        buttons.rejected.connect(self.reject)
        where = QLabel(_("Database: {name}").format(name=database))
        where.setStyleSheet("color: palette(placeholder-text);")
        title = QLabel(_("<b>Paragon Desktop</b> - meld je aan"))
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        # The rule book's reminders (§1), at every sign-in.
        self.reminder = QLabel(reminder())
        self.reminder.setTextFormat(Qt.TextFormat.PlainText)
        self.reminder.setWordWrap(True)
        self.reminder.setStyleSheet("color: #5c3d00; background: #fff3bf; padding: 4px;")
        layout.addWidget(self.reminder)
        layout.addWidget(self.error)
        if demo_users:
            # The embedded demo exercise: say who can sign in (names are data: plain text).
            self.demo = QLabel(
                _("Demo-oefening: meld je aan als een van deze gebruikers, wachtwoord {password}")
                .format(password=demo_password) + "\n"
                + "\n".join(f"  {name}  ({what})" for name, what in demo_users))
            self.demo.setTextFormat(Qt.TextFormat.PlainText)
            self.demo.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(self.demo)
            if not username:
                self.username.setText(demo_users[0][0])
                self.password.setFocus()
        layout.addWidget(where)
        layout.addWidget(buttons)

    def _try(self) -> None:
        if not self.ok_button.isEnabled():  # Enter again while the check runs
            return
        sign_in, username, password = self._sign_in, self.username.text(), self.password.text()
        self.error.setStyleSheet("color: palette(placeholder-text);")
        self.error.setText(_("Aanmelden…"))

        def signed_in(user: UserView) -> None:
            self.user = user
            self.accept()

        def refused(exc: Exception) -> None:
            self.error.setStyleSheet("color: #c92a2a;")
            self.error.setText(str(exc))
            self.password.selectAll()
            self.password.setFocus()

        self._ops.run(lambda: sign_in(username, password), signed_in, refused,
                      busy=[self.ok_button, self.username, self.password])

    def done(self, result: int) -> None:
        self._workers.shutdown()
        super().done(result)
