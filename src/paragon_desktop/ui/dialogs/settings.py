"""Settings: the language, an optional online tile source and the refresh interval."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.gis.tile_sources import PRESETS, check_source, preset_for
from paragon_desktop.i18n import LANGUAGES, _
from paragon_desktop.settings import MAX_REFRESH_SECONDS, MIN_REFRESH_SECONDS, Settings
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
        self.source.currentIndexChanged.connect(self._on_source)
        self._on_source()
        self.check_error = QLabel()
        self.check_error.setWordWrap(True)
        self.check_error.setStyleSheet("color: #c92a2a;")
        self.check_error.hide()
        self.checks = 0  # tile sources asked (for tests)
        self.refresh = QSpinBox()
        self.refresh.setRange(MIN_REFRESH_SECONDS, MAX_REFRESH_SECONDS)
        self.refresh.setSuffix(" s")
        self.refresh.setValue(settings.refresh_seconds)
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
        form.addRow(_("Tegeladres"), self.tile_url)
        form.addRow(_("Bronvermelding"), self.attribution)
        form.addRow(_("Vernieuwen elke"), self.refresh)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_ok)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.check_error)
        layout.addWidget(buttons)
        self._workers = Workers(self)

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

    def _on_ok(self) -> None:
        """A new online source is asked for one tile first (off the GUI thread): one that does
        not answer, or answers with something else than a tile, is refused with the reason."""
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
                       refresh_seconds=self.refresh.value(), language=self.language.currentData())
