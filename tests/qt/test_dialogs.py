"""Sign-in and case choice, as a user meets them at start."""

from PySide6.QtWidgets import QDialogButtonBox

from paragon_desktop.ui.dialogs.sign_in import SignInDialog
from tests.conftest import DEMO_PASSWORD


def test_sign_in_refuses_a_wrong_password_and_keeps_the_user_name(qtbot, client):
    dialog = SignInDialog(client.auth.sign_in, "sqlite:///demo.db")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("an.peeters")
    dialog.password.setText("fout")
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert dialog.isVisible()
    assert "wrong password" in dialog.error.text()
    assert dialog.username.text() == "an.peeters"
    dialog.password.setText(DEMO_PASSWORD)
    ok.click()
    assert not dialog.isVisible()
    assert dialog.user.username == "an.peeters"
