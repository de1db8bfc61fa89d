"""Sign-in with argon2 password hashes (passwords are never stored in any other form)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from paragon_desktop.domain.enums import AccessLevel
from paragon_desktop.domain.errors import NotFound, SignInError
from paragon_desktop.services.views import UserView
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.logins import LOGIN_ROLE_MARK
from paragon_desktop.storage.models import Membership, Organisation, User

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


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
        with self._db.sessions() as session:
            user = session.execute(
                select(User).where(User.username == username.strip())
            ).scalar_one_or_none()
            wrong = SignInError("Unknown user name or wrong password. Check both and try again.")
            if user is None or not user.active:
                raise wrong
            if user.password_hash == LOGIN_ROLE_MARK:
                raise SignInError(
                    f"{user.username} signs in with their own database login: open the database "
                    "with an address without a user name (postgresql+psycopg://HOST/DB).")
            try:
                _hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                raise wrong from None
            return user_view(session, user)

    def current_login(self) -> UserView:
        """The user this connection's PostgreSQL login role belongs to (the server checked the
        password when it accepted the connection)."""
        with self._db.sessions() as session:
            login = session.scalar(select(literal_column("current_user")))
            user = session.execute(
                select(User).where(User.db_role == login, User.active)).scalar_one_or_none()
            if user is None:
                raise SignInError(
                    f"The database login {login!r} is not an active Paragon user. Ask the "
                    "administrator (paragon-desktop db create-user).")
            return user_view(session, user)

    def user_by_name(self, username: str) -> UserView:
        with self._db.sessions() as session:
            user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
            if user is None:
                raise NotFound(f"No user {username!r} in this database.")
            return user_view(session, user)

    def first_user(self) -> UserView:
        with self._db.sessions() as session:
            user = session.execute(select(User).order_by(User.id).limit(1)).scalar_one_or_none()
            if user is None:
                raise NotFound("This database has no users yet. Fill it with `paragon-desktop demo`.")
            return user_view(session, user)
