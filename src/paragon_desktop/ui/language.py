"""The Qt side of the language: Qt's own translations (standard buttons, file dialogs, context
menus of text fields) and the locale Qt widgets format dates and numbers in."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from paragon_desktop import i18n


class CatalogueTranslator(QTranslator):
    """Qt Designer forms call ``QCoreApplication.translate(form, text)``: answered from the same
    gettext catalogues as the rest of the app. No translation is answered with a null string
    (None), which lets Qt keep the source; an empty string would replace it with nothing."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:  # type: ignore[override]
        translated = i18n._(source)
        return translated if translated != source else None

    def isEmpty(self) -> bool:  # noqa: N802 (Qt API)
        return False


def apply_language(app: QApplication, language: str | None) -> str:
    """Show the app in ``language`` ("" or None: the computer's); returns the one chosen.
    Windows and dialogs made after this call use it."""
    chosen = i18n.use(language)
    QLocale.setDefault(QLocale(i18n.LOCALES[chosen]))
    for old in getattr(app, "paragon_translators", []):
        app.removeTranslator(old)
    translators: list[QTranslator] = [CatalogueTranslator(app)]
    app.installTranslator(translators[0])
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if chosen != "en":  # Qt's own texts are English
        translator = QTranslator(app)
        if translator.load(f"qtbase_{chosen}", folder):
            app.installTranslator(translator)
            translators.append(translator)
    app.paragon_translators = translators  # type: ignore[attr-defined]
    return chosen
