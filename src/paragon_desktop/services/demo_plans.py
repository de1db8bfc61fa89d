"""The demo's emergency plans (issue 19): an ANIP of Scheldemonde on its borders, a BNIP Seveso
on the Nordchem contour (approved, activated in the Nordchem case), and Nordchem's internal
plan as a draft. Their documents are small PDFs written here (text only, nothing to license)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from paragon_desktop.domain.plans import PlanKind, PlanName, plan_title
from paragon_desktop.storage.models import (
    Anchor,
    Case,
    CasePlan,
    Contact,
    EmergencyPlan,
    Organisation,
    PlanDocument,
    PlanElement,
    PlanHistory,
    User,
)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def simple_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF with a title and lines of text (Helvetica, Latin-1)."""
    body = ["BT", "/F1 16 Tf", "56 780 Td", f"({_escape(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        body += ["0 -18 Td", f"({_escape(line)}) Tj"]
    body.append("ET")
    stream = "\n".join(body).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
            .encode())
    return out


def _document(plan: EmergencyPlan, kind: str, filename: str, data: bytes, at: datetime,
              by: User) -> PlanDocument:
    return PlanDocument(plan_id=plan.id, kind=kind, filename=filename, size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_at=at,
                        uploaded_by_id=by.id)


def add_demo_plans(session: Session, orgs: dict[str, Organisation], users: dict[str, User],
                   seveso: Case, at: datetime) -> None:
    municipality = orgs["Gemeente Scheldemonde"]
    an, marc = users["an.peeters"], users["marc.nordchem"]
    border = Anchor(case_id=None, organisation_id=municipality.id, name="Grens Scheldemonde",
                    category="border", description="Gemeentegrenzen (sleutelanker van het ANIP).",
                    geometry_geojson=municipality.jurisdiction_geojson or "")
    border.min_lon, border.min_lat = municipality.min_lon, municipality.min_lat
    border.max_lon, border.max_lat = municipality.max_lon, municipality.max_lat
    session.add(border)
    session.flush()

    def anchor(name: str) -> Anchor:
        return session.scalars(select(Anchor).where(Anchor.name == name,
                                                    Anchor.case_id.is_(None))).one()

    def contact(name: str) -> Contact:
        return session.scalars(select(Contact).where(Contact.name == name,
                                                     Contact.case_id.is_(None))).one()

    def plan(name: PlanName, organisation: Organisation, key: Anchor, by: User, when: datetime,
             *, approved: bool, elements: list[tuple[str, int, str]]) -> EmergencyPlan:
        title = plan_title(name)
        data = {k: v for k, v in name.__dict__.items() if v} | {"kind": name.kind.value}
        row = EmergencyPlan(
            title=title, organisation_id=organisation.id, key_anchor_id=key.id,
            status="approved" if approved else "draft", updated_at=when, updated_by_id=by.id,
            kind=name.kind.value, name_json=json.dumps(data, ensure_ascii=False, sort_keys=True),
            created_at=when, created_by_id=by.id, content_version=1, changed_at=when,
            small_change=False, approved_at=when + timedelta(days=30) if approved else None,
            approved_by_id=by.id if approved else None)
        session.add(row)
        session.flush()
        lines = [f"Verantwoordelijke organisatie: {organisation.name}",
                 f"Sleutelanker: {key.name}", "", "Demonstratieplan van Paragon Desktop:",
                 "fictieve gegevens voor oefening en opleiding."]
        session.add(_document(row, "plan", f"{title}.pdf", simple_pdf(title, lines), when, by))
        if session.get_bind().dialect.name != "postgresql":  # there the server writes it
            session.add(PlanHistory(plan_id=row.id, at=when, user_id=by.id, action="created",
                                    detail=title))
        if approved:
            letter = simple_pdf(f"Goedkeuring {title}", [
                "De gouverneur keurt het plan goed.", "(Demonstratiebrief.)"])
            session.add(_document(row, "letter", "goedkeuringsbrief.pdf", letter,
                                  when + timedelta(days=30), by))
            session.add(PlanHistory(plan_id=row.id, at=when + timedelta(days=30), user_id=by.id,
                                    action="approved", detail=title))
        for kind, ref_id, label in elements:
            session.add(PlanElement(plan_id=row.id, kind=kind, ref_id=ref_id, label=label,
                                    added_at=when, added_by_id=by.id))
        return row

    reception, town_hall = anchor("Sporthal De Polder"), anchor("Gemeentehuis Scheldemonde")
    fire = orgs["Brandweerzone Waasland"]
    anip = plan(PlanName(PlanKind.ANIP, area="Scheldemonde"), municipality, border, an,
                at - timedelta(days=400), approved=True, elements=[
                    ("anchor", town_hall.id, town_hall.name),
                    ("anchor", reception.id, reception.name),
                    ("organisation", fire.id, fire.name)])
    assert anip.id
    safety = contact("Nordchem Scheldemonde NV - veiligheidsdienst")
    bnip = plan(PlanName(PlanKind.BNIP, risk_type="Seveso", area="Nordchem Scheldemonde"),
                municipality, anchor("Nordchem Scheldemonde NV - bedrijfscontour"), an,
                at - timedelta(days=200), approved=True, elements=[
                    ("anchor", reception.id, reception.name),
                    ("contact", safety.id, f"{safety.name} ({safety.organisation_name})"),
                    ("organisation", orgs["Nordchem Scheldemonde NV"].id,
                     "Nordchem Scheldemonde NV")])
    plan(PlanName(PlanKind.INTERNAL, organisation="Nordchem", municipality="Scheldemonde"),
         orgs["Nordchem Scheldemonde NV"], anchor("Nordchem Scheldemonde NV - bedrijfscontour"),
         marc, at - timedelta(days=20), approved=False, elements=[])
    # The BNIP is active in the Nordchem case (its contour and contacts are already there).
    session.add(CasePlan(case_id=seveso.id, title=bnip.title, active=True, activated_at=at,
                         plan_id=bnip.id, plan_version_at=bnip.changed_at,
                         activated_by_id=an.id))
