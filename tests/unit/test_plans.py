"""Emergency plans (DOMAIN.md, Emergency plans; original §3): the naming convention, who may
make, see, change and approve a plan, what an edit does to an approved one, the documents,
the elements, and activation in a case with copies.

The service tests run on SQLite, on PostgreSQL as the owner, and with each user's own login
role (the server's rules, migration 0012)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from paragon_desktop.domain.errors import AccessDenied, NotAvailable, ValidationError
from paragon_desktop.domain.plans import (
    NATIONAL_TITLES,
    DocumentKind,
    PlanKind,
    PlanName,
    PlanStatus,
    can_see_plan,
    check_pdf,
    check_title,
    plan_title,
    status_after_edit,
    title_fits,
)
from paragon_desktop.services.plans import Upload
from paragon_desktop.storage.models import Anchor, CasePlan, CaseShare, Contact, Message, Organisation

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OP = "5a0c8d1e-2f3b-4c5d-8e9f-0a1b2c3d4e5f"


# -- the rules, plain ------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "title"), [
    (PlanName(PlanKind.ANIP, area="Scheldemonde"), "ANIP Scheldemonde"),
    (PlanName(PlanKind.ANIP, area="  provincie   Luik "), "ANIP provincie Luik"),
    (PlanName(PlanKind.BNIP, risk_type="Seveso", area="Nordchem Scheldemonde"),
     "BNIP Seveso Nordchem Scheldemonde"),
    (PlanName(PlanKind.MONO, mono_type="pip", area="provincie Limburg"), "PIP provincie Limburg"),
    (PlanName(PlanKind.INTERNAL, organisation="Basisschool de Palieter", municipality="Merelbeke"),
     "Intern noodplan Basisschool de Palieter Merelbeke"),
    (PlanName(PlanKind.NATIONAL, national=NATIONAL_TITLES[1]), NATIONAL_TITLES[1]),
])
def test_titles_follow_the_naming_convention(name, title):
    assert plan_title(name) == title
    assert title_fits(name.kind, title)
    assert check_title(title, name) == title


@pytest.mark.parametrize(("name", "refusal"), [
    (PlanName(PlanKind.ANIP), "area the plan covers"),
    (PlanName(PlanKind.BNIP, area="Scheldemonde"), "risk type"),
    (PlanName(PlanKind.MONO, mono_type="Psycho-sociaal", area="Melle"), "starts with its type"),
    (PlanName(PlanKind.INTERNAL, organisation="Colruyt"), "municipality"),
    (PlanName(PlanKind.NATIONAL, national="Mijn nationaal plan"), "fixed national titles"),
])
def test_a_title_missing_a_part_is_refused_with_what_it_lacks(name, refusal):
    with pytest.raises(ValidationError, match=refusal):
        plan_title(name)


def test_a_typed_title_must_be_the_conventions():
    with pytest.raises(ValidationError, match="“ANIP Scheldemonde” by the naming convention"):
        check_title("Noodplan Scheldemonde", PlanName(PlanKind.ANIP, area="Scheldemonde"))
    assert not title_fits(PlanKind.ANIP, "ANIP  Scheldemonde")


def test_drafts_are_seen_by_their_organisation_and_edits_send_approved_plans_back():
    assert can_see_plan("draft", 3, {3, 4})
    assert not can_see_plan("draft", 3, {4})
    assert can_see_plan("approved", 3, set())
    assert status_after_edit("approved", small=False) is PlanStatus.DRAFT
    assert status_after_edit("approved", small=True) is PlanStatus.APPROVED
    assert status_after_edit("draft", small=True) is PlanStatus.DRAFT


def test_documents_are_pdfs_by_content():
    assert check_pdf(PDF, DocumentKind.PLAN) == PDF
    with pytest.raises(ValidationError, match="plan document is not a PDF"):
        check_pdf(b"PK\x03\x04 a zip", DocumentKind.PLAN)
    with pytest.raises(ValidationError, match="approval letter is larger than 50 MB"):
        check_pdf(PDF + b"0" * 50_000_000, DocumentKind.LETTER)


# -- the service (SQLite, PostgreSQL, login roles) ----------------------------------------------------
def org_id(client, name):
    with client.db.sessions() as session:
        return session.scalar(select(Organisation.id).where(Organisation.name == name))


def org_anchor(client, name):
    with client.db.sessions() as session:
        return session.scalar(select(Anchor.id).where(Anchor.name == name,
                                                      Anchor.case_id.is_(None)))


ANIP = PlanName(PlanKind.ANIP, area="Scheldemonde-Noord")


def new_plan(client, username="an.peeters", name=ANIP, anchor="Gemeentehuis Scheldemonde",
             organisation="Gemeente Scheldemonde", op_id=None):
    return client.plans.create_plan(client.user(username), org_id(client, organisation), name,
                                    org_anchor(client, anchor), Upload("anip.pdf", PDF),
                                    op_id=op_id)


def titles(client, username, **filters):
    return [p.title for p in client.plans.list_plans(client.user(username), **filters)]


def test_a_plan_manager_makes_a_draft_seen_only_by_the_organisation(client):
    plan_id = new_plan(client, op_id=OP)
    assert new_plan(client, op_id=OP) == plan_id  # a resend is not stored twice
    view = client.plans.plan(client.user("an.peeters"), plan_id)
    assert (view.summary.title, view.summary.status) == ("ANIP Scheldemonde-Noord", PlanStatus.DRAFT)
    assert view.created_by == "An Peeters"
    assert view.may_manage
    assert [(d.kind, d.filename, d.size) for d in view.documents] == [("plan", "anip.pdf", len(PDF))]
    assert [h.action for h in view.history] == ["created"]
    assert "ANIP Scheldemonde-Noord" in titles(client, "sofie.janssens")  # same organisation
    assert "ANIP Scheldemonde-Noord" not in titles(client, "tom.declercq")  # another one
    with pytest.raises(NotAvailable):
        client.plans.plan(client.user("tom.declercq"), plan_id)


def test_only_plan_managers_of_the_organisation_make_and_change_its_plans(client):
    with pytest.raises(AccessDenied, match="not one there"):
        new_plan(client, "sofie.janssens")  # same organisation, no plan manager
    with pytest.raises(AccessDenied, match="not one there"):
        new_plan(client, "els.vandamme")  # a plan manager, of the province
    plan_id = new_plan(client)
    with pytest.raises(AccessDenied, match="Only the plan managers of Gemeente Scheldemonde"):
        client.plans.edit_plan(client.user("sofie.janssens"), plan_id,
                               name=PlanName(PlanKind.ANIP, area="Scheldemonde-Noord"))


def test_the_key_anchor_lies_within_the_organisations_jurisdiction(client):
    # Polderkerke's market square lies outside Scheldemonde.
    with pytest.raises(ValidationError, match="outside the responsible organisation's"):
        new_plan(client, anchor="Marktplein Polderkerke")
    # Nordchem's contour (the company's anchor) lies within Scheldemonde: a BNIP's key anchor.
    plan_id = new_plan(client, name=PlanName(PlanKind.BNIP, risk_type="Seveso",
                                             area="Nordchem Scheldemonde"),
                       anchor="Nordchem Scheldemonde NV - bedrijfscontour")
    assert client.plans.plan(client.user("an.peeters"), plan_id).summary.key_anchor.startswith(
        "Nordchem")
    choices = [n for _i, n, _c in client.plans.key_anchor_choices(
        client.user("an.peeters"), org_id(client, "Gemeente Scheldemonde"))]
    assert "Gemeentehuis Scheldemonde" in choices
    assert "Marktplein Polderkerke" not in choices


def test_approval_needs_a_letter_and_an_edit_sends_it_back_unless_small(client):
    an = client.user("an.peeters")
    plan_id = new_plan(client)
    with pytest.raises(ValidationError, match="approval letter is not a PDF"):
        client.plans.approve(an, plan_id, Upload("brief.docx", b"PK\x03\x04"))
    client.plans.approve(an, plan_id, Upload("goedkeuring.pdf", PDF))
    view = client.plans.plan(an, plan_id)
    assert view.summary.status is PlanStatus.APPROVED
    assert view.approved_by == "An Peeters"
    assert "ANIP Scheldemonde-Noord" in titles(client, "tom.declercq")  # approved: everyone
    # A small change (a typo) keeps the approval, recorded as such.
    client.plans.edit_plan(an, plan_id, document=Upload("anip-v2.pdf", PDF), small=True)
    assert client.plans.plan(an, plan_id).summary.status is PlanStatus.APPROVED
    # Any other change: back to draft, to be approved again.
    client.plans.edit_plan(an, plan_id, name=PlanName(PlanKind.ANIP, area="Scheldemonde-Doel"))
    view = client.plans.plan(an, plan_id)
    assert (view.summary.title, view.summary.status) == ("ANIP Scheldemonde-Doel",
                                                         PlanStatus.DRAFT)
    assert view.approved_at is None
    assert [h.action for h in view.history] == ["created", "approved", "small_change",
                                                "back_to_draft"]
    assert [d.filename for d in view.documents if d.kind == "plan"] == ["anip.pdf", "anip-v2.pdf"]
    name, data = client.plans.document(an, view.documents[0].id)
    assert (name, data) == ("anip.pdf", PDF)


def test_elements_are_added_and_removed_by_the_plans_managers(client):
    an = client.user("an.peeters")
    plan_id = new_plan(client)
    anchor = org_anchor(client, "Sporthal De Polder")
    element = client.plans.add_element(an, plan_id, "anchor", anchor)
    client.plans.add_element(an, plan_id, "organisation", org_id(client, "Brandweerzone Waasland"))
    with pytest.raises(ValidationError, match="already in this plan"):
        client.plans.add_element(an, plan_id, "anchor", anchor)
    labels = [e.label for e in client.plans.plan(an, plan_id).elements]
    assert labels == ["Sporthal De Polder", "Brandweerzone Waasland"]
    client.plans.remove_element(an, plan_id, element)
    assert [e.label for e in client.plans.plan(an, plan_id).elements] == ["Brandweerzone Waasland"]
    with pytest.raises(AccessDenied):
        client.plans.add_element(client.user("sofie.janssens"), plan_id, "anchor", anchor)


def test_activating_a_plan_loads_copies_into_the_case_and_says_so_in_multi(client):
    an = client.user("an.peeters")
    plan_id = new_plan(client)
    client.plans.add_element(an, plan_id, "anchor", org_anchor(client, "Sporthal De Polder"))
    with client.db.sessions() as session:
        contact_id = session.scalar(select(Contact.id).where(Contact.case_id.is_(None)))
        contact_name = session.get(Contact, contact_id).name
    client.plans.add_element(an, plan_id, "contact", contact_id)
    nccn = org_id(client, "Nationaal Crisiscentrum (NCCN)")
    client.plans.add_element(an, plan_id, "organisation", nccn)
    client.plans.approve(an, plan_id, Upload("brief.pdf", PDF))
    case_id = client.seveso_case_id()
    tom = client.user("tom.declercq")  # a coordinator taking part in the case
    row = client.plans.activate(tom, case_id, plan_id,
                                anchors=[org_anchor(client, "Sporthal De Polder")],
                                contacts=[contact_id], organisations=[nccn])
    with client.db.sessions() as session:
        copy = session.scalars(select(Anchor).where(Anchor.case_id == case_id,
                                                    Anchor.name == "Sporthal De Polder")).one()
        assert copy.description.startswith("From emergency plan ANIP Scheldemonde-Noord, version of")
        assert session.scalar(select(func.count()).select_from(Contact).where(
            Contact.case_id == case_id, Contact.name == contact_name)) == 1
        share = session.scalars(select(CaseShare).where(CaseShare.case_id == case_id,
                                                        CaseShare.organisation_id == nccn)).one()
        assert share.reason == "plan"
        line = session.scalars(select(Message).where(Message.case_id == case_id)
                               .order_by(Message.id.desc())).first()
        assert line.text.startswith("Emergency plan activated: ANIP Scheldemonde-Noord")
        assert session.get(CasePlan, row).plan_version_at is not None
    # A later edit of the plan changes nothing in the case.
    client.plans.edit_plan(an, plan_id, name=PlanName(PlanKind.ANIP, area="Scheldemonde-Doel"))
    active = {title: on for _row, plan, title, _version, on in client.plans.active_in_case(
        tom, case_id) if plan == plan_id}
    assert active == {"ANIP Scheldemonde-Noord": True}
    # Closing waits for the plan to be deactivated; what it loaded stays.
    with pytest.raises(AccessDenied, match="ANIP Scheldemonde-Noord"):
        client.admin.close_case(tom, case_id)
    client.plans.deactivate(tom, case_id, row)
    assert [on for r, *_rest, on in client.plans.active_in_case(tom, case_id) if r == row] == [False]
    with client.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Anchor).where(
            Anchor.case_id == case_id, Anchor.name == "Sporthal De Polder")) == 1


def test_a_draft_of_another_organisation_cannot_be_activated(client):
    plan_id = new_plan(client)
    with pytest.raises(NotAvailable):
        client.plans.activate(client.user("tom.declercq"), client.seveso_case_id(), plan_id)
    with pytest.raises(AccessDenied, match="agent or a coordinator"):
        client.plans.activate(client.user("wim.verhaegen"), client.seveso_case_id(), plan_id)


def test_plans_are_found_by_the_area_their_key_anchor_lies_in(client):
    tom = client.user("tom.declercq")
    here = org_id(client, "Gemeente Scheldemonde")
    assert titles(client, "tom.declercq", area_of=here) == [
        "ANIP Scheldemonde", "BNIP Seveso Nordchem Scheldemonde"]
    # Polderkerke only shares a border with Scheldemonde: its plans are not these.
    assert titles(client, "tom.declercq", area_of=org_id(client, "Gemeente Polderkerke")) == []
    assert {a for _i, a in client.plans.areas()} >= {"Gemeente Scheldemonde",
                                                       "Provincie Scheldeland"}
    assert titles(client, "tom.declercq", kind=PlanKind.BNIP, search="nordchem") == [
        "BNIP Seveso Nordchem Scheldemonde"]
    assert tom.username == "tom.declercq"


def test_the_demo_plans_have_their_history_once(client):
    an = client.user("an.peeters")
    anip = next(p for p in client.plans.list_plans(an) if p.title == "ANIP Scheldemonde")
    assert [h.action for h in client.plans.plan(an, anip.id).history] == ["created", "approved"]


def test_documents_are_written_out_in_pieces_and_huge_files_are_refused_unread(client, tmp_path):
    import io

    an = client.user("an.peeters")
    big = PDF + b"%" + b"x" * 2_500_000 + b"\n%%EOF\n"
    plan_id = client.plans.create_plan(an, org_id(client, "Gemeente Scheldemonde"), ANIP,
                                       org_anchor(client, "Gemeentehuis Scheldemonde"),
                                       Upload("groot.pdf", big))
    document = client.plans.plan(an, plan_id).documents[0]
    out = io.BytesIO()
    assert client.plans.document_to(an, document.id, out, chunk=1_000_000) == "groot.pdf"
    assert out.getvalue() == big  # three pieces, the same bytes
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as f:
        f.write(PDF)
        f.truncate(60_000_000)  # sparse: nothing of it is read
    with pytest.raises(ValidationError, match="larger than 50 MB"):
        Upload.read(huge)
