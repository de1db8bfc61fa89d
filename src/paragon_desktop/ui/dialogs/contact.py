"""The contact dialogs: making and editing a contact (professional data first, personal data only
at the person's wish), the possible duplicates shown before creating, the contact card (data,
GDPR consent and the notices sent), and the GDPR mails still to send."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.domain.contacts import (
    ADDRESS_MAX,
    FIELD_LABELS,
    NAME_MAX,
    PHONE_MAX,
    TEXT_MAX,
    ConsentStatus,
    ContactDraft,
    Duplicate,
    Personal,
)
from paragon_desktop.domain.enums import ContactKind
from paragon_desktop.domain.errors import ValidationError
from paragon_desktop.i18n import LANGUAGES, N_, _, language, when
from paragon_desktop.services.contacts import ContactCard, NoticeView
from paragon_desktop.ui.dialogs.parts import error_label, save_cancel

KIND_LABELS = {ContactKind.PERSON: N_("Persoon"), ContactKind.ORGANISATION: N_("Organisatie")}
METHOD_LABELS = {"smtp": N_("via de mailserver"), "hand": N_("met de hand")}


def _plain(text: str) -> QLabel:
    """A label that shows text as typed, never as markup."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ContactDialog(QDialog):
    """``scopes``: where the contact may go, as (case id or None, label); empty when editing."""

    def __init__(self, draft: ContactDraft | None = None, *,
                 scopes: Sequence[tuple[int | None, str]] = (), personal_allowed: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Contact bewerken") if draft else _("Nieuw contact"))
        # A new contact's mails in the user's own language until told otherwise.
        draft = draft or ContactDraft(ContactKind.PERSON, "", language=language())
        self.scope = QComboBox()
        for case_id, where in scopes:
            self.scope.addItem(where, case_id)
        self.kind = QComboBox()
        for kind, kind_label in KIND_LABELS.items():
            self.kind.addItem(_(kind_label), kind.value)
        self.kind.setCurrentIndex(self.kind.findData(draft.kind.value))
        self.inputs: dict[str, QLineEdit] = {}
        for key, limit, value in (
                ("name", NAME_MAX, draft.name),
                ("organisation_name", TEXT_MAX, draft.organisation_name),
                ("function", TEXT_MAX, draft.function), ("phone", PHONE_MAX, draft.phone),
                ("email", TEXT_MAX, draft.email), ("address", ADDRESS_MAX, draft.address),
                ("personal_phone", PHONE_MAX, draft.personal.phone),
                ("personal_email", TEXT_MAX, draft.personal.email),
                ("personal_address", ADDRESS_MAX, draft.personal.address)):
            field = QLineEdit(value)
            field.setMaxLength(limit)
            self.inputs[key] = field
        self.inputs["name"].setPlaceholderText(_("bv. Jan Peeters, of Brandweer - wachtofficier"))
        self.inputs["phone"].setPlaceholderText(_("bv. +32 3 760 11 00"))
        self.inputs["email"].setPlaceholderText(_("naam@organisatie.be"))
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(draft.language)))
        self.language.setToolTip(_("De taal van de AVG-e-mails aan dit contact"))
        # Personal data: only when the person wants it stored (§2.3.1).
        self.personal = QGroupBox(_("Persoonlijke gegevens: de persoon wil ze laten bewaren"))
        self.personal.setCheckable(True)
        self.personal.setChecked(draft.wants_personal or bool(draft.personal))
        self.personal.setToolTip(_("Alleen aanvinken als de persoon zelf vraagt om deze "
                                   "gegevens te bewaren. Alleen agenten, coördinatoren en "
                                   "contactbeheerders zien ze."))
        personal_form = QFormLayout(self.personal)
        personal_form.addRow(_(FIELD_LABELS["personal_phone"]), self.inputs["personal_phone"])
        personal_form.addRow(_(FIELD_LABELS["personal_email"]), self.inputs["personal_email"])
        personal_form.addRow(_(FIELD_LABELS["personal_address"]), self.inputs["personal_address"])
        self.personal.setVisible(personal_allowed)
        self._personal_allowed = personal_allowed
        self.labels: dict[str, QLabel] = {}
        self.error = error_label()
        buttons = save_cancel(self, self._on_accept)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        form = QFormLayout()
        if len(scopes) > 1:
            form.addRow(_("In"), self.scope)
        elif scopes:
            form.addRow(_("In"), _plain(scopes[0][1]))
        form.addRow(_(FIELD_LABELS["kind"]), self.kind)
        for key in ("name", "organisation_name", "function", "phone", "email", "address"):
            label = QLabel(_(FIELD_LABELS[key]) + (" *" if key == "name" else ""))
            self.labels[key] = label
            form.addRow(label, self.inputs[key])
        form.addRow(_("Taal van de e-mails"), self.language)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.personal)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._on_kind)
        self._on_kind()
        self.resize(520, self.sizeHint().height())

    def _on_kind(self) -> None:
        person = self.kind.currentData() == ContactKind.PERSON.value
        self.personal.setEnabled(person)
        if not person:
            self.personal.setChecked(False)

    def case_id(self) -> int | None:
        value = self.scope.currentData()
        return int(value) if value is not None else None

    def draft(self) -> ContactDraft:
        wants = self._personal_allowed and self.personal.isChecked()
        personal = Personal(*(self.inputs[k].text() for k in
                              ("personal_phone", "personal_email", "personal_address"))) \
            if wants else Personal()
        text = {key: field.text() for key, field in self.inputs.items()}
        return ContactDraft(ContactKind(str(self.kind.currentData())), text["name"],
                            text["organisation_name"], text["function"], text["phone"],
                            text["email"], text["address"], str(self.language.currentData()),
                            personal, wants_personal=wants)

    def show_error(self, exc: Exception) -> None:
        fields = exc.fields if isinstance(exc, ValidationError) else ()
        for key, field in self.inputs.items():
            field.setStyleSheet("border: 1px solid #c92a2a;" if key in fields else "")
        self.error.setText(str(exc))
        self.error.show()
        self.save_button.setEnabled(True)

    def _on_accept(self) -> None:
        """Checked here first (the controller checks duplicates and stores it)."""
        from paragon_desktop.domain.contacts import validate_contact

        try:
            validate_contact(self.draft())
        except ValidationError as exc:
            self.show_error(exc)
            return
        self.accept()


class DuplicatesDialog(QDialog):
    """Shown before a new contact is stored when it may exist already (DOMAIN.md: check for an
    existing contact before creating one)."""

    OPEN_EXISTING = 2

    def __init__(self, name: str, found: list[Duplicate], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Bestaat dit contact al?"))
        intro = _plain(_("“{name}” lijkt op {count} contact(en) die al bestaan. Kijk na of het "
                         "niet dezelfde persoon of organisatie is.").format(
                             name=name, count=len(found)))
        self.list = QListWidget()
        for duplicate in found:
            line = duplicate.name + (f" ({duplicate.organisation_name})"
                                     if duplicate.organisation_name else "")
            item = QListWidgetItem(f"{line}: {', '.join(duplicate.reasons)}")
            item.setData(Qt.ItemDataRole.UserRole, duplicate.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.chosen: int | None = None
        self.create_button = QPushButton(_("Toch aanmaken"))
        self.open_button = QPushButton(_("Bestaand contact openen"))
        back = QPushButton(_("Terug"))
        self.create_button.clicked.connect(self.accept)
        self.open_button.clicked.connect(self._open)
        back.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(back)
        buttons.addWidget(self.create_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.resize(520, 280)

    def _open(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen = int(item.data(Qt.ItemDataRole.UserRole))
            self.done(self.OPEN_EXISTING)


def consent_text(card: ContactCard) -> str:
    text = card.consent.label
    if card.consent is ConsentStatus.REQUESTED and card.consent_requested_at:
        text += " " + _("op {date}").format(date=when(card.consent_requested_at))
    elif card.consent in (ConsentStatus.GIVEN, ConsentStatus.REFUSED) and card.consent_answered_at:
        text += " " + _("op {date}").format(date=when(card.consent_answered_at))
        if card.consent_requested_at:
            text += " " + _("(gevraagd op {date})").format(date=when(card.consent_requested_at))
    if card.consent is ConsentStatus.REFUSED:
        text += "\n" + _("Persoonlijke gegevens gewist; beroepsgegevens blijven.")
    return text


def notice_status(notice: NoticeView) -> str:
    if notice.sent_at is None:
        return _("nog te versturen")
    return _("verstuurd {method} op {date} door {name}").format(
        method=_(METHOD_LABELS.get(notice.method or "", N_("met de hand"))),
        date=when(notice.sent_at), name=notice.sent_by or "?")


class ContactCardDialog(QDialog):
    sig_edit = Signal(int)
    sig_consent = Signal(int, str)
    sig_vcard = Signal(int, bool)  # True: save as a file
    sig_remove = Signal(int)

    def __init__(self, card: ContactCard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card = card
        self.setWindowTitle(_("Contactkaart - {name}").format(name=card.name))
        form = QFormLayout()
        form.addRow(_(FIELD_LABELS["kind"]), _plain(_(KIND_LABELS[card.kind])))
        for key in ("name", "organisation_name", "function", "phone", "email", "address"):
            value = getattr(card, key)
            if value:
                form.addRow(_(FIELD_LABELS[key]), _plain(value))
        form.addRow(_(FIELD_LABELS["language"]), _plain(LANGUAGES.get(card.language, "")))
        if card.personal:
            for key, value in (("personal_phone", card.personal.phone),
                               ("personal_email", card.personal.email),
                               ("personal_address", card.personal.address)):
                if value:
                    form.addRow(_(FIELD_LABELS[key]), _plain(value))
        self.consent = _plain(consent_text(card))
        form.addRow(_("Toestemming (AVG)"), self.consent)
        made = []
        if card.created_at:
            made.append(_("Aangemaakt op {date} door {name}").format(
                date=when(card.created_at), name=card.created_by or "?"))
        if card.updated_at and card.updated_at != card.created_at:
            made.append(_("Gewijzigd op {date} door {name}").format(
                date=when(card.updated_at), name=card.updated_by or "?"))
        if made:
            form.addRow(_("Historiek"), _plain("\n".join(made)))
        form.addRow(_("Bereik"), _plain(_("Contact van de case") if card.case_id
                                        else _("Globale contactenlijst")))
        self.notices = QTableWidget(len(card.notices), 3)
        self.notices.setHorizontalHeaderLabels([_("Melding"), _("Aan"), _("Status")])
        self.notices.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.notices.verticalHeader().hide()
        for row, notice in enumerate(card.notices):
            kind = notice.kind.label + (
                " (" + ", ".join(_(FIELD_LABELS[k]) for k in notice.changed
                                 if k in FIELD_LABELS) + ")" if notice.changed else "")
            for column, value in enumerate((kind, notice.recipient or _("geen e-mail: met de "
                                                                         "hand"),
                                            notice_status(notice))):
                self.notices.setItem(row, column, QTableWidgetItem(value))
        self.notices.resizeColumnsToContents()
        self.notices.horizontalHeader().setStretchLastSection(True)
        notices_box = QGroupBox(_("AVG-meldingen aan dit contact"))
        QVBoxLayout(notices_box).addWidget(self.notices)
        notices_box.setVisible(bool(card.notices) or card.may_edit)

        self.edit_button = QPushButton(_("Bewerken…"))
        self.given_button = QPushButton(_("Toestemming gegeven"))
        self.refused_button = QPushButton(_("Toestemming geweigerd"))
        self.ask_button = QPushButton(_("Opnieuw vragen"))
        self.remove_button = QPushButton(_("Verwijderen"))
        self.copy_button = QPushButton(_("vCard kopiëren"))
        self.save_button = QPushButton(_("vCard opslaan…"))
        for button in (self.edit_button, self.given_button, self.refused_button, self.ask_button,
                       self.remove_button):
            button.setVisible(card.may_edit)
        self.given_button.setEnabled(card.consent is not ConsentStatus.GIVEN)
        self.refused_button.setEnabled(card.consent is not ConsentStatus.REFUSED)
        self.refused_button.setToolTip(_("De persoonlijke gegevens worden gewist."))
        self.ask_button.setToolTip(_("Een nieuwe toestemmingsvraag per e-mail"))
        self.edit_button.clicked.connect(lambda: self.sig_edit.emit(card.id))
        self.given_button.clicked.connect(
            lambda: self.sig_consent.emit(card.id, ConsentStatus.GIVEN.value))
        self.refused_button.clicked.connect(
            lambda: self.sig_consent.emit(card.id, ConsentStatus.REFUSED.value))
        self.ask_button.clicked.connect(
            lambda: self.sig_consent.emit(card.id, ConsentStatus.REQUESTED.value))
        self.remove_button.clicked.connect(lambda: self.sig_remove.emit(card.id))
        self.copy_button.clicked.connect(lambda: self.sig_vcard.emit(card.id, False))
        self.save_button.clicked.connect(lambda: self.sig_vcard.emit(card.id, True))
        consent_row = QHBoxLayout()
        for button in (self.given_button, self.refused_button, self.ask_button):
            consent_row.addWidget(button)
        consent_row.addStretch(1)
        actions = QHBoxLayout()
        for button in (self.edit_button, self.copy_button, self.save_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.remove_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(consent_row)
        layout.addWidget(notices_box, 1)
        layout.addLayout(actions)
        layout.addWidget(close)
        self.resize(640, 560)


class PendingMailsDialog(QDialog):
    """The GDPR mails still to send: through the organisation's mail server when one is set in
    the settings, otherwise copied and sent by hand, then marked sent."""

    sig_send = Signal(list)  # notice ids
    sig_mark = Signal(list)
    sig_copied = Signal()

    def __init__(self, sender: str, smtp: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Te versturen e-mails (AVG)"))
        self.sender_name = sender
        self.notices: list[NoticeView] = []
        intro = _plain(_("Contacten krijgen een toestemmingsvraag wanneer ze worden toegevoegd "
                         "en een melding wanneer ze worden gewijzigd."))
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_("Contact"), _("Melding"), _("Aan"), _("Sinds")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.server = _plain(_("Mailserver: {server}").format(server=smtp) if smtp else _(
            "Geen mailserver ingesteld (Bestand > Instellingen): kopieer de tekst, verstuur hem "
            "zelf en markeer hem als verstuurd."))
        self.send_button = QPushButton(_("Versturen via de mailserver"))
        self._smtp = bool(smtp)
        self.send_button.setEnabled(self._smtp)
        self.copy_button = QPushButton(_("Tekst kopiëren"))
        self.mark_button = QPushButton(_("Gemarkeerd als verstuurd"))
        self.send_button.clicked.connect(lambda: self.sig_send.emit(self.selected_ids()))
        self.mark_button.clicked.connect(lambda: self.sig_mark.emit(self.selected_ids()))
        self.copy_button.clicked.connect(self._copy)
        row = QHBoxLayout()
        for button in (self.send_button, self.copy_button, self.mark_button):
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.server)
        layout.addLayout(row)
        layout.addWidget(close)
        self.resize(760, 560)

    def set_notices(self, notices: list[NoticeView]) -> None:
        self.notices = notices
        self.table.setRowCount(len(notices))
        for row, notice in enumerate(notices):
            for column, value in enumerate((notice.contact_name, notice.kind.label,
                                            notice.recipient or _("geen e-mail: met de hand"),
                                            when(notice.created_at))):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, notice.id)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        if notices:
            self.table.selectAll()
        self._on_selection()

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        return [self.notices[r].id for r in rows if r < len(self.notices)]

    def _on_selection(self) -> None:
        chosen = [n for n in self.notices if n.id in self.selected_ids()]
        for button in (self.copy_button, self.mark_button):
            button.setEnabled(bool(chosen))
        self.send_button.setEnabled(bool(chosen) and self._smtp)
        notice = chosen[0] if chosen else None
        if notice is None:
            self.preview.setPlainText("")
            return
        subject, body = notice.mail(self.sender_name)
        self.preview.setPlainText(_("Aan: {to}").format(to=notice.recipient or "-") + "\n"
                                  + _("Onderwerp: {subject}").format(subject=subject)
                                  + "\n\n" + body)

    def _copy(self) -> None:
        from PySide6.QtWidgets import QApplication

        QApplication.clipboard().setText(self.preview.toPlainText())
        self.sig_copied.emit()
