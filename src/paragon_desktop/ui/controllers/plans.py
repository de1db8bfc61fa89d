"""Noodplannen, from the main window's dock or the window opened without a case: listing and
filtering, the "Over" page, making, editing, approving (with the letter), activating in the
case, and opening a document in the user's own PDF viewer. Every service call runs through
``ops`` (off the GUI thread); files are read there too."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from paragon_desktop.domain.enums import AccessLevel
from paragon_desktop.domain.plans import DocumentKind, PlanStatus
from paragon_desktop.i18n import _
from paragon_desktop.services.plans import PlanService, PlanView, Upload
from paragon_desktop.services.views import CaseSummary, UserView
from paragon_desktop.ui.dialogs.plan import (
    ActivateDialog,
    AnchorChoices,
    ElementDialog,
    PlanDialog,
)
from paragon_desktop.ui.docks.plans import PlansPanel
from paragon_desktop.ui.ops import Ops
from paragon_desktop.ui.plan_pdf import write_summary


class PlanHost(Protocol):
    """What the controller needs of the window it lives in (WindowContext has it all)."""

    user: UserView
    ops: Ops
    parent_widget: QWidget

    def tell(self, title: str, text: str, icon: QMessageBox.Icon = ...) -> None: ...

    def show(self, text: str, ms: int = ...) -> None: ...


class PlansController(QObject):
    def __init__(self, host: PlanHost, service: PlanService, panel: PlansPanel,
                 case: Callable[[], CaseSummary | None] = lambda: None,
                 on_activated: Callable[[], None] = lambda: None) -> None:
        super().__init__(host.parent_widget)
        self.host = host
        self.service = service
        self.panel = panel
        self._case = case
        self._on_activated = on_activated
        self.managed: list[tuple[int, str]] = []
        self.dialog: PlanDialog | None = None
        self.opened: Path | None = None  # the last document handed to the PDF viewer
        self._folder = tempfile.TemporaryDirectory(prefix="paragon-plans-")
        panel.sig_filter_changed.connect(self.refresh)
        panel.sig_plan_chosen.connect(self.show_plan)
        panel.sig_new.connect(self.ask_new)
        panel.sig_edit.connect(self.ask_edit)
        panel.sig_approve.connect(self.ask_approve)
        panel.sig_activate.connect(self.ask_activate)
        panel.sig_open_document.connect(self.open_document)
        panel.sig_deactivate.connect(self.deactivate)
        panel.sig_add_element.connect(self.ask_add_element)
        panel.sig_remove_element.connect(self.remove_element)
        panel.sig_summary.connect(self.ask_summary)
        user = host.user
        host.ops.run(lambda: service.managed_organisations(user), self._on_managed)
        host.ops.run(service.areas, panel.set_areas)
        self.refresh()

    def _on_managed(self, managed: list[tuple[int, str]]) -> None:
        self.managed = managed
        self.update_permissions()

    def update_permissions(self) -> None:
        case = self._case()
        can_activate = bool(case and case.is_open
                            and self.host.user.access_level is not AccessLevel.READ_ONLY)
        reason = "" if can_activate else _(
            "Activeren kan in een open case, als agent of coördinator.")
        self.panel.set_permissions(can_make=bool(self.managed), can_activate=can_activate,
                                   reason=reason)

    def _failed(self, title: str) -> Callable[[Exception], None]:
        return lambda exc: self.host.tell(title, str(exc))

    # -- reading ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        user, filters = self.host.user, self.panel.filters()
        self.host.ops.run(lambda: self.service.list_plans(user, **filters), self.panel.set_plans,
                          self._failed(_("Noodplannen niet gelezen")), latest="plans-list")
        case = self._case()
        if case is not None:
            self.host.ops.run(lambda: self.service.active_in_case(user, case.id),
                              self.panel.set_active, latest="plans-active")

    def show_plan(self, plan_id: int) -> None:
        user = self.host.user
        self.host.ops.run(lambda: self.service.plan(user, plan_id), self.panel.show_plan,
                          self._failed(_("Noodplan niet gelezen")), latest="plans-one")

    def _reload(self, plan_id: int | None = None) -> None:
        self.refresh()
        if plan_id is not None:
            self.panel.select(plan_id)
            self.show_plan(plan_id)

    def open_document(self, document_id: int) -> None:
        """The document is written to a private folder and opened by the user's own PDF viewer
        (the app itself never renders it)."""
        user, folder = self.host.user, Path(self._folder.name)

        def write() -> Path:
            partial = folder / f"{document_id}.part"
            with partial.open("wb") as out:
                name = self.service.document_to(user, document_id, out)
            path = folder / f"{document_id}-{Path(name).name}"
            partial.replace(path)
            return path

        def opened(path: Path) -> None:
            self.opened = path
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

        self.host.ops.run(write, opened, self._failed(_("Document niet geopend")))

    # -- making and changing ----------------------------------------------------------------------
    def _load_anchors(self, organisation_id: int, done: Callable[[AnchorChoices], None]) -> None:
        user = self.host.user
        self.host.ops.run(lambda: self.service.key_anchor_choices(user, organisation_id), done,
                          self._failed(_("Sleutelankers niet gelezen")))

    def ask_new(self) -> None:
        self.dialog = PlanDialog(self.managed, self._load_anchors, parent=self.host.parent_widget)
        dialog = self.dialog
        dialog.accepted.connect(lambda: self.create(dialog))
        dialog.open()

    def create(self, dialog: PlanDialog) -> None:
        user, name = self.host.user, dialog.name()
        organisation_id, anchor_id = dialog.responsible.currentData(), dialog.key_anchor.currentData()
        path, op_id = dialog.document_path, str(uuid.uuid4())
        assert path is not None

        def job() -> int:
            return self.service.create_plan(user, organisation_id, name, anchor_id,
                                            Upload.read(path), op_id=op_id)

        def done(plan_id: int) -> None:
            self.host.show(_("Noodplan “{title}” aangemaakt als ontwerp.").format(
                title=dialog.title_preview.text()))
            self._reload(plan_id)

        self.host.ops.run(job, done, self._failed(_("Noodplan niet aangemaakt")))

    def ask_edit(self, plan_id: int) -> None:
        plan = self.panel.current
        if plan is None or plan.summary.id != plan_id:
            return
        self.dialog = PlanDialog(self.managed, self._load_anchors, plan,
                                 parent=self.host.parent_widget)
        dialog = self.dialog
        dialog.accepted.connect(lambda: self.edit(plan, dialog))
        dialog.open()

    def edit(self, plan: PlanView, dialog: PlanDialog) -> None:
        user, name, anchor_id = self.host.user, dialog.name(), dialog.key_anchor.currentData()
        path, small = dialog.document_path, dialog.small.isChecked()
        changes: dict[str, Any] = {}
        if name != plan.name:
            changes["name"] = name
        if anchor_id != plan.key_anchor_id:
            changes["key_anchor_id"] = anchor_id

        def job() -> None:
            if path is not None:
                changes["document"] = Upload.read(path)
            if changes:
                self.service.edit_plan(user, plan.summary.id, small=small, **changes)

        self.host.ops.run(job, lambda _none: self._reload(plan.summary.id),
                          self._failed(_("Noodplan niet gewijzigd")))

    def ask_approve(self, plan_id: int) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self.host.parent_widget, _("Goedkeuringsbrief (PDF)"), "", _("PDF (*.pdf)"))
        if path:
            self.approve(plan_id, Path(path))

    def approve(self, plan_id: int, letter: Path) -> None:
        user = self.host.user

        def done(_none: None) -> None:
            self.host.show(_("Noodplan goedgekeurd."))
            self._reload(plan_id)

        self.host.ops.run(lambda: self.service.approve(user, plan_id,
                                                       Upload.read(letter, DocumentKind.LETTER)),
                          done,
                          self._failed(_("Noodplan niet goedgekeurd")))

    def ask_add_element(self, plan_id: int) -> None:
        plan = self.panel.current
        if plan is None or plan.summary.id != plan_id:
            return
        user = self.host.user

        def ask(choices: dict[str, list[tuple[int, str]]]) -> None:
            dialog = ElementDialog(choices, plan.summary.status is PlanStatus.APPROVED,
                                   self.host.parent_widget)
            self.element_dialog = dialog
            dialog.accepted.connect(lambda: self.add_element(plan_id, *dialog.chosen(),
                                                             small=dialog.small.isChecked()))
            dialog.open()

        self.host.ops.run(lambda: self.service.element_choices(user), ask,
                          self._failed(_("Elementen niet gelezen")))

    def add_element(self, plan_id: int, kind: str, ref_id: int | None, *,
                    small: bool = False) -> None:
        if ref_id is None:
            return
        user = self.host.user
        self.host.ops.run(lambda: self.service.add_element(user, plan_id, kind, ref_id,
                                                           small=small),
                          lambda _id: self._reload(plan_id),
                          self._failed(_("Element niet toegevoegd")))

    def remove_element(self, plan_id: int, element_id: int, *, small: bool = False) -> None:
        user = self.host.user
        self.host.ops.run(lambda: self.service.remove_element(user, plan_id, element_id,
                                                              small=small),
                          lambda _none: self._reload(plan_id),
                          self._failed(_("Element niet verwijderd")))

    def ask_summary(self, plan_id: int) -> None:
        plan = self.panel.current
        if plan is None or plan.summary.id != plan_id:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self.host.parent_widget, _("PDF-samenvatting"), f"{plan.summary.title}.pdf",
            _("PDF (*.pdf)"))
        if path:
            self.summary_to(plan, Path(path))

    def summary_to(self, plan: PlanView, path: Path) -> None:
        """A printable summary of the plan (one page or a few: quick, on the GUI thread as
        Qt's text layout must be)."""
        try:
            write_summary(plan, path)
        except OSError as exc:
            self.host.tell(_("Samenvatting niet geschreven"), str(exc))
            return
        self.host.show(_("Samenvatting geschreven: {file}").format(file=path.name))

    # -- in the case ------------------------------------------------------------------------------
    def ask_activate(self, plan_id: int) -> None:
        plan = self.panel.current
        if plan is None or plan.summary.id != plan_id:
            return
        dialog = ActivateDialog(plan, self.host.parent_widget)
        self.activate_dialog = dialog
        dialog.accepted.connect(lambda: self.activate(plan_id, dialog.chosen()))
        dialog.open()

    def activate(self, plan_id: int, chosen: dict[str, list[int]]) -> None:
        case = self._case()
        if case is None:
            return
        user, op_id = self.host.user, str(uuid.uuid4())

        def done(_row: int) -> None:
            self.host.show(_("Noodplan geactiveerd in de case."))
            self.refresh()
            self._on_activated()

        self.host.ops.run(lambda: self.service.activate(user, case.id, plan_id, op_id=op_id,
                                                        **chosen),
                          done, self._failed(_("Noodplan niet geactiveerd")))

    def deactivate(self, row: int) -> None:
        case = self._case()
        if case is None:
            return
        user = self.host.user

        def done(_none: None) -> None:
            self.host.show(_("Noodplan gedeactiveerd; wat het laadde blijft in de case."))
            self.refresh()
            self._on_activated()

        self.host.ops.run(lambda: self.service.deactivate(user, case.id, row), done,
                          self._failed(_("Noodplan niet gedeactiveerd")))

    def close(self) -> None:
        self._folder.cleanup()
