"""Sign-in and case choice, as a user meets them at start."""

from PySide6.QtWidgets import QDialogButtonBox

from paragon_desktop.ui.dialogs.sign_in import CaseListDialog, SignInDialog
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


def test_case_list_shows_active_and_closed_cases(qtbot, client):
    user = client.user("an.peeters")
    active = client.cases.list_cases(user)
    closed = [c for c in client.cases.list_cases(user, include_closed=True) if not c.is_open]
    dialog = CaseListDialog(active, closed)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.tabs.tabText(0) == f"Actief ({len(active)})"
    assert dialog.tabs.tabText(1) == "Afgesloten (1)"
    table = dialog.active
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert names == [c.name for c in active]
    assert table.item(names.index(next(n for n in names if "Nordchem" in n)), 1).text() == "Oefening"
    row = next(i for i, n in enumerate(names) if "Nordchem" in n)
    table.selectRow(row)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Open).click()
    assert dialog.case.id == client.seveso_case_id()
