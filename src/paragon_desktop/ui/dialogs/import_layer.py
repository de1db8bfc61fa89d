"""Asking how to add one or more layer files: name, description, sharing, coordinate system."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.gis.layers import proposed_name
from paragon_desktop.services.views import FeedView

CRS_CHOICES = (
    ("Automatisch (zoals het bestand zegt of laat zien)", None),
    ("WGS84 lengte/breedte (EPSG:4326)", "EPSG:4326"),
    ("Belgische Lambert 72 (EPSG:31370)", "EPSG:31370"),
    ("Belgische Lambert 2008 (EPSG:3812)", "EPSG:3812"),
)
DEFAULT_COLOUR = "#3b5bdb"


@dataclass
class ImportChoice:
    files: list[tuple[Path, str]]  # path, layer name
    description: str = ""
    feed_ids: list[int] = field(default_factory=list)
    crs: str | None = None
    colour: str | None = None
    announce_in: int | None = None


class ImportLayerDialog(QDialog):
    """One dialog for one or more files; with ``announce_in`` the layer goes to that feed (the
    composer's way) and sharing is fixed."""

    def __init__(self, paths: list[Path], feeds: list[FeedView], *, announce_in: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Kaartlaag toevoegen" if len(paths) == 1
                            else f"{len(paths)} kaartlagen toevoegen")
        self.setMinimumWidth(480)
        self._paths = paths
        self._announce_in = announce_in
        form = QFormLayout()
        files = QLabel("\n".join(p.name for p in paths))
        files.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow("Bestand" if len(paths) == 1 else "Bestanden", files)
        self.name = QLineEdit(proposed_name(paths[0]))
        self.name.setMaxLength(200)
        self.name.textChanged.connect(self._update_ok)
        if len(paths) == 1:
            form.addRow("&Naam", self.name)
        else:
            form.addRow("Namen", QLabel("uit de bestandsnamen (achteraf te wijzigen)"))
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("Wat toont de laag, van wie, van wanneer?")
        self.description.setFixedHeight(70)
        form.addRow("&Beschrijving", self.description)

        self.personal = QRadioButton("&Persoonlijk (alleen ik)")
        self.shared = QRadioButton("&Delen in feeds:")
        group = QButtonGroup(self)
        group.addButton(self.personal)
        group.addButton(self.shared)
        self.feeds = QListWidget()
        self.feeds.setFixedHeight(min(160, 22 * max(3, len(feeds)) + 6))
        for feed in feeds:
            item = QListWidgetItem(feed.name + ("  (iedereen in de case)" if feed.kind == "multi" else ""))
            item.setData(Qt.ItemDataRole.UserRole, feed.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if feed.id == announce_in else Qt.CheckState.Unchecked)
            self.feeds.addItem(item)
        self.feeds.itemChanged.connect(self._on_feed_ticked)
        sharing = QVBoxLayout()
        sharing.addWidget(self.personal)
        sharing.addWidget(self.shared)
        sharing.addWidget(self.feeds)
        if announce_in is not None:
            self.shared.setChecked(True)
            self.personal.setEnabled(False)
            self.feeds.setEnabled(False)
            sharing.addWidget(QLabel("De laag komt bij een bericht in deze feed."))
        else:
            self.personal.setChecked(True)
        self.personal.toggled.connect(self._update_ok)
        form.addRow("Delen", sharing)

        self.crs = QComboBox()
        for label, code in CRS_CHOICES:
            self.crs.addItem(label, code)
        self.crs.setToolTip("Alleen nodig als een bestand zijn coördinatenstelsel niet of verkeerd vermeldt.")
        form.addRow("&Coördinaten", self.crs)
        self._colour = DEFAULT_COLOUR
        self.colour = QPushButton()
        self.colour.setToolTip("Kleur voor bestanden zonder eigen stijl (GeoJSON, GPX, Shapefile)")
        self.colour.clicked.connect(self._pick_colour)
        self._show_colour()
        form.addRow("K&leur", self.colour)

        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c92a2a;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Toevoegen")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._update_ok()

    def _on_feed_ticked(self, _item: QListWidgetItem) -> None:
        if self.selected_feed_ids():
            self.shared.setChecked(True)
        self._update_ok()

    def _pick_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self._colour), self, "Kleur van de laag")
        if colour.isValid():
            self._colour = colour.name()
            self._show_colour()

    def _show_colour(self) -> None:
        self.colour.setText(self._colour)
        self.colour.setStyleSheet(f"background: {self._colour}; color: white;")

    def selected_feed_ids(self) -> list[int]:
        return [self.feeds.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.feeds.count())
                if self.feeds.item(i).checkState() == Qt.CheckState.Checked]

    def _update_ok(self) -> None:
        problem = ""
        if len(self._paths) == 1 and not self.name.text().strip():
            problem = "Geef de laag een naam."
        elif self.shared.isChecked() and not self.selected_feed_ids():
            problem = "Kies minstens één feed om in te delen, of kies Persoonlijk."
        self.problem.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def choice(self) -> ImportChoice:
        if len(self._paths) == 1:
            files = [(self._paths[0], self.name.text().strip())]
        else:
            files = [(p, proposed_name(p)) for p in self._paths]
        feed_ids = self.selected_feed_ids() if self.shared.isChecked() else []
        if self._announce_in is not None:
            feed_ids = [f for f in feed_ids if f != self._announce_in]
        return ImportChoice(
            files=files,
            description=self.description.toPlainText().strip(),
            feed_ids=feed_ids,
            crs=self.crs.currentData(),
            colour=self._colour if self._colour != DEFAULT_COLOUR else None,
            announce_in=self._announce_in,
        )
