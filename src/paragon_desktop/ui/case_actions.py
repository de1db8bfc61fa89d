"""The main window's Case menu: edit the case information, see who it is shared with, read the
audit trail, close and reopen. Every action is checked again by the service; the menu only
greys out what the user's access level cannot do, with the reason as tooltip."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from paragon_desktop.domain.access import CaseAction, case_refusal
from paragon_desktop.domain.cases import CaseDraft
from paragon_desktop.services.views import AuditEntry
from paragon_desktop.ui.dialogs.audit_trail import AuditTrailDialog
from paragon_desktop.ui.dialogs.case_form import CaseDialog
from paragon_desktop.ui.dialogs.case_sharing import CaseSharingDialog

if TYPE_CHECKING:
    from paragon_desktop.ui.main_window import MainWindow


class CaseActionsMixin:
    def _build_case_menu(self: MainWindow) -> None:
        menu = self.menuBar().addMenu("&Case")
        # Everyone in the case may read its details (read-only users included).
        self.details_action = QAction("Case-&gegevens…", self)
        self.details_action.triggered.connect(self.show_case_details)
        menu.addAction(self.details_action)
        self.case_actions: dict[CaseAction, QAction] = {}
        for action, label, handler in (
            (CaseAction.EDIT, "Case-informatie &aanpassen…", self.edit_case_info),
            (CaseAction.READ, "&Gedeeld met…", self.show_sharing),
            (CaseAction.READ_AUDIT, "Audit-&trail…", self.show_audit_trail),
            (CaseAction.CLOSE, "Case a&fsluiten…", self.close_case),
            (CaseAction.REOPEN, "Case &heropenen", self.reopen_case),
        ):
            qaction = QAction(label, self)
            qaction.triggered.connect(handler)
            menu.addAction(qaction)
            self.case_actions[action] = qaction
            if action is CaseAction.READ_AUDIT:
                menu.addSeparator()
        menu.addSeparator()
        self.leave_action = QAction("Case &verlaten (andere rol kiezen)…", self)
        self.leave_action.setToolTip("Terug naar de caselijst; open de case opnieuw om een andere "
                                     "crisisrol te kiezen")
        self.leave_action.triggered.connect(self.leave_case)
        menu.addAction(self.leave_action)
        self.case_menu = menu
        menu.setToolTipsVisible(True)

    def show_case_details(self: MainWindow) -> None:
        from paragon_desktop.ui.dialogs.case_details import CaseDetailsDialog

        dialog = CaseDetailsDialog(self.case, self)
        self.case_details_dialog = dialog  # for tests
        dialog.open()

    def _update_case_actions(self: MainWindow) -> None:
        if not hasattr(self, "case_actions"):
            return
        for action, qaction in self.case_actions.items():
            # Taking part is checked by the service when reopening; the menu cannot know it.
            refusal = "Niet beschikbaar." if self.admin is None else case_refusal(
                action, self.user.access_level, case_open=self.case.is_open, took_part=True)
            qaction.setEnabled(refusal is None)
            qaction.setToolTip(refusal or "")

    def _report(self: MainWindow, title: str, exc: Exception) -> None:
        self._tell(title, str(exc), QMessageBox.Icon.Warning)

    def _after_case_action(self: MainWindow, notes: tuple[str, ...], done: str) -> None:
        self.statusBar().showMessage(" ".join((done, *notes)), 10000)
        self.refresh()

    def edit_case_info(self: MainWindow) -> None:
        assert self.admin is not None
        admin, user, case_id = self.admin, self.user, self.case.id

        def ask(draft: CaseDraft) -> None:
            dialog = CaseDialog(admin, user, self.settings, self, case_id=case_id, draft=draft)
            self.case_dialog = dialog
            if dialog.exec() and dialog.outcome is not None:
                self._after_case_action(dialog.outcome.notes, "Case-informatie opgeslagen.")

        self.workers.run(lambda: admin.case_draft(user, case_id), ask,
                         lambda exc: self._report("Case aanpassen", exc))

    def show_sharing(self: MainWindow) -> None:
        assert self.admin is not None
        dialog = CaseSharingDialog(self.admin, self.user, self.case, self)
        self.sharing_dialog = dialog
        dialog.exec()
        self.refresh()

    def show_audit_trail(self: MainWindow) -> None:
        assert self.admin is not None
        admin, user, case_id, name = self.admin, self.user, self.case.id, self.case.name

        def show(entries: list[AuditEntry]) -> None:
            dialog = AuditTrailDialog(entries, name, self)
            self.audit_dialog = dialog
            dialog.show()

        self.workers.run(lambda: admin.audit_trail(user, case_id), show,
                         lambda exc: self._report("Audit-trail", exc))

    def close_case(self: MainWindow, *, confirm: bool = True) -> None:
        assert self.admin is not None
        admin, user, case_id = self.admin, self.user, self.case.id

        def close(_confirmed: object = None) -> None:
            self.workers.run(lambda: admin.close_case(user, case_id),
                             lambda outcome: self._after_case_action(outcome.notes, "Case afgesloten."),
                             lambda exc: self._report("Case niet afgesloten", exc))

        if not confirm:
            close()
            return

        def ask(advice: str | None) -> None:
            text = (f"Case “{self.case.name}” afsluiten? Ze wordt alleen-lezen voor iedereen en "
                    "verdwijnt uit de actieve lijst; de blokindex komt vrij.")
            box = QMessageBox(QMessageBox.Icon.Question, "Case afsluiten", text,
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
            box.setTextFormat(Qt.TextFormat.PlainText)
            if advice:
                box.setInformativeText(advice)
            box.setDefaultButton(QMessageBox.StandardButton.No)
            self.confirm_box = box
            if box.exec() == QMessageBox.StandardButton.Yes:
                close()

        self.workers.run(lambda: admin.closing_advice(user, case_id), ask,
                         lambda exc: self._report("Case niet afgesloten", exc))

    def reopen_case(self: MainWindow) -> None:
        assert self.admin is not None
        admin, user, case_id = self.admin, self.user, self.case.id
        self.workers.run(lambda: admin.reopen_case(user, case_id),
                         lambda outcome: self._after_case_action(outcome.notes, "Case heropend."),
                         lambda exc: self._report("Case niet heropend", exc))
