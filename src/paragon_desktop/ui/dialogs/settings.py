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

from paragon_desktop.i18n import LANGUAGES, _
from paragon_desktop.settings import MAX_REFRESH_SECONDS, MIN_REFRESH_SECONDS, Settings


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Instellingen"))
        self.tile_url = QLineEdit(settings.tile_url or "")
        self.tile_url.setPlaceholderText(_("leeg: offline, geen achtergrondkaart"))
        # Wide enough for its own hint and for a typical tile address, not clipped.
        metrics = self.tile_url.fontMetrics()
        self.tile_url.setMinimumWidth(max(metrics.horizontalAdvance(text) for text in (
            self.tile_url.placeholderText(), "https://tile.example.org/{z}/{x}/{y}.png")) + 40)
        self.attribution = QLineEdit(settings.tile_attribution)
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
        form.addRow(_("Online tegelbron"), self.tile_url)
        form.addRow(_("Bronvermelding"), self.attribution)
        form.addRow(_("Vernieuwen elke"), self.refresh)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def result_settings(self) -> Settings:
        url = self.tile_url.text().strip() or None
        return replace(self._settings, tile_url=url,
                       tile_attribution=self.attribution.text().strip(),
                       refresh_seconds=self.refresh.value(), language=self.language.currentData())
