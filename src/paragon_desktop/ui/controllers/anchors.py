"""Anchors of the case: drawn on the map, named in a dialog, changed and deleted from the Ankers
dock (and its right-click menu), stored through the editing service off the GUI thread.

Drawing and changing a shape happen in the page (``pick.*`` and ``edit.*`` operations); a bar
above the map says what to do and offers Done / Cancel (Esc cancels too). Whatever was drawn and
typed survives a refusal or a lost connection: the dialog comes back with it and the reason, and
saving again reuses the operation id, so a resend never stores twice."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from paragon_desktop.domain.access import can_edit_case
from paragon_desktop.domain.anchors import AnchorCategory, AnchorDraft, category_of
from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.gis.export import export_layers
from paragon_desktop.gis.geometry import circle
from paragon_desktop.gis.layers import FILE_FILTER
from paragon_desktop.gis.reader import LayerReader
from paragon_desktop.i18n import N_, _
from paragon_desktop.services.anchor_files import AnchorImport, anchor_layers, import_anchors
from paragon_desktop.services.editing import EditingService
from paragon_desktop.services.org_anchors import OrganisationAnchorService
from paragon_desktop.services.views import AnchorView
from paragon_desktop.ui.controllers.context import WindowContext
from paragon_desktop.ui.dialogs.anchor import AnchorDialog
from paragon_desktop.ui.dialogs.anchor_import import AnchorImportDialog
from paragon_desktop.ui.dialogs.key_anchors import KeyAnchorsDialog
from paragon_desktop.ui.docks.anchors import AnchorsPanel
from paragon_desktop.ui.map.ops import Op, op
from paragon_desktop.ui.map.view import MapView
from paragon_desktop.ui.plain import plain_box

HINTS = {
    "point": N_("Klik op de kaart waar het anker komt."),
    "line": N_("Klik de punten van de lijn; dubbelklik of Klaar om te eindigen."),
    "area": N_("Klik de hoekpunten; klik op het eerste punt, dubbelklik of Klaar om te sluiten."),
    "circle": N_("Klik het middelpunt, dan een punt op de rand (de straal)."),
}
# The category a new anchor starts with, by what was drawn.
FIRST_CATEGORY = {"point": AnchorCategory.COMMAND_POST, "line": AnchorCategory.OTHER,
                  "area": AnchorCategory.PERIMETER, "circle": AnchorCategory.PERIMETER}


class DrawBar(QFrame):
    """Over the top of the map while drawing or changing a shape: what to do, Done and Cancel.
    It floats over the map (the map does not move under the mouse when it appears) and leaves
    the zoom buttons in the corner free."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("drawBar")
        self.setStyleSheet("#drawBar { background: #fff4e6; border: 1px solid #f08c00; "
                           "border-radius: 4px; }")
        self._over: QWidget | None = None
        self.hint = QLabel()
        self.hint.setWordWrap(True)  # a narrow map: the whole hint on two lines, never cut
        self.done = QPushButton(_("Klaar"))
        self.cancel = QPushButton(_("Annuleren"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 8, 3)
        layout.addWidget(self.hint, 1)
        layout.addWidget(self.done)
        layout.addWidget(self.cancel)
        self.hide()

    def attach(self, over: QWidget) -> None:
        """Float over ``over`` (the map), at its top, centred."""
        self._over = over
        self.setParent(over.parentWidget())
        over.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self._over and event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self.place()
        return False

    def place(self) -> None:
        over = self._over
        if over is None:
            return
        # Right of Leaflet's zoom buttons (top left), as wide as the hint needs.
        width = max(200, min(over.width() - 2 * 56, 640))
        layout = self.layout()
        height = layout.totalHeightForWidth(width) if layout is not None else 0
        self.setGeometry(over.x() + (over.width() - width) // 2, over.y() + 8, width,
                         max(height, self.sizeHint().height()))
        self.raise_()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.place()
        super().showEvent(event)


class AnchorsController(QObject):
    def __init__(self, ctx: WindowContext, editing: EditingService, map_view: MapView,
                 panel: AnchorsPanel, org_anchors: OrganisationAnchorService) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.editing = editing
        self.org_anchors = org_anchors
        self.key_dialog: KeyAnchorsDialog | None = None
        self.map = map_view
        self.panel = panel
        self.bar = DrawBar()
        self.drawing: str | None = None  # the drawing mode while a new anchor is drawn
        self.reshaping: AnchorView | None = None
        self.dialog: AnchorDialog | None = None  # the one open (for tests)
        self.saved: list[int] = []  # anchors stored from this window (for tests)
        # Called before a drawing starts (another tool using the map stops).
        self.before_drawing: list[Callable[[], None]] = []
        panel.sig_new.connect(self.new)
        panel.sig_edit.connect(self.edit)
        panel.sig_reshape.connect(self.reshape)
        panel.sig_delete.connect(self.delete)
        panel.sig_copy_key.connect(self.copy_key_anchor)
        panel.sig_import.connect(self.ask_import)
        panel.sig_export.connect(self.ask_export)
        self.import_dialog: AnchorImportDialog | None = None
        self.last_report = ""
        bridge = map_view.bridge
        bridge.sig_picked.connect(self._on_picked)
        bridge.sig_edited.connect(self._on_edited)
        self.bar.done.clicked.connect(self.finish)
        self.bar.cancel.clicked.connect(self.cancel)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), map_view)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.cancel)
        ctx.sig_case_updated.connect(self.update_permissions)
        ctx.sig_changes.connect(self._on_changes)
        self._anchors: dict[int, AnchorView] = {}  # the case's anchors as last read
        self.update_permissions()

    @property
    def anchors(self) -> list[AnchorView]:
        return list(self._anchors.values())

    def _on_changes(self, changes: Any, _first: bool) -> None:
        for anchor_id in changes.removed_anchor_ids:
            self._anchors.pop(anchor_id, None)
        for anchor in changes.anchors:
            self._anchors[anchor.id] = anchor

    # -- who may ---------------------------------------------------------------------------------
    def refusal(self) -> str:
        """Why this user may not change the case's anchors now ("" when they may)."""
        ctx = self.ctx
        if ctx.access_lost:
            return ctx.access_lost
        if not ctx.case.is_open:
            return _("Deze case is afgesloten: de ankers zijn alleen te lezen.")
        if not can_edit_case(ctx.user.access_level, True):
            return _("Je toegang is 'Alleen lezen': je kunt geen ankers tekenen of wijzigen.")
        return ""

    def update_permissions(self) -> None:
        reason = self.refusal()
        self.panel.set_permissions(not reason, reason)
        if reason:
            self.cancel()

    # -- drawing a new anchor ----------------------------------------------------------------------
    def new(self, mode: str, at: tuple[float, float] | None = None) -> None:
        """Draw a new anchor (``mode``: point, line, area, circle); ``at`` (lon, lat): a point
        placed there at once (the map's right-click menu)."""
        if self.refusal():
            return
        self.cancel()
        for stop in self.before_drawing:
            stop()
        if at is not None:
            self._ask_new({"type": "Point", "coordinates": [round(at[0], 6), round(at[1], 6)]},
                          AnchorDraft("", FIRST_CATEGORY["point"]), uuid.uuid4().hex)
            return
        self.drawing = mode
        self.map.bridge.send([op(Op.PICK_START, mode=mode)])
        self._show_bar(_(HINTS[mode]), done=mode in ("line", "area"))
        self.map.setFocus()

    def finish(self) -> None:
        """Klaar: end the line or close the area being drawn; keep a changed shape."""
        if self.reshaping is not None:
            self.map.bridge.send([op(Op.EDIT_FINISH)])
        elif self.drawing is not None:
            self.map.bridge.send([op(Op.PICK_FINISH)])

    def cancel(self) -> None:
        if self.drawing is not None:
            self.map.bridge.send([op(Op.PICK_STOP)])
        if self.reshaping is not None:
            self.map.bridge.send([op(Op.EDIT_STOP)])
        self.drawing = None
        self.reshaping = None
        self.bar.hide()

    def _show_bar(self, hint: str, *, done: bool) -> None:
        self.bar.hint.setText(hint)
        self.bar.done.setVisible(done)
        self.bar.show()

    def _on_picked(self, geometry: dict[str, Any]) -> None:
        mode, self.drawing = self.drawing, None
        if mode is None:
            return
        self.bar.hide()
        try:
            if geometry.get("type") == "Circle":
                lon, lat = geometry["coordinates"]
                geometry = circle(lon, lat, float(geometry["radius"]))
        except ParagonError as exc:
            self.ctx.tell(_("Anker niet getekend"), str(exc))
            return
        self._ask_new(geometry, AnchorDraft("", FIRST_CATEGORY[mode]), uuid.uuid4().hex)

    def _ask_new(self, geometry: dict[str, Any], draft: AnchorDraft, op_id: str,
                 error: str = "", owner: int | None = None) -> None:
        def ask(owners: list[tuple[int, str]]) -> None:
            dialog = self.dialog = AnchorDialog(draft, new=True, parent=self.ctx.parent_widget,
                                                error=error, owners=owners, owner=owner)
            dialog.finished.connect(lambda _r: self._new_answered(dialog, geometry, op_id))
            dialog.open()

        user, org_anchors = self.ctx.user, self.org_anchors
        # The organisations this user keeps key anchors for (read off the GUI thread).
        self.ctx.ops.run(lambda: org_anchors.kept_organisations(user), ask, lambda _exc: ask([]))

    def _new_answered(self, dialog: AnchorDialog, geometry: dict[str, Any], op_id: str) -> None:
        draft = dialog.result_draft
        if draft is None:
            return  # cancelled: nothing stored
        owner = dialog.owner_id()
        user, case_id, editing, org_anchors = (self.ctx.user, self.ctx.case.id, self.editing,
                                               self.org_anchors)

        def save() -> int:
            if owner is not None:
                return org_anchors.add(user, owner, draft.name, geometry,
                                       category=draft.category, description=draft.description)
            return editing.add_anchor(user, case_id, draft.name, geometry,
                                      category=draft.category, description=draft.description,
                                      op_id=op_id)

        def saved(anchor_id: int) -> None:
            self.saved.append(anchor_id)
            if owner is None:
                self.ctx.show(_("Anker “{name}” bewaard.").format(name=draft.name))
            else:  # not on this case's map: in the organisation's key anchors
                self.ctx.show(_("Sleutelanker “{name}” bewaard bij {organisation}; een case "
                                "neemt er een kopie van via Nieuw > Uit sleutelankers.").format(
                    name=draft.name, organisation=dialog.owner_names.get(owner, "")))

        def refused(exc: Exception) -> None:  # asked again with everything drawn and typed
            self._ask_new(geometry, draft, op_id, error=str(exc), owner=owner)

        self.ctx.ops.run(save, saved, refused)

    # -- files -----------------------------------------------------------------------------------
    def ask_import(self) -> None:
        if self.refusal():
            return
        path, _filter = QFileDialog.getOpenFileName(self.ctx.parent_widget,
                                                    _("Ankers uit een bestand"), "", FILE_FILTER)
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Read the file (reader process, off the GUI thread), then ask what becomes anchors."""
        dialog = self.import_dialog = AnchorImportDialog(path.name, self.ctx.parent_widget)
        stop = threading.Event()
        dialog.stop_button.clicked.connect(stop.set)
        dialog.rejected.connect(stop.set)
        limit = self.ctx.settings.max_layer_bytes

        def read() -> Any:
            with LayerReader(spare=False) as reader:
                return reader.read(path, max_bytes=limit, cancelled=stop.is_set)

        self.ctx.ops.run(read, lambda found: dialog.show_read(found.geojson, list(found.warnings)),
                         lambda exc: dialog.show_refusal(str(exc)))
        dialog.accepted.connect(lambda: self._import_chosen(dialog, path))
        dialog.open()

    def _import_chosen(self, dialog: AnchorImportDialog, path: Path) -> None:
        geojson, category, field = dialog.chosen()
        user, case_id, editing = self.ctx.user, self.ctx.case.id, self.editing

        def done(report: AnchorImport) -> None:
            lines = [_("{count} ankers toegevoegd uit {file}.").format(
                count=len(report.added), file=path.name)]
            if report.refused:
                lines.append(_("Niet toegevoegd:") + "\n" + "\n".join(f"• {r}" for r in report.refused))
                self.ctx.tell(_("Ankers uit een bestand"), "\n\n".join(lines))
            self.last_report = "\n\n".join(lines)
            self.ctx.show(lines[0])

        self.ctx.ops.run(lambda: import_anchors(editing, user, case_id, geojson, category=category,
                                                name_field=field, fallback_name=path.stem),
                         done, lambda exc: self.ctx.tell(_("Ankers uit een bestand"), str(exc)))

    def ask_export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self.ctx.parent_widget, _("Ankers exporteren"), "ankers.kmz",
            _("KMZ (*.kmz);;KML (*.kml);;GeoJSON (*.geojson)"))
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        anchors = self.anchors
        case = self.ctx.case

        def done(count: int) -> None:
            self.ctx.show(_("{file}: {count} objecten geschreven.").format(file=path.name,
                                                                           count=count))

        self.ctx.ops.run(lambda: export_layers(anchor_layers(case, anchors), path), done,
                         lambda exc: self.ctx.tell(_("Niet geëxporteerd"), str(exc)))

    # -- copying an organisation's anchor ----------------------------------------------------------
    def copy_key_anchor(self) -> None:
        """Choose an organisation's anchor; the case gets a copy of it."""
        if self.refusal():
            return
        dialog = self.key_dialog = KeyAnchorsDialog(self._copy, self.ctx.parent_widget,
                                                    remove=self._remove_key_anchor)
        user, org_anchors = self.ctx.user, self.org_anchors

        def read() -> tuple[list[tuple[AnchorView, int | None, str]], set[int]]:
            return (org_anchors.all_anchors(user),
                    {org_id for org_id, _name in org_anchors.kept_organisations(user)})

        def show(found: tuple[list[tuple[AnchorView, int | None, str]], set[int]]) -> None:
            dialog.kept = found[1]
            dialog.show_anchors(found[0])

        self.ctx.ops.run(read, show,
                         lambda exc: self.ctx.tell(_("Sleutelankers niet gelezen"), str(exc)))
        dialog.open()

    def _remove_key_anchor(self, anchor: AnchorView) -> None:
        user, org_anchors = self.ctx.user, self.org_anchors
        self._confirm(_("Sleutelanker verwijderen"),
                      _("Sleutelanker “{name}” verwijderen? Kopieën in cases blijven.").format(
                          name=anchor.name),
                      lambda: self.ctx.ops.run(
                          lambda: org_anchors.remove(user, anchor.id),
                          lambda _none: self._key_removed(anchor),
                          lambda exc: self.ctx.tell(_("Anker niet verwijderd"), str(exc))),
                      self.key_dialog)

    def _confirm(self, title: str, text: str, yes: Callable[[], None],
                 parent: QWidget | None = None) -> None:
        """Ask before deleting (No is the default); ``yes`` runs only on Yes."""
        box = plain_box(QMessageBox.Icon.Question, parent or self.ctx.parent_widget, title, text,
                        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        self.confirm = box
        box.finished.connect(lambda result: yes() if result == QMessageBox.StandardButton.Yes
                             else None)
        box.open()

    def _key_removed(self, anchor: AnchorView) -> None:
        self.ctx.show(_("Anker “{name}” verwijderd.").format(name=anchor.name))
        dialog = self.key_dialog
        if dialog is not None:
            for row in range(dialog.list.count()):
                item = dialog.list.item(row)
                if item is not None and item.data(Qt.ItemDataRole.UserRole).id == anchor.id:
                    dialog.list.takeItem(row)
                    break

    def _copy(self, anchor: AnchorView) -> None:
        user, case_id, org_anchors = self.ctx.user, self.ctx.case.id, self.org_anchors
        op_id = uuid.uuid4().hex

        def copied(anchor_id: int) -> None:
            self.saved.append(anchor_id)
            self.ctx.show(_("Kopie van “{name}” in de case.").format(name=anchor.name))
            if self.key_dialog is not None:
                self.key_dialog.accept()

        self.ctx.ops.run(lambda: org_anchors.copy_to_case(user, anchor.id, case_id, op_id),
                         copied, lambda exc: self.ctx.tell(_("Niet gekopieerd"), str(exc)))

    # -- changing --------------------------------------------------------------------------------
    def edit(self, anchor: AnchorView, draft: AnchorDraft | None = None, error: str = "") -> None:
        if self.refusal():
            return
        draft = draft or AnchorDraft(anchor.name, category_of(anchor.category), anchor.description)
        dialog = self.dialog = AnchorDialog(draft, new=False, parent=self.ctx.parent_widget,
                                            error=error)
        dialog.finished.connect(lambda _r: self._edit_answered(dialog, anchor))
        dialog.open()

    def _edit_answered(self, dialog: AnchorDialog, anchor: AnchorView) -> None:
        draft = dialog.result_draft
        if draft is None:
            return
        user, editing = self.ctx.user, self.editing
        self.ctx.ops.run(lambda: editing.edit_anchor(user, anchor.id, draft),
                         lambda _none: self.ctx.show(_("Anker “{name}” bewaard.").format(
                             name=draft.name)),
                         lambda exc: self.edit(anchor, draft, str(exc)))

    def reshape(self, anchor: AnchorView) -> None:
        """Move the anchor or drag its vertices on the map; Klaar keeps it, Esc drops it."""
        if self.refusal():
            return
        self.cancel()
        self.reshaping = anchor
        self.map.bridge.send([op(Op.EDIT_START, id=anchor.id)])
        self._show_bar(_("Versleep de hoekpunten, of het middelste punt om “{name}” te "
                         "verplaatsen.").format(name=anchor.name), done=True)

    def _on_edited(self, anchor_id: int, geometry: dict[str, Any]) -> None:
        anchor, self.reshaping = self.reshaping, None
        self.bar.hide()
        if anchor is None or anchor.id != anchor_id:
            return
        user, editing = self.ctx.user, self.editing

        def refused(exc: Exception) -> None:
            self.ctx.tell(_("Vorm niet bewaard"), str(exc))
            self.ctx.refresh()  # the map shows the stored shape again

        self.ctx.ops.run(lambda: editing.edit_anchor(user, anchor_id, geometry=geometry),
                         lambda _none: self.ctx.show(_("Vorm van “{name}” bewaard.").format(
                             name=anchor.name)), refused)

    def delete(self, anchor: AnchorView) -> None:
        if self.refusal():
            return
        self._confirm(_("Anker verwijderen"),
                      _("“{name}” verwijderen uit deze case? Iedereen in de case ziet het "
                        "niet meer; de audittrail houdt bij wie het verwijderde.").format(
                          name=anchor.name),
                      lambda: self._remove(anchor))

    def _remove(self, anchor: AnchorView) -> None:
        user, editing = self.ctx.user, self.editing
        self.ctx.ops.run(lambda: editing.remove_anchor(user, anchor.id),
                         lambda _none: self.ctx.show(_("Anker “{name}” verwijderd.").format(
                             name=anchor.name)),
                         lambda exc: self.ctx.tell(_("Anker niet verwijderd"), str(exc)))
