"""Emergency plans on the shared server (migration 0012), tried as raw SQL with users' own login
roles: what §3 forbids and the app refuses, the server refuses; what it stamps, a user cannot
set; drafts and their documents stay with the responsible organisation."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from paragon_desktop.domain.plans import PlanKind, PlanName
from paragon_desktop.services.bundle import build_services
from paragon_desktop.services.plans import Upload
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import Anchor, Organisation
from tests.integration.conftest import ids, user_id
from tests.integration.test_red_team import ALLOWED, DENIED, attempt, case_named, commit_checks

pytestmark = pytest.mark.postgres

PDF = b"%PDF-1.4\n%%EOF\n"
INSERT = ("INSERT INTO emergency_plans (title, organisation_id, key_anchor_id, status, updated_at, "
          "updated_by_id, revision, kind, name_json, content_version, small_change) VALUES "
          "(:title, :org, :anchor, :status, now(), 0, 0, :kind, '{}', 1, false) RETURNING id")
DOCUMENT = ("INSERT INTO plan_documents (plan_id, kind, filename, size, sha256, data, uploaded_at, "
            "uploaded_by_id) VALUES (:plan, :kind, 'x.pdf', 0, '', :data, now(), :by)")


def org(owner: Database, name: str) -> int:
    with owner.sessions() as session:
        return session.scalars(select(Organisation.id).where(Organisation.name == name)).one()


def anchor(owner: Database, name: str) -> int:
    with owner.sessions() as session:
        return session.scalars(select(Anchor.id).where(Anchor.name == name,
                                                       Anchor.case_id.is_(None))).one()


def plan_values(owner: Database, **change) -> dict:
    values = dict(title="ANIP Scheldemonde-Noord", org=org(owner, "Gemeente Scheldemonde"),
                  anchor=anchor(owner, "Gemeentehuis Scheldemonde"), status="draft", kind="anip",
                  c=case_named(owner, "Nordchem"))
    values.update(change)
    return values


def try_insert(engine: Engine, values: dict) -> str:
    return attempt(engine, INSERT, "", values, audited=False)


def stored_plan(owner: Database, username: str = "an.peeters", *, approved: bool = False) -> int:
    """A plan made through the app as the plan manager's own login role."""
    from tests.conftest import login_url

    db = Database.open(login_url(owner.engine.url.render_as_string(hide_password=False),
                                 username))
    try:
        services = build_services(db)
        user = services.auth.user_by_name(username)
        with owner.sessions() as session:
            org_id = session.scalars(select(Organisation.id).where(
                Organisation.name == "Gemeente Scheldemonde")).one()
        plan_id = services.plans.create_plan(
            user, org_id, PlanName(PlanKind.ANIP, area="Scheldemonde-Noord"),
            anchor(owner, "Gemeentehuis Scheldemonde"), Upload("anip.pdf", PDF))
        if approved:
            services.plans.approve(user, plan_id, Upload("brief.pdf", PDF))
        return plan_id
    finally:
        db.dispose()


def test_a_plan_manager_adds_a_draft_and_nobody_adds_an_approved_plan(owner, connect):
    an = connect("an.peeters")
    assert try_insert(an, plan_values(owner)) == ALLOWED
    assert "a new plan starts as a draft" in try_insert(an, plan_values(owner, status="approved"))


@pytest.mark.parametrize(("username", "change", "refusal"), [
    ("sofie.janssens", {}, "only a plan manager"),  # a member, not a plan manager
    ("els.vandamme", {}, "only a plan manager"),  # a plan manager of another organisation
    ("an.peeters", dict(title="Noodplan Scheldemonde"), "naming convention"),
    ("an.peeters", dict(title="ANIP  Scheldemonde"), "naming convention"),
    ("an.peeters", dict(kind="bnip"), "naming convention"),
    ("an.peeters", dict(kind="national", title="Noodplan Nationaal"), "naming convention"),
])
def test_the_server_refuses_what_the_app_refuses(owner, connect, username, change, refusal):
    outcome = try_insert(connect(username), plan_values(owner, **change))
    assert refusal in outcome, outcome


def test_the_key_anchor_lies_within_the_organisations_jurisdiction(owner, connect):
    an = connect("an.peeters")
    outside = plan_values(owner, anchor=anchor(owner, "Marktplein Polderkerke"))
    assert "within the responsible organisation" in try_insert(an, outside)
    with owner.sessions() as session:
        case_anchor = session.scalars(select(Anchor.id).where(Anchor.case_id.is_not(None))).first()
    assert "existing anchor of an organisation" in try_insert(
        an, plan_values(owner, anchor=case_anchor))
    # Another organisation's anchor within Scheldemonde: Nordchem's contour, for a BNIP.
    bnip = plan_values(owner, kind="bnip", title="BNIP Seveso Nordchem Scheldemonde",
                       anchor=anchor(owner, "Nordchem Scheldemonde NV - bedrijfscontour"))
    assert try_insert(an, bnip) == ALLOWED


def test_approval_needs_a_letter_after_the_last_change(owner, connect):
    plan_id = stored_plan(owner)
    an = connect("an.peeters")
    approve = "UPDATE emergency_plans SET status = 'approved' WHERE id = :plan"
    assert "approval letter" in attempt(an, approve, "", dict(plan=plan_id), audited=False)
    with an.connect() as c, c.begin() as transaction:
        c.execute(text(DOCUMENT), dict(plan=plan_id, kind="letter", data=PDF, by=0))
        c.execute(text(approve), dict(plan=plan_id))
        commit_checks(c)
        row = c.execute(text("SELECT status, approved_by_id FROM emergency_plans WHERE id = :p"),
                        dict(p=plan_id)).one()
        transaction.rollback()
    assert row == ("approved", user_id(owner, "an.peeters"))


def test_an_edit_sends_an_approved_plan_back_to_draft_unless_small(owner, connect):
    plan_id = stored_plan(owner, approved=True)
    an = connect("an.peeters")
    edit = ("UPDATE emergency_plans SET title = 'ANIP Scheldemonde-Doel', small_change = :small "
            "WHERE id = :plan RETURNING status, approved_at IS NULL")
    for small, expected in ((False, ("draft", True)), (True, ("approved", False))):
        with an.connect() as c, c.begin() as transaction:
            assert c.execute(text(edit), dict(plan=plan_id, small=small)).one() == expected
            transaction.rollback()


def test_a_new_document_version_goes_with_a_change_of_the_plan(owner, connect):
    plan_id = stored_plan(owner, approved=True)
    an = connect("an.peeters")
    # Alone it would slip a new document under an approval.
    outcome = attempt(an, DOCUMENT, "", dict(plan=plan_id, kind="plan", data=PDF, by=0),
                      audited=False)
    assert "change to a plan's document or elements is a change of the plan" in outcome
    not_pdf = attempt(an, DOCUMENT, "", dict(plan=plan_id, kind="letter", data=b"PK\x03\x04",
                                             by=0), audited=False)
    assert "is a PDF file" in not_pdf
    with an.connect() as c, c.begin() as transaction:
        c.execute(text("UPDATE emergency_plans SET content_version = content_version + 1, "
                       "small_change = false WHERE id = :p"), dict(p=plan_id))
        c.execute(text(DOCUMENT), dict(plan=plan_id, kind="plan", data=PDF, by=999))
        commit_checks(c)
        by, size = c.execute(text("SELECT uploaded_by_id, size FROM plan_documents WHERE plan_id = "
                                  ":p ORDER BY id DESC LIMIT 1"), dict(p=plan_id)).one()
        status = c.execute(text("SELECT status FROM emergency_plans WHERE id = :p"),
                           dict(p=plan_id)).scalar_one()
        transaction.rollback()
    assert (by, size, status) == (user_id(owner, "an.peeters"), len(PDF), "draft")


def test_history_and_stamps_are_the_servers(owner, connect):
    plan_id = stored_plan(owner)
    an = connect("an.peeters")
    outcome = attempt(an, "INSERT INTO plan_history (plan_id, at, user_id, action, detail) "
                          "VALUES (:p, now(), 1, 'approved', '')", "", dict(p=plan_id),
                      audited=False)
    assert DENIED in outcome
    outcome = attempt(an, "UPDATE emergency_plans SET created_by_id = 2 WHERE id = :p", "",
                      dict(p=plan_id), audited=False)
    assert DENIED in outcome
    with owner.sessions() as session:
        actions = [a for (a,) in session.execute(text(
            "SELECT action FROM plan_history WHERE plan_id = :p ORDER BY id"), dict(p=plan_id))]
    assert actions == ["created"]


def test_drafts_and_their_documents_stay_with_the_organisation(owner, connect):
    plan_id = stored_plan(owner)
    for username, sees in (("sofie.janssens", True), ("tom.declercq", False)):
        engine = connect(username)
        assert (plan_id in ids(engine, "SELECT id FROM emergency_plans")) is sees
        assert bool(ids(engine, "SELECT id FROM plan_documents WHERE plan_id = :p",
                        p=plan_id)) is sees
    approved = stored_plan(owner, approved=True)
    assert approved in ids(connect("tom.declercq"), "SELECT id FROM emergency_plans")


def test_activation_is_stamped_by_the_server_and_drafts_of_others_are_refused(owner, connect):
    draft = stored_plan(owner)
    approved = stored_plan(owner, approved=True)
    tom = connect("tom.declercq")
    case_id = case_named(owner, "Nordchem")
    insert = ("INSERT INTO case_plans (case_id, title, active, activated_at, revision, plan_id) "
              "VALUES (:c, 'Vals', true, now(), 0, :plan) RETURNING title")
    assert "plans one may see" in attempt(tom, insert, "plan.activated",
                                          dict(c=case_id, plan=draft))
    with tom.connect() as c, c.begin() as transaction:
        assert c.execute(text(insert), dict(c=case_id, plan=approved)).scalar_one() == \
            "ANIP Scheldemonde-Noord"
        transaction.rollback()
    # An organisation shared "for a plan" that is none of its elements.
    share = ("INSERT INTO case_shares (case_id, organisation_id, reason, revision) "
             "VALUES (:c, :o, 'plan', 0)")
    outcome = attempt(tom, share, "case.shared", dict(c=case_id,
                                                      o=org(owner, "Gemeente Verrebeke")))
    assert "one of the plan's elements" in outcome
