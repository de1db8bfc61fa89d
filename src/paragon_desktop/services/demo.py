"""Fill a database with the demo exercise (services.demo_data plus the files in resources/demo)."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

from shapely.geometry import Point, Polygon, mapping, shape
from shapely.ops import unary_union
from sqlalchemy import delete, func, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from paragon_desktop.domain.cases import generate_case_name
from paragon_desktop.domain.enums import CaseAccess, CaseCategory
from paragon_desktop.gis.geometry import bbox_of, to_geojson
from paragon_desktop.gis.layers import read_layer
from paragon_desktop.gis.territory import territorial_shares
from paragon_desktop.i18n import BRUSSELS
from paragon_desktop.services import audit
from paragon_desktop.services import demo_data as data
from paragon_desktop.services.auth import hash_password
from paragon_desktop.services.demo_plans import add_demo_plans
from paragon_desktop.services.layers import store_layer
from paragon_desktop.services.participation import assign_feeds
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.logins import ensure_login_role
from paragon_desktop.storage.models import (
    Acknowledgement,
    Anchor,
    Attachment,
    Case,
    CaseShare,
    CaseUser,
    Contact,
    ContactNotice,
    ContactPersonal,
    Feed,
    LayerVisibility,
    Membership,
    Message,
    Organisation,
    User,
    WorkspaceInfo,
)


class DemoAlreadyPresent(Exception):
    pass


def demo_file(name: str) -> Path:
    return Path(str(resources.files("paragon_desktop") / "resources" / "demo" / name))


def _edge(a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
    """Points from a to b with a gentle bend; the same edge gives the same points both ways, so
    neighbouring municipalities share their border exactly."""
    forward = a <= b
    p, q = (a, b) if forward else (b, a)
    seed = (p[0] * 131 + p[1] * 71 + q[0] * 37 + q[1] * 17) % 1
    steps = 8
    points = []
    for i in range(steps + 1):
        t = i / steps
        x = p[0] + (q[0] - p[0]) * t
        y = p[1] + (q[1] - p[1]) * t
        bend = 0.006 * math.sin(math.pi * t) * math.sin(6 * t + seed * 10)
        # Bend perpendicular to the edge; the outer frame stays straight enough to read.
        dx, dy = q[0] - p[0], q[1] - p[1]
        length = math.hypot(dx, dy) or 1
        points.append((round(x - dy / length * bend, 6), round(y + dx / length * bend, 6)))
    return points if forward else points[::-1]


def municipality_polygons() -> dict[str, Polygon]:
    cols, rows = data.MUNICIPALITY_COLUMNS, data.MUNICIPALITY_ROWS
    result = {}
    for name, col, row in data.MUNICIPALITIES:
        corners = [
            (cols[col], rows[row]),
            (cols[col + 1], rows[row]),
            (cols[col + 1], rows[row + 1]),
            (cols[col], rows[row + 1]),
        ]
        ring: list[tuple[float, float]] = []
        for i in range(4):
            ring.extend(_edge(corners[i], corners[(i + 1) % 4])[:-1])
        result[name] = Polygon(ring)
    return result


def _at(hhmm: str, day: str = data.EXERCISE_DAY) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=BRUSSELS)


def _set_bbox(row: Case | Anchor | Organisation, geometry_json: str) -> None:
    row.min_lon, row.min_lat, row.max_lon, row.max_lat = bbox_of(shape(json.loads(geometry_json)))


def has_demo(db: Database) -> bool:
    with db.sessions() as session:
        return session.get(WorkspaceInfo, "demo") is not None


def demo_accounts() -> list[tuple[str, str]]:
    """The demo's users as the sign-in dialog lists them: user name, and who they are."""
    levels = {"coordinator": "coördinator", "agent": "agent", "read_only": "alleen lezen"}
    return [(username, f"{name}, {organisation}, {levels[level]}")
            for username, name, organisation, level, _label, _roles in data.USERS]


def is_empty(db: Database) -> bool:
    with db.sessions() as session:
        return not session.scalar(select(func.count()).select_from(User))


def build_demo(db: Database) -> None:
    """Write the whole demo exercise in one transaction."""
    if has_demo(db):
        raise DemoAlreadyPresent("This database already holds the demo exercise.")
    with db.sessions.begin() as session:
        _build(session)
        if db.engine.dialect.name == "postgresql":
            # Each demo user can sign in with their own login role (row-level security), with
            # the demo password; roles are per server, so other demo databases share them.
            for user in session.scalars(select(User)):
                ensure_login_role(session, user.username, data.DEMO_PASSWORD, reuse=True)
                user.db_role = user.username
            # The QGIS feature table, for the layers the demo queued (migration 0017).
            session.flush()
            session.execute(sql("SELECT paragon_fill_layer_features()"))


def _build(session: Session) -> None:
    session.add(WorkspaceInfo(key="demo", value="Oefening Nordchem Scheldemonde"))
    orgs: dict[str, Organisation] = {}
    municipalities = municipality_polygons()
    province_area = unary_union(list(municipalities.values()))
    province_json = to_geojson(province_area)

    def add_org(name: str, kind: str, discipline: str | None, area_json: str | None,
                roles: tuple[str, ...]) -> Organisation:
        org = Organisation(name=name, kind=kind, discipline=discipline,
                           jurisdiction_geojson=area_json, crisis_roles="\n".join(roles))
        if area_json:
            _set_bbox(org, area_json)
        session.add(org)
        orgs[name] = org
        return org

    for name, polygon in municipalities.items():
        add_org(name, "municipality", None, to_geojson(polygon), data.MUNICIPAL_ROLES)
    add_org(data.PROVINCE, "province", None, province_json, data.PROVINCIAL_ROLES)
    for name, kind, discipline, area, roles in data.ORGANISATIONS:
        add_org(name, kind, discipline, province_json if area == "province" else None, roles)

    users: dict[str, User] = {}
    for username, display, org_name, level, label, management in data.USERS:
        # A hash (and salt) of each user's own: equal hashes would show who shares a password.
        user = User(username=username, display_name=display,
                    password_hash=hash_password(data.DEMO_PASSWORD),
                    case_access_level=level, coordinator_label=label)
        session.add(user)
        users[username] = user
        session.flush()
        session.add(Membership(user_id=user.id, organisation_id=orgs[org_name].id,
                               management_roles=management))
    session.flush()
    memberships = {u: orgs[o] for u, _, o, *_ in data.USERS}

    seveso = _seveso_case(session, orgs, users, memberships)
    _event_case(session, orgs, users, memberships)
    _closed_case(session, orgs, users)
    _private_case(session, orgs, users, memberships)
    for name, org_name, category, description, kind, coords in data.ORGANISATION_ANCHORS:
        geometry = json.dumps({"type": kind, "coordinates": [coords] if kind == "Polygon" else coords})
        anchor = Anchor(case_id=None, organisation_id=orgs[org_name].id, name=name,
                        category=category, description=description, geometry_geojson=geometry)
        _set_bbox(anchor, geometry)
        session.add(anchor)
    _contacts(session, seveso, users)
    session.flush()
    add_demo_plans(session, orgs, users, seveso, _at("09:20"))


def _contacts(session: Session, seveso: Case, users: dict[str, User]) -> None:
    """The demo's contacts: consent given, one still asked (its mail waits in the list to
    send), one person's own mobile number kept at her wish."""
    keeper = users["pieter.wouters"]
    at = _at("08:00") - timedelta(days=30)
    for scope, kind, name, org, function, phone, email, address in data.CONTACTS:
        asked = name in data.CONTACTS_ASKED
        contact = Contact(case_id=seveso.id if scope == "case" else None, kind=kind, name=name,
                          organisation_name=org, function=function, phone=phone, email=email,
                          address=address, consent_status="requested" if asked else "given",
                          consent_requested_at=at, consent_answered_at=None if asked else at,
                          created_at=at, created_by_id=keeper.id, updated_at=at,
                          updated_by_id=keeper.id)
        session.add(contact)
        session.flush()
        if name in data.CONTACTS_PERSONAL:
            own_phone, own_email, own_address = data.CONTACTS_PERSONAL[name]
            session.add(ContactPersonal(contact_id=contact.id, phone=own_phone, email=own_email,
                                        address=own_address))
        if session.get_bind().dialect.name == "postgresql":
            # The server wrote a change notice for the personal data added to a contact whose
            # consent the demo gives as known: nothing to tell her.
            session.execute(delete(ContactNotice).where(ContactNotice.contact_id == contact.id,
                                                        ContactNotice.kind == "change_notice"))
        elif asked:
            # On PostgreSQL the server writes the consent request itself (migration 0013).
            session.add(ContactNotice(contact_id=contact.id, kind="consent_request",
                                      recipient=email, language="nl", created_at=at,
                                      created_by_id=keeper.id))


def _new_case(
    session: Session, orgs: dict[str, Organisation], creator: User, org_name: str, *,
    case_type: str, location_name: str, location: dict, when: datetime, suffix: str = "",
    access: CaseAccess = CaseAccess.PUBLIC, description: str = "", phase: str | None = None,
    astrid: str | None = None, status: str = "open",
) -> Case:
    location_json = json.dumps(location)
    case = Case(
        name=generate_case_name(CaseCategory.EXERCISE, case_type, location_name, suffix),
        name_suffix=suffix, category=CaseCategory.EXERCISE.value, access=access.value,
        case_type=case_type, location_name=location_name, location_geojson=location_json,
        occurred_at=when, phase=phase, astrid_block=astrid, description=description,
        status=status, created_by_id=creator.id, organisation_id=orgs[org_name].id,
        created_at=when, closed_at=when + timedelta(hours=5) if status == "closed" else None,
    )
    _set_bbox(case, location_json)
    session.add(case)
    session.flush()
    if access is CaseAccess.PUBLIC:
        areas = {o.id: ((o.kind, o.discipline or ""), shape(json.loads(o.jurisdiction_geojson)))
                 for o in orgs.values() if o.jurisdiction_geojson}
        for org_id, reason in territorial_shares(shape(location), areas).items():
            session.add(CaseShare(case_id=case.id, organisation_id=org_id, reason=reason.value))
    audit.record(session, "case.started", user_id=creator.id, case_id=case.id, name=case.name)
    return case


def _seveso_messages(session: Session, case: Case, feeds: dict[str, Feed],
                     users: dict[str, User], memberships: dict[str, Organisation]) -> None:
    """The exercise's log so far. An answer answers the last question of its feed; the D2
    SITREP carries its report; everyone present has seen the Important messages."""
    questions: dict[str, int] = {}
    for hhmm, feed_name, username, tags, text in data.MESSAGES:
        message = Message(case_id=case.id, feed_id=feeds[feed_name].id,
                          author_id=users[username].id,
                          organisation_id=memberships[username].id,
                          crisis_role=data.PARTICIPANTS[username][0], created_at=_at(hhmm),
                          text=text, tags=tags, answers_id=questions.get(feed_name)
                          if "answer" in tags.split() else None)
        session.add(message)
        session.flush()
        if "question" in tags.split():
            questions[feed_name] = message.id
        if "sitrep" in tags.split():
            report = (text + "\n\nOpgemaakt door " + users[username].display_name + ".\n").encode()
            session.add(Attachment(message_id=message.id, file_name=f"SITREP-{hhmm.replace(':', '')}.txt",
                                   media_type="text/plain", size=len(report), data=report))
        if "important" in tags.split() and feed_name == "Multi":
            for other in data.PARTICIPANTS:
                if other != username:
                    session.add(Acknowledgement(message_id=message.id, user_id=users[other].id,
                                                at=_at(hhmm)))


def _seveso_case(session: Session, orgs: dict[str, Organisation], users: dict[str, User],
                 memberships: dict[str, Organisation]) -> Case:
    case = _new_case(
        session, orgs, users["an.peeters"], "Gemeente Scheldemonde",
        case_type="Lek gevaarlijke stoffen", location_name="Scheldemonde",
        location=mapping(Point(4.2775, 51.2540)), when=_at("09:00"),
        suffix="Nordchem ammoniak", phase="Gemeentelijke fase", astrid="BLOK-SCH-07",
        description="Oefening: ammoniaklek op tankpark 3 van Nordchem Scheldemonde NV.",
    )
    # The company is an expert partner: invited by hand, not by territory.
    session.add(CaseShare(case_id=case.id, organisation_id=orgs["Nordchem Scheldemonde NV"].id,
                          reason="invited"))
    feeds = {}
    for position, (name, kind, discipline, cell, roles) in enumerate(data.FEEDS):
        feeds[name] = Feed(case_id=case.id, name=name, kind=kind, position=position,
                           discipline=discipline, cell=cell, roles="\n".join(roles))
        session.add(feeds[name])
    session.flush()
    for username, (role, cell) in data.PARTICIPANTS.items():
        user = users[username]
        org = memberships[username]
        session.add(CaseUser(case_id=case.id, user_id=user.id, invited=username == "marc.nordchem",
                             participating=True, organisation_id=org.id,
                             crisis_role=role, crisis_cell=cell, entered_at=_at("09:00")))
        # The same rule as opening the case in the app: the role decides the specific feeds.
        assign_feeds(session, case.id, user.id, org.discipline, role, cell)
        audit.record(session, "case.opened", user_id=user.id, case_id=case.id, crisis_role=role)
    _seveso_messages(session, case, feeds, users, memberships)
    for name, category, description, kind, coords in data.ANCHORS:
        geometry = json.dumps({"type": kind, "coordinates": [coords] if kind == "Polygon" else coords})
        anchor = Anchor(case_id=case.id, name=name, category=category, description=description,
                        geometry_geojson=geometry)
        _set_bbox(anchor, geometry)
        session.add(anchor)
    for name, _col, _row in data.MUNICIPALITIES[:3]:
        org = orgs[name]
        anchor = Anchor(case_id=case.id, organisation_id=org.id,
                        name=f"Grens {name.removeprefix('Gemeente ')}", category="border",
                        description=f"Grondgebied van {name}.",
                        geometry_geojson=org.jurisdiction_geojson or "")
        _set_bbox(anchor, anchor.geometry_geojson)
        session.add(anchor)
    session.flush()
    for file_name, layer_name, description, owner, feed_names, colour in data.LAYERS:
        path = demo_file(file_name)
        layer_id = store_layer(
            session, case_id=case.id, owner_id=users[owner].id, name=layer_name,
            read=read_layer(path), source_name=path.name, description=description,
            feed_ids=[feeds[f].id for f in feed_names],
            style={"color": colour} if colour else None,
        ).id
        # The demo users have ticked the shared layers they work with.
        for username in data.PARTICIPANTS:
            session.add(LayerVisibility(layer_id=layer_id, user_id=users[username].id,
                                        visible=True))
    return case


def _event_case(session: Session, orgs: dict[str, Organisation], users: dict[str, User],
                memberships: dict[str, Organisation]) -> None:
    case = _new_case(
        session, orgs, users["els.vandamme"], "Provincie Scheldeland",
        case_type="Evenement", location_name="Polderkerke",
        location=mapping(Point(4.2790, 51.1700)), when=_at("14:00", "2026-11-28"),
        suffix="Winterfeesten", description="Oefening: voorbereiding Winterfeesten Polderkerke.",
    )
    multi = Feed(case_id=case.id, name="Multi", kind="multi", position=0)
    session.add(multi)
    session.flush()
    for username, role in (("els.vandamme", "Provinciaal noodplanningscoördinator"),
                           ("an.peeters", "observer")):
        session.add(CaseUser(case_id=case.id, user_id=users[username].id, participating=True,
                             organisation_id=memberships[username].id, crisis_role=role))
    session.add(Message(case_id=case.id, feed_id=multi.id, author_id=users["els.vandamme"].id,
                        organisation_id=memberships["els.vandamme"].id,
                        crisis_role="Provinciaal noodplanningscoördinator",
                        created_at=_at("10:00", "2026-11-20"), tags="",
                        text="Veiligheidsoverleg Winterfeesten op 24/11 om 14:00."))
    geometry = json.dumps({"type": "Point", "coordinates": [4.2790, 51.1700]})
    anchor = Anchor(case_id=case.id, name="Marktplein Polderkerke", category="other",
                    description="Hoofdpodium.", geometry_geojson=geometry)
    _set_bbox(anchor, geometry)
    session.add(anchor)


def _closed_case(session: Session, orgs: dict[str, Organisation], users: dict[str, User]) -> None:
    case = _new_case(
        session, orgs, users["an.peeters"], "Gemeente Scheldemonde",
        case_type="Overstroming", location_name="Waasbroek",
        location=mapping(Point(4.1900, 51.1750)), when=_at("08:00", "2026-03-12"),
        suffix="Voorjaarsoefening", status="closed",
    )
    session.add(Feed(case_id=case.id, name="Multi", kind="multi", position=0))


def _private_case(session: Session, orgs: dict[str, Organisation], users: dict[str, User],
                  memberships: dict[str, Organisation]) -> None:
    case = _new_case(
        session, orgs, users["lotte.maes"], "Politiezone Scheldemonde-Polderkerke",
        case_type="Openbare orde", location_name="Kalloo", access=CaseAccess.PRIVATE,
        location=mapping(Point(4.3600, 51.2500)), when=_at("20:00", "2026-11-21"),
        suffix="Besloten politieoefening",
    )
    session.add(Feed(case_id=case.id, name="Multi", kind="multi", position=0))
    session.add(CaseUser(case_id=case.id, user_id=users["lotte.maes"].id, invited=True,
                         participating=True, organisation_id=memberships["lotte.maes"].id,
                         crisis_role="Dir-Pol"))
