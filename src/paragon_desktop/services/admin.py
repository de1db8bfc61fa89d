"""Organisation admins manage their organisation's users (DOMAIN.md, People and organisations):
link and unlink, create, management roles, case access level (with a coordinator's label),
deactivate and reactivate, and what was done when.

The rules are domain.admin's. On the embedded database and an administrator's connection the
service applies them; with a user's own login role on the shared server it calls the server's
admin functions (migration 0014), which apply them again: a login role has no right of its own
on users or memberships, and never CREATEROLE."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from paragon_desktop.domain.admin import (
    admins_warning,
    can_administer,
    check_admin,
    check_deactivation,
    check_level,
    check_new_user,
    roles_of,
    roles_text,
)
from paragon_desktop.domain.enums import AccessLevel, ManagementRole
from paragon_desktop.domain.errors import NotAvailable, NotFound, ValidationError
from paragon_desktop.services import audit
from paragon_desktop.services.access import visible_case, visible_case_ids
from paragon_desktop.services.auth import hash_password
from paragon_desktop.services.views import UserView
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.logins import (
    LOGIN_ROLE_MARK,
    check_role_name,
    ensure_login_role,
    scram_verifier,
)
from paragon_desktop.storage.models import (
    AdminEvent,
    Case,
    CaseUser,
    Membership,
    Organisation,
    User,
)


@dataclass(frozen=True)
class MemberView:
    user_id: int
    username: str
    display_name: str
    level: AccessLevel
    label: str | None  # a coordinator's
    roles: frozenset[ManagementRole]  # in this organisation
    active: bool

    @property
    def shown_name(self) -> str:
        from paragon_desktop.services.cases import user_label

        return user_label(self.display_name, self.label,
                          ManagementRole.ORG_ADMIN in self.roles)


@dataclass(frozen=True)
class AdminEventView:
    at: datetime
    actor: str
    target: str
    action: str
    detail: str


@dataclass(frozen=True)
class TemporaryAccessView:
    user_id: int
    name: str
    case_id: int
    case_name: str
    until: datetime | None  # None: until the case closes
    valid: bool


@dataclass(frozen=True)
class OrganisationUsers:
    organisation_id: int
    organisation: str
    members: list[MemberView]
    admins: list[str]
    warning: str | None
    events: list[AdminEventView]
    temporary: list[TemporaryAccessView] = field(default_factory=list)


def _login_role(session: Session) -> bool:
    """A user's own login role on the shared server (not the owner's connection)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    return session.scalar(text("SELECT paragon_uid() IS NOT NULL")) is True


class AdminService:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- reading ----------------------------------------------------------------------------------
    def administered(self, user: UserView) -> list[tuple[int, str]]:
        """The organisations this user is an admin of."""
        with self._db.sessions() as session:
            rows = session.execute(
                select(Organisation.id, Organisation.name, Membership.management_roles)
                .join(Membership, Membership.organisation_id == Organisation.id)
                .where(Membership.user_id == user.id).order_by(Organisation.name))
            return [(org_id, name) for org_id, name, roles in rows if can_administer(roles)]

    def _organisation(self, session: Session, user: UserView, organisation_id: int) -> Organisation:
        organisation = session.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFound("No such organisation.")
        roles = session.scalar(select(Membership.management_roles).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation_id))
        check_admin(roles, organisation.name)
        return organisation

    def users(self, user: UserView, organisation_id: int) -> OrganisationUsers:
        with self._db.sessions() as session:
            organisation = self._organisation(session, user, organisation_id)
            members = [
                MemberView(u.id, u.username, u.display_name, AccessLevel(u.case_access_level),
                           u.coordinator_label, roles_of(roles), u.active)
                for u, roles in session.execute(
                    select(User, Membership.management_roles)
                    .join(Membership, Membership.user_id == User.id)
                    .where(Membership.organisation_id == organisation_id)
                    .order_by(User.display_name))]
            admins = [m.display_name for m in members
                      if m.active and ManagementRole.ORG_ADMIN in m.roles]
            ids = [m.user_id for m in members]
            names = {u_id: name for u_id, name in session.execute(select(User.id, User.display_name))}
            events = [AdminEventView(e.at, names.get(e.actor_id or 0, ""),
                                     names.get(e.target_user_id, ""), e.action, e.detail)
                      for e in session.scalars(
                          select(AdminEvent).where(
                              (AdminEvent.organisation_id == organisation_id)
                              | AdminEvent.target_user_id.in_(ids))
                          .order_by(AdminEvent.at.desc(), AdminEvent.id.desc()).limit(100))]
            now = datetime.now(UTC)
            temporary = [
                TemporaryAccessView(row.user_id, name, case.id, case.name, row.access_until,
                                    row.grants_access(case.status == "open", now))
                for row, name, case in session.execute(
                    select(CaseUser, User.display_name, Case)
                    .join(User, User.id == CaseUser.user_id)
                    .join(Case, Case.id == CaseUser.case_id)
                    .where(CaseUser.temporary.is_(True),
                           CaseUser.granted_organisation_id == organisation_id)
                    .order_by(Case.name, User.display_name))]
            return OrganisationUsers(organisation_id, organisation.name, members, admins,
                                     admins_warning(admins), events, temporary)

    def open_cases(self, user: UserView) -> list[tuple[int, str]]:
        """The open cases this admin sees: where temporary access can be given."""
        with self._db.sessions() as session:
            visible = visible_case_ids(session, user.id)
            return [(case_id, name) for case_id, name in session.execute(
                select(Case.id, Case.name).where(Case.status == "open").order_by(Case.name))
                if case_id in visible]

    def find_user(self, user: UserView, username: str) -> tuple[int, str]:
        """A user to link, by user name."""
        with self._db.sessions() as session:
            row = session.execute(select(User.id, User.display_name).where(
                User.username == username.strip().lower())).first()
        if row is None:
            raise NotAvailable("There is no user {username!r}. Check the spelling, or create "
                               "the user.", username=username.strip())
        return row[0], row[1]

    # -- writing ----------------------------------------------------------------------------------
    def _log(self, session: Session, user: UserView, organisation_id: int | None, target: int,
             action: str, detail: str = "") -> None:
        session.add(AdminEvent(at=datetime.now(UTC), actor_id=user.id,
                               organisation_id=organisation_id, target_user_id=target,
                               action=action, detail=detail))

    def _call(self, session: Session, sql: str, **params: object) -> int | None:
        """One of the server's admin functions (migration 0014), as the user's login role."""
        result = session.execute(text(f"SELECT {sql}"), params).scalar()
        return int(result) if isinstance(result, int) else None

    def link(self, user: UserView, organisation_id: int, username: str) -> int:
        target, _name = self.find_user(user, username)
        with self._db.sessions.begin() as session:
            self._organisation(session, user, organisation_id)
            if _login_role(session):
                self._call(session, "paragon_admin_link(:t, :o)", t=target, o=organisation_id)
                return target
            exists = session.scalar(select(Membership.id).where(
                Membership.user_id == target, Membership.organisation_id == organisation_id))
            if exists is None:
                session.add(Membership(user_id=target, organisation_id=organisation_id,
                                       management_roles=""))
                self._log(session, user, organisation_id, target, "linked")
        return target

    def unlink(self, user: UserView, organisation_id: int, target: int) -> None:
        with self._db.sessions.begin() as session:
            self._organisation(session, user, organisation_id)
            if _login_role(session):
                self._call(session, "paragon_admin_unlink(:t, :o)", t=target, o=organisation_id)
                return
            # A Core delete: memberships leave no tombstone (nothing follows them row by row).
            gone = session.execute(delete(Membership).where(
                Membership.user_id == target, Membership.organisation_id == organisation_id))
            if gone.rowcount:  # type: ignore[attr-defined]
                self._log(session, user, organisation_id, target, "unlinked")

    def set_roles(self, user: UserView, organisation_id: int, target: int,
                  roles: set[ManagementRole] | frozenset[ManagementRole]) -> None:
        with self._db.sessions.begin() as session:
            self._set_roles(session, user, organisation_id, target, roles)

    def _set_roles(self, session: Session, user: UserView, organisation_id: int, target: int,
                   roles: set[ManagementRole] | frozenset[ManagementRole]) -> None:
        clean = roles_text(roles)
        self._organisation(session, user, organisation_id)
        if _login_role(session):
            self._call(session, "paragon_admin_set_roles(:t, :o, :r)", t=target,
                       o=organisation_id, r=clean)
            return
        membership = session.scalar(select(Membership).where(
            Membership.user_id == target, Membership.organisation_id == organisation_id))
        if membership is None:
            raise ValidationError("This user is not linked to the organisation.")
        if membership.management_roles != clean:
            membership.management_roles = clean
            self._log(session, user, organisation_id, target, "roles", clean)

    def update_member(self, user: UserView, organisation_id: int, target: int,
                      roles: set[ManagementRole] | frozenset[ManagementRole],
                      level: AccessLevel | str, label: str | None = None) -> None:
        """Roles in the organisation and the case access level, in one transaction."""
        chosen, clean = check_level(level, label)
        with self._db.sessions.begin() as session:
            self._set_roles(session, user, organisation_id, target, roles)
            self._set_level(session, user, target, chosen, clean)

    def _of_mine(self, session: Session, user: UserView, target: int) -> User:
        """A user of one of the organisations this user administers."""
        found = session.get(User, target)
        theirs = set(session.scalars(select(Membership.organisation_id).where(
            Membership.user_id == target)))
        mine = {org_id for org_id, roles in session.execute(
            select(Membership.organisation_id, Membership.management_roles)
            .where(Membership.user_id == user.id)) if can_administer(roles)}
        if found is None or not theirs & mine:
            raise NotAvailable("This user is not one of your organisation's.")
        return found

    def set_level(self, user: UserView, target: int, level: AccessLevel | str,
                  label: str | None = None) -> None:
        chosen, clean = check_level(level, label)
        with self._db.sessions.begin() as session:
            self._set_level(session, user, target, chosen, clean)

    def _set_level(self, session: Session, user: UserView, target: int, chosen: AccessLevel,
                   clean: str | None) -> None:
        found = self._of_mine(session, user, target)
        if _login_role(session):
            self._call(session, "paragon_admin_set_level(:t, :l, :b)", t=target,
                       l=chosen.value, b=clean)
            return
        if (found.case_access_level, found.coordinator_label) != (chosen.value, clean):
            found.case_access_level, found.coordinator_label = chosen.value, clean
            self._log(session, user, None, target, "level", chosen.value)

    def set_active(self, user: UserView, target: int, active: bool) -> None:
        """Deactivate (long absence, departure) or reactivate an account."""
        check_deactivation(user.id, target)
        with self._db.sessions.begin() as session:
            found = self._of_mine(session, user, target)
            if _login_role(session):
                self._call(session, "paragon_admin_set_active(:t, :a)", t=target, a=active)
                return
            if found.db_role and session.get_bind().dialect.name == "postgresql":
                session.execute(text(f'ALTER ROLE "{found.db_role}" '
                                     f'{"LOGIN" if active else "NOLOGIN"}'))
            if found.active != active:
                found.active = active
                self._log(session, user, None, target,
                          "reactivated" if active else "deactivated")

    def create_user(self, user: UserView, organisation_id: int, *, username: str,
                    display_name: str, password: str, level: AccessLevel | str = AccessLevel.AGENT,
                    label: str | None = None,
                    roles: frozenset[ManagementRole] = frozenset()) -> int:
        username = check_role_name(username.strip().lower())
        name = check_new_user(display_name, password)
        chosen, clean = check_level(level, label)
        with self._db.sessions.begin() as session:
            self._organisation(session, user, organisation_id)
            if session.scalar(select(User.id).where(User.username == username)) is not None:
                raise ValidationError("There is already a user {username!r}.",
                                      username=username, fields=("username",))
            if _login_role(session):
                made = int(self._call(
                    session, "paragon_admin_create_user(:u, :n, :l, :b, :o, :v)", u=username,
                    n=name, l=chosen.value, b=clean, o=organisation_id,
                    v=scram_verifier(session, username, password)) or 0)
                if roles:
                    self._call(session, "paragon_admin_set_roles(:t, :o, :r)", t=made,
                               o=organisation_id, r=roles_text(roles))
                return made
            postgresql = session.get_bind().dialect.name == "postgresql"
            if postgresql:
                ensure_login_role(session, username, password, reuse=False)
            created = User(username=username, display_name=name,
                           password_hash=LOGIN_ROLE_MARK if postgresql else hash_password(password),
                           case_access_level=chosen.value, coordinator_label=clean, active=True,
                           db_role=username if postgresql else None)
            session.add(created)
            session.flush()
            session.add(Membership(user_id=created.id, organisation_id=organisation_id,
                                   management_roles=roles_text(roles)))
            self._log(session, user, organisation_id, created.id, "created", username)
            return created.id

    # -- temporary access for an outside person ----------------------------------------------------
    def grant_case_access(self, user: UserView, organisation_id: int, case_id: int,
                          username: str, until: datetime | None = None) -> int:
        """An outside person (an expert, a CP-Ops director) gets access to one open case through
        the organisation, until ``until`` or until the case closes."""
        if until is not None and until <= datetime.now(UTC):
            raise ValidationError("Temporary access ends in the future: choose a later date.",
                                  fields=("until",))
        target, _name = self.find_user(user, username)
        with self._db.sessions.begin() as session:
            self._organisation(session, user, organisation_id)
            case = visible_case(session, user.id, case_id)
            if case.status != "open":
                raise ValidationError("Temporary access is given to an open case.")
            existing = session.scalar(select(CaseUser).where(
                CaseUser.case_id == case_id, CaseUser.user_id == target))
            if existing is not None and existing.invited and not existing.temporary:
                raise ValidationError("This user is invited to the case already.")
            if _login_role(session):
                self._call(session, "paragon_admin_grant_case(:t, :o, :c, :u)", t=target,
                           o=organisation_id, c=case_id, u=until)
                return target
            self._log(session, user, organisation_id, target, "case_access", str(case_id))
            if existing is None:
                existing = CaseUser(case_id=case_id, user_id=target, participating=False)
                session.add(existing)
            existing.invited, existing.temporary, existing.access_until = True, True, until
            existing.granted_organisation_id, existing.granted_by_id = organisation_id, user.id
            session.flush()
            audit.record(session, "user.temporary_access", user_id=user.id, case_id=case_id,
                         user=target, until=until)
        return target

    def end_case_access(self, user: UserView, target: int, case_id: int) -> None:
        with self._db.sessions.begin() as session:
            row = session.scalar(select(CaseUser).where(
                CaseUser.case_id == case_id, CaseUser.user_id == target,
                CaseUser.temporary.is_(True)))
            if row is None or row.granted_organisation_id is None:
                raise NotAvailable("This temporary access no longer exists.")
            self._organisation(session, user, row.granted_organisation_id)
            if _login_role(session):
                self._call(session, "paragon_admin_end_case(:t, :c)", t=target, c=case_id)
                return
            self._log(session, user, row.granted_organisation_id, target, "case_access_ended",
                      str(case_id))
            row.access_until = datetime.now(UTC)
            session.flush()
            audit.record(session, "user.temporary_access_ended", user_id=user.id,
                         case_id=case_id, user=target)
