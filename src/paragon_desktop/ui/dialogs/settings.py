"""Settings: the language, an optional online tile source, the refresh interval, the idle time
before locking, and the organisation's mail server for the GDPR mails to contacts."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.gis.ows import Offer, discover, tile_template
from paragon_desktop.gis.tile_sources import PRESETS, check_source, preset_for
from paragon_desktop.i18n import LANGUAGES, _
from paragon_desktop.services.mail import SmtpSettings
from paragon_desktop.settings import (
    MAX_LOCK_MINUTES,
    MAX_REFRESH_SECONDS,
    MIN_LOCK_MINUTES,
    MIN_REFRESH_SECONDS,
    Settings,
)
from paragon_desktop.ui.plain import text_label
from paragon_desktop.ui.workers import Workers


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Instellingen"))
        # Offline, one of the presets, or one's own XYZ template (checked with a real tile).
        self.source = QComboBox()
        self.source.addItem(_("Geen (offline)"), "")
        for preset in PRESETS:
            self.source.addItem(_(preset.name), preset.id)
        self.source.addItem(_("Eigen XYZ-adres…"), "custom")
        self.source.addItem(_("Eigen WMTS- of WMS-dienst…"), "service")
        # One's own WMTS or WMS: its address is asked what it offers, a layer becomes the
        # tile address (still checked with one tile at OK).
        self.service_kind = QComboBox()
        self.service_kind.addItem("WMTS", "wmts")
        self.service_kind.addItem("WMS", "wms")
        self.service_url = QLineEdit()
        self.service_url.setPlaceholderText(_("adres van de dienst (GetCapabilities)"))
        self.service_url.setMinimumWidth(
            self.service_url.fontMetrics().horizontalAdvance(self.service_url.placeholderText()) + 30)
        self.service_fetch = QPushButton(_("Ophalen"))
        self.service_fetch.clicked.connect(self.ask_service)
        self.service_url.returnPressed.connect(self.ask_service)
        self.service_layer = QComboBox()
        self.service_layer.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.service_layer.setMinimumContentsLength(24)
        self.service_layer.currentIndexChanged.connect(self._on_service_layer)
        self.service_row = QWidget()
        row = QHBoxLayout(self.service_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.service_kind)
        row.addWidget(self.service_url, 1)
        row.addWidget(self.service_fetch)
        self.service_offers: list[Offer] = []
        self.tile_url = QLineEdit(settings.tile_url or "")
        self.tile_url.setPlaceholderText(_("leeg: offline, geen achtergrondkaart"))
        # Wide enough for its own hint and for a typical tile address, not clipped.
        metrics = self.tile_url.fontMetrics()
        self.tile_url.setMinimumWidth(max(metrics.horizontalAdvance(text) for text in (
            self.tile_url.placeholderText(), "https://tile.example.org/{z}/{x}/{y}.png")) + 40)
        self.attribution = QLineEdit(settings.tile_attribution)
        chosen = preset_for(settings.tile_url)
        self.source.setCurrentIndex(self.source.findData(
            chosen.id if chosen else ("custom" if settings.tile_url else "")))
        self.check_error = text_label()
        self.check_error.setWordWrap(True)
        self.check_error.setStyleSheet("color: #c92a2a;")
        self.check_error.hide()
        self.source.currentIndexChanged.connect(self._on_source)
        self.checks = 0  # tile sources asked (for tests)
        self.refresh = QSpinBox()
        self.refresh.setRange(MIN_REFRESH_SECONDS, MAX_REFRESH_SECONDS)
        self.refresh.setSuffix(" s")
        self.refresh.setValue(settings.refresh_seconds)
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(MIN_LOCK_MINUTES, MAX_LOCK_MINUTES)
        self.lock_minutes.setSuffix(_(" min"))
        self.lock_minutes.setValue(settings.lock_minutes)
        self.lock_minutes.setToolTip(_("Zonder toetsenbord of muis vergrendelt het venster na "
                                       "zoveel minuten (Ctrl+L: meteen)."))
        self._settings = settings
        self.language = QComboBox()
        self.language.addItem(_("Taal van de computer"), "")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)  # each in its own language
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.language_note = QLabel(_("Een andere taal geldt vanaf de volgende start."))
        self.language_note.setVisible(False)
        self.language.currentIndexChanged.connect(
            lambda _i: self.language_note.setVisible(self.language.currentData() != settings.language))
        note = QLabel(_("Zonder tegelbron maakt de app geen enkele netwerkverbinding. "
                      "Een tegelbron heeft de vorm https://host/{z}/{x}/{y}.png."))
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Taal"), self.language)
        form.addRow("", self.language_note)
        form.addRow(_("Online achtergrond"), self.source)
        form.addRow(_("Dienst"), self.service_row)
        form.addRow(_("Laag"), self.service_layer)
        self._form = form
        form.addRow(_("Tegeladres"), self.tile_url)
        form.addRow(_("Bronvermelding"), self.attribution)
        form.addRow(_("Vernieuwen elke"), self.refresh)
        form.addRow(_("Vergrendelen na"), self.lock_minutes)
        # The organisation's mail server (GDPR mails to contacts); its password is asked when
        # sending, never kept.
        self.smtp_host = QLineEdit(settings.smtp_host)
        self.smtp_host.setPlaceholderText(_("leeg: e-mails met de hand versturen"))
        self.smtp_host.setMinimumWidth(self.smtp_host.fontMetrics().horizontalAdvance(
            self.smtp_host.placeholderText()) + 30)
        self.smtp_port = QSpinBox()
        self.smtp_port.setRange(1, 65535)
        self.smtp_port.setValue(settings.smtp_port)
        self.smtp_security = QComboBox()
        for value, label in (("starttls", "STARTTLS"), ("ssl", "SSL/TLS"), ("none", _("geen"))):
            self.smtp_security.addItem(label, value)
        self.smtp_security.setCurrentIndex(max(0, self.smtp_security.findData(
            settings.smtp_security)))
        self.smtp_sender = QLineEdit(settings.smtp_sender)
        self.smtp_sender.setPlaceholderText(_("bv. noodplanning@gemeente.be"))
        self.smtp_username = QLineEdit(settings.smtp_username)
        self.smtp_username.setPlaceholderText(_("leeg: zonder aanmelden"))
        server_row = QHBoxLayout()
        server_row.addWidget(self.smtp_host, 1)
        server_row.addWidget(self.smtp_port)
        server_row.addWidget(self.smtp_security)
        mail = QGroupBox(_("E-mail aan contacten (AVG)"))
        mail_form = QFormLayout(mail)
        mail_form.addRow(_("Mailserver"), server_row)
        mail_form.addRow(_("Afzender"), self.smtp_sender)
        mail_form.addRow(_("Gebruiker"), self.smtp_username)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_ok)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(mail)
        layout.addWidget(self.check_error)
        layout.addWidget(buttons)
        self._workers = Workers(self)
        self._on_source()

    def _on_source(self) -> None:
        choice = self.source.currentData()
        preset = next((p for p in PRESETS if p.id == choice), None)
        if preset is not None:
            self.tile_url.setText(preset.url)
            self.attribution.setText(preset.attribution)
        elif not choice:
            self.tile_url.clear()
            self.attribution.clear()
        custom = choice == "custom"
        self.tile_url.setReadOnly(not custom)
        self.attribution.setReadOnly(not custom)
        service = choice == "service"
        self._form.setRowVisible(self.service_row, service)
        self._form.setRowVisible(self.service_layer, service)
        if service and not self.service_offers:
            self.tile_url.clear()
            self.attribution.clear()

    def ask_service(self) -> None:
        """Ask the service what it offers (off the GUI thread); its layers fill the list."""
        kind, url = self.service_kind.currentData(), self.service_url.text()
        self.service_fetch.setEnabled(False)
        self.check_error.hide()
        self.checks += 1

        def found(offers: list[Offer]) -> None:
            self.service_fetch.setEnabled(True)
            self.service_offers = offers
            self.service_layer.clear()
            for offer in offers:
                self.service_layer.addItem(offer.title, offer.service.layer)
            self.service_layer.setCurrentIndex(0)

        def refused(exc: Exception) -> None:
            self.service_fetch.setEnabled(True)
            self.check_error.setText(str(exc))
            self.check_error.show()

        self._workers.run(lambda: discover(kind, url), found, refused)

    def _on_service_layer(self, index: int) -> None:
        if not 0 <= index < len(self.service_offers):
            return
        service = self.service_offers[index].service
        try:
            self.tile_url.setText(tile_template(service))
        except ParagonError as exc:
            self.tile_url.clear()
            self.check_error.setText(str(exc))
            self.check_error.show()
            return
        self.check_error.hide()
        self.attribution.setText(service.attribution or service.host)

    def _on_ok(self) -> None:
        """A new online source is asked for one tile first (off the GUI thread): one that does
        not answer, or answers with something else than a tile, is refused with the reason."""
        if self.smtp_host.text().strip():
            try:
                SmtpSettings(self.smtp_host.text(), self.smtp_port.value(),
                             str(self.smtp_security.currentData()), self.smtp_sender.text(),
                             self.smtp_username.text()).check()
            except ParagonError as exc:
                self.check_error.setText(str(exc))
                self.check_error.show()
                return
        url = self.tile_url.text().strip()
        if not url or url == (self._settings.tile_url or ""):
            self.accept()
            return
        self.check_error.hide()
        self.ok_button.setEnabled(False)
        ok_text = self.ok_button.text()
        self.ok_button.setText(_("Controleren…"))
        self.checks += 1

        def refused(exc: Exception) -> None:
            self.ok_button.setEnabled(True)
            self.ok_button.setText(ok_text)
            self.check_error.setText(str(exc))
            self.check_error.show()

        self._workers.run(lambda: check_source(url), lambda _none: self.accept(), refused)

    def result_settings(self) -> Settings:
        url = self.tile_url.text().strip() or None
        return replace(self._settings, tile_url=url,
                       tile_attribution=self.attribution.text().strip(),
                       refresh_seconds=self.refresh.value(), language=self.language.currentData(),
                       lock_minutes=self.lock_minutes.value(),
                       smtp_host=self.smtp_host.text().strip(), smtp_port=self.smtp_port.value(),
                       smtp_security=str(self.smtp_security.currentData()),
                       smtp_sender=self.smtp_sender.text().strip(),
                       smtp_username=self.smtp_username.text().strip())
