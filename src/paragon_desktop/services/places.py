"""Where a case is and who is competent there: the jurisdiction index, territorial sharing, and
the look-ups the case form needs (place names, territories, anchors, the user directory).

Territorial sharing is answered by PostGIS on PostgreSQL and by shapely/GEOS on SQLite with the
same predicates (DOMAIN.md, Cases: competent authorities and neighbours).
"""

from __future__ import annotations

import json
import threading
from typing import Any

from shapely.geometry import shape
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from paragon_desktop.domain.anchors import LABELS, AnchorCategory, category_of
from paragon_desktop.domain.enums import OrganisationKind, ShareReason
from paragon_desktop.gis.territory import Jurisdiction, JurisdictionIndex
from paragon_desktop.services.access import visible_case_ids
from paragon_desktop.services.postgis import postgis_territorial_shares
from paragon_desktop.services.views import DirectoryEntry, PlaceChoice, ShareView, UserView
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import Anchor, Membership, Organisation, User

_PLACE_PREFIXES = ("Gemeente ", "Stad ", "Provincie ")
# Authorities whose territory can be a case's location, widest first.
TERRITORY_KINDS = tuple(k.value for k in (
    OrganisationKind.COUNTRY, OrganisationKind.REGION, OrganisationKind.PROVINCE,
    OrganisationKind.ZONE, OrganisationKind.MUNICIPALITY))


class PlaceService:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._index_lock = threading.Lock()
        self._index: tuple[tuple[int, int], JurisdictionIndex, dict[int, Organisation]] | None = None

    # -- territorial sharing ------------------------------------------------------------------
    def territorial_shares(self, session: Session, location: dict[str, Any],
                           territory_of: int | None = None) -> dict[int, ShareReason]:
        """PostGIS answers on PostgreSQL, shapely/GEOS on SQLite: the same predicates.

        ``territory_of``: the organisation whose territory is the location. A case placed on
        the whole country is shared with the country's own authority only (every jurisdiction
        lies in it; the others are invited, as a case escalated to a higher level adds nobody).
        """
        if territory_of is not None:
            organisation = session.get(Organisation, territory_of)
            if organisation is not None and organisation.kind == OrganisationKind.COUNTRY.value:
                return {organisation.id: ShareReason.COMPETENT}
        if session.get_bind().dialect.name == "postgresql":
            return postgis_territorial_shares(session, location)
        return self._jurisdictions(session)[0].shares(shape(location))

    def _jurisdictions(self, session: Session) -> tuple[JurisdictionIndex, dict[int, Organisation]]:
        """The shapely index of all jurisdictions, rebuilt only when organisations changed."""
        count, revision = session.execute(
            select(func.count(Organisation.id), func.coalesce(func.max(Organisation.revision), 0))
            .where(Organisation.jurisdiction_geojson.is_not(None))
        ).one()
        key = (int(count), int(revision))
        with self._index_lock:
            if self._index is None or self._index[0] != key:
                orgs = list(session.scalars(
                    select(Organisation).where(Organisation.jurisdiction_geojson.is_not(None))))
                for org in orgs:
                    session.expunge(org)
                index = JurisdictionIndex([
                    Jurisdiction(o.id, (o.kind, o.discipline or ""),
                                 shape(json.loads(o.jurisdiction_geojson or "null")))
                    for o in orgs
                ])
                self._index = (key, index, {o.id: o for o in orgs})
            return self._index[1], self._index[2]

    def warm_up(self) -> None:
        """Build the jurisdiction index ahead of the first case start (about 0.4 s for 600
        municipalities); call it off the GUI thread."""
        with self._db.sessions() as session:
            self._jurisdictions(session)

    def preview_shares(self, location: dict[str, Any],
                       territory_of: int | None = None) -> list[ShareView]:
        """Who a public case at ``location`` would be shared with, for the form."""
        with self._db.sessions() as session:
            shares = self.territorial_shares(session, location, territory_of)
            return share_views(session, shares)

    def place_name(self, geometry: dict[str, Any]) -> str:
        """A location name for a picked point or area: the municipalities it lies in."""
        with self._db.sessions() as session:
            index, orgs = self._jurisdictions(session)
            competent = index.shares(shape(geometry))
        names = [orgs[i].name for i, why in competent.items() if why is ShareReason.COMPETENT]
        by_kind = {
            kind: sorted(_short(orgs[i].name) for i, why in competent.items()
                         if why is ShareReason.COMPETENT and orgs[i].kind == kind)
            for kind in (OrganisationKind.MUNICIPALITY.value, OrganisationKind.PROVINCE.value)
        }
        municipalities = by_kind[OrganisationKind.MUNICIPALITY.value]
        if 1 <= len(municipalities) <= 3:
            return " / ".join(municipalities)
        if by_kind[OrganisationKind.PROVINCE.value]:
            return " / ".join(by_kind[OrganisationKind.PROVINCE.value])
        return _short(names[0]) if names else ""

    # -- choices for the form -----------------------------------------------------------------
    def territories(self) -> list[PlaceChoice]:
        """Authorities whose territory can be the location of a case without one place."""
        with self._db.sessions() as session:
            choices = [
                PlaceChoice(o.id, o.name, o.kind, json.loads(o.jurisdiction_geojson or "null"))
                for o in session.scalars(
                    select(Organisation)
                    .where(Organisation.jurisdiction_geojson.is_not(None),
                           Organisation.kind.in_(TERRITORY_KINDS))
                )
            ]
            return sorted(choices, key=lambda c: (TERRITORY_KINDS.index(c.detail), c.name))

    def search_anchors(self, user: UserView, text: str, limit: int = 30) -> list[PlaceChoice]:
        """Anchors a case location can be taken from: organisations' own anchors, and anchors
        of cases the user may see. Matched on name or category, case-insensitive."""
        needle = " ".join(text.split())
        with self._db.sessions() as session:
            cases = visible_case_ids(session, user.id)
            query = (
                select(Anchor, Organisation.name)
                .outerjoin(Organisation, Organisation.id == Anchor.organisation_id)
                .where(or_(Anchor.case_id.is_(None), Anchor.case_id.in_(cases)))
                .order_by(Anchor.case_id.is_not(None), Anchor.name)
            )
            if needle:
                # Matched by the database (ILIKE; on SQLite case-insensitive for ASCII letters).
                pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                # A category is found by its name in the user's language (or in Dutch).
                folded = needle.casefold()
                categories = [c.value for c in AnchorCategory
                              if folded in c.label.casefold() or folded in LABELS[c].casefold()]
                query = query.where(or_(Anchor.name.ilike(pattern, escape="\\"),
                                        Anchor.category.in_(categories)))
            result: list[PlaceChoice] = []
            seen: set[str] = set()
            for anchor, org in session.execute(query):
                if anchor.name in seen:  # the same place copied into several cases
                    continue
                seen.add(anchor.name)
                detail = " · ".join(p for p in (category_of(anchor.category).label, org or "") if p)
                result.append(PlaceChoice(anchor.id, anchor.name, detail,
                                          json.loads(anchor.geometry_geojson)))
                if len(result) >= limit:
                    break
            return result

    def directory(self) -> tuple[list[DirectoryEntry], list[DirectoryEntry]]:
        """Active users and all organisations, for inviting."""
        with self._db.sessions() as session:
            orgs_of = organisations_by_user(session)
            users = [
                DirectoryEntry(u.id, u.display_name, orgs_of.get(u.id, ""))
                for u in session.scalars(
                    select(User).where(User.active.is_(True)).order_by(User.display_name))
            ]
            organisations = [
                DirectoryEntry(o.id, o.name, o.kind)
                for o in session.scalars(select(Organisation).order_by(Organisation.name))
            ]
            return users, organisations


def share_views(session: Session, shares: dict[int, ShareReason]) -> list[ShareView]:
    """The organisations of ``shares`` by reason (competent, neighbour, invited), then name."""
    order = {ShareReason.COMPETENT: 0, ShareReason.NEIGHBOUR: 1, ShareReason.INVITED: 2,
             ShareReason.PLAN: 3}
    orgs = {o.id: o for o in session.scalars(
        select(Organisation).where(Organisation.id.in_(shares)))}
    views = [ShareView(i, orgs[i].name, orgs[i].kind, r.value) for i, r in shares.items()]
    return sorted(views, key=lambda v: (order[ShareReason(v.reason)], v.organisation))


def organisations_by_user(session: Session) -> dict[int, str]:
    """Each user's organisations, as the lists show them ("A, B")."""
    names: dict[int, list[str]] = {}
    for user_id, org in session.execute(
        select(Membership.user_id, Organisation.name)
        .join(Organisation, Organisation.id == Membership.organisation_id)
    ):
        names.setdefault(user_id, []).append(org)
    return {user_id: ", ".join(sorted(orgs)) for user_id, orgs in names.items()}


def _short(name: str) -> str:
    for prefix in _PLACE_PREFIXES:
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name
