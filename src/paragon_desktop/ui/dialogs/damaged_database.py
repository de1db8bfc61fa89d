"""At start-up, when the embedded database cannot be used: say what is wrong, offer what helps.

Restore the latest good backup, start a new database (the damaged file is kept aside, renamed,
never deleted), or quit. Nothing is done to the file until the person chooses.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from paragon_desktop.i18n import N_, _
from paragon_desktop.storage import health
from paragon_desktop.storage.backup import Backup


class Mend(Enum):
    RESTORE = "restore"
    NEW = "new"
    QUIT = "quit"


_WHAT = {
    health.State.EMPTY: N_("De database is leeg: er staan geen Paragon-gegevens in."),
    health.State.NOT_A_DATABASE: N_("Het bestand is geen database (misschien overschreven door "
                                    "een ander bestand)."),
    health.State.MALFORMED: N_("De database is beschadigd (een crash of een volle schijf terwijl "
                               "ze werd geschreven?)."),
    health.State.NEWER: N_("De database is geschreven door een nieuwere versie van Paragon "
                           "Desktop. Deze versie kan ze niet openen zonder je gegevens in gevaar "
                           "te brengen; installeer de nieuwe versie."),
    health.State.FOREIGN: N_("Het bestand is een database, maar niet van Paragon Desktop."),
}


class DamagedDatabaseDialog(QDialog):
    def __init__(self, path: Path, state: health.Health, latest: Backup | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Database kan niet worden geopend"))
        self.setMinimumWidth(560)
        self.mend = Mend.QUIT
        self.backup = latest
        layout = QVBoxLayout(self)
        self.intro = intro = QLabel(f"{_(_WHAT.get(state.state, state.state.value))}\n\n{path}"
                       + (f"\n({state.detail})" if state.detail else ""))
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.restore_button = QPushButton(
            _("Laatste back-up terugzetten ({backup})").format(backup=latest.label) if latest is not None
            else _("Laatste back-up terugzetten (er is geen back-up)"))
        self.restore_button.setEnabled(latest is not None)
        self.restore_button.setToolTip(_("De huidige database wordt apart gezet, niet gewist."))
        self.restore_button.clicked.connect(lambda: self._choose(Mend.RESTORE))
        self.new_button = QPushButton(_("Nieuwe database beginnen (de huidige wordt apart bewaard)"))
        self.new_button.setToolTip(_("Het bestand wordt hernoemd naar …damaged-DATUM; een nieuwe "
                                   "database met de demo-oefening wordt aangemaakt."))
        self.new_button.clicked.connect(lambda: self._choose(Mend.NEW))
        self.quit_button = QPushButton(_("Afsluiten"))
        self.quit_button.clicked.connect(lambda: self._choose(Mend.QUIT))
        if state.state is health.State.NEWER:
            # A newer version's data is not damaged: replacing it is not offered.
            self.new_button.setEnabled(False)
            self.restore_button.setEnabled(False)
        for button in (self.restore_button, self.new_button, self.quit_button):
            layout.addWidget(button)
        (self.restore_button if self.restore_button.isEnabled() else self.quit_button).setDefault(True)

    def _choose(self, mend: Mend) -> None:
        self.mend = mend
        self.accept() if mend is not Mend.QUIT else self.reject()
