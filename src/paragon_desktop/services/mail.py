"""Sending mail through the SMTP server the organisation configured (Bestand > Instellingen);
without one nothing is sent and the app lists the mails to send by hand.

Each mail carries a Message-ID made from what it is (the notice's database and id): should a
connection break after the server took a mail but before the app marked it sent, the resend has
the same Message-ID, which mail systems use to drop the second copy."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from paragon_desktop.domain.contacts import EMAIL
from paragon_desktop.domain.errors import ParagonError, ValidationError

SECURITY = ("starttls", "ssl", "none")
TIMEOUT_SECONDS = 20


class MailError(ParagonError):
    """The mail server refused or could not be reached; nothing was marked sent."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"  # "starttls", "ssl" or "none" (a relay inside the network)
    sender: str = ""
    username: str = ""

    def check(self) -> SmtpSettings:
        host = self.host.strip()
        if not host:
            raise ValidationError("Give the mail server's name (e.g. smtp.example.be).",
                                  fields=("smtp_host",))
        if not 0 < int(self.port) < 65536:
            raise ValidationError("A port is a number from 1 to 65535.", fields=("smtp_port",))
        if self.security not in SECURITY:
            raise ValidationError("Choose STARTTLS, SSL/TLS or none.", fields=("smtp_security",))
        if not EMAIL.match(self.sender.strip()):
            raise ValidationError("Give the sender's address (e.g. noodplanning@gemeente.be).",
                                  fields=("smtp_sender",))
        return SmtpSettings(host, int(self.port), self.security, self.sender.strip(),
                            self.username.strip())


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    message_id: str


class Mailer:
    """One connection for a batch of mails (``with Mailer(settings, password) as m: m.send()``)."""

    def __init__(self, settings: SmtpSettings, password: str = "") -> None:
        self.settings = settings.check()
        self._password = password
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        s = self.settings
        try:
            if s.security == "ssl":
                self._smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=TIMEOUT_SECONDS,
                                              context=ssl.create_default_context())
            else:
                self._smtp = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT_SECONDS)
                if s.security == "starttls":
                    self._smtp.starttls(context=ssl.create_default_context())
            if s.username:
                self._smtp.login(s.username, self._password)
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise MailError("The mail server {host}:{port} cannot be used ({reason}). Check the "
                            "settings, or send the mails by hand.", host=s.host, port=s.port,
                            reason=_reason(exc)) from None
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._smtp = None

    def send(self, mail: Mail) -> None:
        assert self._smtp is not None, "use the Mailer as a context manager"
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = mail.message_id
        message.set_content(mail.body)
        try:
            self._smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError("The mail to {to} was not sent ({reason}); it stays in the list.",
                            to=mail.to, reason=_reason(exc)) from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) \
            else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}".strip()
    return str(exc) or type(exc).__name__
