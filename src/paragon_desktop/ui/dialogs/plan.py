"""Making or editing an emergency plan (its title built by the naming convention, the key anchor
with the rule book's suggestion, the PDF document, "kleine wijziging"), and choosing what an
activated plan loads into the case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.domain.anchors import category_of
from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.domain.plans import (
    MONO_TYPES,
    NATIONAL_TITLES,
    SUGGESTED_ANCHOR,
    PlanKind,
    PlanName,
    PlanStatus,
    plan_title,
)
from paragon_desktop.i18n import _
from paragon_desktop.services.plans import PlanView
from paragon_desktop.ui.docks.plans import ELEMENT_KINDS

AnchorChoices = list[tuple[int, str, str]]  # id, name, category
# The fields each kind's title is built from.
FIELDS = {
    PlanKind.ANIP: ("area",),
    PlanKind.BNIP: ("risk_type", "area"),
    PlanKind.MONO: ("mono_type", "area"),
    PlanKind.INTERNAL: ("organisation", "municipality"),
    PlanKind.NATIONAL: ("national",),
}


class PlanDialog(QDialog):
    """``load_anchors(organisation_id, done)`` fills the key anchor list off the GUI thread."""

    def __init__(self, organisations: list[tuple[int, str]],
                 load_anchors: Callable[[int, Callable[[AnchorChoices], None]], None],
                 plan: PlanView | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Noodplan bewerken") if plan else _("Nieuw noodplan"))
        self._plan = plan
        self._load_anchors = load_anchors
        self.responsible = QComboBox()
        for org_id, name in organisations:
            self.responsible.addItem(name, org_id)
        self.kind = QComboBox()
        for kind in PlanKind:
            self.kind.addItem(kind.label, kind)
        self.area = QLineEdit()
        self.area.setPlaceholderText(_("bv. Scheldemonde, provincie Luik, Noordzee"))
        self.risk_type = QLineEdit()
        self.risk_type.setPlaceholderText(_("bv. Seveso Nordchem, Spoorwegongevallen"))
        self.mono_type = QComboBox()
        self.mono_type.setEditable(True)
        self.mono_type.addItems(MONO_TYPES)
        self.organisation = QLineEdit()
        self.organisation.setPlaceholderText(_("bv. Basisschool de Palieter"))
        self.municipality = QLineEdit()
        self.national = QComboBox()
        self.national.addItems(NATIONAL_TITLES)
        self.title_preview = QLabel()
        self.title_preview.setTextFormat(Qt.TextFormat.PlainText)
        self.title_preview.setWordWrap(True)
        self.key_anchor = QComboBox()
        self.key_anchor.setMinimumContentsLength(28)
        self.suggestion = QLabel()
        self.suggestion.setTextFormat(Qt.TextFormat.PlainText)
        self.suggestion.setWordWrap(True)
        self.suggestion.setStyleSheet("color: palette(placeholder-text);")
        self.document = QLineEdit()
        self.document.setReadOnly(True)
        self.document.setPlaceholderText(_("PDF-bestand van het plan") if plan is None
                                         else _("(ongewijzigd; kies een nieuwe versie)"))
        choose = QPushButton(_("Kiezen…"))
        choose.clicked.connect(self._choose_document)
        document_row = QWidget()
        row = QHBoxLayout(document_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.document, 1)
        row.addWidget(choose)
        self.small = QCheckBox(_("Kleine wijziging (een tikfout, een telefoonnummer): het plan "
                                 "blijft goedgekeurd"))
        self.small.setVisible(plan is not None and plan.summary.status is PlanStatus.APPROVED)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c92a2a;")

        self.form = QFormLayout()
        self.form.addRow(_("Verantwoordelijke organisatie"), self.responsible)
        self.form.addRow(_("Soort"), self.kind)
        self.form.addRow(_("Risicotype"), self.risk_type)
        self.form.addRow(_("Type plan"), self.mono_type)
        self.form.addRow(_("Organisatie"), self.organisation)
        self.form.addRow(_("Gemeente"), self.municipality)
        self.form.addRow(_("Toepassingsgebied"), self.area)
        self.form.addRow(_("Nationaal plan"), self.national)
        self.form.addRow(_("Titel"), self.title_preview)
        self.form.addRow(_("Sleutelanker"), self.key_anchor)
        self.form.addRow("", self.suggestion)
        self.form.addRow(_("Document"), document_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.small)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        for widget in (self.area, self.risk_type, self.organisation, self.municipality):
            widget.textChanged.connect(lambda _t: self._update())
        self.mono_type.currentTextChanged.connect(lambda _t: self._update())
        self.national.currentIndexChanged.connect(lambda _i: self._update())
        self.kind.currentIndexChanged.connect(lambda _i: self._on_kind())
        self.key_anchor.currentIndexChanged.connect(lambda _i: self._update())
        self.responsible.currentIndexChanged.connect(lambda _i: self._reload_anchors())
        self.document_path: Path | None = None
        self._anchors: AnchorChoices = []
        if plan is not None:
            self._fill(plan)
        self._on_kind()
        self._reload_anchors()

    def _fill(self, plan: PlanView) -> None:
        self.responsible.setCurrentIndex(max(0, self.responsible.findData(
            plan.summary.organisation_id)))
        self.responsible.setEnabled(False)  # a plan stays with its organisation
        self.kind.setCurrentIndex(self.kind.findData(plan.name.kind))
        name = plan.name
        self.area.setText(name.area)
        self.risk_type.setText(name.risk_type)
        self.mono_type.setCurrentText(name.mono_type)
        self.organisation.setText(name.organisation)
        self.municipality.setText(name.municipality)
        if name.national in NATIONAL_TITLES:
            self.national.setCurrentIndex(NATIONAL_TITLES.index(name.national))

    # -- the title and its parts ----------------------------------------------------------------
    def name(self) -> PlanName:
        return PlanName(PlanKind(self.kind.currentData()), area=self.area.text(),
                        risk_type=self.risk_type.text(), mono_type=self.mono_type.currentText(),
                        organisation=self.organisation.text(),
                        municipality=self.municipality.text(),
                        national=self.national.currentText())

    def _on_kind(self) -> None:
        kind = PlanKind(self.kind.currentData())
        shown = FIELDS[kind]
        for field_name, widget in (("area", self.area), ("risk_type", self.risk_type),
                                   ("mono_type", self.mono_type),
                                   ("organisation", self.organisation),
                                   ("municipality", self.municipality),
                                   ("national", self.national)):
            self.form.setRowVisible(widget, field_name in shown)
        category, text = SUGGESTED_ANCHOR[kind]
        self.suggestion.setText(_("Voorstel volgens de gebruikersafspraken: {what}.").format(
            what=_(text)))
        self._suggest(category.value)
        self._update()

    def _reload_anchors(self) -> None:
        org_id = self.responsible.currentData()
        if org_id is None:
            return
        self.key_anchor.clear()
        self.key_anchor.addItem(_("(sleutelankers worden gelezen…)"), None)
        self._load_anchors(org_id, self._set_anchors)

    def _set_anchors(self, anchors: AnchorChoices) -> None:
        self._anchors = anchors
        self.key_anchor.clear()
        for anchor_id, name, category in anchors:
            self.key_anchor.addItem(f"{name} ({category_of(category).label})", anchor_id)
        if self._plan is not None:
            self.key_anchor.setCurrentIndex(max(0, self.key_anchor.findData(
                self._plan.key_anchor_id)))
        else:
            self._suggest(SUGGESTED_ANCHOR[PlanKind(self.kind.currentData())][0].value)
        self._update()

    def _suggest(self, category: str) -> None:
        """Pick the first anchor of the suggested category (a new plan only)."""
        if self._plan is not None:
            return
        for index, (_id, _name, anchor_category) in enumerate(self._anchors):
            if anchor_category == category:
                self.key_anchor.setCurrentIndex(index)
                return

    def _choose_document(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Document van het plan"), "",
                                                    _("PDF (*.pdf)"))
        if path:
            self.set_document(Path(path))

    def set_document(self, path: Path) -> None:
        self.document_path = path
        self.document.setText(path.name)
        self._update()

    def _update(self) -> None:
        problem = ""
        try:
            self.title_preview.setText(plan_title(self.name()))
        except ParagonError as exc:
            self.title_preview.setText("—")
            problem = str(exc)
        if not problem and self.key_anchor.currentData() is None:
            problem = (_("De organisatie heeft nog geen sleutelanker in haar gebied: teken er "
                         "eerst een op de kaart (Ankers > Nieuw > Voor: sleutelanker).")
                       if not self._anchors else _("Kies het sleutelanker."))
        if not problem and self._plan is None and self.document_path is None:
            problem = _("Kies het PDF-document van het plan.")
        self.problem.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)


class ActivateDialog(QDialog):
    """Which of the plan's anchors, contacts and organisations to load into the case."""

    def __init__(self, plan: PlanView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Noodplan activeren"))
        self.resize(560, 380)
        intro = QLabel(_("“{title}” activeren in deze case. Wat je aanvinkt komt als kopie in de "
                         "widgets van de case (latere wijzigingen van het plan veranderen die "
                         "niet); organisaties krijgen toegang tot de case.").format(
            title=plan.summary.title))
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.elements = QListWidget()
        for element in plan.elements:
            item = QListWidgetItem(f"{_(ELEMENT_KINDS[element.kind])}: {element.label}")
            item.setData(Qt.ItemDataRole.UserRole, (element.kind, element.ref_id))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.elements.addItem(item)
        if not plan.elements:
            self.elements.addItem(_("(dit plan heeft geen elementen)"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Activeren"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.elements)
        layout.addWidget(buttons)

    def chosen(self) -> dict[str, list[int]]:
        result: dict[str, list[int]] = {"anchors": [], "contacts": [], "organisations": []}
        for i in range(self.elements.count()):
            item = self.elements.item(i)
            data = item.data(Qt.ItemDataRole.UserRole)
            if data and item.checkState() == Qt.CheckState.Checked:
                kind, ref_id = data
                result[kind + "s"].append(ref_id)
        return result


class ElementDialog(QDialog):
    """An anchor, contact or organisation the plan relies on; ``small`` when the plan is approved
    and the addition should not send it back to draft."""

    def __init__(self, choices: dict[str, list[tuple[int, str]]], approved: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Element toevoegen"))
        self._choices = choices
        self.kind = QComboBox()
        for kind, label in ELEMENT_KINDS.items():
            self.kind.addItem(_(label), kind)
        self.item = QComboBox()
        self.item.setEditable(True)  # type to find it
        self.item.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.item.setMinimumContentsLength(36)
        self.small = QCheckBox(_("Kleine wijziging: het plan blijft goedgekeurd"))
        self.small.setVisible(approved)
        self.kind.currentIndexChanged.connect(lambda _i: self._fill())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_("Soort"), self.kind)
        form.addRow(_("Element"), self.item)
        form.addRow(self.small)
        form.addRow(buttons)
        self._fill()

    def _fill(self) -> None:
        self.item.clear()
        for ref_id, label in self._choices.get(self.kind.currentData(), []):
            self.item.addItem(label, ref_id)

    def chosen(self) -> tuple[str, int | None]:
        index = self.item.findText(self.item.currentText())
        return self.kind.currentData(), self.item.itemData(index) if index >= 0 else None
