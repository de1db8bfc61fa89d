"""Errors a user can meet. Each message says what is wrong and what to do about it.

A message is an English template with named fields (``NotFound("No feed {name}.", name=n)``);
``str(error)`` gives it in the user's language from the error catalogues
(``resources/i18n/errors-<lang>.po``, kept by ``make i18n``). The template is the message's
code: whoever catches the error can show it again in another language, and the layer reader
sends template and fields, not text, from its process.
"""

from __future__ import annotations

from typing import Any

from paragon_desktop.i18n import E_, error_text, fill


class ParagonError(Exception):
    """Base of all errors shown to users in plain language."""

    def __init__(self, message: str = "", **params: Any) -> None:
        super().__init__(message)
        self.template = message
        self.params = params

    def __str__(self) -> str:
        return render(self.template, self.params)


def render(template: str, params: dict[str, Any]) -> str:
    """``template`` in the current language with ``params`` filled in."""
    text = error_text(template)
    if not params:
        return text
    try:
        return fill(text, **params)
    except (KeyError, IndexError, ValueError):  # a translation that lost a field: the source
        return fill(template, **params)


class ValidationError(ParagonError):
    def __init__(self, message: str, fields: tuple[str, ...] = (), **params: Any) -> None:
        super().__init__(message, **params)
        self.fields = fields


class SignInError(ParagonError):
    pass


class CredentialsRefused(SignInError):
    """The user name or the password is wrong (which of the two is not said)."""

    def __init__(self) -> None:
        super().__init__(E_("Unknown user name or wrong password. Check both and try again."))


class AccessDenied(ParagonError):
    pass


class NotFound(ParagonError):
    pass


class NotAvailable(AccessDenied, NotFound):
    """Not there, or not for this user: on a shared server the database itself hides what a
    user may not see, so the two cannot (and should not) be told apart."""


class StorageFull(ParagonError):
    """The disk (the laptop's, or the server's) is full: nothing was stored, nothing half-written."""
