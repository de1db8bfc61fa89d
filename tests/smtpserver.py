"""A real SMTP server on 127.0.0.1 for the mail tests (aiosmtpd): it keeps what it receives, can
refuse recipients, and can ask for a login. No mail leaves the machine."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword


@dataclass
class Inbox:
    host: str = "127.0.0.1"
    port: int = 0
    messages: list[Message] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered 550

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


class _Handler:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_RCPT(self, server, session, envelope: Envelope, address: str,  # noqa: N802
                          rcpt_options) -> str:
        if address in self.inbox.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope: Envelope) -> str:  # noqa: N802
        self.inbox.messages.append(email.message_from_bytes(envelope.original_content or b""))
        return "250 Message accepted"


@contextmanager
def smtp_server(login: tuple[str, str] | None = None) -> Iterator[Inbox]:
    inbox = Inbox()
    kwargs = {}
    if login is not None:
        def authenticate(server, session, envelope, mechanism, data) -> AuthResult:
            ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == login
            return AuthResult(success=ok)

        # A test server without TLS: the login is allowed in clear on 127.0.0.1.
        kwargs = dict(authenticator=authenticate, auth_require_tls=False, auth_required=True)
    with socket.socket() as probe:  # a free port (the controller checks the one it is given)
        probe.bind(("127.0.0.1", 0))
        inbox.port = probe.getsockname()[1]
    controller = Controller(_Handler(inbox), hostname="127.0.0.1", port=inbox.port, **kwargs)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
