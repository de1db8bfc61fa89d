"""The Case menu: read the case details, edit the case information, see who it is shared with,
read the audit trail, close, reopen and leave. Every action is checked again by the service; the
menu only greys out what the user's access level cannot do, with the reason as tooltip."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox

from paragon_desktop.domain.access import CaseAction, case_refusal
from paragon_desktop.domain.cases import CaseDraft
from paragon_desktop.i18n import _
from paragon_desktop.services.bundle import Services
from paragon_desktop.services.views import AuditEntry
from paragon_desktop.ui.controllers.context import WindowContext
from paragon_desktop.ui.dialogs.audit_trail import AuditTrailDialog
from paragon_desktop.ui.dialogs.case_details import CaseDetailsDialog
from paragon_desktop.ui.dialogs.case_form import CaseDialog
from paragon_desktop.ui.dialogs.case_sharing import CaseSharingDialog
from paragon_desktop.ui.plain import plain_box


class CaseMenuController(QObject):
    def __init__(self, ctx: WindowContext, services: Services, menu: QMenu,
                 leave: Callable[[], None]) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.services = services
        self.menu = menu
        # The dialogs last opened (tests look into them).
        self.case_dialog: CaseDialog | None = None
        self.details_dialog: CaseDetailsDialog | None = None
        self.sharing_dialog: CaseSharingDialog | None = None
        self.audit_dialog: AuditTrailDialog | None = None
        self.confirm_box: QMessageBox | None = None
        parent = ctx.parent_widget
        # Everyone in the case may read its details (read-only users included).
        self.details_action = QAction(_("Case-&gegevens…"), parent)
        self.details_action.triggered.connect(self.show_details)
        menu.addAction(self.details_action)
        self.actions: dict[CaseAction, QAction] = {}
        for action, label, handler in (
            (CaseAction.EDIT, _("Case-informatie &aanpassen…"), self.edit_case_info),
            (CaseAction.READ, _("&Gedeeld met…"), self.show_sharing),
            (CaseAction.READ_AUDIT, _("Audit-&trail…"), self.show_audit_trail),
            (CaseAction.CLOSE, _("Case a&fsluiten…"), self.close_case),
            (CaseAction.REOPEN, _("Case &heropenen"), self.reopen_case),
        ):
            qaction = QAction(label, parent)
            qaction.triggered.connect(handler)
            menu.addAction(qaction)
            self.actions[action] = qaction
            if action is CaseAction.READ_AUDIT:
                menu.addSeparator()
        menu.addSeparator()
        self.leave_action = QAction(_("Case &verlaten (andere rol kiezen)…"), parent)
        self.leave_action.setToolTip(_("Terug naar de caselijst; open de case opnieuw om een andere "
                                     "crisisrol te kiezen"))
        self.leave_action.triggered.connect(leave)
        menu.addAction(self.leave_action)
        menu.setToolTipsVisible(True)
        ctx.sig_case_updated.connect(self._update_actions)
        self._update_actions()

    def _update_actions(self) -> None:
        for action, qaction in self.actions.items():
            # Taking part is checked by the service when reopening; the menu cannot know it.
            refusal = case_refusal(action, self.ctx.user.access_level,
                                   case_open=self.ctx.case.is_open, took_part=True)
            qaction.setEnabled(refusal is None)
            qaction.setToolTip(refusal or "")

    def _done(self, notes: tuple[str, ...], done: str) -> None:
        self.ctx.show(" ".join((done, *notes)), 10000)
        self.ctx.refresh()

    def show_details(self) -> None:
        self.details_dialog = CaseDetailsDialog(self.ctx.case, self.ctx.parent_widget)
        self.details_dialog.open()

    def edit_case_info(self) -> None:
        admin, places, ctx = self.services.admin, self.services.places, self.ctx
        user, case_id = ctx.user, ctx.case.id

        def ask(draft: CaseDraft) -> None:
            dialog = CaseDialog(admin, places, user, ctx.settings, ctx.parent_widget, case_id=case_id,
                                draft=draft)
            self.case_dialog = dialog
            if dialog.exec() and dialog.outcome is not None:
                self._done(dialog.outcome.notes, _("Case-informatie opgeslagen."))

        ctx.ops.run(lambda: admin.case_draft(user, case_id), ask,
                    lambda exc: ctx.tell(_("Case aanpassen"), str(exc)))

    def show_sharing(self) -> None:
        dialog = CaseSharingDialog(self.services.sharing, self.services.places, self.ctx.user,
                                   self.ctx.case,
                                   self.ctx.parent_widget)
        self.sharing_dialog = dialog
        dialog.exec()
        self.ctx.refresh()

    def show_audit_trail(self) -> None:
        reports, ctx = self.services.reports, self.ctx
        user, case_id, name = ctx.user, ctx.case.id, ctx.case.name

        def show(entries: list[AuditEntry]) -> None:
            self.audit_dialog = AuditTrailDialog(entries, name, ctx.parent_widget)
            self.audit_dialog.show()

        ctx.ops.run(lambda: reports.audit_trail(user, case_id), show,
                    lambda exc: ctx.tell(_("Audit-trail"), str(exc)))

    def close_case(self, *, confirm: bool = True) -> None:
        admin, ctx = self.services.admin, self.ctx
        user, case_id = ctx.user, ctx.case.id

        def close() -> None:
            ctx.ops.run(lambda: admin.close_case(user, case_id),
                        lambda outcome: self._done(outcome.notes, _("Case afgesloten.")),
                        lambda exc: ctx.tell(_("Case niet afgesloten"), str(exc)))

        if not confirm:
            close()
            return

        def ask(advice: str | None) -> None:
            text = _("Case “{name}” afsluiten? Ze wordt alleen-lezen voor iedereen en "
                    "verdwijnt uit de actieve lijst; de blokindex komt vrij.").format(
                        name=ctx.case.name)
            # The advice names who started the case: plain text too.
            box = plain_box(QMessageBox.Icon.Question, ctx.parent_widget, _("Case afsluiten"), text,
                            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                            informative=advice or "")
            self.confirm_box = box
            if box.exec() == QMessageBox.StandardButton.Yes:
                close()

        ctx.ops.run(lambda: admin.closing_advice(user, case_id), ask,
                    lambda exc: ctx.tell(_("Case niet afgesloten"), str(exc)))

    def reopen_case(self) -> None:
        admin, ctx = self.services.admin, self.ctx
        user, case_id = ctx.user, ctx.case.id
        ctx.ops.run(lambda: admin.reopen_case(user, case_id),
                    lambda outcome: self._done(outcome.notes, _("Case heropend.")),
                    lambda exc: ctx.tell(_("Case niet heropend"), str(exc)))
