"""Kaart > Afdrukken/Exporteren: paper, orientation, PDF or PNG, and whether the PDF goes with
the next message (the map with the SITREP)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QWidget,
)

from paragon_desktop.i18n import N_, _, number
from paragon_desktop.ui.map_print import PAPERS

Bounds = tuple[float, float, float, float]

# Scales crisis cells print situation maps at (the view's centre stays where it is).
SCALES = (5_000, 10_000, 25_000, 50_000, 100_000)


GRIDS = (("lambert72", "Lambert 72"), ("wgs84", "WGS84"), ("", N_("Geen")))


class MapPrintDialog(QDialog):
    def __init__(self, parent: QWidget | None = None,
                 extents: dict[str, Bounds | str | None] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Kaart afdrukken of exporteren"))
        # The view as it is, or an extent to print (the view moves there and comes back).
        self.extent = QComboBox()
        for label, bounds in (extents or {_("Huidig kaartbeeld"): None}).items():
            self.extent.addItem(label, bounds)
        self.grid = QComboBox()
        for grid, label in GRIDS:
            self.grid.addItem(_(label), grid)
        self.paper = QComboBox()
        for name in PAPERS:
            self.paper.addItem(name, name)
        self.orientation = QComboBox()
        self.orientation.addItem(_("Liggend"), True)
        self.orientation.addItem(_("Staand"), False)
        self.scale = QComboBox()
        self.scale.addItem(_("Zoals op het scherm"), 0)
        for scale in SCALES:
            self.scale.addItem(f"1:{number(scale)}", scale)
        self.format = QComboBox()
        self.format.addItem("PDF", ".pdf")
        self.format.addItem("PNG", ".png")
        self.attach = QCheckBox(_("Bij het volgende bericht voegen (SITREP)"))
        self.attach.setToolTip(_("Het PDF-bestand wordt de bijlage van het bericht dat je nu "
                                 "schrijft, met de tag SITREP"))
        self.format.currentIndexChanged.connect(
            lambda _i: self.attach.setEnabled(self.format.currentData() == ".pdf"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_("Gebied"), self.extent)
        form.addRow(_("Papier"), self.paper)
        form.addRow(_("Richting"), self.orientation)
        form.addRow(_("Schaal"), self.scale)
        form.addRow(_("Coördinatenraster"), self.grid)
        form.addRow(_("Formaat"), self.format)
        form.addRow(self.attach)
        form.addRow(buttons)
