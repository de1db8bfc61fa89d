"""Organisation anchors (key anchors, ``case_id`` NULL): kept by the organisation's emergency-plan
managers and admins, within its jurisdiction; a case takes a copy of one (DOMAIN.md, Anchors;
the shared server checks the same, migration 0010)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from paragon_desktop.domain.anchors import (
    JURISDICTION_TOLERANCE_M,
    AnchorCategory,
    AnchorDraft,
    can_keep_org_anchors,
    category_of,
    validate_anchor,
)
from paragon_desktop.domain.errors import AccessDenied, NotAvailable, ValidationError
from paragon_desktop.gis.crs import LAMBERT2008, WGS84, transformer
from paragon_desktop.gis.geometry import anchor_shape, bbox_of
from paragon_desktop.services.cases import anchor_view
from paragon_desktop.services.editing import EditingService
from paragon_desktop.services.views import AnchorView, UserView
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import Anchor, Membership, Organisation
from paragon_desktop.storage.revisions import remove


def _metres(geometry: BaseGeometry) -> BaseGeometry:
    """In Lambert 2008 (metres), for distances in Belgium."""
    to_metres = transformer(WGS84, LAMBERT2008)

    def project(xy: np.ndarray) -> np.ndarray:
        x, y = to_metres.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, project)


def metres_outside(anchor: BaseGeometry, area: BaseGeometry) -> float:
    """How far the anchor reaches beyond the area (0 when it lies within it)."""
    inside = _metres(area)
    return max((inside.distance(shapely.Point(c)) for c in
                shapely.get_coordinates(_metres(anchor))), default=0.0)


class OrganisationAnchorService:
    def __init__(self, db: Database, editing: EditingService) -> None:
        self._db = db
        self._editing = editing

    def _organisation(self, session: Session, user: UserView, organisation_id: int) -> Organisation:
        roles = session.scalars(select(Membership.management_roles).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation_id)).first()
        organisation = session.get(Organisation, organisation_id)
        if organisation is None or roles is None or not can_keep_org_anchors(roles):
            raise AccessDenied("Only an emergency-plan manager or an admin of the organisation "
                               "keeps its anchors.")
        return organisation

    @staticmethod
    def _within(organisation: Organisation, name: str, found: BaseGeometry) -> None:
        if not organisation.jurisdiction_geojson:
            return  # a company or a service: anywhere in Belgium's area (anchor_shape)
        area = shape(json.loads(organisation.jurisdiction_geojson))
        outside = metres_outside(found, area)
        if outside > JURISDICTION_TOLERANCE_M:
            raise ValidationError(
                "“{name}” lies up to {distance:,.0f} m outside the jurisdiction of "
                "{organisation}; an organisation's anchor lies within its own area.",
                name=name, distance=outside, organisation=organisation.name,
                fields=("geometry",))

    def anchors_of(self, user: UserView, organisation_id: int) -> list[AnchorView]:
        with self._db.sessions() as session:
            rows = session.scalars(select(Anchor).where(
                Anchor.case_id.is_(None), Anchor.organisation_id == organisation_id)
                .order_by(Anchor.name))
            return [anchor_view(a) for a in rows]

    def kept_organisations(self, user: UserView) -> list[tuple[int, str]]:
        """The organisations whose own anchors this user keeps (plan manager or admin there)."""
        with self._db.sessions() as session:
            rows = session.execute(
                select(Organisation.id, Organisation.name, Membership.management_roles)
                .join(Membership, Membership.organisation_id == Organisation.id)
                .where(Membership.user_id == user.id).order_by(Organisation.name))
            return [(org_id, name) for org_id, name, roles in rows if can_keep_org_anchors(roles)]

    def all_anchors(self, user: UserView) -> list[tuple[AnchorView, int | None, str]]:
        """Every organisation's own anchors (readable by everyone), with the organisation."""
        with self._db.sessions() as session:
            rows = session.execute(
                select(Anchor, Organisation.name)
                .outerjoin(Organisation, Organisation.id == Anchor.organisation_id)
                .where(Anchor.case_id.is_(None)).order_by(Organisation.name, Anchor.name))
            return [(anchor_view(a), a.organisation_id, org or "") for a, org in rows]

    def add(self, user: UserView, organisation_id: int, name: str, geometry: dict[str, Any], *,
            category: AnchorCategory = AnchorCategory.OTHER, description: str = "") -> int:
        draft = validate_anchor(AnchorDraft(name, category, description))
        found = anchor_shape(geometry)
        with self._db.sessions.begin() as session:
            organisation = self._organisation(session, user, organisation_id)
            self._within(organisation, draft.name, found)
            anchor = Anchor(case_id=None, organisation_id=organisation_id, name=draft.name,
                            category=draft.category.value, description=draft.description,
                            geometry_geojson=json.dumps(geometry, separators=(",", ":")))
            anchor.min_lon, anchor.min_lat, anchor.max_lon, anchor.max_lat = bbox_of(found)
            session.add(anchor)
            session.flush()
            return anchor.id

    def move(self, user: UserView, anchor_id: int, geometry: dict[str, Any]) -> None:
        found = anchor_shape(geometry)
        with self._db.sessions.begin() as session:
            anchor = self._kept(session, user, anchor_id)
            organisation = self._organisation(session, user, anchor.organisation_id or 0)
            self._within(organisation, anchor.name, found)
            anchor.geometry_geojson = json.dumps(geometry, separators=(",", ":"))
            anchor.min_lon, anchor.min_lat, anchor.max_lon, anchor.max_lat = bbox_of(found)

    def remove(self, user: UserView, anchor_id: int) -> None:
        with self._db.sessions.begin() as session:
            anchor = self._kept(session, user, anchor_id)
            self._organisation(session, user, anchor.organisation_id or 0)
            remove(session, anchor)

    @staticmethod
    def _kept(session: Session, user: UserView, anchor_id: int) -> Anchor:
        anchor = session.get(Anchor, anchor_id)
        if anchor is None or anchor.case_id is not None:
            raise NotAvailable("This anchor no longer exists, or is not yours to see.")
        return anchor

    def copy_to_case(self, user: UserView, anchor_id: int, case_id: int,
                     op_id: str | None = None) -> int:
        """A case takes a copy of an organisation's anchor: later changes of the original do
        not change the copy (DOMAIN.md, plans: loaded items are copies)."""
        with self._db.sessions() as session:
            source = self._kept(session, user, anchor_id)
            organisation = session.get(Organisation, source.organisation_id) \
                if source.organisation_id else None
            name, category = source.name, category_of(source.category)
            description = source.description or (organisation.name if organisation else "")
            geometry = json.loads(source.geometry_geojson)
        return self._editing.add_anchor(user, case_id, name, geometry, category=category,
                                        description=description, op_id=op_id)
