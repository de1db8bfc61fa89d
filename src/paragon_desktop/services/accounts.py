"""Creating users: a Paragon user, their organisations, and on PostgreSQL their own login role."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from paragon_desktop.domain.enums import AccessLevel, ManagementRole
from paragon_desktop.domain.errors import NotFound, ValidationError
from paragon_desktop.services.auth import hash_password, user_view
from paragon_desktop.services.views import UserView
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.logins import LOGIN_ROLE_MARK, check_role_name, ensure_login_role
from paragon_desktop.storage.models import Membership, Organisation, User


def create_user(db: Database, *, username: str, display_name: str, password: str,
                access_level: AccessLevel, organisations: Sequence[str],
                management_roles: Sequence[ManagementRole] = (),
                coordinator_label: str | None = None, existing_role: bool = False) -> UserView:
    """Add a user. On PostgreSQL the user gets a login role of the same name (a member of the
    app's group role) and the server keeps the password; on SQLite an argon2 hash is stored.

    Run by the database owner (an organisation admin's dialog would need the CREATEROLE right).
    Everything happens in one transaction: a refused role leaves no user behind.
    """
    username = check_role_name(username.strip())
    if not display_name.strip():
        raise ValidationError("Give the user's full name.", fields=("display_name",))
    if not organisations:
        raise ValidationError("Link the user to at least one organisation.", fields=("organisations",))
    if len(password) < 8:
        raise ValidationError("The password must have at least 8 characters.", fields=("password",))
    postgresql = db.engine.dialect.name == "postgresql"
    with db.sessions.begin() as session:
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise ValidationError("There is already a user {username!r}.",
                                  username=username, fields=("username",))
        orgs = []
        for name in organisations:
            org = session.scalar(select(Organisation).where(Organisation.name == name.strip()))
            if org is None:
                raise NotFound("No organisation named {name!r} in this database.",
                               name=name)
            orgs.append(org)
        if postgresql:
            ensure_login_role(session, username, password, reuse=existing_role)
        user = User(username=username, display_name=display_name.strip(),
                    password_hash=LOGIN_ROLE_MARK if postgresql else hash_password(password),
                    case_access_level=access_level.value,
                    coordinator_label=coordinator_label or None,
                    db_role=username if postgresql else None)
        session.add(user)
        session.flush()
        for org in orgs:
            session.add(Membership(user_id=user.id, organisation_id=org.id,
                                   management_roles=" ".join(r.value for r in management_roles)))
        session.flush()
        return user_view(session, user)
