"""Contacten, from the main window's dock or the module window without a case: making a contact
(with the duplicate check first), its card, editing, consent, vCards, and the GDPR mails still
to send (through the organisation's mail server, or by hand). Every service call runs through
``ops`` (off the GUI thread)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from paragon_desktop.domain.contacts import ConsentStatus, ContactDraft, can_keep_case_contacts
from paragon_desktop.domain.enums import AccessLevel
from paragon_desktop.i18n import _
from paragon_desktop.services.contacts import ContactCard, ContactService, NoticeView
from paragon_desktop.services.mail import Mailer, SmtpSettings
from paragon_desktop.services.views import CaseSummary, UserView
from paragon_desktop.settings import Settings
from paragon_desktop.ui.dialogs.contact import (
    ContactCardDialog,
    ContactDialog,
    DuplicatesDialog,
    PendingMailsDialog,
)
from paragon_desktop.ui.docks.contacts import ContactsPanel
from paragon_desktop.ui.ops import Ops
from paragon_desktop.ui.plain import ask


class ContactHost(Protocol):
    user: UserView
    ops: Ops
    parent_widget: QWidget
    settings: Settings

    def tell(self, title: str, text: str, icon: QMessageBox.Icon = ...) -> None: ...

    def show(self, text: str, ms: int = ...) -> None: ...


def smtp_of(settings: Settings) -> SmtpSettings | None:
    if not settings.smtp_host:
        return None
    return SmtpSettings(settings.smtp_host, settings.smtp_port, settings.smtp_security,
                        settings.smtp_sender, settings.smtp_username)


class _Progress(QObject):
    """Sending's progress, from the worker thread to the dialog (queued across threads)."""

    sig_step = Signal(int, int)


class ContactsController(QObject):
    def __init__(self, host: ContactHost, service: ContactService, panel: ContactsPanel,
                 case: Callable[[], CaseSummary | None] = lambda: None) -> None:
        super().__init__(host.parent_widget)
        self.host = host
        self.service = service
        self.panel = panel
        self._case = case
        self.contact_manager = False
        self.dialog: ContactDialog | None = None
        self.card_dialog: ContactCardDialog | None = None
        self.duplicates_dialog: DuplicatesDialog | None = None
        self.pending_dialog: PendingMailsDialog | None = None
        self.progress: QProgressDialog | None = None
        self._vcard_files: Callable[[str], str] = self._ask_vcard_file
        panel.sig_new.connect(self.ask_new)
        panel.sig_open.connect(self.open_card)
        panel.sig_vcards.connect(self.vcards)
        panel.sig_pending.connect(self.show_pending)
        user = host.user
        host.ops.run(lambda: service.is_contact_manager(user), self._on_manager)
        if not panel.in_case:
            self.reload_directory()

    # -- permissions and lists ---------------------------------------------------------------------
    def _on_manager(self, manager: bool) -> None:
        self.contact_manager = manager
        self.update_permissions()
        self.count_pending()

    def _scopes(self) -> list[tuple[int | None, str]]:
        scopes: list[tuple[int | None, str]] = []
        case = self._case()
        if case is not None and can_keep_case_contacts(self.host.user.access_level, case.is_open):
            scopes.append((case.id, _("Deze case: {name}").format(name=case.name)))
        if self.contact_manager:
            scopes.append((None, _("Globale contactenlijst")))
        return scopes

    def update_permissions(self) -> None:
        self.panel.set_permissions(bool(self._scopes()), _(
            "Contacten maken: contactbeheerders (globale lijst), agenten en coördinatoren "
            "(contacten van een open case)."))

    def reload_directory(self) -> None:
        user = self.host.user
        self.host.ops.run(lambda: self.service.directory(user), self.panel.set_directory,
                          self._failed(_("Contacten niet gelezen")), latest="contacts-directory")

    def count_pending(self) -> None:
        user = self.host.user
        self.host.ops.run(lambda: len(self.service.pending_notices(user)), self.panel.set_pending,
                          lambda _exc: None, latest="contacts-pending")

    def _failed(self, title: str) -> Callable[[Exception], None]:
        return lambda exc: self.host.tell(title, str(exc))

    def _changed(self, contact_id: int | None = None) -> None:
        """After a write: the module's list is read again (the dock hears the case's update)."""
        if not self.panel.in_case:
            self.reload_directory()
        self.count_pending()
        if contact_id is not None:
            self.open_card(contact_id)

    # -- making and editing ----------------------------------------------------------------------
    def _personal_allowed(self) -> bool:
        return self.contact_manager or self.host.user.access_level is not AccessLevel.READ_ONLY

    def ask_new(self) -> None:
        scopes = self._scopes()
        if not scopes:
            return
        self.dialog = ContactDialog(scopes=scopes, personal_allowed=self._personal_allowed(),
                                    parent=self.host.parent_widget)
        op_id = str(uuid.uuid4())  # one per dialog: a resend after a cut is not stored twice
        self.dialog.accepted.connect(lambda: self._check_duplicates(self.dialog, op_id))
        self.dialog.open()

    def _check_duplicates(self, dialog: ContactDialog | None, op_id: str) -> None:
        if dialog is None:
            return
        user, draft, case_id = self.host.user, dialog.draft(), dialog.case_id()

        def found(duplicates: list) -> None:
            if not duplicates:
                self._create(dialog, draft, case_id, op_id)
                return
            self.duplicates_dialog = ask = DuplicatesDialog(draft.name, duplicates,
                                                            self.host.parent_widget)

            def answered(result: int) -> None:
                if result == QDialog.DialogCode.Accepted.value:
                    self._create(dialog, draft, case_id, op_id)
                elif result == DuplicatesDialog.OPEN_EXISTING and ask.chosen is not None:
                    self.open_card(ask.chosen)
                else:
                    dialog.open()  # back to what was typed: nothing lost

            ask.finished.connect(answered)
            ask.open()

        self.host.ops.run(lambda: self.service.duplicates(user, draft, case_id), found,
                          self._back_to(dialog))

    def _back_to(self, dialog: ContactDialog) -> Callable[[Exception], None]:
        """A refusal reopens the dialog with what was typed and the reason."""
        def refused(exc: Exception) -> None:
            dialog.show_error(exc)
            dialog.open()
        return refused

    def _create(self, dialog: ContactDialog, draft: ContactDraft, case_id: int | None,
                op_id: str) -> None:
        user = self.host.user

        def done(contact_id: int) -> None:
            self.host.show(_("Contact “{name}” bewaard; de toestemmingsvraag staat bij de te "
                             "versturen e-mails.").format(name=draft.name))
            self._changed(contact_id)

        self.host.ops.run(lambda: self.service.create(user, draft, case_id, op_id=op_id), done,
                          self._back_to(dialog))

    def ask_edit(self, contact_id: int) -> None:
        user = self.host.user

        def edit(card: ContactCard) -> None:
            self.dialog = dialog = ContactDialog(card.draft(),
                                                 personal_allowed=card.personal is not None,
                                                 parent=self.host.parent_widget)
            dialog.accepted.connect(lambda: self._save(dialog, contact_id))
            dialog.open()

        self.host.ops.run(lambda: self.service.card(user, contact_id), edit,
                          self._failed(_("Contact niet gelezen")))

    def _save(self, dialog: ContactDialog, contact_id: int) -> None:
        user, draft = self.host.user, dialog.draft()

        def done(changed: list[str]) -> None:
            if changed:
                self.host.show(_("Gewijzigd; het contact krijgt een melding van de wijziging."))
            self._changed(contact_id)

        self.host.ops.run(lambda: self.service.edit(user, contact_id, draft), done,
                          self._back_to(dialog))

    # -- the card ---------------------------------------------------------------------------------
    def open_card(self, contact_id: int) -> None:
        user = self.host.user
        self.host.ops.run(lambda: self.service.card(user, contact_id), self._show_card,
                          self._failed(_("Contact niet gelezen")), latest="contacts-card")

    def _show_card(self, card: ContactCard) -> None:
        if self.card_dialog is not None:
            self.card_dialog.close()
        self.card_dialog = dialog = ContactCardDialog(card, self.host.parent_widget)
        dialog.sig_edit.connect(dialog.close)
        dialog.sig_edit.connect(self.ask_edit)
        dialog.sig_consent.connect(self.record_consent)
        dialog.sig_vcard.connect(lambda cid, save: self.vcards([cid], save))
        dialog.sig_remove.connect(self.ask_remove)
        dialog.open()

    def record_consent(self, contact_id: int, status: str) -> None:
        user, chosen = self.host.user, ConsentStatus(status)
        if chosen is ConsentStatus.REFUSED:
            if not ask(self.host.parent_widget, _("Toestemming geweigerd"),
                       _("De persoonlijke gegevens van dit contact worden gewist. Doorgaan?")):
                return
        self.host.ops.run(lambda: self.service.record_consent(user, contact_id, chosen),
                          lambda _none: self._changed(contact_id),
                          self._failed(_("Toestemming niet bewaard")))

    def ask_remove(self, contact_id: int) -> None:
        if not ask(self.host.parent_widget, _("Contact verwijderen"), _("Dit contact verwijderen?")):
            return
        user = self.host.user

        def done(_none: None) -> None:
            if self.card_dialog is not None:
                self.card_dialog.close()
            self._changed()

        self.host.ops.run(lambda: self.service.remove(user, contact_id), done,
                          self._failed(_("Contact niet verwijderd")))

    # -- vCards -------------------------------------------------------------------------------------
    def vcards(self, contact_ids: list[int], save: bool) -> None:
        if not contact_ids:
            return
        user = self.host.user

        def read() -> tuple[str, str]:
            cards = [self.service.card(user, cid) for cid in contact_ids]
            return "".join(card.vcard() for card in cards), cards[0].name

        def done(result: tuple[str, str]) -> None:
            text, first = result
            if not save:
                self._copy(text, len(contact_ids))
                return
            path = self._vcard_files(first if len(contact_ids) == 1 else _("contacten"))
            if not path:
                return
            target = Path(path)
            self.host.ops.run(lambda: target.write_text(text, encoding="utf-8", newline=""),
                              lambda _n: self.host.show(_("Bewaard: {file}").format(
                                  file=target.name)),
                              self._failed(_("vCard niet bewaard")))

        self.host.ops.run(read, done, self._failed(_("Contact niet gelezen")))

    def _copy(self, text: str, count: int) -> None:
        """As text: a QMimeData made in Python (to add text/vcard) crashed PySide6 when the
        application was torn down."""
        QApplication.clipboard().setText(text)
        self.host.show(_("Visitekaartje gekopieerd.") if count == 1 else
                       _("{count} visitekaartjes gekopieerd.").format(count=count))

    def _ask_vcard_file(self, name: str) -> str:
        safe = "".join(c for c in name if c.isalnum() or c in " -_").strip() or "contact"
        path, _filter = QFileDialog.getSaveFileName(
            self.host.parent_widget, _("vCard opslaan"), f"{safe}.vcf", _("vCard (*.vcf)"))
        return path

    # -- GDPR mails ---------------------------------------------------------------------------------
    def _sender(self) -> str:
        organisations = self.host.user.organisations
        return organisations[0][1] if organisations else self.host.user.display_name

    def show_pending(self) -> None:
        smtp = smtp_of(self.host.settings)
        label = f"{smtp.host}:{smtp.port}" if smtp else ""
        self.pending_dialog = dialog = PendingMailsDialog(self._sender(), label,
                                                          self.host.parent_widget)
        dialog.sig_send.connect(self.send)
        dialog.sig_mark.connect(self.mark_sent)
        dialog.sig_copied.connect(lambda: self.host.show(_("Tekst gekopieerd.")))
        self._reload_pending()
        dialog.open()

    def _reload_pending(self) -> None:
        user, dialog = self.host.user, self.pending_dialog
        if dialog is None:
            return

        def shown(notices: list[NoticeView]) -> None:
            dialog.set_notices(notices)
            self.panel.set_pending(len(notices))

        self.host.ops.run(lambda: self.service.pending_notices(user), shown,
                          self._failed(_("E-mails niet gelezen")), latest="contacts-pending")

    def mark_sent(self, notice_ids: list[int]) -> None:
        user = self.host.user

        def mark() -> None:
            for notice_id in notice_ids:
                self.service.mark_sent(user, notice_id, "hand")

        self.host.ops.run(mark, lambda _none: self._reload_pending(),
                          self._failed(_("Niet gemarkeerd")))

    def send(self, notice_ids: list[int], password: str | None = None) -> None:
        """Through the mail server of the settings; its password (if it asks one) is asked now
        and never kept. Cancelling stops after the mail being sent."""
        smtp = smtp_of(self.host.settings)
        if smtp is None or not notice_ids:
            return
        if smtp.username and password is None:
            password, ok = QInputDialog.getText(
                self.host.parent_widget, _("Mailserver"),
                _("Wachtwoord van {user} op {host}:").format(user=smtp.username, host=smtp.host),
                QLineEdit.EchoMode.Password)
            if not ok:
                return
        user, sender, cancelled = self.host.user, self._sender(), threading.Event()
        progress = _Progress(self)
        self.progress = dialog = QProgressDialog(_("E-mails versturen…"), _("Stoppen"), 0,
                                                 len(notice_ids), self.host.parent_widget)
        # Not modal: a modal progress dialog runs the event loop inside setValue(), where the
        # send's result arrived and the window hung (a test run stopped there).
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(0)
        dialog.canceled.connect(cancelled.set)
        ended: list[bool] = []

        def show_step(done: int, total: int) -> None:
            if ended:
                return
            dialog.setMaximum(max(total, 1))
            dialog.setValue(done)

        progress.sig_step.connect(show_step)

        def step(done: int, total: int) -> bool:
            progress.sig_step.emit(done, total)
            return not cancelled.is_set()

        def finished(sent: int) -> None:
            ended.append(True)
            dialog.reset()
            self.host.show(_("1 e-mail verstuurd.") if sent == 1 else
                           _("{count} e-mails verstuurd.").format(count=sent))
            self._reload_pending()

        def failed(exc: Exception) -> None:
            ended.append(True)
            dialog.reset()
            self._reload_pending()
            self.host.tell(_("E-mails niet verstuurd"), str(exc))

        secret = password or ""
        self.host.ops.run(lambda: self.service.send_pending(user, Mailer(smtp, secret), sender,
                                                            notice_ids, step), finished, failed)
