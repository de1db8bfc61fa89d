"""Organisation admins manage their users (DOMAIN.md, People and organisations; original §2): link,
unlink, create (with a login role on the shared server, without anyone holding CREATEROLE),
management roles, case access level with a coordinator's label, deactivate and reactivate, the
warning when fewer than two admins remain, and the history of what was done.

Runs on SQLite, on PostgreSQL as the owner, and with each user's own login role (the server's
admin functions, migration 0014)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from paragon_desktop.domain.admin import admins_warning, check_level, roles_of, roles_text
from paragon_desktop.domain.enums import AccessLevel, ManagementRole
from paragon_desktop.domain.errors import AccessDenied, NotAvailable, ValidationError
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import Organisation, User

PASSWORD = "nieuw-2026!"


def org(client, name="Gemeente Scheldemonde") -> int:
    with client.db.sessions() as session:
        return session.scalar(select(Organisation.id).where(Organisation.name == name))


def uid(client, username) -> int:
    with client.db.sessions() as session:
        return session.scalar(select(User.id).where(User.username == username))


def can_sign_in(client, username, password=PASSWORD) -> bool:
    """As the app signs a user in on this database: the stored hash, or the login role."""
    url = client.db.engine.url
    if url.get_backend_name() == "postgresql":
        try:
            db = Database.open_login(url, username, password)
        except Exception:  # refused
            return False
        db.dispose()
        return True
    try:
        client.auth.sign_in(username, password)
    except Exception:
        return False
    return True


def fresh_name() -> str:
    """Login roles belong to the whole server: every test makes its own."""
    return f"eva.{uuid.uuid4().hex[:8]}"


# -- the rules, plain ---------------------------------------------------------------------------
def test_roles_levels_and_the_admins_warning():
    assert roles_text({ManagementRole.PLAN_MANAGER, ManagementRole.ORG_ADMIN}) == \
        "org_admin plan_manager"
    assert roles_of("plan_manager bogus org_admin") == {ManagementRole.PLAN_MANAGER,
                                                        ManagementRole.ORG_ADMIN}
    assert check_level("agent", "Dir-CP-Ops") == (AccessLevel.AGENT, None)
    assert check_level("coordinator", "  Dir-CP-Ops ") == (AccessLevel.COORDINATOR, "Dir-CP-Ops")
    with pytest.raises(ValidationError, match="carries a label"):
        check_level("coordinator", " ")
    assert admins_warning(["A", "B"]) is None
    assert "één beheerder (A)" in admins_warning(["A"]) or "(A)" in admins_warning(["A"])
    assert admins_warning([])


# -- the service (SQLite, PostgreSQL, login roles) ----------------------------------------------------
def test_an_admin_sees_the_organisations_users_with_a_warning_and_others_are_refused(client):
    an = client.user("an.peeters")
    assert client.organisation_admin.administered(an) == [(org(client), "Gemeente Scheldemonde")]
    users = client.organisation_admin.users(an, org(client))
    assert {m.username for m in users.members} >= {"an.peeters", "sofie.janssens"}
    assert users.admins == ["An Peeters"]
    assert "An Peeters" in users.warning  # fewer than two admins
    with pytest.raises(AccessDenied, match="Only an admin of Gemeente Scheldemonde"):
        client.organisation_admin.users(client.user("sofie.janssens"), org(client))
    with pytest.raises(AccessDenied):  # an admin, of another organisation
        client.organisation_admin.set_roles(client.user("els.vandamme"), org(client),
                                            uid(client, "sofie.janssens"),
                                            {ManagementRole.ORG_ADMIN})


def test_an_admin_creates_a_user_who_signs_in_with_her_own_password(client):
    an, name = client.user("an.peeters"), fresh_name()
    made = client.organisation_admin.create_user(
        an, org(client), username=name, display_name="Eva Smet", password=PASSWORD,
        level=AccessLevel.COORDINATOR, label="Noodplanningsambtenaar",
        roles=frozenset({ManagementRole.CONTACT_MANAGER}))
    eva = client.auth.user_by_name(name)
    assert (eva.id, eva.access_level, eva.coordinator_label) == (
        made, AccessLevel.COORDINATOR, "Noodplanningsambtenaar")
    member = next(m for m in client.organisation_admin.users(an, org(client)).members
                  if m.user_id == made)
    assert member.roles == {ManagementRole.CONTACT_MANAGER}
    assert can_sign_in(client, name)
    assert not can_sign_in(client, name, "fout-wachtwoord")
    with pytest.raises(ValidationError, match="already a user"):
        client.organisation_admin.create_user(an, org(client), username=name,
                                              display_name="Eva", password=PASSWORD)
    events = client.organisation_admin.users(an, org(client)).events
    assert ("created", "Eva Smet", "An Peeters") in {(e.action, e.target, e.actor) for e in events}


def test_roles_and_access_level_are_given_and_taken(client):
    an, sofie = client.user("an.peeters"), uid(client, "sofie.janssens")
    admin = client.organisation_admin
    admin.set_roles(an, org(client), sofie, {ManagementRole.ORG_ADMIN,
                                             ManagementRole.PLAN_MANAGER})
    users = admin.users(an, org(client))
    assert users.warning is None  # two admins now
    member = next(m for m in users.members if m.user_id == sofie)
    assert member.roles == {ManagementRole.ORG_ADMIN, ManagementRole.PLAN_MANAGER}
    assert member.shown_name == "Sofie Janssens [Org-Admin]"
    admin.set_level(an, sofie, AccessLevel.READ_ONLY)
    assert client.auth.user_by_name("sofie.janssens").access_level is AccessLevel.READ_ONLY
    with pytest.raises(NotAvailable):  # Tom is a firefighter, not one of hers
        admin.set_level(an, uid(client, "tom.declercq"), AccessLevel.READ_ONLY)
    admin.set_roles(an, org(client), sofie, set())
    assert "An Peeters" in admin.users(an, org(client)).warning


def test_deactivated_accounts_cannot_sign_in_until_reactivated(client):
    an, admin, name = client.user("an.peeters"), client.organisation_admin, fresh_name()
    made = admin.create_user(an, org(client), username=name, display_name="Eva Smet",
                             password=PASSWORD)
    admin.set_active(an, made, False)
    assert not can_sign_in(client, name)
    assert not next(m for m in admin.users(an, org(client)).members if m.user_id == made).active
    admin.set_active(an, made, True)
    assert can_sign_in(client, name)
    with pytest.raises(AccessDenied, match="your own account"):
        admin.set_active(an, an.id, False)


def test_a_user_is_linked_and_unlinked(client):
    an, admin, wim = client.user("an.peeters"), client.organisation_admin, uid(client,
                                                                              "wim.verhaegen")
    with pytest.raises(NotAvailable, match="no user 'niemand'"):
        admin.link(an, org(client), "niemand")
    admin.link(an, org(client), "wim.verhaegen")
    assert wim in {m.user_id for m in admin.users(an, org(client)).members}
    assert org(client) in {o for o, _n in client.auth.user_by_name("wim.verhaegen").organisations}
    admin.unlink(an, org(client), wim)
    assert wim not in {m.user_id for m in admin.users(an, org(client)).members}
    actions = [e.action for e in admin.users(an, org(client)).events if e.target == "Wim Verhaegen"]
    assert actions[:2] == ["unlinked", "linked"]  # newest first


# -- temporary access for an outside person ---------------------------------------------------------
def outsider(client) -> str:
    """An expert of an organisation no case is shared with, who signs in with the demo password
    (as every demo user; the login-role client connects with it)."""
    from paragon_desktop.services.accounts import create_user
    from paragon_desktop.storage.models import CaseShare
    from tests.conftest import DEMO_PASSWORD

    with client.db.sessions() as session:
        name = session.scalars(select(Organisation.name).where(
            Organisation.id.not_in(select(CaseShare.organisation_id)))
            .order_by(Organisation.name)).first()
    username = fresh_name()
    create_user(client.db, username=username, display_name="Ria Expert", password=DEMO_PASSWORD,
                access_level=AccessLevel.AGENT, organisations=[name])
    return username


def sees(client, username, case_id) -> bool:
    return case_id in {c.id for c in client.cases.list_cases(client.user(username),
                                                             include_closed=True)}


def test_an_outside_person_gets_access_to_one_case_until_it_ends(client):
    from datetime import UTC, datetime, timedelta

    from paragon_desktop.domain.feeds import RoleChoice

    an, admin, case_id = client.user("an.peeters"), client.organisation_admin, \
        client.seveso_case_id()
    expert = outsider(client)
    assert not sees(client, expert, case_id)
    with pytest.raises(AccessDenied):
        admin.grant_case_access(client.user("sofie.janssens"), org(client), case_id, expert)
    with pytest.raises(ValidationError, match="in the future"):
        admin.grant_case_access(an, org(client), case_id, expert,
                                datetime.now(UTC) - timedelta(hours=1))
    admin.grant_case_access(an, org(client), case_id, expert)
    assert sees(client, expert, case_id)
    # She acts for the organisation that gave the access.
    ria = client.user(expert)
    options = client.participation.role_options(ria, case_id)
    assert "Gemeente Scheldemonde" in [o.name for o in options.organisations]
    client.participation.enter_case(ria, case_id, RoleChoice(org(client), "Expert"))
    people = client.cases.open_case(an, case_id).changes.people
    assert "Ria Expert" in [p.name for p in people if p.scope == "participant"]
    grants = admin.users(an, org(client)).temporary
    assert [(g.name, g.until, g.valid) for g in grants] == [("Ria Expert", None, True)]
    # Ended by the admin: the case is gone from her list at once.
    admin.end_case_access(an, ria.id, case_id)
    assert not sees(client, expert, case_id)
    assert not admin.users(an, org(client)).temporary[0].valid


def test_temporary_access_ends_when_the_case_closes(client):
    an, admin, case_id = client.user("an.peeters"), client.organisation_admin, \
        client.seveso_case_id()
    expert = outsider(client)
    admin.grant_case_access(an, org(client), case_id, expert)
    client.deactivate_plans("an.peeters", case_id)
    client.admin.close_case(an, case_id)
    assert not sees(client, expert, case_id)  # participants keep a closed case; she does not
    assert sees(client, "sofie.janssens", case_id)
