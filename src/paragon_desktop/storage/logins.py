"""PostgreSQL login roles: every user connects as their own role, a member of the app's group
role, so row-level security (migration 0005) knows who is asking.

The server keeps the password (SCRAM hashed); Paragon stores none for these users.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from paragon_desktop.domain.errors import ParagonError, ValidationError

APP_ROLE = "paragon_user"
# Users created with a login role have this instead of a password hash: they cannot sign in
# through the administrator's connection, only with their own login.
LOGIN_ROLE_MARK = "!login-role"
_NAME = re.compile(r"^[a-z][a-z0-9._-]{1,62}$")


def uses_login_roles(url: URL) -> bool:
    """A PostgreSQL address without a user name: each user signs in with their own login role.
    With a user name in the address (an administrator's connection) the app signs users in with
    their Paragon password, as on the embedded database."""
    return url.get_backend_name() == "postgresql" and not url.username


def server_address(url: URL) -> URL:
    """The same database without credentials: where users sign in with their own login role."""
    return url.set(username=None, password=None)


def check_role_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValidationError(
            "{name!r} cannot be a database login: use 2-63 lower-case letters, digits, '.', '_' or "
            "'-', starting with a letter.",
            name=name, fields=("username",))
    return name


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def scram_verifier(session: Session, name: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of the password, computed here by libpq: the server stores it
    as it is, so the password itself never travels in a statement and never reaches a server
    log (``log_statement``, errors that quote the statement)."""
    driver = session.connection().connection.driver_connection
    verifier: bytes = driver.pgconn.encrypt_password(  # type: ignore[union-attr]
        password.encode(), name.encode(), b"scram-sha-256")
    return verifier.decode("ascii")


def ensure_login_role(session: Session, name: str, password: str, *, reuse: bool) -> None:
    """Create the login role (a member of the app role), or with ``reuse`` give an existing one
    this password and membership. Runs in the caller's transaction (roles are transactional)."""
    check_role_name(name)
    exists = session.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    if exists and not reuse:
        raise ValidationError(
            "A login role {name!r} already exists on this server (perhaps for another database). "
            "Choose another user name, or link it with --existing-role.",
            name=name, fields=("username",))
    verb = "ALTER" if exists else "CREATE"
    try:
        session.execute(text(
            f"{verb} ROLE {_quote_identifier(name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
            f"PASSWORD {_quote_literal(scram_verifier(session, name, password))}"
            .replace(":", r"\:")))
        session.execute(text(f"GRANT {APP_ROLE} TO {_quote_identifier(name)}"))
    except DBAPIError as exc:
        raise ParagonError(
            "Could not create the login role {name!r}: {orig}. Run this as the database owner with "
            "the CREATEROLE privilege (the role that ran `db upgrade`).",
            name=name, orig=exc.orig) from exc
