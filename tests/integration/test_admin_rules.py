"""Organisation admins on the shared server (migration 0014), tried as raw SQL with users' own
login roles: users and memberships cannot be written directly; the admin functions act only for
an admin of the organisation concerned; a created login role is an ordinary user's (no
CREATEROLE, no superuser), made from a SCRAM verifier; nobody deactivates the owner, a
superuser or themselves; the history is the server's."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select, text

from paragon_desktop.storage.models import AdminEvent, Organisation, User
from tests.integration.conftest import user_id
from tests.integration.test_red_team import ALLOWED, DENIED, attempt

pytestmark = pytest.mark.postgres


def org(owner, name="Gemeente Scheldemonde") -> int:
    with owner.sessions() as session:
        return session.scalars(select(Organisation.id).where(Organisation.name == name)).one()


def call(engine, sql: str, **params) -> str:
    return attempt(engine, sql, "", params, audited=False)


def verifier(engine, name: str, password: str) -> str:
    with engine.connect() as c:
        driver = c.connection.driver_connection
        return driver.pgconn.encrypt_password(password.encode(), name.encode(),
                                              b"scram-sha-256").decode()


def test_users_and_memberships_are_not_written_directly(owner, connect):
    an = connect("an.peeters")  # an admin, and still not directly
    sofie = user_id(owner, "sofie.janssens")
    assert DENIED in call(an, "UPDATE memberships SET management_roles = 'org_admin' "
                              "WHERE user_id = :u", u=sofie)
    assert DENIED in call(an, "UPDATE users SET active = false WHERE id = :u", u=sofie)
    assert DENIED in call(an, "INSERT INTO memberships (user_id, organisation_id, "
                              "management_roles, revision) VALUES (:u, 1, '', 0)", u=sofie)
    assert DENIED in call(an, "INSERT INTO admin_events (at, target_user_id, action) "
                              "VALUES (now(), :u, 'x')", u=sofie)
    assert "permission denied" in call(an, "CREATE ROLE intruder LOGIN")


def test_only_an_admin_of_the_organisation_uses_the_admin_functions(owner, connect):
    sofie, tom = user_id(owner, "sofie.janssens"), user_id(owner, "tom.declercq")
    scheldemonde = org(owner)
    roles = "SELECT paragon_admin_set_roles(:u, :o, 'org_admin')"
    assert "only an admin" in call(connect("sofie.janssens"), roles, u=sofie, o=scheldemonde)
    assert "only an admin" in call(connect("els.vandamme"), roles, u=sofie, o=scheldemonde)
    assert call(connect("an.peeters"), roles, u=sofie, o=scheldemonde) == ALLOWED
    assert "only an admin" in call(connect("an.peeters"),
                                   "SELECT paragon_admin_set_level(:u, 'read_only', NULL)", u=tom)
    assert "only an admin" in call(connect("an.peeters"),
                                   "SELECT paragon_admin_set_active(:u, false)", u=tom)
    assert "own account" in call(connect("an.peeters"),
                                 "SELECT paragon_admin_set_active(:u, false)",
                                 u=user_id(owner, "an.peeters"))
    assert "management role" in call(connect("an.peeters"),
                                     "SELECT paragon_admin_set_roles(:u, :o, 'superuser')",
                                     u=sofie, o=scheldemonde)
    assert "label" in call(connect("an.peeters"),
                           "SELECT paragon_admin_set_level(:u, 'coordinator', '')", u=sofie)


def test_a_created_login_role_is_an_ordinary_users(owner, connect):
    an = connect("an.peeters")
    name = f"eva.{uuid.uuid4().hex[:8]}"
    create = ("SELECT paragon_admin_create_user(:n, 'Eva Smet', 'agent', NULL, :o, :v)")
    # A name that is not a role name, a password in clear: refused.
    assert "user name" in call(an, create, n='x"; DROP TABLE users; --', o=org(owner),
                               v=verifier(an, "x", "geheim-2026"))
    assert "SCRAM verifier" in call(an, create, n=name, o=org(owner), v="geheim-2026")
    assert "only an admin" in call(connect("sofie.janssens"), create, n=name, o=org(owner),
                                   v=verifier(an, name, "geheim-2026"))
    with an.begin() as c:
        made = c.execute(text(create), dict(n=name, o=org(owner),
                                            v=verifier(an, name, "geheim-2026"))).scalar_one()
    with owner.engine.connect() as c:
        role = c.execute(text("SELECT rolsuper, rolcreaterole, rolcreatedb, rolcanlogin "
                              "FROM pg_roles WHERE rolname = :n"), dict(n=name)).one()
        assert tuple(role) == (False, False, False, True)
        assert c.execute(text("SELECT pg_has_role(:n, 'paragon_user', 'MEMBER')"),
                         dict(n=name)).scalar_one()
    with owner.sessions() as session:
        user = session.get(User, made)
        assert (user.username, user.case_access_level, user.active) == (name, "agent", True)
        events = session.scalars(select(AdminEvent).where(AdminEvent.target_user_id == made)).all()
        assert {(e.action, e.actor_id) for e in events} >= {
            ("created", user_id(owner, "an.peeters"))}
    # Her own login works; once deactivated it does not, and the session she had loses access.
    eva = connect(name, "geheim-2026")
    with eva.connect() as c:
        assert c.execute(text("SELECT paragon_uid()")).scalar_one() == made
        with an.begin() as a:
            a.execute(text("SELECT paragon_admin_set_active(:u, false)"), dict(u=made))
        assert c.execute(text("SELECT paragon_uid()")).scalar_one() is None
    with pytest.raises(Exception, match="not permitted to log in"):
        connect(name, "geheim-2026").connect()


def test_the_owner_and_superusers_are_never_deactivated_through_a_user_row(owner, connect):
    """A users row pointing at the owner's role (put there by a careless administrator) does
    not let an admin switch the owner's login off."""
    with owner.engine.begin() as c:
        owner_role = c.execute(text("SELECT current_user")).scalar_one()
        c.execute(text("UPDATE users SET db_role = :r WHERE username = 'sofie.janssens'"),
                  dict(r=owner_role))
    with connect("an.peeters").begin() as c:
        c.execute(text("SELECT paragon_admin_set_active(:u, false)"),
                  dict(u=user_id(owner, "sofie.janssens")))
    with owner.engine.connect() as c:
        assert c.execute(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = current_user")
                         ).scalar_one()


def test_temporary_access_is_given_by_an_admin_only_and_ends(owner, connect, outsider):
    from tests.integration.conftest import OUTSIDER_PASSWORD
    from tests.integration.test_red_team import case_named

    case_id, expert = case_named(owner, "Nordchem"), user_id(owner, outsider)
    grant = "SELECT paragon_admin_grant_case(:u, :o, :c, NULL)"
    assert "only an admin" in call(connect("sofie.janssens"), grant, u=expert, o=org(owner),
                                   c=case_id)
    visible = "SELECT :c IN (SELECT paragon_visible_cases())"
    ria = connect(outsider, OUTSIDER_PASSWORD)

    def sees() -> bool:
        with ria.connect() as c:
            return bool(c.execute(text(visible), dict(c=case_id)).scalar_one())

    # Not by writing the row oneself: the columns are the admin function's.
    forged = ("INSERT INTO case_users (case_id, user_id, invited, participating, temporary, "
              "granted_organisation_id, revision) VALUES (:c, :u, false, false, true, :o, 0)")
    assert "organisation admin" in call(ria, forged, c=case_id, u=expert, o=org(owner))
    assert not sees()
    with connect("an.peeters").begin() as c:
        c.execute(text(grant), dict(u=expert, o=org(owner), c=case_id))
    assert sees()
    assert DENIED in call(ria, "UPDATE case_users SET access_until = NULL, temporary = false "
                               "WHERE user_id = :u", u=expert)
    with connect("an.peeters").begin() as c:
        c.execute(text("SELECT paragon_admin_end_case(:u, :c)"), dict(u=expert, c=case_id))
    assert not sees()
    with owner.sessions() as session:
        actions = set(session.scalars(text(
            "SELECT action FROM audit_events WHERE case_id = :c"), dict(c=case_id)))
    assert {"user.temporary_access", "user.temporary_access_ended"} <= actions
