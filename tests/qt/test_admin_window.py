"""Beheer > Organisatie in the real window: an admin sees the organisation's users with labels and
the warning when fewer than two admins remain, creates a user, gives roles and the access level,
deactivates and reactivates, links and unlinks; others do not get the menu."""

from __future__ import annotations

import uuid


def rows(dialog):
    return {dialog.table.item(r, 1).text(): [dialog.table.item(r, c).text() for c in range(5)]
            for r in range(dialog.table.rowCount())}


def choose(qtbot, dialog, username):
    qtbot.waitUntil(lambda: username in rows(dialog), timeout=10000)
    row = list(rows(dialog)).index(username)
    dialog.table.selectRow(row)
    return row


def test_an_admin_manages_the_organisations_users(open_window, qtbot, message_boxes):
    window = open_window("an.peeters")
    qtbot.waitUntil(window.admin_action.isEnabled, timeout=10000)
    window.admin_action.trigger()
    dialog = window.admin_dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=10000)
    assert dialog.organisation.currentText() == "Gemeente Scheldemonde"
    assert rows(dialog)["an.peeters"][0] == \
        "An Peeters [Noodplanningscoördinator Scheldemonde, Org-Admin]"
    assert dialog.warning.isVisible()
    assert "An Peeters" in dialog.warning.text()
    # A new user, with her own password.
    name = f"eva.{uuid.uuid4().hex[:6]}"
    dialog.new_button.click()
    new = dialog.new_dialog
    new.username.setText(name)
    new.display_name.setText("Eva Smet")
    new.password.setText("nieuw-2026!")
    new.repeat.setText("anders-2026!")
    new.save_button.click()
    assert new.isVisible()
    assert new.error.text() == "De twee wachtwoorden verschillen."
    new.repeat.setText("nieuw-2026!")
    new.save_button.click()
    choose(qtbot, dialog, name)
    assert rows(dialog)[name][2:] == ["Agent", "", "actief"]
    # Sofie becomes the second admin and a coordinator: the warning goes.
    choose(qtbot, dialog, "sofie.janssens")
    dialog.roles_button.click()
    form = dialog.member_dialog.form
    form.roles[next(r for r in form.roles if r.value == "org_admin")].setChecked(True)
    form.level.setCurrentIndex(form.level.findData("coordinator"))
    member = dialog.member_dialog
    member._on_accept()  # a coordinator without a label: refused in the dialog, kept open
    assert "label" in member.error.text()
    form.label.setText("Secretaris CP-Ops")
    member._on_accept()
    qtbot.waitUntil(lambda: rows(dialog)["sofie.janssens"][2] == "Coördinator", timeout=10000)
    assert rows(dialog)["sofie.janssens"][0] == \
        "Sofie Janssens [Secretaris CP-Ops, Org-Admin]"
    assert not dialog.warning.isVisible()
    # Deactivated, then reactivated; never oneself.
    choose(qtbot, dialog, name)
    dialog.active_button.click()
    qtbot.waitUntil(lambda: rows(dialog)[name][4] == "gedeactiveerd", timeout=10000)
    choose(qtbot, dialog, name)
    assert dialog.active_button.text() == "Heractiveren"
    dialog.active_button.click()
    qtbot.waitUntil(lambda: rows(dialog)[name][4] == "actief", timeout=10000)
    choose(qtbot, dialog, "an.peeters")
    assert not dialog.active_button.isEnabled()
    # Wim of Polderkerke linked, then unlinked.
    dialog._ask_text = lambda _title, _label: ("wim.verhaegen", True)
    dialog.link_button.click()
    choose(qtbot, dialog, "wim.verhaegen")
    dialog.unlink_button.click()
    qtbot.waitUntil(lambda: "wim.verhaegen" not in rows(dialog), timeout=10000)
    history = [dialog.history.item(i).text() for i in range(dialog.history.count())]
    assert any("ontkoppeld - Wim Verhaegen" in line for line in history)
    assert any("aangemaakt - Eva Smet" in line for line in history)


def test_the_menu_is_for_admins_only(open_window, qtbot):
    window = open_window("tom.declercq")
    qtbot.wait(500)
    assert not window.admin_action.isEnabled()


def test_an_outside_expert_gets_the_case_until_the_admin_ends_it(open_window, qtbot, client):
    from paragon_desktop.domain.enums import AccessLevel
    from paragon_desktop.services.accounts import create_user

    expert = f"ria.{uuid.uuid4().hex[:6]}"
    create_user(client.db, username=expert, display_name="Ria Expert", password="x" * 12,
                access_level=AccessLevel.AGENT, organisations=["Nationaal Crisiscentrum (NCCN)"])
    window = open_window("an.peeters")
    qtbot.waitUntil(window.admin_action.isEnabled, timeout=10000)
    window.admin_action.trigger()
    dialog = window.admin_dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=10000)
    dialog.temporary_button.click()
    qtbot.waitUntil(lambda: dialog.temporary_dialog is not None, timeout=10000)
    ask = dialog.temporary_dialog
    assert "Nordchem" in ask.case.itemText(ask.case.findData(client.seveso_case_id()))
    ask.case.setCurrentIndex(ask.case.findData(client.seveso_case_id()))
    ask.username.setText(expert)
    ask.ok_button.click()
    qtbot.waitUntil(lambda: dialog.temporary.rowCount() == 1, timeout=10000)
    assert [dialog.temporary.item(0, c).text() for c in (0, 2)] == ["Ria Expert",
                                                                     "tot de case sluit"]
    ria = client.user(expert)
    assert client.seveso_case_id() in {c.id for c in client.cases.list_cases(ria)}
    window.refresh()
    qtbot.waitUntil(lambda: "Ria Expert" in window.contacts.names("access"), timeout=10000)
    dialog.temporary.selectRow(0)
    dialog.end_button.click()
    qtbot.waitUntil(lambda: dialog.temporary.item(0, 2).text() == "beëindigd", timeout=10000)
    assert client.seveso_case_id() not in {c.id for c in client.cases.list_cases(ria)}
