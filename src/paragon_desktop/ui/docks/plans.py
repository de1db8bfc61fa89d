"""Noodplannen: the plans the user may see, filtered by kind, status and organisation and
searchable, with the chosen plan's "Over" page (created, updated, approved, history, documents,
elements) and the actions the user may take on it. Used as a dock in the main window and as
the Noodplannen window opened without a case."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.domain.plans import PlanKind, PlanStatus
from paragon_desktop.i18n import N_, _, when
from paragon_desktop.services.plans import PlanSummary, PlanView
from paragon_desktop.ui.plain import plain_tip

PlanRole = Qt.ItemDataRole.UserRole + 1
HISTORY = {
    "created": N_("aangemaakt"), "edited": N_("gewijzigd"),
    "small_change": N_("kleine wijziging (blijft goedgekeurd)"),
    "back_to_draft": N_("gewijzigd, terug naar ontwerp"), "approved": N_("goedgekeurd"),
}
ELEMENT_KINDS = {"anchor": N_("Anker"), "contact": N_("Contact"), "organisation": N_("Organisatie")}


class PlansPanel(QWidget):
    sig_filter_changed = Signal()
    sig_plan_chosen = Signal(int)
    sig_new = Signal()
    sig_edit = Signal(int)
    sig_approve = Signal(int)
    sig_activate = Signal(int)
    sig_open_document = Signal(int)  # document id
    sig_deactivate = Signal(int)  # the case's plan row
    sig_add_element = Signal(int)  # plan id
    sig_remove_element = Signal(int, int)  # plan id, element id
    sig_summary = Signal(int)  # plan id: a printable PDF summary

    def __init__(self, parent: QWidget | None = None, *, in_case: bool = True) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        self.kind.addItem(_("Alle soorten"), None)
        for kind in PlanKind:
            self.kind.addItem(kind.label, kind)
        self.status = QComboBox()
        self.status.addItem(_("Alle statussen"), None)
        for status in PlanStatus:
            self.status.addItem(status.label, status)
        self.organisation = QComboBox()
        self.organisation.addItem(_("Alle organisaties"), None)
        self.area = QComboBox()
        self.area.addItem(_("Alle gebieden"), None)
        self.area.setToolTip(_("Plannen waarvan het sleutelanker in dit gebied ligt"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Zoeken in titel, organisatie, sleutelanker…"))
        self.search.setClearButtonEnabled(True)
        for combo in (self.kind, self.status, self.organisation, self.area):
            combo.currentIndexChanged.connect(lambda _i: self.sig_filter_changed.emit())
        self.search.textChanged.connect(lambda _t: self.sig_filter_changed.emit())

        self.new_button = QToolButton()
        self.new_button.setText(_("Nieuw…"))
        self.new_button.clicked.connect(self.sig_new)
        self.edit_button = QToolButton()
        self.edit_button.setText(_("Bewerken…"))
        self.edit_button.clicked.connect(lambda: self._emit(self.sig_edit))
        self.approve_button = QToolButton()
        self.approve_button.setText(_("Goedkeuren…"))
        self.approve_button.clicked.connect(lambda: self._emit(self.sig_approve))
        self.activate_button = QToolButton()
        self.activate_button.setText(_("Activeren in de case…"))
        self.activate_button.setVisible(in_case)
        self.activate_button.clicked.connect(lambda: self._emit(self.sig_activate))

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([_("Plan"), _("Status"), _("Organisatie")])
        self.tree.setRootIsDecorated(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemSelectionChanged.connect(self._on_selection)

        # The "Over" page, its documents and its elements on tabs: the dock shares the left
        # side with the layers.
        self.about = QPlainTextEdit()
        self.about.setReadOnly(True)
        self.documents = QListWidget()
        self.documents.setToolTip(_("Dubbelklik om het document te openen met je PDF-lezer"))
        self.documents.itemDoubleClicked.connect(
            lambda item: self.sig_open_document.emit(item.data(PlanRole)))
        self.elements = QListWidget()
        self.elements.setToolTip(_("Elementen (ankers, contacten, organisaties)"))
        self.elements.itemSelectionChanged.connect(self._update_buttons)
        self.add_element_button = QToolButton()
        self.add_element_button.setText(_("Toevoegen…"))
        self.add_element_button.clicked.connect(lambda: self._emit(self.sig_add_element))
        self.remove_element_button = QToolButton()
        self.remove_element_button.setText(_("Verwijderen"))
        self.remove_element_button.clicked.connect(self._on_remove_element)
        elements = QWidget()
        element_box = QVBoxLayout(elements)
        element_box.setContentsMargins(0, 0, 0, 0)
        element_buttons = QHBoxLayout()
        element_buttons.addWidget(self.add_element_button)
        element_buttons.addWidget(self.remove_element_button)
        element_buttons.addStretch(1)
        element_box.addLayout(element_buttons)
        element_box.addWidget(self.elements)
        self.summary_button = QToolButton()
        self.summary_button.setText(_("PDF-samenvatting…"))
        self.summary_button.setToolTip(_("Een afdrukbare samenvatting van het plan (back-up op "
                                         "papier, §3.5)"))
        self.summary_button.clicked.connect(lambda: self._emit(self.sig_summary))
        about = QWidget()
        about_box = QVBoxLayout(about)
        about_box.setContentsMargins(0, 0, 0, 0)
        about_box.addWidget(self.about)
        about_box.addWidget(self.summary_button, 0, Qt.AlignmentFlag.AlignLeft)
        details = QTabWidget()
        details.addTab(about, _("Over"))
        details.addTab(self.documents, _("Documenten"))
        details.addTab(elements, _("Elementen"))
        self.details = details

        # The plans active in the case, and deactivating one (what it loaded stays).
        self.active = QListWidget()
        self.active.setMaximumHeight(46)
        self.active.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.active.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.active.itemSelectionChanged.connect(self._update_buttons)
        self.deactivate_button = QToolButton()
        self.deactivate_button.setText(_("Deactiveren"))
        self.deactivate_button.setToolTip(_("Wat het plan in de case laadde, blijft staan"))
        self.deactivate_button.clicked.connect(self._on_deactivate)
        self.active_box = QWidget()
        active_row = QVBoxLayout(self.active_box)
        active_row.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(QLabel(_("Actief in deze case")), 1)
        head.addWidget(self.deactivate_button)
        active_row.addLayout(head)
        active_row.addWidget(self.active)
        self.active_box.setVisible(in_case)

        filters = QHBoxLayout()
        filters.addWidget(self.kind, 1)
        filters.addWidget(self.status, 1)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.approve_button,
                       self.activate_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(details)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.active_box)
        layout.addLayout(buttons)
        layout.addLayout(filters)
        places = QHBoxLayout()
        places.addWidget(self.organisation, 1)
        places.addWidget(self.area, 1)
        layout.addLayout(places)
        layout.addWidget(self.search)
        layout.addWidget(split, 1)
        self.plans: list[PlanSummary] = []
        self.current: PlanView | None = None
        self.can_make = False
        self.can_activate = False
        self._update_buttons()

    # -- filters --------------------------------------------------------------------------------
    def filters(self) -> dict:
        # Qt hands enum items back as their plain values.
        kind, status = self.kind.currentData(), self.status.currentData()
        return {"kind": PlanKind(kind) if kind else None,
                "status": PlanStatus(status) if status else None,
                "organisation_id": self.organisation.currentData(),
                "area_of": self.area.currentData(),
                "search": self.search.text()}

    def set_areas(self, areas: list[tuple[int, str]]) -> None:
        for org_id, name in areas:
            self.area.addItem(name, org_id)

    def set_plans(self, plans: list[PlanSummary]) -> None:
        chosen = self.selected_plan_id()
        self.plans = plans
        known = {self.organisation.itemData(i) for i in range(self.organisation.count())}
        for plan in plans:
            if plan.organisation_id not in known:
                self.organisation.addItem(plan.organisation, plan.organisation_id)
                known.add(plan.organisation_id)
        self.tree.blockSignals(True)
        self.tree.clear()
        for plan in plans:
            item = QTreeWidgetItem([plan.title, plan.status.label, plan.organisation])
            item.setData(0, PlanRole, plan.id)
            item.setToolTip(0, plain_tip(f"{plan.title}\n{plan.kind.label}\n" + _(
                "Sleutelanker: {anchor}").format(anchor=plan.key_anchor)))
            if plan.status is PlanStatus.DRAFT:
                item.setForeground(1, Qt.GlobalColor.darkYellow)
            self.tree.addTopLevelItem(item)
            item.setSelected(plan.id == chosen)
        self.tree.blockSignals(False)
        if chosen not in {p.id for p in plans}:
            self.show_plan(None)

    def selected_plan_id(self) -> int | None:
        items = self.tree.selectedItems()
        return items[0].data(0, PlanRole) if items else None

    def select(self, plan_id: int) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.data(0, PlanRole) == plan_id:
                self.tree.setCurrentItem(item)

    def _on_selection(self) -> None:
        plan_id = self.selected_plan_id()
        if plan_id is not None:
            self.sig_plan_chosen.emit(plan_id)
        else:
            self.show_plan(None)

    def _emit(self, signal: SignalInstance) -> None:
        if self.current is not None:
            signal.emit(self.current.summary.id)

    # -- the "Over" page --------------------------------------------------------------------------
    def show_plan(self, plan: PlanView | None) -> None:
        self.current = plan
        self.documents.clear()
        self.elements.clear()
        if plan is None:
            self.about.setPlainText(_("Kies een plan om zijn gegevens te zien."))
            self._update_buttons()
            return
        s = plan.summary
        lines = [s.title, f"{s.kind.label} · {s.status.label} · {s.organisation}",
                 _("Sleutelanker: {anchor}").format(anchor=s.key_anchor)]
        if plan.created_at:
            lines.append(_("Aangemaakt {when} door {who}").format(when=when(plan.created_at),
                                                                  who=plan.created_by))
        lines.append(_("Laatst bijgewerkt {when} door {who}").format(when=when(s.updated_at),
                                                                     who=plan.updated_by))
        if plan.approved_at:
            lines.append(_("Goedgekeurd {when} door {who}").format(when=when(plan.approved_at),
                                                                   who=plan.approved_by))
        lines.append(_("Geschiedenis:"))
        lines += [f"  {when(h.at)}  {_(HISTORY.get(h.action, h.action))}  ({h.user})"
                  for h in plan.history]
        self.about.setPlainText("\n".join(lines))
        for document in plan.documents:
            kind = _("Goedkeuringsbrief") if document.kind == "letter" else _("Plan")
            item = QListWidgetItem(f"{kind}: {document.filename} · {when(document.uploaded_at)}"
                                   f" · {document.uploaded_by} · {document.size // 1024 + 1} kB")
            item.setData(PlanRole, document.id)
            item.setToolTip(f"SHA-256 {document.sha256}")
            self.documents.addItem(item)
        for element in plan.elements:
            item = QListWidgetItem(f"{_(ELEMENT_KINDS[element.kind])}: {element.label}")
            item.setData(PlanRole, element.id)
            self.elements.addItem(item)
        self._update_buttons()

    def _on_remove_element(self) -> None:
        items = self.elements.selectedItems()
        if items and self.current is not None:
            self.sig_remove_element.emit(self.current.summary.id, items[0].data(PlanRole))

    def set_active(self, rows: list[tuple[int, int | None, str, datetime | None, bool]]) -> None:
        """The plans activated in the case: (row, plan, title, version, active)."""
        self.active.clear()
        for row, _plan, title, version, on in rows:
            if not on:
                continue
            text = title + (" · " + _("versie van {date}").format(date=when(version))
                            if version else "")
            item = QListWidgetItem(text)
            item.setData(PlanRole, row)
            self.active.addItem(item)
        if not self.active.count():
            self.active.addItem(_("(geen)"))
        self._update_buttons()

    def _on_deactivate(self) -> None:
        items = self.active.selectedItems()
        if items and items[0].data(PlanRole) is not None:
            self.sig_deactivate.emit(items[0].data(PlanRole))

    def set_permissions(self, *, can_make: bool, can_activate: bool, reason: str = "") -> None:
        self.can_make = can_make
        self.can_activate = can_activate
        self.activate_button.setToolTip(reason)
        self._update_buttons()

    def _update_buttons(self) -> None:
        plan = self.current
        manages = plan is not None and plan.may_manage
        self.new_button.setEnabled(self.can_make)
        self.edit_button.setEnabled(manages)
        self.approve_button.setEnabled(manages and plan is not None
                                       and plan.summary.status is PlanStatus.DRAFT)
        self.activate_button.setEnabled(self.can_activate and plan is not None)
        self.add_element_button.setEnabled(manages)
        self.remove_element_button.setEnabled(manages and bool(self.elements.selectedItems()))
        self.summary_button.setEnabled(plan is not None)
        chosen = self.active.selectedItems()
        self.deactivate_button.setEnabled(self.can_activate and bool(chosen)
                                          and chosen[0].data(PlanRole) is not None)
