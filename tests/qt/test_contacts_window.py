"""Contacten in the real window: participants and users with access (with their labels), a
contact made with the dialog after the duplicate check, its card (consent, notices, vCard),
edited and refused, and the GDPR mails sent through a real SMTP server on 127.0.0.1; the module
without a case from the case list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from paragon_desktop.domain.enums import AccessLevel
from paragon_desktop.domain.feeds import RoleChoice
from paragon_desktop.services.accounts import create_user
from paragon_desktop.settings import Settings
from tests.smtpserver import smtp_server


def fill(dialog, **values):
    for key, value in values.items():
        dialog.inputs[key].setText(value)


def test_participants_and_users_with_access_who_are_not_in_the_case(open_window, qtbot, client):
    # A new agent of Scheldemonde: the case is shared with the municipality, she has not entered.
    create_user(client.db, username="eva.smet", display_name="Eva Smet", password="x" * 12,
                access_level=AccessLevel.AGENT, organisations=["Gemeente Scheldemonde"],
                existing_role=True)
    window = open_window("an.peeters")
    panel = window.contacts
    qtbot.waitUntil(lambda: "Eva Smet" in panel.names("access"), timeout=10000)
    assert "An Peeters [Noodplanningscoördinator Scheldemonde, Org-Admin]" in \
        panel.names("participant")
    assert "Eva Smet" not in panel.names("participant")
    # She enters the case: on the next refresh she is a participant, no longer "with access".
    eva = client.user("eva.smet")
    client.participation.enter_case(eva, client.seveso_case_id(),
                                    RoleChoice(eva.organisations[0][0], "Noodplanningsambtenaar"))
    window.refresh()
    qtbot.waitUntil(lambda: "Eva Smet" in panel.names("participant"), timeout=10000)
    assert "Eva Smet" not in panel.names("access")


def test_a_case_contact_is_made_after_the_duplicate_check_and_shown_on_its_card(
        open_window, qtbot, tmp_path):
    window = open_window("sofie.janssens")
    controller, panel = window.contact_actions, window.contacts
    qtbot.waitUntil(lambda: panel.new_button.isEnabled(), timeout=10000)
    panel.new_button.click()
    dialog = controller.dialog
    assert dialog.scope.count() == 1  # not a contact manager: the case only
    fill(dialog, name="Greet Mertens", email="geen adres")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert "e-mail" in dialog.error.text()
    fill(dialog, email="greet.mertens@bsdeschelde.example", function="Directie")
    dialog.save_button.click()
    # The same name exists in the case: asked first.
    qtbot.waitUntil(lambda: controller.duplicates_dialog is not None
                    and controller.duplicates_dialog.isVisible(), timeout=10000)
    ask = controller.duplicates_dialog
    assert "Greet Mertens" in ask.list.item(0).text()
    assert "dezelfde naam" in ask.list.item(0).text()
    ask.reject()  # back: the dialog comes back with what was typed
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=5000)
    assert dialog.inputs["email"].text() == "greet.mertens@bsdeschelde.example"
    fill(dialog, name="Greet Mertes")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: controller.duplicates_dialog is not ask
                    and controller.duplicates_dialog is not None, timeout=10000)
    controller.duplicates_dialog.create_button.click()
    qtbot.waitUntil(lambda: controller.card_dialog is not None
                    and controller.card_dialog.isVisible(), timeout=10000)
    card = controller.card_dialog
    assert card.card.name == "Greet Mertes"
    assert card.consent.text().startswith("gevraagd op")
    assert card.notices.item(0, 0).text() == "toestemmingsvraag"
    assert card.notices.item(0, 2).text() == "nog te versturen"
    qtbot.waitUntil(lambda: "Greet Mertes" in panel.names("case"), timeout=10000)
    # The vCard is copied (as text; the app must also quit cleanly afterwards, which a
    # QMimeData made in Python broke: see test_a_copied_vcard_does_not_crash_the_app_at_exit).
    card.copy_button.click()
    qtbot.waitUntil(lambda: "BEGIN:VCARD" in QApplication.clipboard().text(), timeout=5000)
    assert "FN:Greet Mertes" in QApplication.clipboard().text()
    # Saved as a .vcf file (the file dialog answered here).
    target = tmp_path / "greet.vcf"
    controller._vcard_files = lambda _name: str(target)
    card.save_button.click()
    qtbot.waitUntil(target.exists, timeout=5000)
    assert target.read_bytes().startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n")


def test_an_edit_and_a_refusal_from_the_card(open_window, qtbot, message_boxes):
    window = open_window("pieter.wouters")  # contact manager
    controller, panel = window.contact_actions, window.contacts
    qtbot.waitUntil(lambda: "Hilde Verstraete" in panel.names("global"), timeout=10000)
    hilde = next(c.id for c in controller.service.directory(window.user)
                 if c.name == "Hilde Verstraete")
    controller.open_card(hilde)
    qtbot.waitUntil(lambda: controller.card_dialog is not None, timeout=10000)
    card = controller.card_dialog
    labels = [card.layout().itemAt(0).layout().itemAt(i).widget().text()
              for i in range(card.layout().itemAt(0).layout().count())
              if card.layout().itemAt(0).layout().itemAt(i).widget() is not None]
    assert "+32 475 12 34 56" in labels  # her own number, kept at her wish
    card.edit_button.click()
    qtbot.waitUntil(lambda: controller.dialog is not None and controller.dialog.isVisible(),
                    timeout=10000)
    dialog = controller.dialog
    assert dialog.personal.isChecked()
    fill(dialog, function="Kabinetschef <b>gouverneur</b>")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: controller.card_dialog is not card
                    and controller.card_dialog is not None, timeout=10000)
    card = controller.card_dialog
    assert card.notices.item(0, 0).text() == "melding van wijziging (Functie)"
    shown = [label for label in card.findChildren(QLabel)
             if label.text() == "Kabinetschef <b>gouverneur</b>"]
    assert shown
    assert shown[0].textFormat() == Qt.TextFormat.PlainText
    card.refused_button.click()
    qtbot.waitUntil(lambda: controller.card_dialog is not card
                    and controller.card_dialog.card.consent.value == "refused", timeout=10000)
    card = controller.card_dialog
    assert card.card.personal is None
    assert "gewist" in card.consent.text()


def test_pending_mails_go_through_the_mail_server_of_the_settings(open_window, qtbot):
    with smtp_server() as inbox:
        settings = Settings(smtp_host="127.0.0.1", smtp_port=inbox.port, smtp_security="none",
                            smtp_sender="noodplanning@nc112.example")
        window = open_window("pieter.wouters", settings=settings)
        controller, panel = window.contact_actions, window.contacts
        qtbot.waitUntil(lambda: panel.pending_button.text() == "Te versturen e-mails (1)",
                        timeout=10000)
        panel.pending_button.click()
        dialog = controller.pending_dialog
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10000)
        assert dialog.table.item(0, 0).text() == "Koen Baert"
        assert "Beste Koen Baert" in dialog.preview.toPlainText()
        assert "NC112 Scheldeland" in dialog.preview.toPlainText()
        dialog.send_button.click()
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=15000)
        [mail] = inbox.to("koen.baert@milieumeetnet.example")
        assert mail["Subject"] == "Paragon: mag NC112 Scheldeland uw contactgegevens bewaren?"
        assert panel.pending_button.text() == "Te versturen e-mails"


def test_the_contacts_module_opens_from_the_case_list(qtbot, client):
    from paragon_desktop.ui.dialogs.case_list import CaseListDialog

    dialog = CaseListDialog(client, client.user("wim.verhaegen"), Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.contacts_button.click()
    window = dialog.contacts_window
    qtbot.waitUntil(lambda: "Hilde Verstraete" in window.panel.names("global"), timeout=10000)
    assert "Marc Claes" not in window.panel.names("global")  # a case's own contact
    qtbot.waitUntil(lambda: window.controller.contact_manager is False, timeout=5000)
    assert not window.panel.new_button.isEnabled()  # read-only: nothing to make
    window.close()


def test_a_copied_vcard_does_not_crash_the_app_at_exit(tmp_path):
    """Copying with a QMimeData made in Python (to offer text/vcard) made the process crash
    when Qt tore the application down (exit 139): the whole test run failed after passing."""
    import subprocess
    import sys

    script = tmp_path / "vcard_copy.py"
    script.write_text(
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from paragon_desktop.ui.controllers.contacts import ContactsController\n"
        "app = QApplication(sys.argv)\n"
        "class Host:\n"
        "    def show(self, text, ms=0): print(text)\n"
        "controller = ContactsController.__new__(ContactsController)\n"
        "controller.host = Host()\n"
        "controller._copy('BEGIN:VCARD\\r\\nEND:VCARD\\r\\n', 1)\n"
        "print(QApplication.clipboard().text().startswith('BEGIN:VCARD'))\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60, env={**__import__("os").environ,
                                           "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("True")
