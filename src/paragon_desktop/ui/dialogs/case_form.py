"""The new-case and edit-case dialog (Designer form ``ui/case_form.ui``) with its picking map.

"Start case" stays disabled, and the labels of missing mandatory fields turn red, until every
mandatory field is filled (DOMAIN.md, Cases). The generated name forms as the user types.
Nothing the user typed is lost when the service refuses: the dialog stays open with the reason.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from paragon_desktop import i18n
from paragon_desktop.domain.access import CaseAction, case_refusal
from paragon_desktop.domain.cases import (
    NAME_SUFFIX_MAX,
    PHASES,
    CaseDraft,
    CaseLocation,
    LocationKind,
    default_type,
    missing_fields,
    preview_name,
    types_for,
)
from paragon_desktop.domain.enums import CaseAccess, CaseCategory
from paragon_desktop.domain.errors import ValidationError
from paragon_desktop.i18n import BRUSSELS, N_, _
from paragon_desktop.services.case_admin import CaseAdminService, Outcome
from paragon_desktop.services.places import PlaceService
from paragon_desktop.services.views import (
    ChangeSet,
    JurisdictionView,
    PlaceChoice,
    ShareView,
    UserView,
)
from paragon_desktop.settings import Settings
from paragon_desktop.ui.forms.ui_case_form import Ui_CaseForm
from paragon_desktop.ui.map.ops import Op
from paragon_desktop.ui.ops import Debounce, Ops
from paragon_desktop.ui.workers import Workers

FIELDS = {"category": N_("categorie"), "access": N_("toegang"), "location": N_("locatie"),
          "case_type": N_("type"), "occurred_at": N_("datum en tijd")}
MISSING_STYLE = "color: #c92a2a; font-weight: 600;"
REASONS = {"competent": N_("bevoegd"), "neighbour": N_("buur"), "invited": N_("uitgenodigd"),
           "plan": N_("noodplan")}
PICK_HINTS = {
    LocationKind.POINT: N_("Klik op “Aanduiden op kaart” en dan op de plaats van de case."),
    LocationKind.AREA: N_("Klik op “Aanduiden op kaart” en dan de hoeken van het gebied; "
                          "dubbelklik, klik op het eerste punt of op “Gebied sluiten” om af te "
                          "sluiten."),
    LocationKind.ANCHOR: N_("Zoek een anker en kies het in de lijst."),
    LocationKind.TERRITORY: N_("Kies de overheid wiens grondgebied de locatie is (geen vaste "
                               "plaats)."),
}


class CaseDialog(QDialog):
    """``case_id`` None: a new case ("Start case"); otherwise edit that case ("Opslaan")."""

    def __init__(
        self,
        admin: CaseAdminService,
        places: PlaceService,
        user: UserView,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        case_id: int | None = None,
        draft: CaseDraft | None = None,
        with_map: bool = True,
    ) -> None:
        super().__init__(parent)
        # Look-ups while typing (anchors, Astrid block) run off the GUI thread, latest wins.
        self._workers = Workers(self)
        self.ui = Ui_CaseForm()
        self.ui.setupUi(self)
        self._admin = admin
        self._places = places
        self._user = user
        self._case_id = case_id
        self.outcome: Outcome | None = None
        self._location: CaseLocation | None = None
        self._filling = False
        self._refused: list[QLabel] = []
        self.anchors_shown = 0
        self.sharing_previews = 0  # previews shown (for tests)
        self._previewed: object = None  # the location whose sharing is shown or asked
        self._type_defaulted = False
        self._picking = False
        # A new case's name is written in the language this user works in; an edited case keeps
        # the language it was started in.
        self._name_language: str = i18n.language()
        ui = self.ui
        editing = case_id is not None
        self.setWindowTitle(_("Case aanpassen") if editing else _("Nieuwe case"))
        self.start_button = QPushButton(_("Aanpassingen opslaan") if editing else _("Start case"))
        self.start_button.setDefault(True)
        ui.buttonBox.addButton(self.start_button, QDialogButtonBox.ButtonRole.AcceptRole)
        ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuleren"))
        ui.buttonBox.accepted.connect(self._submit)
        ui.buttonBox.rejected.connect(self.reject)

        ui.categoryCombo.addItem(_("— kies —"), None)
        for category in CaseCategory:
            ui.categoryCombo.addItem(category.label, category.value)
        for org_id, name in user.organisations:
            ui.organisationCombo.addItem(name, org_id)
        several = len(user.organisations) > 1 and not editing
        ui.organisationLabel.setVisible(several)
        ui.organisationCombo.setVisible(several)
        ui.phaseCombo.addItem(_("(geen)"), None)
        for phase in PHASES:
            ui.phaseCombo.addItem(_(phase), phase)
        # Belgian time whatever the computer's clock is set to (the lists show Belgian time too).
        ui.occurredEdit.setDateTime(datetime.now(BRUSSELS).replace(tzinfo=None, second=0,
                                                                   microsecond=0))
        ui.occurredEdit.setToolTip(_("Belgische tijd"))
        # Filled when read (off the GUI thread, like every look-up of this form).
        self._territories: list[PlaceChoice] = []
        ui.territoryCombo.addItem(_("— kies een overheid —"), None)
        self._mode_buttons = {
            LocationKind.POINT: ui.pointRadio, LocationKind.AREA: ui.areaRadio,
            LocationKind.ANCHOR: ui.anchorRadio, LocationKind.TERRITORY: ui.territoryRadio,
        }
        ui.pointRadio.setChecked(True)

        self.map = None
        if with_map:
            from paragon_desktop.ui.map.view import MapView

            self.map = MapView(settings, ui.mapHost)
            ui.mapHostLayout.addWidget(self.map)
            self.map.bridge.sig_picked.connect(self._on_picked)
            self.map.bridge.sig_pick_progress.connect(self._on_pick_progress)
        else:
            ui.mapHost.hide()

        # Each field marks its own label red while it is missing.
        self._labels: dict[str, QLabel] = {
            "category": ui.categoryLabel, "access": ui.accessLabel, "location": ui.locationLabel,
            "case_type": ui.typeLabel, "occurred_at": ui.occurredLabel,
        }
        ui.categoryCombo.currentIndexChanged.connect(self._on_category)
        ui.publicRadio.toggled.connect(self._on_changed)
        ui.privateRadio.toggled.connect(self._on_changed)
        ui.typeCombo.currentIndexChanged.connect(self._on_changed)
        ui.typeCombo.activated.connect(self._on_type_chosen)
        ui.occurredEdit.dateTimeChanged.connect(self._on_changed)
        ui.suffixEdit.textChanged.connect(self._on_changed)
        ui.locationNameEdit.textEdited.connect(self._on_changed)
        ui.astridEdit.textEdited.connect(lambda _t: ui.astridStatus.clear())
        ui.astridEdit.textEdited.connect(lambda _t: self._clear_refusal())
        ui.phaseCombo.currentIndexChanged.connect(lambda _i: self._clear_refusal())
        ui.descriptionEdit.textChanged.connect(self._clear_refusal)
        # A label turned bold and red must not widen its column: each keeps the room its bold
        # text needs from the start (fields moved under the mouse as errors appeared).
        for label in {*self._labels.values(), ui.astridLabel, ui.suffixLabel}:
            bold = QFont(label.font())
            bold.setWeight(QFont.Weight.DemiBold)
            label.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(label.text()) + 2)
        # Messages wrap inside the form's width instead of widening it.
        for label in (ui.errorLabel, ui.missingLabel):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setWordWrap(True)
        ui.astridEdit.editingFinished.connect(self._check_astrid)
        for kind, button in self._mode_buttons.items():
            button.toggled.connect(lambda on, k=kind: self._on_mode(k) if on else None)
        self._ops = Ops(self._workers, tell=ui.errorLabel.setText)
        self.territories_shown = False  # for tests: the territories list has been read
        self._ops.run(places.territories, self._show_territories)
        self._anchor_search = Debounce(250, self._search_anchors, self)
        ui.anchorSearch.textChanged.connect(self._anchor_search)
        ui.anchorList.currentItemChanged.connect(self._on_anchor)
        ui.territoryCombo.currentIndexChanged.connect(self._on_territory)
        ui.pickButton.clicked.connect(self._start_pick)
        ui.finishAreaButton.clicked.connect(self._finish_area)
        ui.cancelPickButton.clicked.connect(self._stop_pick)
        self._on_category()
        if draft is not None:
            self._fill(draft)
        self._on_mode(LocationKind.POINT if draft is None or draft.location is None
                      else draft.location.kind)
        self._on_changed()

    # -- reading the form ---------------------------------------------------------------------
    def draft(self) -> CaseDraft:
        ui = self.ui
        category = self._category()
        access = (CaseAccess.PUBLIC if ui.publicRadio.isChecked()
                  else CaseAccess.PRIVATE if ui.privateRadio.isChecked() else None)
        location = self._location
        if location is not None:
            location = CaseLocation(location.kind, ui.locationNameEdit.text(), location.geometry,
                                    location.ref_id)
        moment = ui.occurredEdit.dateTime().toPython()
        return CaseDraft(
            category=category, access=access, location=location,
            case_type=ui.typeCombo.currentData() or "",
            occurred_at=(moment.replace(tzinfo=BRUSSELS).astimezone(UTC)
                         if isinstance(moment, datetime) else None),
            phase=ui.phaseCombo.currentData(), astrid_block=ui.astridEdit.text(),
            description=ui.descriptionEdit.toPlainText(), name_suffix=ui.suffixEdit.text(),
            organisation_id=ui.organisationCombo.currentData(),
            name_language=self._name_language,
        )

    def missing(self) -> tuple[str, ...]:
        return missing_fields(self.draft())

    # -- reacting -----------------------------------------------------------------------------
    def _category(self) -> CaseCategory | None:
        # Qt gives enum data back as plain strings.
        value = self.ui.categoryCombo.currentData()
        return CaseCategory(value) if value else None

    def _on_category(self) -> None:
        category = self._category()
        previous = self.ui.typeCombo.currentData()
        self.ui.typeCombo.blockSignals(True)
        self.ui.typeCombo.clear()
        self.ui.typeCombo.addItem(_("— kies —"), None)
        if category is not None:
            for case_type in types_for(category):
                self.ui.typeCombo.addItem(_(case_type), case_type)
            # A type the user chose survives a change of category; a default does not.
            keep = previous in types_for(category) and not self._type_defaulted
            wanted = previous if keep else default_type(category)
            self._type_defaulted = not keep and bool(wanted)
            index = self.ui.typeCombo.findData(wanted) if wanted else 0
            self.ui.typeCombo.setCurrentIndex(max(index, 0))
        self.ui.typeCombo.blockSignals(False)
        self._on_changed()

    def _on_type_chosen(self, _index: int) -> None:
        self._type_defaulted = False

    def _clear_refusal(self) -> None:
        """The last refusal no longer holds once the person changes something: its message and
        the red of the fields it named go (missing fields are marked again by _on_changed)."""
        ui = self.ui
        ui.errorLabel.clear()
        for label in self._refused:
            label.setStyleSheet("")
        self._refused = []

    def _on_changed(self, *_args: object) -> None:
        if self._filling:
            return
        self._clear_refusal()
        ui = self.ui
        draft = self.draft()
        ui.nameLabel.setText(preview_name(draft))
        suffix_length = len(" ".join(draft.name_suffix.split()))
        too_long = suffix_length > NAME_SUFFIX_MAX
        ui.suffixCounter.setText(f"{suffix_length}/{NAME_SUFFIX_MAX}")
        ui.suffixCounter.setStyleSheet(MISSING_STYLE if too_long else "")
        ui.suffixLabel.setStyleSheet(MISSING_STYLE if too_long else "")
        missing = missing_fields(draft)
        for name, label in self._labels.items():
            label.setStyleSheet(MISSING_STYLE if name in missing else "")
            label.setProperty("missing", name in missing)
        problems = [_(FIELDS[f]) for f in missing]
        if too_long:
            problems.append(_("naamtoevoeging te lang ({length} > {limit})").format(
                length=suffix_length, limit=NAME_SUFFIX_MAX))
        ui.missingLabel.setText(_("Nog in te vullen: ") + ", ".join(problems) if problems else "")
        self.start_button.setEnabled(not problems)
        self._update_sharing(draft)

    def _update_sharing(self, draft: CaseDraft) -> None:
        ui = self.ui
        if draft.access is not CaseAccess.PUBLIC or draft.location is None:
            self._ops.drop("sharing")
            self._previewed = None
            ui.sharingList.clear()
            if draft.access is CaseAccess.PRIVATE:
                ui.sharingList.addItem(_("Niemand: nodig gebruikers uit nadat de case gestart is."))
            return
        places, geometry = self._places, draft.location.geometry
        territory = draft.location.ref_id if draft.location.kind is LocationKind.TERRITORY \
            else None
        if (geometry, territory) == self._previewed:  # typing in other fields asks nothing again
            return
        self._previewed = (geometry, territory)

        def show(shares: list[ShareView]) -> None:
            ui.sharingList.clear()
            for share in shares:
                ui.sharingList.addItem(
                    f"{share.organisation} ({_(REASONS.get(share.reason, share.reason))})")
            self.sharing_previews += 1

        self._ops.run(lambda: places.preview_shares(geometry, territory), show, latest="sharing")

    def _on_mode(self, kind: LocationKind) -> None:
        ui = self.ui
        self._mode_buttons[kind].setChecked(True)
        ui.anchorSearch.setVisible(kind is LocationKind.ANCHOR)
        ui.anchorList.setVisible(kind is LocationKind.ANCHOR)
        ui.territoryCombo.setVisible(kind is LocationKind.TERRITORY)
        on_map = kind in (LocationKind.POINT, LocationKind.AREA) and self.map is not None
        ui.pickButton.setEnabled(on_map)
        ui.finishAreaButton.setVisible(kind is LocationKind.AREA)
        ui.pickHint.setText(_(PICK_HINTS[kind]))
        if kind is LocationKind.ANCHOR and not ui.anchorList.count():
            self._search_anchors(ui.anchorSearch.text())
        self._stop_pick()

    def _set_location(self, location: CaseLocation | None, *, fit: bool) -> None:
        self._location = location
        self.ui.locationNameEdit.setText(location.name if location else "")
        if self.map is not None:
            self.map.bridge.send([{"op": Op.LOCATION_SHOW,
                                   "geometry": location.geometry if location else None, "fit": fit}])
        self._on_changed()

    def _start_pick(self) -> None:
        if self.map is None:
            return
        mode = "area" if self.ui.areaRadio.isChecked() else "point"
        self._picking = True
        self.map.bridge.send([{"op": Op.PICK_START, "mode": mode, "as_location": True}])
        self.ui.pickHint.setText(_(PICK_HINTS[LocationKind(mode)]) + _(" Esc of “Stop aanduiden” stopt."))

    def _finish_area(self) -> None:
        if self.map is not None:
            self.map.bridge.send([{"op": Op.PICK_FINISH}])

    def _stop_pick(self) -> None:
        self._picking = False
        if self.map is not None:
            self.map.bridge.send([{"op": Op.PICK_STOP}])

    def _on_pick_progress(self, vertices: int) -> None:
        self.ui.pickHint.setText(_("{count} punt(en) van het gebied; dubbelklik of “Gebied sluiten”.")
                                 .format(count=vertices))

    def _on_picked(self, geometry: dict) -> None:
        self._picking = False
        kind = LocationKind.AREA if geometry.get("type") == "Polygon" else LocationKind.POINT
        places = self._places

        def named(name: str) -> None:
            self._set_location(CaseLocation(kind, name, geometry), fit=False)
            if not name:
                self.ui.pickHint.setText(_("Deze plaats ligt in geen enkel gekend grondgebied: geef "
                                         "de locatie een naam."))
            else:
                self.ui.pickHint.setText(_(PICK_HINTS[kind]))

        self._ops.run(lambda: places.place_name(geometry), named, latest="pick")

    def _search_anchors(self, text: str) -> None:
        places, user = self._places, self._user
        self._ops.run(lambda: places.search_anchors(user, text), self._show_anchors, latest="anchors")

    def _show_anchors(self, places: list[PlaceChoice]) -> None:
        self.ui.anchorList.clear()
        for place in places:
            item = QListWidgetItem(f"{place.name}  ·  {place.detail}" if place.detail else place.name)
            item.setData(Qt.ItemDataRole.UserRole, place)
            self.ui.anchorList.addItem(item)
        self.anchors_shown += 1  # for tests: a search result arrived

    def _on_anchor(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        if item is None:
            return
        place: PlaceChoice = item.data(Qt.ItemDataRole.UserRole)
        self._set_location(CaseLocation(LocationKind.ANCHOR, place.name, place.geometry, place.id),
                           fit=True)

    def _on_territory(self, _index: int) -> None:
        org_id = self.ui.territoryCombo.currentData()
        place = next((p for p in self._territories if p.id == org_id), None)
        if place is None:
            return
        name = place.name.removeprefix("Gemeente ").removeprefix("Provincie ")
        self._set_location(CaseLocation(LocationKind.TERRITORY, name, place.geometry, place.id),
                           fit=True)

    def _check_astrid(self) -> None:
        admin, user, block, case_id = self._admin, self._user, self.ui.astridEdit.text(), self._case_id

        def check() -> str | None:
            try:
                return admin.astrid_holder(user, block, except_case_id=case_id)
            except ValidationError as exc:
                return str(exc)

        def show(holder: str | None) -> None:
            self.ui.astridStatus.setText(holder or ("vrij" if block.strip() else ""))
            self.ui.astridStatus.setStyleSheet(MISSING_STYLE if holder else "color: #2b8a3e;")

        self._ops.run(check, show, latest="astrid")

    def _show_territories(self, territories: list[PlaceChoice]) -> None:
        self._territories = territories
        combo = self.ui.territoryCombo
        combo.blockSignals(True)
        for place in territories:
            combo.addItem(place.name, place.id)
        if self._location is not None and self._location.kind is LocationKind.TERRITORY:
            combo.setCurrentIndex(max(combo.findData(self._location.ref_id), 0))
        combo.blockSignals(False)
        self.territories_shown = True
        if self.map is not None:
            self._show_borders()

    def _show_borders(self) -> None:
        assert self.map is not None
        jurisdictions = [JurisdictionView(p.id, p.name, p.detail, p.geometry) for p in self._territories]
        province = next((p for p in self._territories if p.detail == "province"), None)
        changes = ChangeSet(revision=0, jurisdictions=jurisdictions)
        fit = None
        if province is not None:
            from shapely.geometry import shape

            fit = tuple(shape(province.geometry).bounds)
        self.map.apply_changes(changes, {}, fit_to=fit)  # type: ignore[arg-type]

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        # Esc stops picking first; a second Esc closes the dialog as usual.
        if event.key() == Qt.Key.Key_Escape and self._picking:
            self._stop_pick()
            self.ui.pickHint.setText(_(PICK_HINTS[self._mode()]))
            return
        super().keyPressEvent(event)

    def _mode(self) -> LocationKind:
        return next(k for k, b in self._mode_buttons.items() if b.isChecked())

    # -- filling for an edit ------------------------------------------------------------------
    def _fill(self, draft: CaseDraft) -> None:
        ui = self.ui
        self._filling = True
        self._name_language = draft.name_language or self._name_language
        try:
            if draft.category is not None:
                ui.categoryCombo.setCurrentIndex(ui.categoryCombo.findData(draft.category.value))
                if self._case_id is not None:
                    # Only an event may still change, and only into an incident (§4.5.1).
                    allowed = {draft.category.value} | (
                        {CaseCategory.INCIDENT.value} if draft.category is CaseCategory.EVENT else set())
                    model = ui.categoryCombo.model()
                    for row in range(ui.categoryCombo.count()):
                        data = ui.categoryCombo.itemData(row)
                        model.item(row).setEnabled(data in allowed)
            self._filling = False
            self._on_category()
            self._filling = True
            if draft.case_type:
                index = ui.typeCombo.findData(draft.case_type)
                if index < 0:  # a type from before the list: keep it
                    ui.typeCombo.addItem(draft.case_type, draft.case_type)
                    index = ui.typeCombo.count() - 1
                ui.typeCombo.setCurrentIndex(index)
            ui.publicRadio.setChecked(draft.access is CaseAccess.PUBLIC)
            ui.privateRadio.setChecked(draft.access is CaseAccess.PRIVATE)
            if draft.occurred_at is not None:
                ui.occurredEdit.setDateTime(
                    draft.occurred_at.astimezone(BRUSSELS).replace(tzinfo=None))
            ui.phaseCombo.setCurrentIndex(max(ui.phaseCombo.findData(draft.phase), 0))
            ui.astridEdit.setText(draft.astrid_block)
            ui.descriptionEdit.setPlainText(draft.description)
            ui.suffixEdit.setText(draft.name_suffix)
        finally:
            self._filling = False
        if draft.location is not None:
            self._set_location(draft.location, fit=True)
            if draft.location.kind is LocationKind.TERRITORY:
                ui.territoryCombo.blockSignals(True)
                ui.territoryCombo.setCurrentIndex(max(ui.territoryCombo.findData(draft.location.ref_id), 0))
                ui.territoryCombo.blockSignals(False)

    # -- submitting ---------------------------------------------------------------------------
    def _submit(self) -> None:
        """Start or edit the case off the GUI thread (a shared server may be far away); the
        dialog stays open with everything typed when the service refuses."""
        if not self.start_button.isEnabled():
            return
        ui = self.ui
        ui.errorLabel.clear()
        admin, user, draft, case_id = self._admin, self._user, self.draft(), self._case_id

        def call() -> Outcome:
            if case_id is None:
                return admin.start_case(user, draft)
            return admin.edit_case(user, case_id, draft)

        def done(outcome: Outcome) -> None:
            self.outcome = outcome
            self.accept()

        def refused(exc: Exception) -> None:
            ui.errorLabel.setText(str(exc))
            if isinstance(exc, ValidationError):
                for name in exc.fields:
                    label = self._labels.get(name) or {"astrid_block": ui.astridLabel,
                                                       "name_suffix": ui.suffixLabel}.get(name)
                    if label is not None:
                        label.setStyleSheet(MISSING_STYLE)
                        self._refused.append(label)

        self._ops.run(call, done, refused, busy=[self.start_button])

    def done(self, result: int) -> None:
        self._workers.shutdown()
        if self.map is not None:
            # Let Chromium release the page before the dialog goes.
            QTimer.singleShot(0, self.map.shutdown)
        super().done(result)


def start_refusal(user: UserView) -> str | None:
    """Why this user cannot start a case (read-only access), or None."""
    return case_refusal(CaseAction.START, user.access_level)
