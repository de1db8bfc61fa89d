"""Errors a user can meet. Each message says what is wrong and what to do about it."""

from __future__ import annotations


class ParagonError(Exception):
    """Base of all errors shown to users in plain language."""


class ValidationError(ParagonError):
    def __init__(self, message: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.fields = fields


class SignInError(ParagonError):
    pass


class CredentialsRefused(SignInError):
    """The user name or the password is wrong (which of the two is not said)."""

    def __init__(self) -> None:
        super().__init__("Unknown user name or wrong password. Check both and try again.")


class AccessDenied(ParagonError):
    pass


class NotFound(ParagonError):
    pass


class NotAvailable(AccessDenied, NotFound):
    """Not there, or not for this user: on a shared server the database itself hides what a
    user may not see, so the two cannot (and should not) be told apart."""


class StorageFull(ParagonError):
    """The disk (the laptop's, or the server's) is full: nothing was stored, nothing half-written."""
