"""Noodplannen in the real window: the dock lists what the user may see, a plan is made with the
dialog (title by the convention, key anchor suggested, PDF), edited, approved with a letter,
activated in the case with copies, and the case does not close while it is active."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialogButtonBox

from paragon_desktop.domain.plans import PlanKind, PlanStatus
from paragon_desktop.services.demo_plans import simple_pdf


@pytest.fixture
def pdf(tmp_path):
    path = tmp_path / "anip-noord.pdf"
    path.write_bytes(simple_pdf("ANIP Scheldemonde-Noord", ["Test."]))
    return path


def titles(panel):
    return {panel.tree.topLevelItem(i).text(0): panel.tree.topLevelItem(i).text(1)
            for i in range(panel.tree.topLevelItemCount())}


def choose(qtbot, window, title):
    panel = window.plans.panel
    qtbot.waitUntil(lambda: title in titles(panel), timeout=10000)
    for i in range(panel.tree.topLevelItemCount()):
        if panel.tree.topLevelItem(i).text(0) == title:
            panel.tree.setCurrentItem(panel.tree.topLevelItem(i))
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.summary.title == title,
                    timeout=10000)
    return panel.current


def test_the_dock_lists_the_plans_the_user_may_see_with_their_about_page(open_window, qtbot,
                                                                       monkeypatch):
    window = open_window("an.peeters")
    panel = window.plans.panel
    qtbot.waitUntil(lambda: len(titles(panel)) == 2, timeout=10000)
    # Nordchem's internal plan is a draft of another organisation.
    assert titles(panel) == {"ANIP Scheldemonde": "Goedgekeurd",
                             "BNIP Seveso Nordchem Scheldemonde": "Goedgekeurd"}
    plan = choose(qtbot, window, "BNIP Seveso Nordchem Scheldemonde")
    about = panel.about.toPlainText()
    assert "Sleutelanker: Nordchem Scheldemonde NV - bedrijfscontour" in about
    assert "Goedgekeurd" in about
    assert "An Peeters" in about
    assert panel.documents.count() == 2  # the plan and its approval letter
    assert panel.active.item(0).text().startswith("BNIP Seveso Nordchem Scheldemonde · versie van")
    # Filters: by kind and by words.
    panel.kind.setCurrentIndex(panel.kind.findData(PlanKind.ANIP))
    qtbot.waitUntil(lambda: list(titles(panel)) == ["ANIP Scheldemonde"], timeout=5000)
    panel.kind.setCurrentIndex(0)
    panel.search.setText("seveso")
    qtbot.waitUntil(lambda: list(titles(panel)) == ["BNIP Seveso Nordchem Scheldemonde"],
                    timeout=5000)
    # A document opens in the user's own PDF viewer (here: recorded, not launched).
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)
    window.plans.open_document(plan.documents[0].id)
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert open(opened[0], "rb").read().startswith(b"%PDF-")


def test_a_plan_is_made_edited_approved_and_activated_from_the_window(open_window, qtbot,
                                                                       pdf, tmp_path):
    window = open_window("an.peeters")
    controller, panel = window.plans, window.plans.panel
    qtbot.waitUntil(lambda: panel.new_button.isEnabled(), timeout=10000)
    panel.new_button.click()
    dialog = controller.dialog
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert "gemeentegrenzen" in dialog.suggestion.text()
    # The border of Scheldemonde is suggested for an ANIP.
    qtbot.waitUntil(lambda: dialog.key_anchor.currentData() is not None, timeout=10000)
    assert dialog.key_anchor.currentText().startswith("Grens Scheldemonde")
    assert not ok.isEnabled()
    assert "toepassingsgebied" in dialog.problem.text()
    dialog.area.setText("Scheldemonde-Noord")
    assert dialog.title_preview.text() == "ANIP Scheldemonde-Noord"
    assert "PDF-document" in dialog.problem.text()
    dialog.set_document(pdf)
    assert ok.isEnabled()
    ok.click()
    qtbot.waitUntil(lambda: titles(panel).get("ANIP Scheldemonde-Noord") == "Ontwerp",
                    timeout=10000)
    plan = choose(qtbot, window, "ANIP Scheldemonde-Noord")
    assert plan.may_manage
    assert panel.approve_button.isEnabled()
    # Edited: a new title; a draft has no "small change".
    panel.edit_button.click()
    dialog = controller.dialog
    assert not dialog.small.isVisible()
    qtbot.waitUntil(lambda: dialog.key_anchor.currentData() is not None, timeout=10000)
    dialog.area.setText("Scheldemonde-Doel")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: "ANIP Scheldemonde-Doel" in titles(panel), timeout=10000)
    # Approved with a letter.
    letter = tmp_path / "brief.pdf"
    letter.write_bytes(simple_pdf("Goedkeuring", ["Goedgekeurd."]))
    controller.approve(plan.summary.id, letter)
    qtbot.waitUntil(lambda: titles(panel).get("ANIP Scheldemonde-Doel") == "Goedgekeurd",
                    timeout=10000)
    choose(qtbot, window, "ANIP Scheldemonde-Doel")
    qtbot.waitUntil(lambda: panel.current.summary.status is PlanStatus.APPROVED, timeout=10000)
    assert not panel.approve_button.isEnabled()
    # Activated in the case: the dialog lists its elements (none here), the case shows it.
    panel.activate_button.click()
    controller.activate_dialog.accept()
    qtbot.waitUntil(lambda: any(panel.active.item(i).text().startswith("ANIP Scheldemonde-Doel")
                                for i in range(panel.active.count())), timeout=10000)


def test_the_case_closes_only_when_its_plans_are_deactivated(open_window, qtbot):
    window = open_window("an.peeters")
    panel = window.plans.panel
    qtbot.waitUntil(lambda: panel.active.count() == 1
                    and panel.active.item(0).text().startswith("BNIP"), timeout=10000)
    window.case_menu.close_case(confirm=False)
    qtbot.waitUntil(lambda: window.ctx.last_message_box is not None, timeout=10000)
    refusal = window.ctx.last_message_box.text()
    assert "BNIP Seveso Nordchem Scheldemonde" in refusal
    assert window.case.is_open
    panel.active.setCurrentRow(0)
    assert panel.deactivate_button.isEnabled()
    panel.deactivate_button.click()
    qtbot.waitUntil(lambda: panel.active.item(0).text() == "(geen)", timeout=10000)
    window.case_menu.close_case(confirm=False)
    qtbot.waitUntil(lambda: not window.case.is_open, timeout=15000)


def test_the_plans_module_opens_from_the_case_list_without_a_case(qtbot, client):
    from paragon_desktop.settings import Settings
    from paragon_desktop.ui.dialogs.case_list import CaseListDialog

    dialog = CaseListDialog(client, client.user("marc.nordchem"), Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.plans_button.click()
    window = dialog.plans_window
    panel = window.panel
    # Nordchem sees its own draft and everyone's approved plans; nothing to activate here.
    qtbot.waitUntil(lambda: len(titles(panel)) == 3, timeout=10000)
    assert titles(panel)["Intern noodplan Nordchem Scheldemonde"] == "Ontwerp"
    assert not panel.activate_button.isVisible()
    assert not panel.active_box.isVisible()
    # Not a plan manager: nothing to make.
    assert not panel.new_button.isEnabled()
    window.close()


def test_elements_are_added_and_removed_and_a_summary_is_printed(open_window, qtbot, tmp_path):
    from PySide6.QtPdf import QPdfDocument

    window = open_window("an.peeters")
    controller, panel = window.plans, window.plans.panel
    plan = choose(qtbot, window, "ANIP Scheldemonde")
    assert panel.add_element_button.isEnabled()
    panel.add_element_button.click()
    qtbot.waitUntil(lambda: getattr(controller, "element_dialog", None) is not None,
                    timeout=10000)
    dialog = controller.element_dialog
    assert dialog.small.isVisible()  # approved: a small addition keeps the approval
    dialog.kind.setCurrentIndex(dialog.kind.findData("organisation"))
    dialog.item.setCurrentText("Nationaal Crisiscentrum (NCCN)")
    dialog.small.setChecked(True)
    dialog.accept()
    qtbot.waitUntil(lambda: any("Nationaal Crisiscentrum" in panel.elements.item(i).text()
                                for i in range(panel.elements.count())), timeout=10000)
    assert panel.current.summary.status is PlanStatus.APPROVED
    # Removing one (not small): back to draft.
    panel.elements.setCurrentRow(0)
    removed = panel.elements.item(0).text()
    panel.remove_element_button.click()
    qtbot.waitUntil(lambda: all(panel.elements.item(i).text() != removed
                                for i in range(panel.elements.count())), timeout=10000)
    qtbot.waitUntil(lambda: panel.current.summary.status is PlanStatus.DRAFT, timeout=10000)
    # The printable summary, read back.
    out = tmp_path / "anip.pdf"
    controller.summary_to(panel.current, out)
    document = QPdfDocument()
    document.load(str(out))
    text = "".join(document.getAllText(i).text() for i in range(document.pageCount()))
    for wanted in ("ANIP Scheldemonde", "Grens Scheldemonde", "Nationaal Crisiscentrum",
                   "goedkeuringsbrief.pdf", "SHA-256", "gewijzigd, terug naar ontwerp"):
        assert wanted in text, wanted
    assert plan.summary.id == panel.current.summary.id
