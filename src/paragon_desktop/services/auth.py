"""Sign-in with argon2 password hashes (passwords are never stored in any other form)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from paragon_desktop.domain.enums import AccessLevel
from paragon_desktop.domain.errors import CredentialsRefused, NotFound, SignInError
from paragon_desktop.services.views import UserView
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.logins import LOGIN_ROLE_MARK
from paragon_desktop.storage.models import Membership, Organisation, User

_hasher = PasswordHasher()
# Verified against when the user name is unknown, so that a wrong name costs as long as a wrong
# password and the answer's timing does not tell which names exist.
_NOBODY = _hasher.hash("no user has this password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


class SignInThrottle:
    """Repeated wrong passwords for one user name slow down: after ``FREE`` failures each further
    attempt waits ``2 ** n`` seconds (at most ``LONGEST``) before it is even tried. Refused at
    once rather than by sleeping, so the sign-in dialog never freezes."""

    FREE, LONGEST = 3, 300.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._failures: dict[str, tuple[int, float]] = {}  # name -> (count, not before)

    def check(self, username: str) -> None:
        count, not_before = self._failures.get(username.strip().lower(), (0, 0.0))
        wait = not_before - self._clock()
        if wait > 0:
            raise SignInError(
                "Too many wrong attempts for {username!r}: wait {seconds} s and try again, or ask the "
                "administrator to check the account.",
                username=username.strip(), seconds=math.ceil(wait))

    def failed(self, username: str) -> None:
        key = username.strip().lower()
        count = self._failures.get(key, (0, 0.0))[0] + 1
        delay = 0.0 if count < self.FREE else min(2.0 ** (count - self.FREE + 1), self.LONGEST)
        self._failures[key] = (count, self._clock() + delay)

    def succeeded(self, username: str) -> None:
        self._failures.pop(username.strip().lower(), None)


# One per process: the app's sign-in dialog and the command line count together.
throttle = SignInThrottle()


def user_view(session: Session, user: User) -> UserView:
    organisations = session.execute(
        select(Organisation.id, Organisation.name)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id)
        .order_by(Organisation.name)
    ).all()
    return UserView(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        access_level=AccessLevel(user.case_access_level),
        organisations=tuple((row.id, row.name) for row in organisations),
        coordinator_label=user.coordinator_label,
    )


class AuthService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def sign_in(self, username: str, password: str) -> UserView:
        """Check the password against the stored argon2 hash; the error does not say which
        of the two was wrong."""
        throttle.check(username)
        with self._db.sessions() as session:
            user = session.execute(
                select(User).where(User.username == username.strip())
            ).scalar_one_or_none()
            account = user if user is not None and user.active else None
            if account is not None and account.password_hash == LOGIN_ROLE_MARK:
                raise SignInError(
                    "{username} signs in with their own database login: open the database with an address "
                    "without a user name (postgresql+psycopg://HOST/DB).",
                    username=account.username)
            try:
                right: bool = _hasher.verify(account.password_hash if account else _NOBODY, password)
            except (VerificationError, InvalidHashError):
                right = False
            if account is None or not right:
                throttle.failed(username)
                raise CredentialsRefused
            throttle.succeeded(username)
            return user_view(session, account)

    def current_login(self) -> UserView:
        """The user this connection's PostgreSQL login role belongs to (the server checked the
        password when it accepted the connection)."""
        with self._db.sessions() as session:
            login = session.scalar(select(literal_column("current_user")))
            user = session.execute(
                select(User).where(User.db_role == login, User.active)).scalar_one_or_none()
            if user is None:
                raise SignInError(
                    "The database login {login!r} is not an active Paragon user. Ask the administrator "
                    "(paragon-desktop db create-user).",
                    login=login)
            return user_view(session, user)

    def user_by_name(self, username: str) -> UserView:
        with self._db.sessions() as session:
            user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
            if user is None:
                raise NotFound("No user {username!r} in this database.",
                               username=username)
            return user_view(session, user)

    def first_user(self) -> UserView:
        with self._db.sessions() as session:
            user = session.execute(select(User).order_by(User.id).limit(1)).scalar_one_or_none()
            if user is None:
                raise NotFound("This database has no users yet. Fill it with `paragon-desktop demo`.")
            return user_view(session, user)
