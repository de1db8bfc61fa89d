"""Name, category and description of an anchor: asked after it is drawn, and to edit one."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from paragon_desktop.domain.anchors import NAME_MAX, AnchorCategory, AnchorDraft, validate_anchor
from paragon_desktop.domain.errors import ValidationError
from paragon_desktop.i18n import _
from paragon_desktop.ui.docks.anchors import symbol_icon
from paragon_desktop.ui.plain import text_label


class AnchorDialog(QDialog):
    def __init__(self, draft: AnchorDraft, *, new: bool, parent: QWidget | None = None,
                 error: str = "", owners: Sequence[tuple[int, str]] = (), owner: int | None = None
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Nieuw anker") if new else _("Anker bewerken"))
        self.name = QLineEdit(draft.name)
        self.name.setMaxLength(NAME_MAX)
        self.name.setPlaceholderText(_("bv. CP-Ops Sporthal De Polder"))
        self.category = QComboBox()
        for category in AnchorCategory:
            self.category.addItem(symbol_icon(category.symbol), category.label, category.value)
        self.category.setCurrentIndex(self.category.findData(draft.category.value))
        self.description = QPlainTextEdit(draft.description)
        self.description.setPlaceholderText(_("Adres, capaciteit, bereikbaarheid…"))
        self.description.setFixedHeight(90)
        self.error = text_label(error)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c92a2a;")
        self.error.setVisible(bool(error))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_accept)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        # Whose anchor: this case's, or (for its planners) an organisation's key anchor.
        self.owner = QComboBox()
        self.owner_names = dict(owners)
        self.owner.addItem(_("Deze case"), None)
        for org_id, name in owners:
            self.owner.addItem(_("Sleutelanker van {organisation}").format(organisation=name),
                               org_id)
        self.owner.setCurrentIndex(max(self.owner.findData(owner), 0))
        form = QFormLayout(self)
        if new and owners:
            form.addRow(_("Voor"), self.owner)
        form.addRow(_("Naam *"), self.name)
        form.addRow(_("Categorie *"), self.category)
        form.addRow(_("Beschrijving"), self.description)
        form.addRow(self.error)
        form.addRow(buttons)
        self.setMinimumWidth(420)
        self.result_draft: AnchorDraft | None = None

    def owner_id(self) -> int | None:
        """The organisation whose key anchor this becomes (None: the case's own)."""
        value = self.owner.currentData()
        return int(value) if value is not None else None

    def draft(self) -> AnchorDraft:
        return AnchorDraft(self.name.text(), AnchorCategory(self.category.currentData()),
                           self.description.toPlainText())

    def _on_accept(self) -> None:
        try:
            self.result_draft = validate_anchor(self.draft())
        except ValidationError as exc:  # said here; what was typed stays
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()
