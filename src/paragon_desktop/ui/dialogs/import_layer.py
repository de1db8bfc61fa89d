"""Asking how to add one or more layer files: name, description, sharing, coordinate system.

With an importer, the dialog first reads the files (in the reader process) and shows what each
holds: features per type, coordinate system, extent, repairs and refusals. Name and sharing are
asked only once something can be added, so a bad file is refused before anything is typed.
Changing the coordinate system reads the files again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.gis.layers import proposed_name
from paragon_desktop.i18n import N_, _, number
from paragon_desktop.services.layer_import import ImportRequest
from paragon_desktop.services.views import FeedView

if TYPE_CHECKING:
    from paragon_desktop.services.layer_import import Inspection
from paragon_desktop.ui.dialogs.feed_share import FeedShare
from paragon_desktop.ui.layer_import import LayerImporter
from paragon_desktop.ui.plain import text_label

CRS_CHOICES = (
    (N_("Automatisch (zoals het bestand zegt of laat zien)"), None),
    (N_("WGS84 lengte/breedte (EPSG:4326)"), "EPSG:4326"),
    (N_("Belgische Lambert 72 (EPSG:31370)"), "EPSG:31370"),
    (N_("Belgische Lambert 2008 (EPSG:3812)"), "EPSG:3812"),
)
DEFAULT_COLOUR = "#3b5bdb"


# What the dialog hands to the import: the service's request (files, sharing, CRS, reads).
ImportChoice = ImportRequest


class ImportLayerDialog(QDialog):
    """One dialog for one or more files; with ``announce_in`` the layer goes to that feed (the
    composer's way) and sharing is fixed."""

    def __init__(self, paths: list[Path], feeds: list[FeedView], *, announce_in: int | None = None,
                 parent: QWidget | None = None, importer: LayerImporter | None = None,
                 max_bytes: int = 0) -> None:
        super().__init__(parent)
        self._importer = importer
        self._max_bytes = max_bytes
        self.inspection: Inspection | None = None
        self._reinspect = False
        self.setWindowTitle(_("Kaartlaag toevoegen") if len(paths) == 1
                            else _("{count} kaartlagen toevoegen").format(count=len(paths)))
        self.setMinimumWidth(620)
        self._paths = paths
        self._announce_in = announce_in
        form = QFormLayout()
        files = QLabel("\n".join(p.name for p in paths))
        files.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(_("Bestand") if len(paths) == 1 else _("Bestanden"), files)
        self.contents = QPlainTextEdit()
        self.contents.setReadOnly(True)
        self.contents.setFixedHeight(150)
        self.reading = QProgressBar()
        self.reading.setFormat("lezen… %p%")
        self.stop_reading = QPushButton(_("Stoppen"))
        self.stop_reading.clicked.connect(self._stop)
        reading = QHBoxLayout()
        reading.addWidget(self.reading)
        reading.addWidget(self.stop_reading)
        contents = QVBoxLayout()
        contents.addWidget(self.contents)
        contents.addLayout(reading)
        if importer is not None:
            form.addRow(_("Inhoud"), contents)
        else:
            self.contents.hide()
            self.reading.hide()
            self.stop_reading.hide()
        self.name = QLineEdit(proposed_name(paths[0]))
        self.name.setMaxLength(200)
        self.name.textChanged.connect(self._update_ok)
        if len(paths) == 1:
            form.addRow(_("&Naam"), self.name)
        else:
            form.addRow(_("Namen"), QLabel(_("uit de bestandsnamen (achteraf te wijzigen)")))
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText(_("Wat toont de laag, van wie, van wanneer?"))
        self.description.setFixedHeight(70)
        form.addRow(_("&Beschrijving"), self.description)

        self.share = FeedShare(feeds, announce_in)
        self.personal, self.shared, self.feeds = (self.share.personal, self.share.shared,
                                                  self.share.feeds)
        self.share.sig_changed.connect(self._update_ok)
        form.addRow(_("Delen"), self.share)

        self.crs = QComboBox()
        for label, code in CRS_CHOICES:
            self.crs.addItem(_(label), code)
        self.crs.setToolTip(
            _("Alleen nodig als een bestand zijn coördinatenstelsel niet of verkeerd vermeldt."))
        self.crs.currentIndexChanged.connect(self._crs_changed)
        form.addRow(_("&Coördinaten"), self.crs)
        self._colour = DEFAULT_COLOUR
        self.colour = QPushButton()
        self.colour.setToolTip(_("Kleur voor bestanden zonder eigen stijl (GeoJSON, GPX, Shapefile)"))
        self.colour.clicked.connect(self._pick_colour)
        self._show_colour()
        form.addRow(_("K&leur"), self.colour)

        self.problem = text_label()
        self.problem.setStyleSheet("color: #c92a2a;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Toevoegen"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._asked = [self.name, self.description, self.personal, self.shared, self.feeds,
                       self.colour]
        self._sharing_fixed = announce_in is not None
        if importer is not None:
            importer.sig_progress.connect(self._on_progress)
            importer.sig_inspected.connect(self._on_inspected)
            self._inspect()
        self._update_ok()

    # -- reading the files first ---------------------------------------------------------------
    def _inspect(self) -> None:
        assert self._importer is not None
        if self._importer.busy:
            self._reinspect = True
            self._importer.cancel()
            return
        self.inspection = None
        self.contents.setPlainText(_("De bestanden worden gelezen…"))
        self.reading.setValue(0)
        self.reading.show()
        self.stop_reading.show()
        self._enable_questions(False)
        self._importer.inspect(self._paths, self.crs.currentData(), max_bytes=self._max_bytes)
        self._update_ok()

    def _crs_changed(self, _index: int) -> None:
        if self._importer is not None:
            self._inspect()

    def _stop(self) -> None:
        if self._importer is not None:
            self._importer.cancel()

    def _on_progress(self, percent: int, _text: str) -> None:
        self.reading.setValue(percent)

    def _on_inspected(self, inspection: Inspection) -> None:
        if self._reinspect:
            self._reinspect = False
            self._inspect()
            return
        self.inspection = inspection
        self.reading.hide()
        self.stop_reading.hide()
        self.contents.setPlainText(describe_inspection(self._paths, inspection))
        self._enable_questions(bool(inspection.reads))
        self._update_ok()

    def _enable_questions(self, enabled: bool) -> None:
        for widget in self._asked:
            widget.setEnabled(enabled and not (self._sharing_fixed and widget in (self.personal,
                                                                                  self.feeds)))

    def close_reading(self) -> None:
        """Stop a read still running for this dialog and stop listening to the importer."""
        if self._importer is not None and self.inspection is None:
            self._importer.cancel()
        self._disconnect()

    def reject(self) -> None:
        self.close_reading()
        super().reject()

    def accept(self) -> None:
        self._disconnect()
        super().accept()

    def _disconnect(self) -> None:
        if self._importer is not None:
            for signal, slot in ((self._importer.sig_progress, self._on_progress),
                                 (self._importer.sig_inspected, self._on_inspected)):
                try:
                    signal.disconnect(slot)
                except (RuntimeError, TypeError):
                    pass

    def _pick_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self._colour), self, _("Kleur van de laag"))
        if colour.isValid():
            self._colour = colour.name()
            self._show_colour()

    def _show_colour(self) -> None:
        self.colour.setText(self._colour)
        self.colour.setStyleSheet(f"background: {self._colour}; color: white;")

    def selected_feed_ids(self) -> list[int]:
        return self.share.selected_feed_ids()

    def _update_ok(self) -> None:
        problem = ""
        if self._importer is not None and self.inspection is None:
            problem = _("Even geduld: de bestanden worden gelezen.")
        elif self.inspection is not None and not self.inspection.reads:
            problem = (_("Geen van de bestanden kan worden toegevoegd (zie hierboven).")
                       if not self.inspection.cancelled else _("Lezen gestopt."))
        elif len(self._paths) == 1 and not self.name.text().strip():
            problem = _("Geef de laag een naam.")
        else:
            problem = self.share.problem()
        self.problem.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def choice(self) -> ImportChoice:
        if len(self._paths) == 1:
            files = [(self._paths[0], self.name.text().strip())]
        else:
            files = [(p, proposed_name(p)) for p in self._paths]
        reads: dict[Path, Any] = {}
        if self.inspection is not None:
            reads = dict(self.inspection.reads)
            files = [(p, n) for p, n in files if p in reads]
        feed_ids = self.share.chosen_feed_ids()
        if self._announce_in is not None:
            feed_ids = [f for f in feed_ids if f != self._announce_in]
        return ImportChoice(
            files=files,
            description=self.description.toPlainText().strip(),
            feed_ids=feed_ids,
            crs=self.crs.currentData(),
            colour=self._colour if self._colour != DEFAULT_COLOUR else None,
            announce_in=self._announce_in,
            reads=reads,
        )


_TYPE_NAMES = {"Point": (N_("punt"), N_("punten")), "LineString": (N_("lijn"), N_("lijnen")),
               "Polygon": (N_("vlak"), N_("vlakken")),
               "GeometryCollection": (N_("verzameling"), N_("verzamelingen"))}


def describe_inspection(paths: list[Path], inspection: Inspection) -> str:
    """Per file: what it holds, or why it cannot be added (plain text: names are data)."""
    blocks = []
    for path in paths:
        read = inspection.reads.get(path)
        if read is None:
            error = inspection.errors.get(path)
            if error is None:
                blocks.append(_("{file}: niet gelezen (gestopt).").format(file=path.name))
            else:
                blocks.append(_("✗ {file}: wordt niet toegevoegd.\n   {error}").format(
                    file=path.name, error=error))
            continue
        kinds = ", ".join(
            f"{n} {_(_TYPE_NAMES.get(t, (t, t))[0 if n == 1 else 1])}"
            for t, n in sorted(read.geometry_types.items()))
        lines = [_("✓ {file}: {count} objecten ({kinds}); {format}, {crs}").format(
            file=path.name, count=number(read.feature_count), kinds=kinds, format=read.source_format,
            crs=read.source_crs)]
        if read.bbox is not None:
            west, south, east, north = read.bbox
            lines.append(_("   gebied {south}–{north}° N, {west}–{east}° O").format(
                south=number(south, 4), north=number(north, 4), west=number(west, 4),
                east=number(east, 4)))
        lines.extend(f"   ⚠ {warning}" for warning in read.warnings)
        blocks.append("\n".join(lines))
    return "\n".join(blocks)
