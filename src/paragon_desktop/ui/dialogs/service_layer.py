"""Lagen > Kaartdienst toevoegen: a layer from a partner's map service (WMS, WMTS, WFS, OGC API
Features). The address is asked what it offers first (off the GUI thread); the user picks a
layer, names it, shares it like a file layer and chooses how often a live one is refreshed.
Saying OK allows the service's host on this computer (the map may reach it, nothing else)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
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

from paragon_desktop.gis.ows import REFRESH_CHOICES, Offer, discover
from paragon_desktop.i18n import N_, _
from paragon_desktop.services.views import FeedView
from paragon_desktop.ui.dialogs.feed_share import FeedShare
from paragon_desktop.ui.ops import Ops
from paragon_desktop.ui.plain import plain_tip

KIND_LABELS = (
    ("wms", N_("WMS (kaartbeelden)")),
    ("wmts", N_("WMTS (kaarttegels)")),
    ("wfs", N_("WFS (objecten)")),
    ("oapif", N_("OGC API Features (objecten)")),
)


def refresh_label(seconds: int) -> str:
    if seconds == 0:
        return _("Niet (zoals toegevoegd)")
    if seconds < 60:
        return _("Elke {seconds} seconden").format(seconds=seconds)
    if seconds < 3600:
        return _("Elke {minutes} minuten").format(minutes=seconds // 60) if seconds > 60 \
            else _("Elke minuut")
    return _("Elk uur")


@dataclass(frozen=True)
class ServiceChoice:
    offer: Offer
    name: str
    description: str
    feed_ids: list[int]


class ServiceLayerDialog(QDialog):
    def __init__(self, feeds: list[FeedView], ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Kaartdienst toevoegen"))
        self._ops = ops
        self.offers: list[Offer] = []
        self.kind = QComboBox()
        for kind, label in KIND_LABELS:
            self.kind.addItem(_(label), kind)
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://…")
        self.url.setMinimumWidth(380)
        self.fetch = QPushButton(_("&Ophalen"))
        self.fetch.setToolTip(_("Vraag de dienst welke lagen hij aanbiedt"))
        self.fetch.clicked.connect(self.ask)
        self.url.returnPressed.connect(self.ask)
        # A widget, not a layout: the row's label then gets the address field as its buddy
        # (with a layout the "&" of its shortcut would show).
        address = QWidget()
        row = QHBoxLayout(address)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.url, 1)
        row.addWidget(self.fetch)
        self.status = QLabel(_("Vul het adres in dat de dienst publiceert en kies Ophalen."))
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.layers = QListWidget()
        self.layers.setMinimumHeight(120)
        self.layers.currentRowChanged.connect(self._on_layer_chosen)
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.name.textChanged.connect(self._update_ok)
        self.description = QLineEdit()
        self.description.setPlaceholderText(_("Wat toont de laag, van wie?"))
        self.refresh = QComboBox()
        for seconds in REFRESH_CHOICES:
            self.refresh.addItem(refresh_label(seconds), seconds)
        self.share = FeedShare(feeds, max_height=120)
        self.personal, self.shared, self.feeds = (self.share.personal, self.share.shared,
                                                  self.share.feeds)
        self.share.sig_changed.connect(self._update_ok)
        self.host_note = QLabel()
        self.host_note.setTextFormat(Qt.TextFormat.PlainText)
        self.host_note.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setStyleSheet("color: #c92a2a;")

        form = QFormLayout()
        form.addRow(_("&Soort"), self.kind)
        form.addRow(_("&Adres"), address)
        form.addRow("", self.status)
        form.addRow(_("&Lagen"), self.layers)
        form.addRow(_("&Naam"), self.name)
        form.addRow(_("&Beschrijving"), self.description)
        form.addRow(_("&Verversen"), self.refresh)
        form.addRow(_("Delen"), self.share)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.host_note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._update_ok()

    # -- asking the service ------------------------------------------------------------------------
    def ask(self) -> None:
        """Ask the address what it offers (a worker thread; the dialog stays responsive)."""
        kind, url = self.kind.currentData(), self.url.text()
        self.status.setText(_("De dienst wordt gevraagd wat hij aanbiedt…"))
        self.layers.clear()
        self.offers = []
        self._ops.run(lambda: discover(kind, url), self._on_offers, self._on_refused,
                      latest="service-layer", busy=(self.fetch,))

    def _on_offers(self, offers: list[Offer]) -> None:
        self.offers = offers
        self.layers.clear()
        for offer in offers:
            item = QListWidgetItem(f"{offer.title}  ({offer.service.layer})")
            item.setToolTip(plain_tip(offer.service.layer))
            self.layers.addItem(item)
        self.status.setText(_("{count} lagen gevonden; kies er een.").format(count=len(offers)))
        self.layers.setCurrentRow(0)

    def _on_refused(self, exc: Exception) -> None:
        self.status.setText(str(exc))
        self._update_ok()

    def _on_layer_chosen(self, row: int) -> None:
        if 0 <= row < len(self.offers):
            offer = self.offers[row]
            self.name.setText(offer.title[:200])
            self.host_note.setText(_(
                "Met OK mag deze computer {host} bereiken voor deze laag; andere adressen "
                "blijven geblokkeerd. Wie de laag gedeeld krijgt, beslist dat zelf.").format(
                host=offer.service.host))
        self._update_ok()

    # -- the answer --------------------------------------------------------------------------------
    def _update_ok(self) -> None:
        problem = ""
        if not self.offers or self.layers.currentRow() < 0:
            problem = _("Haal eerst de lagen van de dienst op en kies er een.")
        elif not self.name.text().strip():
            problem = _("Geef de laag een naam.")
        else:
            problem = self.share.problem()
        self.problem.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def choice(self) -> ServiceChoice:
        offer = self.offers[self.layers.currentRow()]
        service = replace(offer.service, refresh_s=int(self.refresh.currentData()))
        return ServiceChoice(replace(offer, service=service), self.name.text().strip(),
                             self.description.text().strip(), self.share.chosen_feed_ids())
